/** Where the agent keeps its enrolment and outbox, and the outbox's bound (agent.yaml `collector:`). */
import { join } from 'node:path';
import type { AgentConfig } from './config.js';

export const OUTBOX_MAX_BYTES_DEFAULT = 64 << 20;

export function collectorDir(cfg: Pick<AgentConfig, 'state_dir'>): string {
  return join(cfg.state_dir, 'collector');
}
