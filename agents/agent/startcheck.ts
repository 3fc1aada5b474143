/**
 * At start the agent verifies the archive it is about to append to (in the background: a large
 * archive must not delay collection). A failure is loud — an error event, a plain banner on stderr
 * and `archive_check` in the status file — and the agent keeps appending: stopping would lose
 * today's logs too, and the damage stays provable (the new records chain on from the damaged head).
 */
import { existsSync, readFileSync } from 'node:fs';
import { verifyArchive } from '../../src/journal/index.js';
import type { AgentConfig } from './config.js';
import type { Events } from './events.js';

export interface ArchiveCheck {
  state: 'running' | 'ok' | 'failed' | 'error';
  startedAt: string;
  finishedAt?: string;
  records?: number;
  /** Whether anchors (checkpoints kept outside the archive) were part of the check. */
  anchored?: boolean;
  problems?: string[];
}

export async function checkArchiveAtStart(cfg: AgentConfig, emit: Events['emit'], now: () => Date, stderr: (s: string) => void = (s) => void process.stderr.write(s)): Promise<ArchiveCheck> {
  const startedAt = now().toISOString();
  const anchors = cfg.archive.anchors_file && existsSync(cfg.archive.anchors_file) ? cfg.archive.anchors_file : undefined;
  const publicKeyPem = existsSync(cfg.key.public) ? readFileSync(cfg.key.public, 'utf8') : undefined;
  const run = () => verifyArchive(cfg.archive.dir, { anchors, publicKeyPem, retentionDays: cfg.retention_days, now: now() });
  try {
    let r = await run();
    // Appends and checkpoints run meanwhile: a problem must be there on a second look too.
    if (!r.ok) r = await run();
    const problems = r.problems.map((p) => `${p.kind}${p.segment ? ` (segment ${p.segment})` : ''}${p.seq !== undefined ? ` (seq ${p.seq})` : ''}: ${p.detail}`);
    const done: ArchiveCheck = { state: r.ok ? 'ok' : 'failed', startedAt, finishedAt: now().toISOString(), records: r.records, anchored: anchors !== undefined, problems: problems.slice(0, 20) };
    if (r.ok) emit('ArchiveVerified', { records: r.records, anchored: anchors !== undefined });
    else {
      emit('ArchiveVerifyFailed', { archive: cfg.archive.dir, problems: problems.length, first: problems[0] });
      stderr(
        [
          '',
          '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
          `!! WARNING: the archive ${cfg.archive.dir} FAILED verification at start (${problems.length} problem(s)).`,
          `!! 警告：归档 ${cfg.archive.dir} 启动校验未通过（${problems.length} 处问题），可能已被篡改或损坏。`,
          ...problems.slice(0, 5).map((p) => `!!   ${p}`),
          '!! The agent keeps appending (new records chain on from the current head); investigate with',
          `!!   gwsec agent verify --archive ${cfg.archive.dir}${anchors ? ` --anchors ${anchors}` : ''}`,
          '!! 代理继续写入；请立即核查。`gwsec agent status` 显示 archive_check: failed。',
          '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
          '',
        ].join('\n'),
      );
    }
    return done;
  } catch (e) {
    emit('ArchiveVerifyFailed', { archive: cfg.archive.dir, problems: -1, first: (e as Error).message });
    return { state: 'error', startedAt, finishedAt: now().toISOString(), problems: [(e as Error).message] };
  }
}
