import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** The mount namespace id of a process ("mnt:[4026532177]"), or undefined once it is gone. */
export function mountNsOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return undefined;
  }
}

/** Clock ticks since boot, as /proc/PID/stat counts a process's start (USER_HZ = 100). */
export function ticksNow(): number {
  return Math.floor(Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 100);
}

function startTicks(pid: number): number | undefined {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19]);
  } catch {
    return undefined;
  }
}

/**
 * PIDs of every process in each of the given mount namespaces. A test host's sshd, its sessions, their
 * sudo and their hung `sleep` all share the namespace unshare made for that host, so this finds
 * exactly that host's processes (sshd's session children call setsid, so a process group would not).
 * A freed namespace's id can be given to a new one (another test's host starting meanwhile):
 * `startedBefore` (ticksNow() when the stop began) leaves processes started since then alone.
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

export function killAll(pids: number[], signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}
