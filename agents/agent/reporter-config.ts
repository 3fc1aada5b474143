/** Where the agent keeps its enrolment and outbox, and the reporter built from them (none before enrolment). */
import { join } from 'node:path';
import type { AgentConfig } from './config.js';
import { loadEnrolment } from './enrolment-file.js';
import type { Reporter } from './reporter.js';

export const OUTBOX_MAX_BYTES_DEFAULT = 64 << 20;

export function collectorDir(cfg: Pick<AgentConfig, 'state_dir'>): string {
  return join(cfg.state_dir, 'collector');
}

export async function openReporter(cfg: AgentConfig, o: { version: string; emit: (event: string, fields: Record<string, unknown>) => void; now: () => Date }): Promise<Reporter | null> {
  const dir = collectorDir(cfg);
  const en = loadEnrolment(dir);
  if (!en) return null;
  // Loaded only when enrolled: the wire protocol (and zod with it) stays out of a standalone agent's heap.
  const [{ Outbox }, { Reporter }] = await Promise.all([import('./outbox.js'), import('./reporter.js')]);
  const outbox = Outbox.open(join(dir, 'outbox'), {
    maxBytes: cfg.collector?.outbox_max_bytes ?? OUTBOX_MAX_BYTES_DEFAULT,
    now: o.now,
    onGap: (ev, g) => o.emit(ev === 'opened' ? 'OutboxGapOpened' : 'OutboxGapRecorded', { from: g.from, to: g.to, ...g.dropped }),
  });
  return new Reporter({
    outbox, endpoints: en.enrolment.endpoints, creds: { key: en.key, cert: en.cert, ca: en.ca }, version: o.version, archiveDir: cfg.archive.dir, now: o.now, emit: o.emit,
    healthIntervalMs: (cfg.collector?.health_interval_s ?? 30) * 1000,
  });
}
