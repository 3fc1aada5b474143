/**
 * Host drift: a periodic snapshot of what an intruder changes to keep access (accounts, sudoers,
 * authorized_keys, listening ports, cron entries, systemd units), diffed against the previous one.
 * Collection is here (the edge); diffSnapshots is pure. Files are read under `root` (default /).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import si from 'systeminformation';
import { sm3 } from '../../../src/crypto/sm3.js';
import { driftEvent, type DetectEvent } from '../../../src/detect/event.js';
import { parseCrontab } from '../../../src/parsers/crontab.js';
import { isLoginShell, parsePasswd } from '../../../src/parsers/passwd.js';

export interface HostSnapshot {
  version: 1;
  /** name → "uid shell" for accounts. */
  accounts: Record<string, { uid: number; shell: string }>;
  /** file → SM3 of its content (/etc/sudoers, /etc/sudoers.d/*). */
  sudoers: Record<string, string>;
  /** file → SM3 (every account's ~/.ssh/authorized_keys and authorized_keys2). */
  authorizedKeys: Record<string, string>;
  /** "tcp/22" … (null: could not be read: no port drift is judged from it). */
  ports: string[] | null;
  /** file → its entries ("schedule user command"). */
  cron: Record<string, string[]>;
  /** unit file names (*.service, *.timer, *.socket, *.path) in the unit directories. */
  units: string[];
}

const UNIT_DIRS = ['etc/systemd/system', 'run/systemd/system', 'lib/systemd/system', 'usr/lib/systemd/system'];
const UNIT = /\.(service|timer|socket|path)$/;

function read(p: string): string | null {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => !f.startsWith('.'));
  } catch {
    return [];
  }
}

const hash = (text: string) => sm3(text).toString('hex');

export async function takeSnapshot(root = '/', listening: () => Promise<string[] | null> = listeningPorts): Promise<HostSnapshot> {
  const r = (p: string) => join(root, p);
  const accounts: HostSnapshot['accounts'] = {};
  const passwd = parsePasswd(read(r('etc/passwd')) ?? '');
  for (const e of passwd) accounts[e.name] = { uid: e.uid, shell: e.shell };
  const sudoers: Record<string, string> = {};
  for (const f of ['etc/sudoers', ...list(r('etc/sudoers.d')).map((x) => `etc/sudoers.d/${x}`)]) {
    const t = read(r(f));
    if (t !== null) sudoers[`/${f}`] = hash(t);
  }
  const authorizedKeys: Record<string, string> = {};
  for (const e of passwd) {
    if (!e.home || e.home === '/' || e.home === '/nonexistent') continue;
    for (const k of ['authorized_keys', 'authorized_keys2']) {
      const p = join(e.home, '.ssh', k);
      const t = read(join(root, p));
      if (t !== null) authorizedKeys[p] = hash(t);
    }
  }
  const cron: Record<string, string[]> = {};
  const addCron = (file: string, system: boolean, user?: string) => {
    const t = read(r(file));
    if (t !== null) cron[`/${file}`] = parseCrontab(t, { system, user }).map((c) => `${c.schedule} ${c.user} ${c.command}`);
  };
  addCron('etc/crontab', true);
  for (const f of list(r('etc/cron.d'))) addCron(`etc/cron.d/${f}`, true);
  for (const d of ['var/spool/cron/crontabs', 'var/spool/cron']) for (const f of list(r(d))) if (!statSafe(r(`${d}/${f}`))?.isDirectory()) addCron(`${d}/${f}`, false, f);
  const units = new Set<string>();
  for (const d of UNIT_DIRS) for (const f of list(r(d))) if (UNIT.test(f)) units.add(f);
  return { version: 1, accounts, sudoers, authorizedKeys, ports: await listening(), cron, units: [...units].sort() };
}

function statSafe(p: string) {
  try {
    return statSync(p);
  } catch {
    return null;
  }
}

/** Listening TCP/UDP ports of the host (systeminformation; null when it cannot tell). */
export async function listeningPorts(): Promise<string[] | null> {
  try {
    const conns = await si.networkConnections();
    const set = new Set<string>();
    for (const c of conns) {
      const udp = c.protocol.startsWith('udp');
      if (!udp && c.state !== 'LISTEN') continue;
      if (udp && c.peerAddress && c.peerAddress !== '*' && c.peerAddress !== '0.0.0.0') continue;
      const port = Number(c.localPort);
      if (Number.isInteger(port) && port > 0) set.add(`${udp ? 'udp' : 'tcp'}/${port}`);
    }
    return [...set].sort();
  } catch {
    return null;
  }
}

/** What changed from `a` to `b` that the drift rules judge (pure). */
export function diffSnapshots(a: HostSnapshot, b: HostSnapshot, time: number): DetectEvent[] {
  const out: DetectEvent[] = [];
  for (const [name, acc] of Object.entries(b.accounts)) {
    const was = a.accounts[name];
    if (acc.uid === 0 && name !== 'root' && (!was || was.uid !== 0)) out.push(driftEvent({ time, kind: 'uid0_added', item: name, detail: `uid=0 shell=${acc.shell}` }));
    else if (isLoginShell(acc.shell) && (!was || !isLoginShell(was.shell))) out.push(driftEvent({ time, kind: 'account_added', item: name, detail: `uid=${acc.uid} shell=${acc.shell}${was ? ' (was not login-capable)' : ''}` }));
  }
  const files = (x: Record<string, string>, y: Record<string, string>, kind: 'sudoers_changed' | 'authorized_keys_changed') => {
    for (const [f, h] of Object.entries(y)) if (x[f] !== h) out.push(driftEvent({ time, kind, item: f, detail: x[f] === undefined ? 'added' : `changed sm3 ${h.slice(0, 16)}` }));
    for (const f of Object.keys(x)) if (!(f in y)) out.push(driftEvent({ time, kind, item: f, detail: 'removed' }));
  };
  files(a.sudoers, b.sudoers, 'sudoers_changed');
  files(a.authorizedKeys, b.authorizedKeys, 'authorized_keys_changed');
  if (a.ports && b.ports) {
    const had = new Set(a.ports);
    for (const p of b.ports) if (!had.has(p)) out.push(driftEvent({ time, kind: 'port_added', item: p }));
  }
  for (const [f, entries] of Object.entries(b.cron)) {
    const had = new Set(a.cron[f] ?? []);
    for (const e of entries) if (!had.has(e)) out.push(driftEvent({ time, kind: 'cron_added', item: f, detail: e }));
  }
  const units = new Set(a.units);
  for (const u of b.units) if (!units.has(u)) out.push(driftEvent({ time, kind: 'unit_added', item: u }));
  return out;
}

export function loadSnapshot(file: string): HostSnapshot | null {
  if (!existsSync(file)) return null;
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as HostSnapshot;
    return s.version === 1 ? s : null;
  } catch {
    return null;
  }
}
