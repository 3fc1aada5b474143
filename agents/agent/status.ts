import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GwsecError } from '../../src/model/errors.js';
import { invertKeys, renameKeys } from '../../src/util/keys.js';
import type { SourceStatus } from './pipeline.js';
import type { ArchiveCheck } from './startcheck.js';
import { writeFileDurable } from './state.js';

/** What the running agent writes (crash-safely) for `gwsec agent status`. */
export interface AgentStatus {
  pid: number;
  version: string;
  config: string;
  startedAt: string;
  updatedAt: string;
  archive: { dir: string; headSeq: number; headHash: string };
  sources: SourceStatus[];
  counters: Record<string, number>;
  diskPressure: boolean;
  /** When the last signed checkpoint was written (null before the first). */
  last_checkpoint_at: string | null;
  /** The verification of the archive at start (absent: written by an older agent). */
  archive_check?: ArchiveCheck;
}

/** What the archive holds and what retention allows, for the status report. */
export interface RetentionView {
  oldest?: string;
  retentionDays: number;
  /** Records older than this may be pruned (once covered by a checkpoint); younger ones must be kept. */
  horizon: string;
}

export const statusPath = (stateDir: string) => join(stateDir, 'status.json');

/**
 * status.json on disk (version 2): snake_case keys like the report and facts schema, and
 * `schema_version`. Version 1 (camelCase, no version; agents before this one) is still read, so
 * `gwsec agent status` works across an upgrade before the new agent has rewritten the file.
 */
export const STATUS_SCHEMA_VERSION = 2;
const STATUS_WIRE_KEYS: Readonly<Record<string, string>> = {
  startedAt: 'started_at',
  updatedAt: 'updated_at',
  finishedAt: 'finished_at',
  headSeq: 'head_seq',
  headHash: 'head_hash',
  diskPressure: 'disk_pressure',
};
const STATUS_FROM_WIRE = invertKeys(STATUS_WIRE_KEYS);
/** counter names are event names, not keys of this format */
const STATUS_DATA_KEYS: ReadonlySet<string> = new Set(['counters']);

/** The status as written: `schema_version` first, snake_case keys. */
export function statusToWire(s: AgentStatus): Record<string, unknown> {
  return { schema_version: STATUS_SCHEMA_VERSION, ...(renameKeys(s, STATUS_WIRE_KEYS, STATUS_DATA_KEYS) as Record<string, unknown>) };
}

/** A parsed status.json of version 1 or 2 as the in-process shape; a newer version is a located error. */
export function statusFromWire(data: unknown, file: string): AgentStatus {
  const o = (data ?? {}) as Record<string, unknown>;
  const v = o.schema_version;
  if (v === undefined) return o as unknown as AgentStatus; // version 1: already the in-process spelling
  if (v !== STATUS_SCHEMA_VERSION) {
    throw new GwsecError(
      'agent_status_version',
      { en: `status.json schema version ${String(v)} was written by another gwsec; this one reads 1 and ${STATUS_SCHEMA_VERSION}`, zh: `status.json 的格式版本 ${String(v)} 由其他版本的 gwsec 写入；本版本只能读取版本 1 和 ${STATUS_SCHEMA_VERSION}` },
      { file },
    );
  }
  const { schema_version: _, ...rest } = o;
  return renameKeys(rest, STATUS_FROM_WIRE, STATUS_DATA_KEYS) as AgentStatus;
}

export function writeStatus(stateDir: string, s: AgentStatus): void {
  writeFileDurable(statusPath(stateDir), JSON.stringify(statusToWire(s), null, 1));
}

export function readStatus(stateDir: string): AgentStatus {
  const p = statusPath(stateDir);
  if (!existsSync(p)) throw new GwsecError('agent_status_missing', { en: 'no status file: the agent has not run with this config yet', zh: '未找到状态文件：agent 尚未以该配置运行过' }, { file: p });
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(p, 'utf8'));
  } catch (e) {
    // written by temp + rename, so a torn file means someone else wrote it
    throw new GwsecError('agent_status_unreadable', { en: `status.json is not JSON: ${(e as Error).message}`, zh: `status.json 不是有效的 JSON：${(e as Error).message}` }, { file: p });
  }
  return statusFromWire(data, p);
}

export function dirBytes(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      try {
        const st = statSync(p);
        if (st.isDirectory()) walk(p);
        else {
          bytes += st.size;
          files++;
        }
      } catch {
        /* vanished */
      }
    }
  };
  walk(dir);
  return { bytes, files };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

type Lang = 'zh' | 'en';

const T = {
  running: { zh: (pid: number) => `代理运行中（pid ${pid}）`, en: (pid: number) => `agent running (pid ${pid})` },
  stopped: { zh: (pid: number) => `代理未运行（上次 pid ${pid}）`, en: (pid: number) => `agent not running (last pid ${pid})` },
  of: { zh: '状态时间', en: 'status of' },
  since: { zh: '启动于', en: 'since' },
  archive: { zh: '归档', en: 'archive' },
  files: { zh: '个文件', en: 'files' },
  head: { zh: '链头序号', en: 'head seq' },
  pressure: { zh: '磁盘空间不足', en: 'DISK PRESSURE' },
  oldest: { zh: '最早记录', en: 'oldest record' },
  none: { zh: '（归档为空）', en: '(archive empty)' },
  horizon: { zh: (d: number, h: string) => `保留期 ${d} 天：${h} 之前的记录可清理，之后的必须保留`, en: (d: number, h: string) => `retention ${d} days: records before ${h} may be pruned, later ones must be kept` },
  short: { zh: (d: string) => `⚠ 最早记录晚于保留期起点：归档尚未覆盖完整的保留期（最早 ${d}）`, en: (d: string) => `⚠ the oldest record is younger than the retention horizon: the archive does not yet cover the full period (oldest ${d})` },
  checkRunning: { zh: '启动校验：进行中', en: 'archive check at start: running' },
  checkOk: { zh: (n: number, a: boolean) => `启动校验：通过（${n} 条记录${a ? '，含锚点' : '，无锚点'}）`, en: (n: number, a: boolean) => `archive check at start: ok (${n} records${a ? ', with anchors' : ', no anchors'})` },
  checkFailed: { zh: '⚠ 启动校验：未通过——归档可能已被篡改或损坏', en: '⚠ ARCHIVE CHECK AT START FAILED — the archive may have been tampered with or damaged' },
  checkError: { zh: '⚠ 启动校验：无法完成', en: '⚠ archive check at start could not run' },
  source: { zh: '来源', en: 'source' },
  unavailable: { zh: '，不可用', en: ', unavailable' },
  lag: { zh: '待读', en: 'lag' },
  offset: { zh: '偏移', en: 'offset' },
  of2: { zh: '/', en: 'of' },
  cursor: { zh: '游标', en: 'cursor' },
  counters: { zh: '计数：', en: 'counters:' },
};

/** The status report: state, archive span and retention horizon, start check, per-source cursors and lag, counters. Pure over its inputs. */
export function formatStatus(s: AgentStatus, archive: { bytes: number; files: number }, running: boolean, lang: Lang = 'en', ret?: RetentionView): string {
  const out: string[] = [];
  const sep = lang === 'zh' ? '；' : ' · ';
  out.push(`${running ? T.running[lang](s.pid) : T.stopped[lang](s.pid)}${sep}${T.of[lang]} ${s.updatedAt}${sep}${T.since[lang]} ${s.startedAt}`);
  out.push(`${T.archive[lang]} ${s.archive.dir}: ${archive.files} ${T.files[lang]}, ${fmtBytes(archive.bytes)}, ${T.head[lang]} ${s.archive.headSeq}${s.diskPressure ? `${sep}${T.pressure[lang]}` : ''}`);
  if (ret) {
    out.push(`${T.oldest[lang]} ${ret.oldest ?? T.none[lang]}`);
    out.push(T.horizon[lang](ret.retentionDays, ret.horizon));
    if (ret.oldest && Date.parse(ret.oldest) > Date.parse(ret.horizon)) out.push(T.short[lang](ret.oldest));
  }
  const c = s.archive_check;
  if (c) {
    if (c.state === 'running') out.push(T.checkRunning[lang]);
    else if (c.state === 'ok') out.push(T.checkOk[lang](c.records ?? 0, c.anchored === true));
    else {
      out.push(c.state === 'failed' ? T.checkFailed[lang] : T.checkError[lang]);
      for (const p of c.problems ?? []) out.push(`  ${p}`);
    }
  }
  for (const src of s.sources) {
    out.push(`${T.source[lang]} ${src.name} (${src.kind}${src.available ? '' : T.unavailable[lang]}): ${T.lag[lang]} ${fmtBytes(src.lag)}`);
    for (const f of src.files ?? []) out.push(`  ${f.path}  ${T.offset[lang]} ${f.offset} ${T.of2[lang]} ${f.size}  ${T.lag[lang]} ${fmtBytes(f.lag)}  (dev ${f.dev} ino ${f.ino})`);
    if (src.cursor) out.push(`  ${T.cursor[lang]} ${src.cursor}`);
  }
  out.push(T.counters[lang]);
  for (const [k, v] of Object.entries(s.counters).sort()) out.push(`  ${k} ${v}`);
  return out.join('\n') + '\n';
}

/** The oldest record's receive time (reads only until the first record) and the retention horizon. */
export async function retentionView(archiveDir: string, retentionDays: number, now: Date): Promise<RetentionView> {
  const { readRecords } = await import('../../src/journal/index.js');
  let oldest: string | undefined;
  try {
    for await (const r of readRecords(archiveDir)) {
      oldest = r.time;
      break;
    }
  } catch {
    /* an unreadable archive: shown as empty, verify says why */
  }
  return { oldest, retentionDays, horizon: new Date(now.getTime() - retentionDays * 86400000).toISOString() };
}

export async function statusReport(stateDir: string, format: 'text' | 'json', o: { lang?: Lang; retentionDays?: number; now?: Date } = {}): Promise<string> {
  const s = readStatus(stateDir);
  const archive = dirBytes(s.archive.dir);
  const running = alive(s.pid) && existsSync(join(stateDir, 'agent.lock'));
  const ret = o.retentionDays ? await retentionView(s.archive.dir, o.retentionDays, o.now ?? new Date()) : undefined;
  if (format === 'json')
    return (
      JSON.stringify(
        { ...statusToWire(s), running, archive_bytes: archive.bytes, archive_files: archive.files, oldest_record_at: ret?.oldest ?? null, retention_days: ret?.retentionDays, retention_horizon: ret?.horizon },
        null,
        2,
      ) + '\n'
    );
  return formatStatus(s, archive, running, o.lang ?? 'en', ret);
}

function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
