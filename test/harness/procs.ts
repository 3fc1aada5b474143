/**
 * Which processes are a test host's, and stopping exactly those. Each host runs in a cgroup of its own
 * (cgroup v2, under gwsec-test/<owner>/): its sshd moves itself there before exec, and everything
 * it starts (sessions, sudo, a hung sleep) is born there and cannot leave by setsid or double fork.
 * Stopping writes `cgroup.kill`: the kernel signals every member at once, so no PID is ever looked
 * up and then signalled, and a PID reused by someone else's process (pid_max is 32768 here, eight
 * suites run at once) can never be hit. The mount-namespace helpers below only look, never kill.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The mount namespace id of a process ("mnt:[4026532177]"), or undefined once it is gone. */
export function mountNsOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return undefined;
  }
}

/** A process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or undefined once gone. */
export function startTicks(pid: number): number | undefined {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19]);
  } catch {
    return undefined;
  }
}

/** This process as an owner: "PID-STARTTICKS" (a PID alone may belong to someone else tomorrow). */
export function ownerId(pid = process.pid): string {
  return `${pid}-${startTicks(pid)}`;
}

/** Is the process an ownerId() named still the same process? */
export function ownerAlive(owner: string): boolean {
  const m = /^(\d+)-(\d+)$/.exec(owner.trim());
  return !!m && startTicks(Number(m[1])) === Number(m[2]);
}

/**
 * PIDs of every process in each of the given mount namespaces (each host's sshd has its own), for
 * looking at what a host runs. Processes started at or after `startedBefore` (ticksNow()) are left
 * out: a freed namespace's id is soon given to a new namespace.
 */
export function pidsInMountNamespaces(namespaces: Set<string>, o: { startedBefore?: number } = {}): Map<string, number[]> {
  const out = new Map<string, number[]>();
  if (namespaces.size === 0) return out;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const ns = mountNsOf(Number(d));
    if (!ns || !namespaces.has(ns)) continue;
    if (o.startedBefore !== undefined && (startTicks(Number(d)) ?? 0) >= o.startedBefore) continue;
    out.set(ns, [...(out.get(ns) ?? []), Number(d)]);
  }
  return out;
}

let hierarchy: string | undefined;
/** The cgroup v2 mount point (/sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid system). */
function cgroup2Root(): string {
  if (hierarchy) return hierarchy;
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [pre, post] = line.split(' - ');
    if (post?.startsWith('cgroup2 ')) return (hierarchy = pre!.split(' ')[4]!);
  }
  throw new Error('harness: test hosts need a cgroup v2 hierarchy (none is mounted; see /proc/self/mountinfo)');
}

const BASE = 'gwsec-test';

/** One test host's cgroup. */
export class HostCgroup {
  private constructor(readonly path: string) {}

  /** gwsec-test/<this process's ownerId>-<fleet>/<host>; stale ones of dead owners are removed first */
  static create(fleet: string, host: string): HostCgroup {
    const base = join(cgroup2Root(), BASE);
    collectStale(base);
    const path = join(base, `${ownerId()}-${fleet}`, host);
    try {
      mkdirSync(path, { recursive: true });
      if (!existsSync(join(path, 'cgroup.kill'))) throw new Error('no cgroup.kill (Linux ≥ 5.14 needed)');
    } catch (e) {
      throw new Error(`harness: cannot make the test host's cgroup ${path}: ${(e as Error).message}`);
    }
    return new HostCgroup(path);
  }

  /** the file a process writes its PID to, to join */
  get procsFile(): string {
    return join(this.path, 'cgroup.procs');
  }

  pids(): number[] {
    return pidsOf(this.path);
  }

  populated(): boolean {
    return populated(this.path);
  }

  /** CPU time (user + system, µs) every process of the host has used so far, the exited ones too */
  cpuUsec(): number {
    try {
      return Number(/^usage_usec (\d+)$/m.exec(readFileSync(join(this.path, 'cpu.stat'), 'utf8'))?.[1] ?? NaN);
    } catch {
      return NaN;
    }
  }

  /** SIGKILL to every member, by the kernel */
  kill(): void {
    if (existsSync(this.path)) writeFileSync(join(this.path, 'cgroup.kill'), '1');
  }

  /** once empty: the host's directory, and the fleet's when it was the last */
  remove(): void {
    rmdirQuiet(this.path);
    rmdirQuiet(join(this.path, '..'));
  }
}

function pidsOf(path: string): number[] {
  try {
    return readFileSync(join(path, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function populated(path: string): boolean {
  try {
    return /^populated 1$/m.test(readFileSync(join(path, 'cgroup.events'), 'utf8'));
  } catch {
    return false;
  }
}

function rmdirQuiet(path: string): void {
  try {
    rmdirSync(path);
  } catch {
    /* still in use (another host of the fleet), or gone */
  }
}

let collected = false;
/** Cgroups of test runs that were killed before their exit handler ran: their processes are theirs alone. */
function collectStale(base: string): void {
  if (collected) return;
  collected = true;
  let fleets: string[];
  try {
    fleets = readdirSync(base);
  } catch {
    return;
  }
  for (const f of fleets) {
    const m = /^(\d+-\d+)-/.exec(f);
    if (!m || ownerAlive(m[1]!)) continue;
    const dir = join(base, f);
    const hosts = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory());
    for (const h of hosts) if (populated(join(dir, h.name))) writeFileSync(join(dir, h.name, 'cgroup.kill'), '1');
    // emptied asynchronously: what is still busy now goes on a later run
    for (const h of hosts) rmdirQuiet(join(dir, h.name));
    rmdirQuiet(dir);
  }
}
