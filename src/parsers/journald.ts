/**
 * journald.conf + drop-ins -> the settings that decide how long the journal is kept.
 * systemd reads /etc/systemd/journald.conf, then drop-ins from /usr/lib, /run and /etc
 * `journald.conf.d/*.conf` sorted by file name (a same-named file in /etc masks the others);
 * a later assignment wins. Only the [Journal] section matters.
 */
export interface JournaldSettings {
  storage: string; // volatile | persistent | auto | none (default auto)
  max_retention_sec: number | null; // null/0 = no time limit
  system_max_use_bytes: number | null; // null = default (10% of the file system, at most 4G)
}

export function parseJournaldConf(files: { path: string; content: string }[]): JournaldSettings {
  const main = files.filter((f) => !f.path.includes('.conf.d/'));
  const dropins = new Map<string, { path: string; content: string }>();
  const precedence = (p: string) => (p.startsWith('/etc/') ? 3 : p.startsWith('/run/') ? 2 : 1);
  for (const f of files.filter((x) => x.path.includes('.conf.d/'))) {
    const name = f.path.slice(f.path.lastIndexOf('/') + 1);
    const prev = dropins.get(name);
    if (!prev || precedence(f.path) > precedence(prev.path)) dropins.set(name, f);
  }
  const ordered = [...main, ...[...dropins.keys()].sort().map((k) => dropins.get(k)!)];
  const kv: Record<string, string> = {};
  for (const f of ordered) {
    let section = '';
    for (const raw of f.content.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
      const sec = /^\[(.+)\]$/.exec(line);
      if (sec) {
        section = sec[1];
        continue;
      }
      const m = /^([A-Za-z]+)\s*=\s*(.*)$/.exec(line);
      if (m && section === 'Journal') kv[m[1]] = m[2].trim();
    }
  }
  return {
    storage: (kv.Storage || 'auto').toLowerCase(),
    max_retention_sec: kv.MaxRetentionSec ? parseTimespan(kv.MaxRetentionSec) : null,
    system_max_use_bytes: kv.SystemMaxUse ? parseSize(kv.SystemMaxUse) : null,
  };
}

const UNIT_SEC: Record<string, number> = {
  us: 1e-6, usec: 1e-6, ms: 1e-3, msec: 1e-3,
  s: 1, sec: 1, second: 1, seconds: 1,
  m: 60, min: 60, minute: 60, minutes: 60,
  h: 3600, hr: 3600, hour: 3600, hours: 3600,
  d: 86400, day: 86400, days: 86400,
  w: 604800, week: 604800, weeks: 604800,
  M: 2629800, month: 2629800, months: 2629800, // systemd: 30.44 days
  y: 31557600, year: 31557600, years: 31557600, // systemd: 365.25 days
};

/** systemd.time(7) span: "6month", "180d", "1y 2w", bare number = seconds. null if unparsable. */
export function parseTimespan(v: string): number | null {
  const s = v.trim();
  if (/^\d+$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)\s*([A-Za-z]+)/g;
  let total = 0;
  let m: RegExpExecArray | null;
  let consumed = '';
  while ((m = re.exec(s))) {
    const unit = UNIT_SEC[m[2]] ?? UNIT_SEC[m[2].toLowerCase()];
    if (unit === undefined) return null;
    total += Number(m[1]) * unit;
    consumed += m[0];
  }
  return consumed.replace(/\s/g, '') === s.replace(/\s/g, '') ? total : null;
}

/** journald sizes: base 1024, suffixes K M G T P E. */
export function parseSize(v: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGTPE]?)B?$/i.exec(v.trim());
  if (!m) return null;
  const pow = ' KMGTPE'.indexOf(m[2].toUpperCase() || ' ');
  return Math.round(Number(m[1]) * 1024 ** Math.max(pow, 0));
}
