/**
 * A fleet's private network: every test host in its own network namespace (its own interfaces, its
 * own listening sockets, port 22), all on one bridge, and this machine on the same /24 so the CLI
 * under test reaches them directly and a bastion reaches the hosts behind it.
 *
 *   this machine ── gwn-A-B (10.A.B.1) ══ up0 ─┐
 *                                             br0  (in namespace gwsec-net-A-B)
 *   host k (namespace gwsec-A-B-k) eth0 ══ hk ─┘   (10.A.B.k, k = 2…253)
 *
 * 10.A.B.254 is the bridge's own address: nothing ever listens in its namespace, so any port there
 * is a closed port (connection refused at once) that no other suite can open: an unreachable host.
 *
 * The /24 is claimed by creating the bridge's namespace, named after it: `ip netns add` creates
 * /run/netns/NAME with O_EXCL, so no two suites (this checkout's ava workers, or another checkout's)
 * can hold the same subnet or the same names. The claim records its owner (PID and start time); a
 * claim whose owner is gone (a killed test run) is removed by the next fleet that starts.
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ownerAlive, ownerId } from './procs.js';

const OWNERS = '/run/gwsec-test/nets';
/** 10.160.0.0/11: 8192 subnets (the harness once used 10.64/10, at random: keep clear of it) */
const FIRST = 160;
const SPAN = 32;
export const MAX_HOSTS = 252;

export interface HostNet {
  /** the host's network namespace (`ip netns exec NAME …`) */
  ns: string;
  address: string;
}

export class FleetNetwork {
  private hosts = new Map<number, HostNet>();
  private removed = false;

  private constructor(
    /** "10.A.B" */
    readonly prefix: string,
    /** the bridge's namespace: the claim */
    readonly name: string,
  ) {}

  /** Claims a free /24 (retrying on a taken one) and wires this machine to its bridge. */
  static create(): FleetNetwork {
    collectStale();
    const used = ip(['-o', '-4', 'addr', 'show']).stdout;
    for (let attempt = 0; attempt < 200; attempt++) {
      const a = FIRST + randomInt(SPAN);
      const b = randomInt(256);
      const prefix = `10.${a}.${b}`;
      if (used.includes(` ${prefix}.`)) continue;
      const name = netName(a, b);
      const claim = ip(['netns', 'add', name]);
      if (claim.status !== 0) {
        if (/File exists/.test(claim.stderr)) continue; // another suite holds it
        throw new Error(`harness: ip netns add ${name}: ${claim.stderr.trim()}`);
      }
      mkdirSync(OWNERS, { recursive: true });
      writeFileSync(join(OWNERS, name), ownerId());
      const net = new FleetNetwork(prefix, name);
      try {
        const up = uplinkName(a, b);
        must(['-n', name, 'link', 'add', 'br0', 'type', 'bridge']);
        must(['-n', name, 'link', 'set', 'br0', 'up']);
        must(['-n', name, 'addr', 'add', `${prefix}.254/24`, 'dev', 'br0']);
        must(['link', 'add', up, 'type', 'veth', 'peer', 'name', 'up0', 'netns', name]);
        must(['-n', name, 'link', 'set', 'up0', 'master', 'br0', 'up']);
        must(['addr', 'add', `${prefix}.1/24`, 'dev', up]);
        must(['link', 'set', up, 'up']);
      } catch (e) {
        net.remove();
        throw e;
      }
      return net;
    }
    throw new Error('harness: no free /24 in 10.160.0.0/11 after 200 tries');
  }

  /** an address on this network where nothing listens, ever */
  get closedAddress(): string {
    return `${this.prefix}.254`;
  }

  /** The address host number i (0-based) will have; known before the host starts. */
  address(i: number): string {
    if (i < 0 || i >= MAX_HOSTS) throw new Error(`harness: a fleet holds at most ${MAX_HOSTS} hosts`);
    return `${this.prefix}.${i + 2}`;
  }

  /** Host i's namespace, made once (a restarted host keeps its address and interfaces). */
  host(i: number): HostNet {
    const had = this.hosts.get(i);
    if (had) return had;
    const address = this.address(i);
    const k = i + 2;
    const ns = `${this.name.replace('gwsec-net-', 'gwsec-')}-${k}`;
    must(['netns', 'add', ns]);
    const h: HostNet = { ns, address };
    this.hosts.set(i, h);
    must(['link', 'add', `h${k}`, 'netns', this.name, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    must(['-n', this.name, 'link', 'set', `h${k}`, 'master', 'br0', 'up']);
    must(['-n', ns, '-b', '-'], [`addr add ${address}/24 dev eth0`, 'link set eth0 up', 'link set lo up', `route add default via ${this.prefix}.1`].join('\n') + '\n');
    return h;
  }

  /** After the hosts' processes are gone: the namespaces go, and every veth pair with them. */
  remove(): void {
    if (this.removed) return;
    this.removed = true;
    for (const h of this.hosts.values()) ip(['netns', 'del', h.ns]);
    ip(['netns', 'del', this.name]);
    rmSync(join(OWNERS, this.name), { force: true });
  }
}

const netName = (a: number, b: number) => `gwsec-net-${a}-${b}`;
const uplinkName = (a: number, b: number) => `gwn-${a}-${b}`;

function ip(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync('ip', args, { encoding: 'utf8', input });
}

function must(args: string[], input?: string): void {
  const r = ip(args, input);
  if (r.status !== 0) throw new Error(`harness: ip ${args.join(' ')}: ${r.stderr.trim()}`);
}

let collected = false;
/** Networks left by a test run that was killed (its exit handler never ran): removed once per process. */
function collectStale(): void {
  if (collected) return;
  collected = true;
  const names = ip(['netns', 'list']).stdout.split('\n').map((l) => l.split(' ')[0]!);
  for (const name of names) {
    const m = /^gwsec-net-(\d+)-(\d+)$/.exec(name);
    if (!m) continue;
    let owner: string;
    try {
      owner = readFileSync(join(OWNERS, name), 'utf8');
    } catch {
      continue; // being claimed right now (the owner file follows the namespace)
    }
    if (ownerAlive(owner)) continue;
    const hostPrefix = `gwsec-${m[1]}-${m[2]}-`;
    for (const h of names) if (h.startsWith(hostPrefix)) ip(['netns', 'del', h]);
    ip(['netns', 'del', name]);
    rmSync(join(OWNERS, name), { force: true });
  }
}
