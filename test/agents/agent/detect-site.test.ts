/**
 * http-error-rate-spike inside the real agent: each access log the agent reads is a site (its
 * source name is the `site` field and the alert's group key), so one site's outage is not hidden
 * in, nor blamed on, another's traffic.
 */
import test from 'ava';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../agents/agent/config.js';
import { readAlerts } from '../../../agents/agent/detect/store.js';
import { startAgent } from '../../helpers/agent.js';
import { scaled, waitUntil } from '../../helpers/time.js';
import { rm, tmp, writeConfig } from './helpers.js';

const clf = (ms: number) => {
  const d = new Date(ms + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()]!;
  return `${p(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0800`;
};
const req = (ms: number, ip: string, status: number) => `${ip} - - [${clf(ms)}] "GET / HTTP/1.1" ${status} 157 "-" "Mozilla/5.0"`;

test('two sites: 40 answers of 503 in 40 s on one raise one alert keyed by its source name; 20 on the other raise none', async (t) => {
  const d = tmp('detect-site');
  const a = join(d, 'portal.access.log');
  const b = join(d, 'xxgk.access.log');
  writeFileSync(a, '');
  writeFileSync(b, '');
  const cfgPath = writeConfig(d, { archive: { dir: join(d, 'archive') }, sources: [{ type: 'file', name: 'www-portal', path: a, format: 'nginx' }, { type: 'file', name: 'www-xxgk', path: b, format: 'nginx' }] });
  const cfg = loadConfig(cfgPath);
  const agent = startAgent(t, cfg);
  const ev = agent.ev;
  const t0 = Date.UTC(2026, 5, 1, 2, 0, 0);
  try {
    appendFileSync(a, Array.from({ length: 40 }, (_, i) => req(t0 + i * 1000, `198.51.100.${i + 1}`, i % 2 ? 503 : 502)).join('\n') + '\n');
    appendFileSync(b, Array.from({ length: 40 }, (_, i) => req(t0 + i * 1000, `203.0.113.${i + 1}`, i % 2 ? 200 : 504)).join('\n') + '\n');
    t.true(await waitUntil(() => (ev.counters.RecordsArchived ?? 0) >= 80, scaled(15000)));
    t.true(await waitUntil(() => readAlerts(cfg.detections.alerts_file).some((s) => s.alert.rule === 'http-error-rate-spike' && s.alert.count >= 40), scaled(10000)));
  } finally {
    await agent.stop();
  }
  const got = readAlerts(cfg.detections.alerts_file).map((s) => s.alert).filter((x) => x.rule === 'http-error-rate-spike');
  t.deepEqual([...new Set(got.map((x) => x.groupKey))], ['www-portal']);
  t.is(got[0]!.playbook, 'ddos-outage');
  rm(d);
});
