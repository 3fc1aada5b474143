import { readdirSync, readlinkSync } from 'node:fs';

/** The mount namespace id of a process ("mnt:[4026532177]"), or undefined once it is gone. */
export function mountNsOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return undefined;
  }
}

/**
 * PIDs of every process in each of the given mount namespaces. A test host's sshd, its sessions, their
 * sudo and their hung `sleep` all share the namespace unshare made for that host, so this finds
 * exactly that host's processes (sshd's session children call setsid, so a process group would not).
 */
export function pidsInMountNamespaces(namespaces: Set<string>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  if (namespaces.size === 0) return out;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const ns = mountNsOf(Number(d));
    if (ns && namespaces.has(ns)) out.set(ns, [...(out.get(ns) ?? []), Number(d)]);
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
