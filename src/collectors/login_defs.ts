import { t } from '../model/schema.js';
import { loginDefsNumber, parseLoginDefs } from '../parsers/login-defs.js';
import type { Collector } from './types.js';

/**
 * Ageing values as shadow-utils applies them to new passwords. null means "no limit": the key is
 * absent, commented out, negative (-1 disables it) or not a number — shadow then uses -1.
 */
export interface LoginDefsFacts {
  present: boolean;
  pass_max_days: number | null;
  pass_min_days: number | null;
  pass_warn_age: number | null;
  encrypt_method: string | null;
  /** Line of each decisive key in /etc/login.defs, for evidence. */
  lines: Record<string, number>;
}

const KEYS = ['PASS_MAX_DAYS', 'PASS_MIN_DAYS', 'PASS_WARN_AGE', 'ENCRYPT_METHOD'];

export const loginDefs: Collector<LoginDefsFacts> = {
  id: 'login_defs',
  description: 'Password ageing defaults and hash method from /etc/login.defs (last occurrence wins, as in shadow-utils)',
  schema: t.obj({
    present: t.bool,
    pass_max_days: t.nullable(t.num),
    pass_min_days: t.nullable(t.num),
    pass_warn_age: t.nullable(t.num),
    encrypt_method: t.nullable(t.str),
    lines: t.map(t.num),
  }),
  requests: [{ kind: 'file', path: '/etc/login.defs' }],
  parse(out) {
    const text = out.text('/etc/login.defs');
    const d = parseLoginDefs(text ?? '');
    const days = (k: string): number | null => {
      const n = loginDefsNumber(d.settings[k]);
      return n === null || n < 0 ? null : n;
    };
    return {
      present: text !== null,
      pass_max_days: days('PASS_MAX_DAYS'),
      pass_min_days: days('PASS_MIN_DAYS'),
      pass_warn_age: days('PASS_WARN_AGE'),
      encrypt_method: d.settings.ENCRYPT_METHOD ?? null,
      lines: Object.fromEntries(KEYS.filter((k) => k in d.lines).map((k) => [k, d.lines[k]])),
    };
  },
};
