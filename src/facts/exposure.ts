import { isFactError, notCollected } from '../model/errors.js';
import { t } from '../model/schema.js';
import type { Deriver } from '../collectors/types.js';
import type { NetworkFacts, NetworkListener } from '../collectors/network.js';
import { classifyAddress, normaliseIp } from '../geo/address.js';

export interface ExposedListener {
  proto: 'tcp' | 'udp';
  address: string;
  port: number;
  process: string | null;
  bind: NetworkListener['bind'];
  /** Reachable from the Internet: bound to a public address, or to a wildcard on a host that has one
   * (on a NIC, or a declared NAT/EIP address, which forwards to the host's private address). */
  public: boolean;
  /** Port allowed for the host's roles by ALLOWED_PORTS. */
  allowed: boolean;
  /** mysql, redis, … when the port or process is a known datastore. */
  datastore: string | null;
  /** "tcp 0.0.0.0:3306 (mysqld)", for evidence. */
  label: string;
}

export interface ExposureFacts {
  interface_public_addresses: string[];
  declared_public_addresses: string[];
  has_public_address: boolean;
  allowed_ports: string[]; // "80/tcp", "68/udp"
  listeners: ExposedListener[];
  public_listeners: ExposedListener[];
}

// Process names that identify a datastore on a non-standard port.
const DATASTORE_PROCESSES: Record<string, string> = {
  mysqld: 'mysql',
  mariadbd: 'mysql',
  postgres: 'postgresql',
  postmaster: 'postgresql',
  'redis-server': 'redis',
  mongod: 'mongodb',
  memcached: 'memcached',
};

/** ALLOWED_PORTS entries: 443 or "443" or "443/tcp" (tcp), "68/udp". */
export function normalisePortSpec(v: unknown): string | null {
  const m = /^(\d{1,5})(?:\/(tcp|udp))?$/.exec(String(v).trim().toLowerCase());
  return m ? `${Number(m[1])}/${m[2] ?? 'tcp'}` : null;
}

/** Union of ALLOWED_PORTS.default and the entries of every role the host has. */
export function allowedPortsFor(roles: string[], allowed: unknown): string[] {
  const table = (allowed && typeof allowed === 'object' ? allowed : {}) as Record<string, unknown>;
  const lists = ['default', ...roles].map((r) => table[r]).filter(Array.isArray) as unknown[][];
  return [...new Set(lists.flat().map(normalisePortSpec).filter((x): x is string => x !== null))].sort();
}

export const exposureDeriver: Deriver<ExposureFacts | { error: unknown }> = {
  id: 'exposure',
  description: 'Which listeners are reachable from the Internet, whether their ports are allowed for the host roles (ALLOWED_PORTS), and which are datastores (DATASTORE_PORTS)',
  schema: (() => {
    const listener = t.obj({
      proto: t.enum('tcp', 'udp'),
      address: t.str,
      port: t.num,
      process: t.nullable(t.str),
      bind: t.str,
      public: t.bool,
      allowed: t.bool,
      datastore: t.nullable(t.str),
      label: t.str,
    });
    return t.obj({
      interface_public_addresses: t.arr(t.str),
      declared_public_addresses: t.arr(t.str),
      has_public_address: t.bool,
      allowed_ports: t.arr(t.str),
      listeners: t.arr(listener),
      public_listeners: t.arr(listener),
    });
  })(),
  needs: ['network'],
  derive(facts, env) {
    const net = facts.network as NetworkFacts | undefined;
    if (!net) return notCollected('network');
    if (isFactError(net)) return { error: net.error };
    if (isFactError(net.addresses)) return { error: net.addresses.error };
    if (isFactError(net.listeners)) return { error: net.listeners.error };
    const onNic = [...new Set((net.addresses as Array<{ ip: string; scope: string }>).filter((a) => a.scope === 'global').map((a) => a.ip))];
    const declared = env.host.publicIps.map((ip) => normaliseIp(ip)).filter((ip): ip is string => ip !== null && classifyAddress(ip) === 'global');
    const hasPublic = onNic.length > 0 || declared.length > 0;
    const allowed = allowedPortsFor(env.host.roles, env.variables.ALLOWED_PORTS);
    const dsPorts = datastorePorts(env.variables.DATASTORE_PORTS);
    const listeners = (net.listeners as NetworkListener[]).map((l): ExposedListener => ({
      proto: l.proto,
      address: l.address,
      port: l.port,
      process: l.process,
      bind: l.bind,
      public: l.bind === 'global' || (l.bind === 'unspecified' && hasPublic),
      allowed: allowed.includes(`${l.port}/${l.proto}`),
      datastore: dsPorts.get(l.port) ?? (l.process ? (DATASTORE_PROCESSES[l.process] ?? null) : null),
      label: `${l.proto} ${l.address.includes(':') ? `[${l.address}]` : l.address}:${l.port}${l.process ? ` (${l.process})` : ''}`,
    }));
    // One socket per family (0.0.0.0 and ::) is one exposure as far as a reader is concerned.
    const seen = new Set<string>();
    const publicListeners = listeners.filter((l) => {
      const k = `${l.proto}/${l.port}/${l.bind}/${l.process}`;
      if (!l.public || seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    return {
      interface_public_addresses: onNic,
      declared_public_addresses: declared,
      has_public_address: hasPublic,
      allowed_ports: allowed,
      listeners,
      public_listeners: publicListeners,
    };
  },
};

function datastorePorts(v: unknown): Map<number, string> {
  const m = new Map<number, string>();
  if (v && typeof v === 'object') {
    for (const [name, ports] of Object.entries(v as Record<string, unknown>)) {
      if (Array.isArray(ports)) for (const p of ports) if (Number.isInteger(Number(p))) m.set(Number(p), name);
    }
  }
  return m;
}
