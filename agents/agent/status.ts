import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GwsecError } from '../../src/model/errors.js';
import type { SourceStatus } from './pipeline.js';
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
}

export const statusPath = (stateDir: string) => join(stateDir, 'status.json');

export function writeStatus(stateDir: string, s: AgentStatus): void {
  writeFileDurable(statusPath(stateDir), JSON.stringify(s, null, 1));
}

export function readStatus(stateDir: string): AgentStatus {
  const p = statusPath(stateDir);
  if (!existsSync(p)) throw new GwsecError('agent_status_missing', `no status file: the agent has not run with this config yet / 未找到状态文件：该配置的 agent 尚未运行`, { file: p });
  return JSON.parse(readFileSync(p, 'utf8')) as AgentStatus;
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

/** The status report: per-source cursors and lag, archive size, counters. Pure over its inputs. */
export function formatStatus(s: AgentStatus, archive: { bytes: number; files: number }, running: boolean): string {
  const out: string[] = [];
  out.push(`agent ${running ? `running (pid ${s.pid})` : `not running (last pid ${s.pid})`} · status of ${s.updatedAt} · since ${s.startedAt}`);
  out.push(`archive ${s.archive.dir}: ${archive.files} files, ${fmtBytes(archive.bytes)}, head seq ${s.archive.headSeq}${s.diskPressure ? ' · DISK PRESSURE' : ''}`);
  for (const src of s.sources) {
    out.push(`source ${src.name} (${src.kind}${src.available ? '' : ', unavailable'}): lag ${fmtBytes(src.lag)}`);
    for (const f of src.files ?? []) out.push(`  ${f.path}  offset ${f.offset} of ${f.size}  lag ${fmtBytes(f.lag)}  (dev ${f.dev} ino ${f.ino})`);
    if (src.cursor) out.push(`  cursor ${src.cursor}`);
  }
  out.push('counters:');
  for (const [k, v] of Object.entries(s.counters).sort()) out.push(`  ${k} ${v}`);
  return out.join('\n') + '\n';
}

export function statusReport(stateDir: string, format: 'text' | 'json'): string {
  const s = readStatus(stateDir);
  const archive = dirBytes(s.archive.dir);
  const running = alive(s.pid) && existsSync(join(stateDir, 'agent.lock'));
  if (format === 'json') return JSON.stringify({ ...s, running, archiveBytes: archive.bytes, archiveFiles: archive.files }, null, 2) + '\n';
  return formatStatus(s, archive, running);
}

function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
