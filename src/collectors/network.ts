import { CollectError } from '../model/errors.js';
import { t } from '../model/schema.js';
import { parseIpAddr, type InterfaceAddress } from '../parsers/ip-addr.js';
import { parseSs, type Listener } from '../parsers/ss.js';
import type { Collector } from './types.js';

export interface NetworkListener extends Listener {
  /** Bound to a wildcard or a public (global unicast) address. Reachability from the Internet also
   * depends on the host having a public address: see the `exposure` deriver. */
  public: boolean;
}

export interface NetworkFacts {
  addresses: InterfaceAddress[] | { error: { code: string; message: string } };
  listeners: NetworkListener[] | { error: { code: string; message: string } };
  /** Global unicast addresses configured on interfaces. */
  public_addresses: string[] | { error: { code: string; message: string } };
}

const scope = t.enum('global', 'private', 'loopback', 'link_local', 'cgnat', 'ula', 'multicast', 'reserved', 'unspecified');

export const networkSchema = t.obj({
  addresses: t.arr(t.obj({ ip: t.str, prefix: t.num, iface: t.str, family: t.enum('inet', 'inet6'), scope })),
  listeners: t.arr(
    t.obj({ proto: t.enum('tcp', 'udp'), address: t.str, port: t.num, process: t.nullable(t.str), pid: t.nullable(t.num), bind: scope, public: t.bool }),
  ),
  public_addresses: t.arr(t.str),
});

export const network: Collector<NetworkFacts> = {
  id: 'network',
  description: 'Interface addresses (ip -o addr) and listening TCP/UDP sockets with their processes (ss -ltunp)',
  schema: networkSchema,
  requests: [
    { kind: 'cmd', name: 'network-ip-addr', script: 'ip -o addr show' },
    // No -H: CentOS 7's ss predates it; the parser skips the header instead.
    { kind: 'cmd', name: 'network-ss', script: 'ss -ltunp' },
  ],
  parse(out) {
    const ip = out.cmd('network-ip-addr');
    const ss = out.cmd('network-ss');
    if (ip.exitCode !== 0 && ss.exitCode !== 0) {
      throw new CollectError(ip.exitCode === 127 ? 'not_found' : 'command_failed', `ip: ${firstLine(ip.stderr, ip.exitCode)}; ss: ${firstLine(ss.stderr, ss.exitCode)}`);
    }
    const addresses = ip.exitCode === 0 ? parseIpAddr(ip.stdout) : { error: { code: ip.exitCode === 127 ? 'not_found' : 'command_failed', message: `ip -o addr show: ${firstLine(ip.stderr, ip.exitCode)}` } };
    const listeners =
      ss.exitCode === 0
        ? parseSs(ss.stdout).map((l) => ({ ...l, public: l.bind === 'unspecified' || l.bind === 'global' }))
        : { error: { code: ss.exitCode === 127 ? 'not_found' : 'command_failed', message: `ss -ltunp: ${firstLine(ss.stderr, ss.exitCode)}` } };
    return {
      addresses,
      listeners,
      public_addresses: Array.isArray(addresses) ? [...new Set(addresses.filter((a) => a.scope === 'global').map((a) => a.ip))] : addresses,
    };
  },
};

function firstLine(stderr: string, rc: number): string {
  return (stderr.trim().split(/\r?\n/)[0] || `exit ${rc}`) + (rc === 127 ? ' (not installed)' : '');
}
