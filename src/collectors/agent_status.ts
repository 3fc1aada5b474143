import { parse as parseYaml } from 'yaml';
import { t } from '../model/schema.js';
import { CollectError } from '../model/errors.js';
import type { Collector } from './types.js';
import { parseIsActive } from '../parsers/systemd.js';
import { AGENT_UNIT_STATE } from './unit-states.js';

/**
 * Host monitoring: the gwsec agent's unit state, its last archive checkpoint (from its status file),
 * its archive retention and which logs it archives (from /etc/gwsec/agent.yaml), and the names of
 * running processes so a declared equivalent HIDS (HIDS_PROCESSES) can be recognised.
 * Process names are the kernel's `comm` (at most 15 characters); no command lines, which may carry
 * secrets.
 */
export const AGENT_STATUS_FILE = '/var/lib/gwsec/agent/status.json';
export const AGENT_CONFIG_FILE = '/etc/gwsec/agent.yaml';

type Err = { error: { code: string; message: string } };

export interface AgentStatusFacts {
  gwsec: { unit: string; status: { last_checkpoint: string | null } | Err };
  config: { present: boolean; retention_days: number | null; log_paths: string[] } | Err;
  processes: string[] | Err;
}

export const agentStatus: Collector<AgentStatusFacts> = {
  id: 'agent_status',
  description: 'gwsec agent unit, last checkpoint and archive retention; running process names for other HIDS agents',
  schema: t.obj({
    gwsec: t.obj({ unit: t.str, status: t.obj({ last_checkpoint: t.nullable(t.str) }) }),
    config: t.obj({ present: t.bool, retention_days: t.nullable(t.num), log_paths: t.arr(t.str) }),
    processes: t.arr(t.str),
  }),
  requests: [
    { kind: 'cmd', name: 'agent_status-active', script: AGENT_UNIT_STATE, selfTimed: true },
    { kind: 'file', path: AGENT_STATUS_FILE },
    { kind: 'file', path: AGENT_CONFIG_FILE },
    { kind: 'cmd', name: 'agent_status-processes', script: 'gw_comms', selfTimed: true },
  ],
  parse(out) {
    const active = out.cmdIfPresent('agent_status-active');
    const unit = active ? (parseIsActive(active.stdout, ['gwsec-agent']))['gwsec-agent'] : 'unknown';
    return { gwsec: { unit, status: guard(readStatus) }, config: guard(readConfig), processes: guard(readProcesses) };

    function readStatus() {
      const text = out.text(AGENT_STATUS_FILE);
      if (text === null) return { last_checkpoint: null };
      let j: unknown;
      try {
        j = JSON.parse(text);
      } catch {
        throw new CollectError('parse_error', `${AGENT_STATUS_FILE}: not JSON`);
      }
      const v = (j as { last_checkpoint_at?: unknown }).last_checkpoint_at;
      return { last_checkpoint: typeof v === 'string' || typeof v === 'number' ? String(v) : null };
    }

    function readConfig() {
      const text = out.text(AGENT_CONFIG_FILE);
      if (text === null) return { present: false, retention_days: null, log_paths: [] };
      let doc: unknown;
      try {
        doc = parseYaml(text);
      } catch (e) {
        throw new CollectError('parse_error', `${AGENT_CONFIG_FILE}: ${(e as Error).message.split('\n')[0]}`);
      }
      const d = (doc ?? {}) as { retention_days?: unknown; archive?: { retention_days?: unknown } };
      const r = d.archive?.retention_days ?? d.retention_days;
      return { present: true, retention_days: typeof r === 'number' ? r : null, log_paths: [...new Set(stringsUnder(doc).filter((s) => s.startsWith('/var/log/')))].sort() };
    }

    function readProcesses() {
      const r = out.cmd('agent_status-processes');
      const names = r.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
      if (r.exitCode !== 0 || names.length === 0) throw new CollectError('command_failed', `ps exited ${r.exitCode}`);
      return [...new Set(names)].sort();
    }
  },
};

function guard<T>(f: () => T): T | Err {
  try {
    return f();
  } catch (e) {
    if (e instanceof CollectError) return { error: { code: e.code, message: e.message } };
    throw e;
  }
}

function stringsUnder(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(stringsUnder);
  if (v && typeof v === 'object') return Object.values(v).flatMap(stringsUnder);
  return [];
}
