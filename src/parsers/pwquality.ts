/**
 * Password quality: libpwquality's pwquality.conf(5) and pam_pwquality / pam_cracklib arguments.
 *
 * Reading order (libpwquality 1.4.5, settings.c pwquality_read_config): every
 * /etc/security/pwquality.conf.d/*.conf in lexical order FIRST, then /etc/security/pwquality.conf;
 * a later value overrides an earlier one, so the main file wins over drop-ins. pam_pwquality then
 * applies its own module arguments on top. pam_cracklib reads no file: arguments only.
 *
 * `minlen` is reported as configured. libpwquality raises anything below 6 to 6 at run time; that
 * clamping never changes a verdict against a threshold of 6 or more, and keeping the configured
 * number shows the operator what they wrote.
 */
import { pamArgs, type PamEntry } from './pam.js';

export interface PwqualityConf {
  settings: Record<string, string>; // key -> raw value ("" for flags)
  lines: Record<string, number>;
}

export function parsePwqualityConf(text: string): PwqualityConf {
  const settings: Record<string, string> = {};
  const lines: Record<string, number> = {};
  text.split('\n').forEach((raw, i) => {
    let line = raw.replace(/\r$/, '');
    const hash = line.indexOf('#');
    if (hash >= 0) line = line.slice(0, hash);
    line = line.trim();
    if (line === '') return;
    const m = /^([A-Za-z_]+)\s*(?:=\s*(.*))?$/.exec(line);
    if (!m) return;
    settings[m[1].toLowerCase()] = (m[2] ?? '').trim();
    lines[m[1].toLowerCase()] = i + 1;
  });
  return { settings, lines };
}

export interface PasswordQuality {
  module: 'pam_pwquality' | 'pam_cracklib';
  minlen: number;
  minclass: number;
  dcredit: number;
  ucredit: number;
  lcredit: number;
  ocredit: number;
  /** Classes demanded by negative credits (dcredit=-1 demands a digit, …): 0 to 4. */
  credit_classes: number;
  /** The module rejects (not merely warns about) a weak password: enforcing != 0 and a blocking control. */
  enforced: boolean;
  control: string;
  /** Where each decisive value came from: `default`, `<file>:<line>` or `<pam file>:<line> (argument)`. */
  sources: Record<string, string>;
}

const NUMERIC = ['minlen', 'minclass', 'dcredit', 'ucredit', 'lcredit', 'ocredit', 'enforcing'] as const;
type Key = (typeof NUMERIC)[number];

const DEFAULTS: Record<PasswordQuality['module'], Record<Key, number>> = {
  // libpwquality 1.4.5 pwqprivate.h
  pam_pwquality: { minlen: 8, minclass: 0, dcredit: 0, ucredit: 0, lcredit: 0, ocredit: 0, enforcing: 1 },
  // pam_cracklib(8)
  pam_cracklib: { minlen: 9, minclass: 0, dcredit: 1, ucredit: 1, lcredit: 1, ocredit: 1, enforcing: 1 },
};

function int(v: string | undefined): number | null {
  if (v === undefined || !/^\s*[-+]?\d+\s*$/.test(v)) return null;
  return Number(v);
}

/** Controls under which a module failure fails the whole password change. */
export function isBlockingControl(control: string): boolean {
  if (control === 'required' || control === 'requisite') return true;
  if (control.startsWith('[')) return /\bdefault=(?:die|bad)\b/.test(control) && !/\bsuccess=ok\b.*\bdefault=ignore\b/.test(control);
  return false;
}

/**
 * Effective settings for one pam_pwquality / pam_cracklib line. `confd` are the drop-ins in lexical
 * order, `main` is pwquality.conf (null when absent).
 */
export function effectivePasswordQuality(
  entry: PamEntry,
  confd: Array<{ path: string; text: string }>,
  main: { path: string; text: string } | null,
): PasswordQuality {
  const module = entry.module === 'pam_cracklib.so' ? 'pam_cracklib' : 'pam_pwquality';
  const values: Record<Key, number> = { ...DEFAULTS[module] };
  const sources: Record<string, string> = Object.fromEntries(NUMERIC.map((k) => [k, 'default']));
  const apply = (settings: Record<string, string>, where: (k: string) => string): void => {
    for (const k of NUMERIC) {
      const n = int(settings[k]);
      if (n !== null) {
        values[k] = n;
        sources[k] = where(k);
      }
    }
  };
  if (module === 'pam_pwquality') {
    for (const f of [...confd, ...(main ? [main] : [])]) {
      const c = parsePwqualityConf(f.text);
      apply(c.settings, (k) => `${f.path}:${c.lines[k]}`);
    }
  }
  apply(pamArgs(entry.args), () => `${entry.file}:${entry.line} (argument)`);
  const negative = [values.dcredit, values.ucredit, values.lcredit, values.ocredit].filter((c) => c < 0).length;
  return {
    module,
    minlen: values.minlen,
    minclass: values.minclass,
    dcredit: values.dcredit,
    ucredit: values.ucredit,
    lcredit: values.lcredit,
    ocredit: values.ocredit,
    credit_classes: negative,
    enforced: values.enforcing !== 0 && isBlockingControl(entry.control),
    control: entry.control,
    sources,
  };
}
