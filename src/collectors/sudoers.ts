import { t } from '../model/schema.js';
import { includedByDir, parseSudoers, sudoersIncludes, type SudoGrant } from '../parsers/sudoers.js';
import type { Collector } from './types.js';

export interface SudoersFacts {
  /** false when /etc/sudoers does not exist (sudo not installed). */
  present: boolean;
  grants: SudoGrant[];
  files: string[];
  /** Include directives naming something other than /etc/sudoers.d (not read, so not judged). */
  unresolved_includes: string[];
}

const MAIN = '/etc/sudoers';
const DROPIN_DIR = '/etc/sudoers.d';

export const sudoers: Collector<SudoersFacts> = {
  id: 'sudoers',
  description: 'sudo grants from /etc/sudoers and its included /etc/sudoers.d (aliases expanded; who gets ALL, who needs no password). Root only.',
  schema: t.obj({
    present: t.bool,
    grants: t.arr(
      t.obj({
        principal: t.str,
        is_group: t.bool,
        runas: t.str,
        all_commands: t.bool,
        root_shell: t.bool,
        nopasswd: t.bool,
        commands: t.arr(t.str),
        file: t.str,
        line: t.num,
      }),
    ),
    files: t.arr(t.str),
    unresolved_includes: t.arr(t.str),
  }),
  requests: [
    { kind: 'file', path: MAIN },
    { kind: 'glob', pattern: `${DROPIN_DIR}/*` },
  ],
  parse(out) {
    // Unreadable (non-root audit) throws permission_denied: the family becomes an error.
    const main = out.text(MAIN);
    if (main === null) return { present: false, grants: [], files: [], unresolved_includes: [] };
    const inc = sudoersIncludes(main);
    const files = [{ path: MAIN, text: main }];
    const unresolved: string[] = [];
    for (const d of inc.includedirs) {
      if (d.replace(/\/+$/, '') !== DROPIN_DIR) {
        unresolved.push(d);
        continue;
      }
      for (const f of out.glob(`${DROPIN_DIR}/*`)) {
        if (includedByDir(f.path.slice(DROPIN_DIR.length + 1))) files.push({ path: f.path, text: f.content });
      }
    }
    unresolved.push(...inc.includes);
    const parsed = parseSudoers(files);
    return { present: true, grants: parsed.grants, files: files.map((f) => f.path), unresolved_includes: unresolved };
  },
};
