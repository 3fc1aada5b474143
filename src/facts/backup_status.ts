import type { Bilingual } from '../model/status.js';
import { factError, notCollected } from '../model/errors.js';
import { t } from '../model/schema.js';
import type { Deriver } from '../collectors/types.js';
import type { BackupFacts, BackupJob } from '../collectors/backup.js';
import { DB_DUMP_TOOLS } from '../parsers/backup.js';

/**
 * Backup verdict material from the `backup` family and the pack variables:
 *  - schedule: jobs that run a backup tool over a web root / data directory (BACKUP_SITE_PATHS) or
 *    dump a database;
 *  - offhost / encryption: whether any backup-tool job ships a copy to another host / encrypts it;
 *  - recent: the newest file in the directories BACKUP_PATHS selects (empty = every directory the
 *    collector listed) and the moment it goes stale (mtime + BACKUP_MAX_AGE_H), so the check can
 *    compare that instant with the audit time (`age_days_le 0`) and the threshold stays a variable.
 * A "not found" that may be hiding behind something unreadable becomes an error, never a fail.
 */
type Err = { error: { code: string; message: string } };
type JobRef = { source: string; line: number | null; schedule: string; command: string };

export interface BackupStatusFacts {
  schedule: { found: boolean; jobs: JobRef[] } | Err;
  offhost: { found: boolean; destinations: string[]; jobs: JobRef[] } | Err;
  encryption: { found: boolean; methods: string[]; sm4: boolean; jobs: JobRef[] } | Err;
  recent: { dirs: string[]; newest: { path: string; mtime: string; size: number } | null; stale_after: string | null; listing: { complete: boolean } | Err } | Err;
}

const refSchema = t.obj({ source: t.str, line: t.nullable(t.num), schedule: t.str, command: t.str });

export const backupStatus: Deriver<BackupStatusFacts | Err> = {
  id: 'backup_status',
  description: 'Site backup jobs, off-host copy, encryption and freshness, from the backup family and BACKUP_* variables',
  schema: t.obj({
    schedule: t.obj({ found: t.bool, jobs: t.arr(refSchema) }),
    offhost: t.obj({ found: t.bool, destinations: t.arr(t.str), jobs: t.arr(refSchema) }),
    encryption: t.obj({ found: t.bool, methods: t.arr(t.str), sm4: t.bool, jobs: t.arr(refSchema) }),
    recent: t.obj({ dirs: t.arr(t.str), newest: t.nullable(t.obj({ path: t.str, mtime: t.str, size: t.num })), stale_after: t.nullable(t.str), listing: t.obj({ complete: t.bool }) }),
  }),
  needs: ['backup'],
  derive(facts, env) {
    const b = facts.backup;
    if (isErr(b)) return b;
    if (!b || typeof b !== 'object') return notCollected('backup');
    const backup = b as BackupFacts;
    const sitePaths = strings(env.variables.BACKUP_SITE_PATHS);
    const backupPaths = strings(env.variables.BACKUP_PATHS);
    const maxAgeH = typeof env.variables.BACKUP_MAX_AGE_H === 'number' ? env.variables.BACKUP_MAX_AGE_H : 26;

    const toolJobs = backup.jobs.filter((j) => j.tools.length > 0);
    const siteJobs = toolJobs.filter((j) => j.tools.some((x) => DB_DUMP_TOOLS.includes(x)) || j.paths.some((p) => sitePaths.some((s) => overlaps(p, s))));
    const hidden = [...backup.unreadable, ...backup.jobs.flatMap((j) => j.unreadable_scripts)];
    const unknown = (what: Bilingual): Err =>
      factError('permission_denied', `no ${what.en} found in what could be read; unreadable: ${[...new Set(hidden)].join(', ')}`, `在可读取的内容中未找到${what.zh}；无法读取：${[...new Set(hidden)].join('、')}`);
    const ref = (j: BackupJob): JobRef => ({ source: j.source, line: j.line, schedule: j.schedule, command: j.command });

    const offJobs = toolJobs.filter((j) => j.destinations.length > 0);
    const encJobs = toolJobs.filter((j) => j.encryption.length > 0);
    return {
      schedule: siteJobs.length === 0 && hidden.length > 0 ? unknown({ en: 'site backup job', zh: '网站备份任务' }) : { found: siteJobs.length > 0, jobs: siteJobs.map(ref) },
      offhost:
        offJobs.length === 0 && hidden.length > 0
          ? unknown({ en: 'off-host copy', zh: '异地备份' })
          : { found: offJobs.length > 0, destinations: [...new Set(offJobs.flatMap((j) => j.destinations))].sort(), jobs: offJobs.map(ref) },
      encryption:
        encJobs.length === 0 && hidden.length > 0
          ? unknown({ en: 'encrypting backup job', zh: '加密备份任务' })
          : { found: encJobs.length > 0, methods: [...new Set(encJobs.flatMap((j) => j.encryption))].sort(), sm4: encJobs.some((j) => j.sm4), jobs: encJobs.map(ref) },
      recent: recent(backup, backupPaths, maxAgeH),
    };
  },
};

function recent(b: BackupFacts, backupPaths: string[], maxAgeH: number): BackupStatusFacts['recent'] {
  const listed = b.dirs.filter((d) => d.exists);
  const chosen = backupPaths.length === 0 ? listed : listed.filter((d) => backupPaths.some((p) => d.path === p || d.path.startsWith(p.replace(/\/+$/, '') + '/')));
  if (backupPaths.length > 0 && chosen.length === 0) {
    const known = b.dirs.map((d) => d.path);
    const notListed = backupPaths.filter((p) => !known.some((k) => k === p || k.startsWith(p + '/')));
    if (notListed.length > 0) {
      return factError(
        'not_found',
        `BACKUP_PATHS ${notListed.join(', ')} is neither a standard backup location nor named by a backup job, so it was not listed`,
        `BACKUP_PATHS 中的 ${notListed.join('、')} 既不是常见备份位置，也没有备份任务提到，因此未列出其内容`,
      );
    }
  }
  let newest: { path: string; mtime: number; size: number } | null = null;
  for (const d of chosen) if (d.newest && (!newest || d.newest.mtime > newest.mtime)) newest = d.newest;
  const unreadable = [...new Set(chosen.flatMap((d) => d.unreadable))];
  return {
    dirs: chosen.map((d) => d.path),
    newest: newest ? { path: newest.path, mtime: iso(newest.mtime), size: newest.size } : null,
    stale_after: newest ? iso(newest.mtime + maxAgeH * 3600) : null,
    // The deriver has no clock: whether an unreadable directory matters (it might hold a fresher
    // file than a stale newest one) is decided by the check, which turns this error into `error`.
    listing: unreadable.length === 0 ? { complete: true } : factError('permission_denied', `could not list ${unreadable.join(', ')}`, `无法列出 ${unreadable.join('、')} 的内容`),
  };
}

function overlaps(p: string, site: string): boolean {
  const s = site.replace(/\/+$/, '');
  return p === s || p.startsWith(s + '/') || s.startsWith(p + '/');
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
}

function iso(epochS: number): string {
  return new Date(epochS * 1000).toISOString();
}

function isErr(v: unknown): v is Err {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Err).error?.code === 'string';
}
