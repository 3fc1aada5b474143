import { classifyAddress, normaliseIp, type AddressScope } from '../geo/address.js';

export interface Listener {
  proto: 'tcp' | 'udp';
  address: string; // "0.0.0.0", "::", "*" (old ss: any family), "127.0.0.1", …
  port: number;
  process: string | null; // first process holding the socket (needs root for others' sockets)
  pid: number | null;
  /** Where the socket is bound: unspecified = wildcard (every address on the host). */
  bind: AddressScope;
}

/**
 * `ss -ltunp` (header optional, so both iproute2 ≥ 4.x with -H and CentOS 7's 3.10/4.11 work):
 *   Netid State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
 *   tcp   LISTEN 0      511          0.0.0.0:80        0.0.0.0:*    users:(("nginx",pid=812,fd=6))
 *   udp   UNCONN 0      0      127.0.0.53%lo:53        0.0.0.0:*    users:(("systemd-resolve",pid=612,fd=13))
 *   tcp   LISTEN 0      128          :::22                   :::*    (CentOS 7: bracketless IPv6)
 * With a single protocol (-t) the Netid column is absent; `defaultProto` says which one it was.
 */
export function parseSs(text: string, defaultProto: 'tcp' | 'udp' = 'tcp'): Listener[] {
  const out: Listener[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || /^(Netid|State)\s/.test(line)) continue;
    const f = line.split(/\s+/);
    let proto: 'tcp' | 'udp' = defaultProto;
    if (f[0] === 'tcp' || f[0] === 'udp') proto = f.shift() as 'tcp' | 'udp';
    else if (/^(tcp6?|udp6?|raw|u_\w+|p_\w+|nl|sctp)$/.test(f[0] ?? '')) continue; // other socket kinds
    // f: State Recv-Q Send-Q Local Peer [Process]
    if (f.length < 5 || !/^\d+$/.test(f[1] ?? '')) continue;
    const local = splitHostPort(f[3]!);
    if (!local) continue;
    const proc = /users:\(\("([^"]*)",pid=(\d+)/.exec(line);
    out.push({
      proto,
      address: local.host,
      port: local.port,
      process: proc ? proc[1]! : null,
      pid: proc ? Number(proc[2]) : null,
      bind: local.host === '*' ? 'unspecified' : (classifyAddress(local.host) ?? 'reserved'),
    });
  }
  return out;
}

function splitHostPort(s: string): { host: string; port: number } | null {
  const i = s.lastIndexOf(':');
  if (i <= 0) return null;
  const port = Number(s.slice(i + 1));
  if (!Number.isInteger(port)) return null;
  let host = s.slice(0, i);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const zone = host.indexOf('%');
  if (zone >= 0) host = host.slice(0, zone);
  if (host === '*') return { host, port };
  return { host: normaliseIp(host) ?? host, port };
}
