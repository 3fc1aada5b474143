/**
 * `gwsec playbook run [ID] --from-alert ALERT`: start the alert's suggested playbook with what the
 * alert knows filled in (the playbook's own variables only: account, web root, evidence window),
 * the occurrence time from the alert's first-seen, discovery from when it was stored, and a title
 * naming the alert. ALERT is an alert id (or an unambiguous prefix of ≥ 8 characters) in the alert
 * store (`--alerts FILE`, default the agent's), or a JSON file holding one alert.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Alert } from '../model/alert.js';
import { GwsecError } from '../model/errors.js';
import { resolvePlaybook } from '../playbook/load.js';

export const DEFAULT_ALERT_STORE = '/var/lib/gwsec/agent-state/alerts.jsonl';

interface Found {
  alert: Alert;
  storedAt?: string;
}

function fromStore(file: string, ref: string): Found {
  if (!existsSync(file)) throw new GwsecError('usage_error', { en: `alert store not found: give --alerts FILE or --agent-config agent.yaml (the agent's detections.alerts_file)`, zh: '未找到告警库：请用 --alerts 指定文件，或用 --agent-config 指定代理配置（告警库即其中的 detections.alerts_file）' }, { file });
  const first = new Map<string, string>();
  const latest = new Map<string, Alert>();
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((l) => {
      if (!l) return;
      try {
        const s = JSON.parse(l) as { storedAt?: string; alert?: Alert };
        if (!s.alert?.id) return;
        if (s.storedAt && !first.has(s.alert.id)) first.set(s.alert.id, s.storedAt);
        latest.set(s.alert.id, s.alert);
      } catch {
        /* a torn last line */
      }
    });
  const ids = [...latest.keys()].filter((id) => id === ref || (ref.length >= 8 && id.startsWith(ref)));
  if (ids.length !== 1) throw new GwsecError(
      'usage_error',
      ids.length
        ? { en: `alert ${ref} is ambiguous (${ids.length} alerts start with it)`, zh: `告警编号 ${ref} 不唯一（有 ${ids.length} 条告警以此开头）` }
        : { en: `no alert ${ref} in ${file}`, zh: `${file} 中没有告警 ${ref}` },
      { file },
    );
  return { alert: latest.get(ids[0]!)!, storedAt: first.get(ids[0]!) };
}

function fromFile(file: string): Found {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new GwsecError('usage_error', { en: `${file}: not an alert JSON file: ${(e as Error).message}`, zh: `${file} 不是告警 JSON 文件：${(e as Error).message}` }, { file });
  }
  const a = (Array.isArray(v) && v.length === 1 ? v[0] : v) as Partial<Alert>;
  if (!a || typeof a.id !== 'string' || typeof a.rule !== 'string' || typeof a.playbook !== 'string' || typeof a.firstSeen !== 'string')
    throw new GwsecError('usage_error', { en: `${file}: expected one alert (as \`gwsec agent alerts --format json\` prints them)`, zh: `${file} 应为一条告警（格式同 \`gwsec agent alerts --format json\` 的输出）` }, { file });
  return { alert: a as Alert };
}

export function findAlert(ref: string, store?: string): Found {
  return existsSync(ref) && !/^[0-9a-f]{8,32}$/.test(ref) ? fromFile(ref) : fromStore(store ?? DEFAULT_ALERT_STORE, ref);
}

/** The variables an alert can fill, by playbook variable name. */
export function alertVars(a: Alert, now: Date): Record<string, string> {
  const out: Record<string, string> = {};
  const ev = a.evidence;
  if (typeof ev['auth.user'] === 'string') out.account = ev['auth.user'];
  if (typeof ev['file.root'] === 'string') out.webroot = ev['file.root'];
  // homepage-unreachable → ddos-outage: probe the URL that failed.
  if (typeof ev['probe.url'] === 'string') out.site_url = ev['probe.url'];
  // Evidence window: from an hour before the first event up to now.
  const first = Date.parse(a.firstSeen);
  if (Number.isFinite(first)) out.window_minutes = String(Math.max(60, Math.ceil((now.getTime() - first) / 60_000) + 60));
  return out;
}

export interface FromAlert {
  ref: string;
  vars: string[];
  title: string;
  occurred: string;
  discovered?: string;
}

/** Options for playbookRun filled from an alert; explicit --var and ID win. */
export async function fromAlert(o: { alert: string; alerts?: string; ref?: string; vars: string[]; lang: 'zh' | 'en'; now: Date }): Promise<FromAlert> {
  const { alert: a, storedAt } = findAlert(o.alert, o.alerts);
  const ref = o.ref ?? a.playbook;
  const pb = (await resolvePlaybook(ref)).playbook;
  const given = new Set(o.vars.map((kv) => kv.slice(0, kv.indexOf('='))));
  const vars = Object.entries(alertVars(a, o.now))
    .filter(([k]) => k in pb.variables && !given.has(k))
    .map(([k, v]) => `${k}=${v}`);
  const key = a.groupKey ? ` ${a.groupKey.slice(0, 80)}` : '';
  return {
    ref,
    vars: [...vars, ...o.vars],
    title: `${a.title[o.lang]}${key} (${o.lang === 'zh' ? '告警' : 'alert'} ${a.id.slice(0, 12)}, ${a.host})`,
    occurred: a.firstSeen,
    discovered: storedAt,
  };
}
