/**
 * systemd command outputs -> data: `systemctl list-timers --all --no-pager`, `systemctl cat UNIT…`,
 * `systemctl is-active UNIT…`.
 */

export interface TimerRow {
  unit: string; // backup.timer
  activates: string; // backup.service
  last: string | null; // "Sun 2024-06-09 02:30:01 CST", null for n/a
}

/**
 * list-timers columns are NEXT LEFT LAST PASSED UNIT ACTIVATES; the time columns contain spaces, so
 * UNIT and ACTIVATES are taken as the last two tokens and LAST is cut at the header's column offsets.
 */
export function parseListTimers(text: string): TimerRow[] {
  const rows: TimerRow[] = [];
  let lastAt = -1;
  let passedAt = -1;
  for (const raw of text.split('\n')) {
    if (/^NEXT\s+LEFT\s+LAST\s+PASSED\s+UNIT/.test(raw)) {
      lastAt = raw.search(/\bLAST\b/);
      passedAt = raw.search(/\bPASSED\b/);
      continue;
    }
    const tokens = raw.trim().split(/\s+/);
    if (tokens.length < 2) continue;
    const unit = tokens[tokens.length - 2];
    const activates = tokens[tokens.length - 1];
    if (!/\.timer$/.test(unit) || !/\.[a-z]+$/.test(activates)) continue;
    let last: string | null = null;
    if (lastAt >= 0 && passedAt > lastAt) {
      const cell = raw.slice(lastAt, passedAt).trim();
      last = cell === '' || cell === 'n/a' || cell === '-' ? null : cell;
    }
    rows.push({ unit, activates, last });
  }
  return rows;
}

export interface UnitFile {
  path: string;
  /** section -> key -> values in order (ExecStart may repeat; an empty assignment resets). */
  sections: Record<string, Record<string, string[]>>;
}

/**
 * `systemctl cat` prints each fragment and drop-in prefixed by `# /path/to/file`. Values are kept in
 * order per file; an empty assignment is kept as '' (a reset), resolved by execStarts().
 */
export function parseSystemctlCat(text: string): UnitFile[] {
  const files: UnitFile[] = [];
  let cur: UnitFile | null = null;
  let section = '';
  let pending = '';
  for (const raw of text.split('\n')) {
    const header = /^# (\/\S+\.(?:service|timer|conf|socket|target|path))$/.exec(raw.trim());
    if (header && !pending) {
      cur = { path: header[1], sections: {} };
      files.push(cur);
      section = '';
      continue;
    }
    if (!cur) continue;
    let line = raw.replace(/\r$/, '');
    if (pending) {
      line = pending + ' ' + line.trim();
      pending = '';
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    if (trimmed.endsWith('\\')) {
      pending = trimmed.slice(0, -1).trim();
      continue;
    }
    const sec = /^\[(.+)\]$/.exec(trimmed);
    if (sec) {
      section = sec[1];
      continue;
    }
    const kv = /^([A-Za-z][A-Za-z0-9]*)\s*=\s*(.*)$/.exec(trimmed);
    if (!kv || !section) continue;
    const keys = (cur.sections[section] ??= {});
    // An empty assignment resets the list; kept as '' so the reset survives merging fragments.
    (keys[kv[1]] ??= []).push(kv[2]);
  }
  return files;
}

/** The unit name a fragment or drop-in belongs to: /etc/systemd/system/x.service.d/a.conf -> x.service. */
export function unitOf(path: string): string {
  const m = /\/([^/]+)\.d\/[^/]+\.conf$/.exec(path);
  return m ? m[1] : path.slice(path.lastIndexOf('/') + 1);
}

/**
 * ExecStart command lines of each unit, merged over fragment + drop-ins in order (an empty
 * `ExecStart=` in a drop-in resets the list). Prefixes `-@:+!` are removed.
 */
export function execStarts(files: UnitFile[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of files) {
    const unit = unitOf(f.path);
    const vals = f.sections.Service?.ExecStart;
    if (vals === undefined) continue;
    let list = out.get(unit) ?? [];
    for (const v of vals) list = v === '' ? [] : [...list, v.replace(/^[-@:+!]+/, '')];
    out.set(unit, list);
  }
  return out;
}

/** `systemctl is-active a b c` prints one state per unit, in order. */
export function parseIsActive(text: string, units: string[]): Record<string, string> {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const out: Record<string, string> = {};
  units.forEach((u, i) => {
    out[u] = lines[i] ?? 'unknown';
  });
  return out;
}
