/** The whole path: log lines on a web server → the agent's detection → outbox → collector store, one alert per id. */
import test from 'ava';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../agents/agent/config.js';
import { createEvents } from '../../../agents/agent/events.js';
import { enrol } from '../../../agents/agent/enrol.js';
import { loadOrCreateKey } from '../../../agents/agent/key.js';
import { collectorDir } from '../../../agents/agent/reporter-config.js';
import { waitUntil } from '../../helpers/time.js';
import { initCollector, startCollector, tmp } from './helpers.js';
import { startAgent } from '../../helpers/agent.js';

const fail = (i: number, ip: string) => `Dec 10 07:00:${String(i).padStart(2, '0')} web sshd[${100 + i}]: Failed password for root from ${ip} port ${40000 + i} ssh2`;

test('an SSH brute force on the web server is an alert at the collector, its latest count, stored once', async (t) => {
  const c = await startCollector(initCollector('alerts-e2e'));
  t.teardown(() => c.stop());
  const d = tmp('alerts-agent');
  const log = join(d, 'auth.log');
  writeFileSync(log, 'Dec 10 06:59:59 web sshd[1]: Server listening on 0.0.0.0 port 22.\n');
  const cfgPath = join(d, 'agent.yaml');
  writeFileSync(cfgPath, JSON.stringify({
    archive: { dir: join(d, 'archive') }, state_dir: join(d, 'state'), retention_days: 180, checkpoint_interval_s: 2, status_interval_s: 0.5, poll_interval_ms: 50,
    sources: [{ type: 'file', name: 'auth', path: log, format: 'auth' }], detections: { host: 'web-01' },
  }));
  const cfg = loadConfig(cfgPath);
  const en = await enrol({ endpoints: [{ host: '127.0.0.1', port: c.port }], token: await c.token(), name: 'web01', dir: collectorDir(cfg), sm2PublicKeyPem: loadOrCreateKey(cfg).publicKeyPem });
  const ev = createEvents({ silent: true });
  const agent = startAgent(t, cfg, { events: ev });
  t.true(await waitUntil(() => (ev.counters.RecordsArchived ?? 0) >= 1, 10_000));
  appendFileSync(log, Array.from({ length: 12 }, (_, i) => fail(i + 1, '203.0.113.7')).join('\n') + '\n');
  const brute = async () => (await c.store.queryAlerts({ agent: en.agent_id })).filter((a) => a.rule === 'ssh-brute-force');
  t.true(await waitUntil(async () => (await brute()).some((a) => a.count >= 12), 20_000), JSON.stringify(await brute()));
  await agent.stop();
  await ev.close();
  const got = await brute();
  t.is(got.length, 1);
  t.like(got[0], { host: 'web-01', groupKey: '203.0.113.7', technique: 'T1110.001', agent_id: en.agent_id });
});
