import { factError, notCollected } from '../model/errors.js';
import { t } from '../model/schema.js';
import type { Deriver } from '../collectors/types.js';
import type { LoggingFacts } from '../collectors/logging.js';

/**
 * Who may write the web, audit and auth logs: the logging family's `stat` of each log path joined
 * with the accounts family and ROLE_GROUPS.editor. An editor can write a path when they own it
 * (u+w), belong to its group (g+w; primary group, supplementary groups and /etc/group members all
 * count), or anyone can (o+w). A writable directory lets them replace the files inside, so
 * directories count too.
 */
type Err = { error: { code: string; message: string } };

interface Account {
  name: string;
  gid: number;
  groups?: string[];
}
interface Group {
  name: string;
  gid: number;
  members?: string[];
}

export interface LogPath {
  path: string;
  mode: string;
  owner: string;
  group: string;
  world_writable: boolean;
  editor_writable: boolean;
  writable_by: string[];
}

export interface LogpermsFacts {
  editor_groups: string[];
  editors: string[];
  paths: Array<LogPath | { path: string; error: { code: string; message: string; zh?: string } }>;
}

export const logperms: Deriver<LogpermsFacts | Err> = {
  id: 'logperms',
  description: 'Web, audit and auth log paths with who among the editors (ROLE_GROUPS.editor) may write them',
  schema: t.obj({
    editor_groups: t.arr(t.str),
    editors: t.arr(t.str),
    paths: t.arr(t.obj({ path: t.str, mode: t.str, owner: t.str, group: t.str, world_writable: t.bool, editor_writable: t.bool, writable_by: t.arr(t.str) })),
  }),
  needs: ['logging', 'accounts'],
  derive(facts, env) {
    const lg = facts.logging;
    if (isErr(lg)) return lg;
    const acc = facts.accounts;
    if (isErr(acc)) return acc;
    if (!lg || !acc) return notCollected(lg ? 'accounts' : 'logging');
    const logging = lg as LoggingFacts;
    const a = acc as { users?: Account[] | Err; groups?: Group[] | Err };
    if (isErr(a.groups)) return a.groups;
    if (isErr(a.users)) return a.users;
    const users = (a.users ?? []) as Account[];
    const groups = (a.groups ?? []) as Group[];

    const roleGroups = (env.variables.ROLE_GROUPS ?? {}) as Record<string, unknown>;
    const ed = roleGroups.editor;
    const editorGroups = (Array.isArray(ed) ? ed : typeof ed === 'string' ? [ed] : []).filter((x): x is string => typeof x === 'string');
    const groupsOf = (u: Account): Set<string> => {
      const s = new Set(u.groups ?? []);
      for (const g of groups) if (g.gid === u.gid || (g.members ?? []).includes(u.name)) s.add(g.name);
      return s;
    };
    const editors = users.filter((u) => [...groupsOf(u)].some((g) => editorGroups.includes(g)));
    // A member listed in /etc/group without a passwd entry still names a would-be editor.
    const memberOnly = groups.filter((g) => editorGroups.includes(g.name)).flatMap((g) => g.members ?? []).filter((m) => !users.some((u) => u.name === m));

    const paths: LogpermsFacts['paths'] = logging.files.map((f) => {
      const mode = parseInt(f.mode, 8) & 0o777;
      const world = (mode & 0o002) !== 0;
      const by = editors
        .filter((u) => world || (u.name === f.owner && (mode & 0o200) !== 0) || (groupsOf(u).has(f.group) && (mode & 0o020) !== 0))
        .map((u) => u.name);
      if (world) by.push(...memberOnly);
      return { path: f.path, mode: f.mode, owner: f.owner, group: f.group, world_writable: world, editor_writable: by.length > 0, writable_by: by };
    });
    for (const p of logging.unreadable_files) paths.push({ path: p, ...factError('permission_denied', `stat ${p}: permission denied`, `无权查看 ${p} 的属性`) });
    return { editor_groups: editorGroups, editors: [...editors.map((u) => u.name), ...memberOnly].sort(), paths };
  },
};

function isErr(v: unknown): v is Err {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Err).error?.code === 'string';
}
