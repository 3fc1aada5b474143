import { t } from '../model/schema.js';
import { parseTmout, type TmoutAssignment } from '../parsers/shell-profile.js';
import type { Collector } from './types.js';

/**
 * Shell session policy from the system-wide start-up files: the idle logout TMOUT. Read in the order
 * a bash login shell reads them (Debian sources /etc/bash.bashrc, RHEL /etc/bashrc via ~/.bashrc).
 */
export interface SessionFacts {
  tmout: number | null;
  tmout_exported: boolean;
  tmout_readonly: boolean;
  tmout_source: string | null;
  tmout_assignments: TmoutAssignment[];
  files_read: string[];
}

const FILES = ['/etc/profile', '/etc/bash.bashrc', '/etc/bashrc'];
const PROFILE_D = '/etc/profile.d/*.sh';

export const session: Collector<SessionFacts> = {
  id: 'session',
  description: 'Idle-session logout (TMOUT) from /etc/profile, /etc/profile.d/*.sh, /etc/bash.bashrc, /etc/bashrc',
  schema: t.obj({
    tmout: t.nullable(t.num),
    tmout_exported: t.bool,
    tmout_readonly: t.bool,
    tmout_source: t.nullable(t.str),
    tmout_assignments: t.arr(
      t.obj({ file: t.str, line: t.num, value: t.nullable(t.num), exported: t.bool, readonly: t.bool, conditional: t.bool }),
    ),
    files_read: t.arr(t.str),
  }),
  requests: [...FILES.map((path) => ({ kind: 'file' as const, path })), { kind: 'glob', pattern: PROFILE_D }],
  parse(out) {
    const profile = out.text('/etc/profile');
    const ordered: Array<{ path: string; content: string }> = [];
    if (profile !== null) ordered.push({ path: '/etc/profile', content: profile });
    ordered.push(...out.glob(PROFILE_D).map((f) => ({ path: f.path, content: f.content })));
    for (const path of FILES.slice(1)) {
      const text = out.text(path);
      if (text !== null) ordered.push({ path, content: text });
    }
    const st = parseTmout(ordered);
    return {
      tmout: st.value,
      tmout_exported: st.exported,
      tmout_readonly: st.readonly,
      tmout_source: st.source,
      tmout_assignments: st.assignments,
      files_read: ordered.map((f) => f.path),
    };
  },
};
