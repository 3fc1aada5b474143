import { globToRegex as globToRegExp } from '../util/glob.js';
/**
 * logrotate configuration -> rules with the retention (in days) each one guarantees.
 *
 * logrotate reads /etc/logrotate.conf top to bottom; directives outside a `{…}` block set defaults
 * for every later block, including those in files pulled in by `include` (usually /etc/logrotate.d).
 * The first block naming a file wins (logrotate rejects later duplicates).
 *
 * Retention is a LOWER bound: rotate × period (daily 1, weekly 7, monthly 30, yearly 365, hourly
 * 1/24), capped by `maxage`. Size-triggered rotation (`size`, or `maxsize` beside a period) can rotate
 * on every run, and logrotate runs once a day, so such rules only guarantee rotate × 1 day.
 * `rotate -1` keeps old logs forever (null = unlimited) unless `maxage` removes them.
 */
export interface RotateSettings {
  rotate: number;
  period: 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly' | null;
  maxage: number | null;
  sizeTriggered: boolean;
}

export interface LogrotateRule extends RotateSettings {
  file: string;
  line: number;
  patterns: string[];
  /** Guaranteed days kept; null = never removed. */
  retention_days: number | null;
}

export interface ConfFile {
  path: string;
  content: string;
}

const PERIOD_DAYS = { hourly: 1 / 24, daily: 1, weekly: 7, monthly: 30, yearly: 365 } as const;

export function retentionDays(s: RotateSettings): number | null {
  const perRotation = s.sizeTriggered || s.period === null ? 1 : PERIOD_DAYS[s.period];
  const byCount = s.rotate < 0 ? null : s.rotate * perRotation;
  if (s.maxage !== null && s.maxage >= 0) return byCount === null ? s.maxage : Math.min(byCount, s.maxage);
  return byCount === null ? null : Math.round(byCount * 100) / 100;
}

/**
 * @param main   /etc/logrotate.conf
 * @param others files that `include` lines may name (e.g. the contents of /etc/logrotate.d)
 */
export function parseLogrotate(main: ConfFile, others: ConfFile[]): LogrotateRule[] {
  // logrotate's built-in defaults: rotate 0, no period, no maxage.
  const defaults: RotateSettings = { rotate: 0, period: null, maxage: null, sizeTriggered: false };
  const rules: LogrotateRule[] = [];
  const seen = new Set<string>();
  processFile(main, defaults, rules, others, seen, 0);
  return rules;
}

function processFile(f: ConfFile, defaults: RotateSettings, rules: LogrotateRule[], others: ConfFile[], seen: Set<string>, depth: number): void {
  if (seen.has(f.path) || depth > 4) return;
  seen.add(f.path);
  const lines = f.content.split('\n');
  let block: { settings: RotateSettings; patterns: string[]; line: number } | null = null;
  let pendingPatterns: string[] = [];
  let pendingLine = 0;
  let inScript = false;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].replace(/\r$/, '').trim();
    if (inScript) {
      if (/^endscript\b/.test(line)) inScript = false;
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    if (!block && (line.startsWith('/') || line.startsWith('"') || line.includes('{'))) {
      // Patterns, possibly over several lines, up to `{`.
      const brace = line.indexOf('{');
      const head = brace >= 0 ? line.slice(0, brace) : line;
      if (pendingPatterns.length === 0) pendingLine = i + 1;
      pendingPatterns.push(...splitPatterns(head));
      if (brace < 0) continue;
      block = { settings: { ...defaults }, patterns: pendingPatterns, line: pendingLine };
      pendingPatterns = [];
      line = line.slice(brace + 1).trim();
      if (line === '') continue;
    }
    const close = line.endsWith('}') && block !== null;
    if (close) line = line.slice(0, -1).trim();
    if (line !== '') {
      const target: RotateSettings = block ? block.settings : defaults;
      const [kw, ...args] = line.split(/\s+/);
      const key = kw.toLowerCase();
      if (['prerotate', 'postrotate', 'firstaction', 'lastaction', 'preremove'].includes(key)) inScript = true;
      else if (key === 'include' && !block) includeFiles(args.join(' '), others).forEach((o) => processFile(o, defaults, rules, others, seen, depth + 1));
      else applyDirective(target, key, args);
    }
    if (close && block) {
      rules.push({ file: f.path, line: block.line, patterns: block.patterns, ...block.settings, retention_days: retentionDays(block.settings) });
      block = null;
    }
  }
}

function applyDirective(s: RotateSettings, key: string, args: string[]): void {
  if (key === 'rotate' && /^-?\d+$/.test(args[0] ?? '')) s.rotate = Number(args[0]);
  else if (key in PERIOD_DAYS) {
    s.period = key as RotateSettings['period'];
    s.sizeTriggered = false; // a period after `size` makes rotation time-based again
  } else if (key === 'maxage' && /^\d+$/.test(args[0] ?? '')) s.maxage = Number(args[0]);
  else if (key === 'size' || key === 'maxsize') s.sizeTriggered = true;
}

function splitPatterns(head: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(head))) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** `include /etc/logrotate.d` names a directory (all files in it, lexical order) or a file. */
function includeFiles(target: string, others: ConfFile[]): ConfFile[] {
  const dir = target.replace(/\/+$/, '') + '/';
  return others
    .filter((o) => o.path === target || (o.path.startsWith(dir) && !o.path.slice(dir.length).includes('/')))
    .filter((o) => !/(\.dpkg-(old|dist|new|bak)|\.rpm(save|new|orig)|~|\.disabled|\.swp)$/.test(o.path))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** The first rule whose pattern (a shell glob) matches the log file. */
export function ruleFor(rules: LogrotateRule[], logFile: string): LogrotateRule | undefined {
  return rules.find((r) => r.patterns.some((p) => globToRegExp(p).test(logFile)));
}

