import { isFactError } from '../model/errors.js';
import { t } from '../model/schema.js';
import { classifyAddress, normaliseIp } from '../geo/address.js';
import type { FleetHost as EngineFleetHost } from '../engine/fleet.js';

/**
 * Fleet-level facts for Article 40(五) (front end and back end on separate hosts). Computed over all
 * hosts of an audit, so it cannot be a per-host deriver: a fleet deriver (facts/fleet.ts) hands it to
 * the engine, whose fleet facts root carries it as `fleet.separation`.
 *
 * Two inventory entries are one machine when they share any machine identifier that could be read:
 * the machine ID, the SSH host key, or the DMI product_uuid (two names for one host; hosts behind NAT
 * with private addresses only). Shared public addresses catch one NAT endpoint forwarding to both.
 */
export interface FleetSeparation {
  /** Hosts with the frontend / backend role; null when no host has either (roles not declared). */
  frontends: string[] | null;
  backends: string[] | null;
  /** Hosts that hold both the frontend and the backend role. */
  dual_role_hosts: string[];
  /** Inventory entries that are one machine and play both roles between them, with what matched. */
  same_machines: SameMachine[];
  /** Public addresses shared by a front-end and a back-end host (the same machine or NAT endpoint). */
  shared_addresses: Array<{ address: string; frontends: string[]; backends: string[] }>;
  /** Hosts whose network facts could not be read (their addresses are unknown). */
  unknown_hosts: string[];
  /** Front-end or back-end hosts none of whose machine identifiers could be read. */
  unidentified_hosts: string[];
}

export type IdentifierKind = 'machine_id' | 'ssh_host_key' | 'product_uuid';

export interface SameMachine {
  hosts: string[];
  frontends: string[];
  backends: string[];
  /** which identifier tied which hosts together (digests for machine_id/product_uuid, SHA256:… for keys) */
  matched: Array<{ identifier: IdentifierKind; value: string; hosts: string[] }>;
}

/** Host fact families the separation facts read: a fleet check naming `fleet.separation` needs them collected. */
export const SEPARATION_NEEDS = ['network', 'identity'] as const;

/** Schema of `fleet.separation`, for `gwsec policy lint`'s fleet root. */
export const fleetSeparationSchema = t.obj({
  frontends: t.nullable(t.arr(t.str)),
  backends: t.nullable(t.arr(t.str)),
  dual_role_hosts: t.arr(t.str),
  same_machines: t.arr(
    t.obj({
      hosts: t.arr(t.str),
      frontends: t.arr(t.str),
      backends: t.arr(t.str),
      matched: t.arr(t.obj({ identifier: t.enum('machine_id', 'ssh_host_key', 'product_uuid'), value: t.str, hosts: t.arr(t.str) })),
    }),
  ),
  shared_addresses: t.arr(t.obj({ address: t.str, frontends: t.arr(t.str), backends: t.arr(t.str) })),
  unknown_hosts: t.arr(t.str),
  unidentified_hosts: t.arr(t.str),
});

/** What the separation facts read of a host (engine/fleet.ts's FleetHost; optional here for tests). */
type FleetHost = { name: string } & Partial<Omit<EngineFleetHost, 'name'>>;

type FactError = { error: { code: string; message: string; zh?: string } };

export function fleetSeparation(hosts: FleetHost[]): FleetSeparation | FactError {
  const fe = (h: FleetHost) => h.roles?.includes('frontend') ?? false;
  const be = (h: FleetHost) => h.roles?.includes('backend') ?? false;
  const players = hosts.filter((h) => fe(h) || be(h));
  const dual = players.filter((h) => fe(h) && be(h)).map((h) => h.name).sort();
  const shared = sharedAddresses(players, fe, be);
  const same = sameMachines(players, fe, be);
  const unknown = players.filter((h) => addressesOf(h) === null).map((h) => h.name).sort();
  const unidentified = players.filter((h) => identifiersOf(h).length === 0).map((h) => h.name).sort();
  // Unknown addresses or identities can hide a violation — when the fleet has both roles at all, and
  // no failure is already proven.
  const both = players.some(fe) && players.some(be);
  if (both && shared.length === 0 && dual.length === 0 && same.length === 0) {
    const why = [
      ...(unknown.length ? [{ en: `network addresses unknown for ${unknown.join(', ')}`, zh: `${unknown.join('、')} 的网络地址未知` }] : []),
      ...(unidentified.length
        ? [{ en: `no machine identifier (machine-id, SSH host key, product_uuid) readable for ${unidentified.join(', ')}`, zh: `${unidentified.join('、')} 没有可读取的机器标识（machine-id、SSH 主机密钥、product_uuid）` }]
        : []),
    ];
    if (why.length) return { error: { code: 'not_found', message: why.map((w) => w.en).join('; '), zh: why.map((w) => w.zh).join('；') } };
  }
  return {
    frontends: players.length ? players.filter(fe).map((h) => h.name).sort() : null,
    backends: players.length ? players.filter(be).map((h) => h.name).sort() : null,
    dual_role_hosts: dual,
    same_machines: same,
    shared_addresses: shared,
    unknown_hosts: unknown,
    unidentified_hosts: unidentified,
  };
}

/** Global addresses on the NICs plus declared public IPs; null when the network facts are unknown. */
function addressesOf(h: FleetHost): Set<string> | null {
  const net = h.facts?.network as { addresses?: unknown } | FactError | undefined;
  if (!net || isFactError(net) || !Array.isArray((net as { addresses?: unknown }).addresses)) return null;
  const addrs = new Set<string>();
  for (const a of (net as { addresses: Array<{ ip: string; scope: string }> }).addresses) if (a.scope === 'global') addrs.add(a.ip);
  return addrs;
}

function sharedAddresses(players: FleetHost[], fe: (h: FleetHost) => boolean, be: (h: FleetHost) => boolean): FleetSeparation['shared_addresses'] {
  const owners = new Map<string, { frontends: Set<string>; backends: Set<string> }>();
  for (const h of players) {
    const addrs = new Set(addressesOf(h) ?? []);
    for (const ip of h.public_ips ?? []) {
      const n = normaliseIp(ip);
      if (n && classifyAddress(n) === 'global') addrs.add(n);
    }
    for (const a of addrs) {
      const o = owners.get(a) ?? { frontends: new Set(), backends: new Set() };
      if (fe(h)) o.frontends.add(h.name);
      if (be(h)) o.backends.add(h.name);
      owners.set(a, o);
    }
  }
  return [...owners.entries()]
    .filter(([, o]) => o.frontends.size > 0 && o.backends.size > 0)
    .map(([address, o]) => ({ address, frontends: [...o.frontends].sort(), backends: [...o.backends].sort() }));
}

function identifiersOf(h: FleetHost): Array<{ identifier: IdentifierKind; value: string }> {
  const raw = h.facts?.identity;
  const id = raw && !isFactError(raw) ? (raw as { machine_id?: string | null; product_uuid?: string | null }) : undefined;
  const out: Array<{ identifier: IdentifierKind; value: string }> = [];
  if (id) {
    if (id.machine_id) out.push({ identifier: 'machine_id', value: id.machine_id });
    if (id.product_uuid) out.push({ identifier: 'product_uuid', value: id.product_uuid });
  }
  if (h.host_key) out.push({ identifier: 'ssh_host_key', value: h.host_key });
  return out;
}

/** Union of hosts sharing any identifier; groups that hold both roles between several entries. */
function sameMachines(players: FleetHost[], fe: (h: FleetHost) => boolean, be: (h: FleetHost) => boolean): SameMachine[] {
  const parent = new Map(players.map((h) => [h.name, h.name]));
  const find = (n: string): string => {
    let r = n;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(n, r);
    return r;
  };
  const byId = new Map<string, { identifier: IdentifierKind; value: string; hosts: string[] }>();
  for (const h of players) {
    for (const i of identifiersOf(h)) {
      const key = `${i.identifier}\0${i.value}`;
      const e = byId.get(key) ?? { ...i, hosts: [] };
      if (!e.hosts.includes(h.name)) e.hosts.push(h.name);
      byId.set(key, e);
    }
  }
  for (const e of byId.values()) for (const n of e.hosts.slice(1)) parent.set(find(n), find(e.hosts[0]!));
  const groups = new Map<string, FleetHost[]>();
  for (const h of players) groups.set(find(h.name), [...(groups.get(find(h.name)) ?? []), h]);
  const out: SameMachine[] = [];
  for (const members of groups.values()) {
    if (members.length < 2 || !members.some(fe) || !members.some(be)) continue;
    const names = members.map((h) => h.name).sort();
    out.push({
      hosts: names,
      frontends: members.filter(fe).map((h) => h.name).sort(),
      backends: members.filter(be).map((h) => h.name).sort(),
      matched: [...byId.values()].filter((e) => e.hosts.length > 1 && names.includes(e.hosts[0]!)).map((e) => ({ ...e, hosts: [...e.hosts].sort() })),
    });
  }
  return out.sort((a, b) => a.hosts[0]!.localeCompare(b.hosts[0]!));
}
