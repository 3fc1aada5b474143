import { notCollected } from '../model/errors.js';
import { t } from '../model/schema.js';
import type { Deriver } from '../collectors/types.js';
import type { LoggingFacts } from '../collectors/logging.js';
import type { AgentStatusFacts } from '../collectors/agent_status.js';
import { ruleFor, type LogrotateRule } from '../parsers/logrotate.js';

/**
 * How long each kind of log is kept, from every mechanism that keeps it:
 *  - web   (nginx/httpd/apache2 logs; listed only when such a log directory exists): logrotate;
 *  - auth  (auth.log / secure) and system (syslog / messages): logrotate for the files, plus the
 *    journal when it is persistent (sshd, sudo and PAM log through it);
 *  - any kind whose paths the gwsec agent archives (agent.yaml), while the agent unit is active.
 * A kind is kept as long as its longest-keeping mechanism; a log file no logrotate rule covers is
 * never rotated (unlimited).
 *
 * journald: Storage=persistent, or auto with /var/log/journal present. MaxRetentionSec unset or 0
 * means no time limit; but an explicit SystemMaxUse below 1 GiB is taken as starving the journal
 * (a busy web host fills that in weeks), so such a journal is not credited.
 */
type Err = { error: { code: string; message: string } };

export interface Category {
  name: 'web' | 'auth' | 'system';
  retention_days: number; // longest guaranteed, 0 when nothing keeps it
  unlimited: boolean;
  via: string[]; // "logrotate /etc/logrotate.d/nginx:1 (weekly × 52)", "journald persistent, no time limit", …
}

export interface RetentionFacts {
  categories: Array<Category | { name: string; error: Err['error'] & { zh?: string } }>;
  agent_archive: { configured: boolean; retention_days: number | null } | Err;
}

export const JOURNAL_MIN_MAX_USE = 1024 ** 3;

const KINDS: Array<{ name: Category['name']; dirs: string[]; files: string[]; journal: boolean; fallback: Record<string, string> }> = [
  { name: 'web', dirs: ['/var/log/nginx', '/var/log/httpd', '/var/log/apache2'], files: [], journal: false,
    fallback: { '/var/log/nginx': '/var/log/nginx/access.log', '/var/log/httpd': '/var/log/httpd/access_log', '/var/log/apache2': '/var/log/apache2/access.log' } },
  { name: 'auth', dirs: [], files: ['/var/log/auth.log', '/var/log/secure'], journal: true, fallback: {} },
  { name: 'system', dirs: [], files: ['/var/log/syslog', '/var/log/messages'], journal: true, fallback: {} },
];

export const retention: Deriver<RetentionFacts | Err> = {
  id: 'retention',
  description: 'Days web, auth and system logs are kept (logrotate, journald, gwsec agent archive)',
  schema: t.obj({
    categories: t.arr(t.obj({ name: t.str, retention_days: t.num, unlimited: t.bool, via: t.arr(t.str) })),
    agent_archive: t.obj({ configured: t.bool, retention_days: t.nullable(t.num) }),
  }),
  needs: ['logging', 'agent_status'],
  derive(facts) {
    const lg = facts.logging;
    if (isErr(lg)) return lg;
    if (!lg || typeof lg !== 'object') return notCollected('logging');
    const logging = lg as LoggingFacts;
    const agent = facts.agent_status as AgentStatusFacts | Err | undefined;
    const agentCfg = !agent || isErr(agent) ? null : agent.config;
    const agentActive = !!agent && !isErr(agent) && agent.gwsec.unit === 'active';

    const existing = logging.files.map((f) => f.path);
    const categories: RetentionFacts['categories'] = [];
    for (const kind of KINDS) {
      const dirs = kind.dirs.filter((d) => existing.includes(d));
      if (kind.name === 'web' && dirs.length === 0) continue; // no web server logs on this host
      const files = [
        ...kind.files.filter((f) => existing.includes(f)),
        ...dirs.flatMap((d) => {
          const inside = existing.filter((f) => f.startsWith(d + '/'));
          return inside.length > 0 ? inside : [kind.fallback[d]];
        }),
      ];
      const kept: Array<{ days: number | null; via: string }> = [];
      let blocked: Err | null = null;
      if (files.length > 0) {
        if (isErr(logging.logrotate)) blocked = logging.logrotate;
        else kept.push(logrotateDays(logging.logrotate.rules, files));
      }
      if (kind.journal && logging.journald.persistent) {
        const j = logging.journald;
        const starving = j.system_max_use_bytes !== null && j.system_max_use_bytes < JOURNAL_MIN_MAX_USE;
        if (!starving) {
          const days = j.max_retention_sec ? j.max_retention_sec / 86400 : null;
          kept.push({ days, via: `journald persistent, ${days === null ? 'no time limit' : `MaxRetentionSec ${Math.round(days)}d`}` });
        }
      }
      if (agentActive && agentCfg && !isErr(agentCfg) && agentCfg.present && agentCfg.retention_days !== null) {
        const covers = agentCfg.log_paths.some((p) => [...kind.files, ...kind.dirs].some((k) => p === k || p.startsWith(k + '/') || p.startsWith(k + '*')));
        if (covers) kept.push({ days: agentCfg.retention_days, via: `gwsec agent archive, retention_days ${agentCfg.retention_days}` });
      }
      const unlimited = kept.some((k) => k.days === null);
      const best = Math.max(0, ...kept.map((k) => k.days ?? 0));
      if (blocked && !unlimited) {
        categories.push({
          name: kind.name,
          error: {
            code: blocked.error.code,
            message: `logrotate configuration unreadable (${blocked.error.message}); other mechanisms keep ${kind.name} logs ${best} days`,
            zh: `logrotate 配置无法读取（${blocked.error.message}）；其他机制保留 ${kind.name} 日志 ${best} 天`,
          },
        });
        continue;
      }
      categories.push({ name: kind.name, retention_days: Math.round(best * 100) / 100, unlimited, via: kept.map((k) => k.via) });
    }
    const agent_archive: RetentionFacts['agent_archive'] =
      agentCfg === null
        ? notCollected('agent_status')
        : isErr(agentCfg)
          ? agentCfg
          : { configured: agentCfg.present, retention_days: agentCfg.retention_days };
    return { categories, agent_archive };
  },
};

/** The worst (shortest) retention over the kind's files: each file is kept as its rule says. */
function logrotateDays(rules: Array<Omit<LogrotateRule, 'sizeTriggered'>>, files: string[]): { days: number | null; via: string } {
  let worst: { days: number | null; via: string } | null = null;
  for (const f of files) {
    const r = ruleFor(rules as LogrotateRule[], f);
    const cur = r
      ? { days: r.retention_days, via: `logrotate ${r.file}:${r.line} ${f} (${r.period ?? 'size'} × ${r.rotate}${r.maxage !== null ? `, maxage ${r.maxage}` : ''})` }
      : { days: null, via: `${f}: no logrotate rule, never rotated` };
    if (!worst || (cur.days !== null && (worst.days === null || cur.days < worst.days))) worst = cur;
  }
  return worst!;
}

function isErr(v: unknown): v is Err {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Err).error?.code === 'string';
}
