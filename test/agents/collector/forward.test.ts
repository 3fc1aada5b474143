/**
 * Forwarding to the SOC: alerts newly stored at a running collector go to a real rsyslog as RFC 5424
 * over TLS (RFC 5425 octet counting) and to an HTTPS webhook with an HMAC signature. What rsyslog
 * wrote is read back and checked field by field; a redelivered alert is not forwarded twice.
 */
import test from 'ava';
import { createServer } from 'node:https';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCa, issueServerCert } from '../../../agents/collector/ca.js';
import { loadCollectorConfig } from '../../../agents/collector/config.js';
import { runCollector } from '../../../agents/collector/run.js';
import { formatRfc5424, octetFrame } from '../../../agents/collector/forward/syslog.js';
import { signWebhook } from '../../../agents/collector/forward/webhook.js';
import { rsyslogUnavailable, startRsyslog } from '../../helpers/rsyslog.js';
import { waitUntil } from '../../helpers/time.js';
import { alert, connect, enrolAgent, initCollector, tmp } from './helpers.js';
import { makeToken } from '../../../src/protocol/index.js';
import { fingerprint } from '../../../agents/collector/ca.js';
import { readFileSync } from 'node:fs';
import { openStore } from '../../../agents/collector/store/index.js';

test('RFC 5424 text and RFC 5425 framing', (t) => {
  const a = { ...alert('f1', { severity: 'critical' }), title: { zh: '注入 "x"', en: 'injection' }, agent_id: 'web01-1234abcd' };
  const m = formatRfc5424(a, { appName: 'gwsec', hostname: 'collector 1', collector: 'prov' });
  t.regex(m, /^<34>1 2026-12-01T08:00:00\.000Z collector_1 gwsec - web-sqli-probe \[gwsec@32473 agent="web01-1234abcd" collector="prov" id="f1" rule="web-sqli-probe" severity="critical" technique="T1190" host="web-01" count="1" first="[^"]+" last="[^"]+"\] \uFEFF\{/);
  t.is(JSON.parse(m.slice(m.indexOf('\uFEFF') + 1)).title.zh, '注入 "x"');
  const f = octetFrame('é');
  t.is(f.toString(), '2 é');
});

test('a running collector forwards new alerts to a real rsyslog over TLS and to a signed HTTPS webhook, once each', async (t) => {
  const why = rsyslogUnavailable();
  if (why) {
    if (process.env.CI) t.fail(`CI must run the rsyslog test: ${why}`);
    else t.log(`SKIPPED: ${why}`);
    return t.pass();
  }
  const siemCa = createCa('siem');
  const siemCert = issueServerCert(siemCa, ['localhost', '127.0.0.1']);
  const rs = await startRsyslog({ caPem: siemCa.certPem, ...siemCert });
  t.teardown(() => rs.stop());

  const hooks: Array<{ ts: string; sig: string; body: string }> = [];
  const hook = createServer({ key: siemCert.keyPem, cert: siemCert.certPem }, (req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      hooks.push({ ts: String(req.headers['x-gwsec-timestamp']), sig: String(req.headers['x-gwsec-signature']), body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
  t.teardown(() => void hook.close());
  const hookPort = (hook.address() as { port: number }).port;

  const d = tmp('fwd');
  writeFileSync(join(d, 'siem-ca.pem'), siemCa.certPem);
  writeFileSync(join(d, 'hook.secret'), 's3cret-for-hmac\n', { mode: 0o600 });
  const cfgPath = initCollector('fwd', [
    'forward:',
    `  syslog: [{ host: 127.0.0.1, port: ${rs.port}, ca_cert: ${join(d, 'siem-ca.pem')}, min_severity: low }]`,
    `  webhook: [{ url: "https://127.0.0.1:${hookPort}/gwsec", secret_file: ${join(d, 'hook.secret')}, ca_cert: ${join(d, 'siem-ca.pem')}, min_severity: high }]`,
    '',
  ].join('\n'));
  const cfg = loadCollectorConfig(cfgPath);
  const ac = new AbortController();
  let port = 0;
  const running = runCollector(cfg, { signal: ac.signal, log: () => undefined, onListening: (p) => (port = p) });
  t.teardown(async () => {
    ac.abort();
    await running.catch(() => undefined);
  });
  t.true(await waitUntil(() => port > 0, 10_000));
  // A token straight into the store the running collector uses (the CLI does the same).
  const tk = makeToken(fingerprint(readFileSync(cfg.tls.ca_cert, 'utf8')));
  const side = await openStore(cfg, { readOnly: true });
  await side.addToken(tk.hash, new Date(), new Date(Date.now() + 600_000));
  await side.close();
  const a = await enrolAgent(port, tk.token, 'web01');
  const s = await connect(port, a.creds);
  const batch = [alert('c1', { severity: 'critical' }), alert('h1', { severity: 'high' }), alert('i1', { severity: 'info' })];
  await s.request({ kind: 'alerts', alerts: batch });
  await s.request({ kind: 'alerts', alerts: batch }); // redelivery: stored once, forwarded once
  s.close();
  t.true(await waitUntil(() => rs.received().length >= 2 && hooks.length >= 1, 20_000), `rsyslog got ${rs.received().length}, webhook ${hooks.length}`);
  await new Promise((r) => setTimeout(r, 500));
  ac.abort();
  await running;

  const lines = rs.received();
  t.is(lines.length, 2, lines.join('\n'));
  const parsed = lines.map((l) => l.split('|'));
  t.deepEqual(parsed.map((p) => p[0]).sort(), ['crit', 'err']);
  for (const p of parsed) {
    t.is(p[1], 'auth');
    t.is(p[3], 'gwsec');
    t.is(p[4], 'web-sqli-probe');
    t.regex(p[5]!, new RegExp(`^\\[gwsec@32473 agent="${a.enrolment.agent_id}" collector="fwd" id="(c1|h1)"`));
    const msg = JSON.parse(p.slice(6).join('|').replace(/^\uFEFF/, '').trim()) as { id: string; title: { zh: string } };
    t.is(msg.title.zh, 'SQL 注入探测');
  }
  t.is(hooks.length, 1);
  const h = hooks[0]!;
  t.is(h.sig, signWebhook('s3cret-for-hmac', Number(h.ts), h.body));
  const body = JSON.parse(h.body) as { collector: string; alerts: Array<{ id: string; agent_id: string }> };
  t.deepEqual(body.alerts.map((x) => x.id), ['c1', 'h1']);
  t.is(body.alerts[0]!.agent_id, a.enrolment.agent_id);
});
