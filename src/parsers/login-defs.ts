/**
 * /etc/login.defs -> settings. shadow-utils (getdef.c) reads the file top to bottom and a later line
 * overrides an earlier one, so the LAST occurrence of a key wins. Debian's shadow 4.13 ignores
 * /etc/login.defs.d (only SUSE's libeconf build reads it).
 */
export interface LoginDefs {
  /** Every active key, last occurrence, raw value (quotes removed). */
  settings: Record<string, string>;
  /** Line of the effective occurrence of each key. */
  lines: Record<string, number>;
}

export function parseLoginDefs(text: string): LoginDefs {
  const settings: Record<string, string> = {};
  const lines: Record<string, number> = {};
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(\S+)\s*(.*)$/.exec(line);
    if (!m) return;
    settings[m[1]] = m[2].trim().replace(/^"(.*)"$/, '$1');
    lines[m[1]] = i + 1;
  });
  return { settings, lines };
}

/**
 * getdef_num(): strtol with base 0 (so 0x.. hex and 0.. octal are accepted). A value that does not
 * parse makes shadow use the built-in default, which for the ageing keys is -1 ("no limit"); we
 * return null for "not usable" and let the caller decide.
 */
export function loginDefsNumber(value: string | undefined): number | null {
  if (value === undefined) return null;
  const v = value.trim();
  let m: RegExpExecArray | null;
  if ((m = /^([-+]?)0[xX]([0-9a-fA-F]+)$/.exec(v))) return (m[1] === '-' ? -1 : 1) * parseInt(m[2], 16);
  if ((m = /^([-+]?)0([0-7]+)$/.exec(v))) return (m[1] === '-' ? -1 : 1) * parseInt(m[2], 8);
  if (/^[-+]?\d+$/.test(v)) return Number(v);
  return null;
}
