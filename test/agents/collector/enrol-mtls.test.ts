/**
 * Enrolment and mutual TLS against a real collector TLS server on loopback: tokens work once and
 * expire; only certificates this CA issued to enrolled, unrevoked agents are let in; a misbehaving
 * agent is cut off alone; a skewed clock is flagged.
 */
import test from 'ava';
import { statSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { createCa, fingerprint, signAgentCsr } from '../../../agents/collector/ca.js';
import { enrol } from '../../../agents/agent/enrol.js';
import { generateSm2KeyPair } from '../../../src/crypto/index.js';
import { makeCsr, makeToken } from '../../../src/protocol/index.js';
import { scaled, waitUntil } from '../../helpers/time.js';
import { alert, connect, enrolAgent, initCollector, startCollector, tmp } from './helpers.js';

const now = () => new Date().toISOString();
const errCode = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'no error';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
};

test('enrol: the agent makes its key, gets a certificate for its id; then mutual TLS works and the agent is listed', async (t) => {
  const c = await startCollector(initCollector('enrol'));
  t.teardown(() => c.stop());
  const a = await enrolAgent(c.port, await c.token(), 'web01');
  t.regex(a.enrolment.agent_id, /^web01-[0-9a-f]{8}$/);
  t.is(statSync(join(a.dir, 'client.key')).mode & 0o777, 0o600);
  const cert = new X509Certificate(a.creds.cert);
  t.regex(cert.subject, new RegExp(`CN=${a.enrolment.agent_id}`));
  t.true(cert.checkIssued(new X509Certificate(a.creds.ca)));
  const s = await connect(c.port, a.creds);
  const w = await s.request({ kind: 'hello', version: '0.1.0', time: now() });
  t.like(w, { kind: 'welcome', agent_id: a.enrolment.agent_id, skew_flagged: false });
  const ack = await s.request({ kind: 'alerts', alerts: [alert('a1'), alert('a2')] });
  t.deepEqual(ack, { v: 1, kind: 'ack', ids: ['a1', 'a2'] });
  s.close();
  const agents = await c.store.listAgents();
  t.deepEqual(agents.map((x) => x.id), [a.enrolment.agent_id]);
  t.is(agents[0]!.sm2_public_key, a.sm2.publicKeyPem);
  t.is(agents[0]!.cert_fingerprint, fingerprint(a.creds.cert));
});

test('a token works once; unknown and expired tokens are refused; nothing is enrolled by a refused token', async (t) => {
  const c = await startCollector(initCollector('tokens'));
  t.teardown(() => c.stop());
  const tok = await c.token();
  await enrolAgent(c.port, tok, 'first');
  t.is(await errCode(enrolAgent(c.port, tok, 'second')), 'enrol_token_used');
  const fp = tok.split('.')[2]!;
  t.is(await errCode(enrolAgent(c.port, makeToken(fp).token, 'third')), 'enrol_token_unknown');
  const short = await c.token(1);
  await new Promise((r) => setTimeout(r, 1100));
  t.is(await errCode(enrolAgent(c.port, short, 'fourth')), 'enrol_token_expired');
  t.deepEqual((await c.store.listAgents()).map((a) => a.name), ['first']);
  t.true(c.events.some((e) => e.event === 'EnrolRefused' && e.error_type === 'token_used'));
});

test('the agent checks the collector against the token before sending it (wrong CA: token not spent)', async (t) => {
  const c = await startCollector(initCollector('wrongca'));
  t.teardown(() => c.stop());
  const tok = await c.token();
  const other = createCa('impostor');
  const forged = tok.replace(/\.[0-9a-f]{64}$/, `.${fingerprint(other.certPem)}`);
  t.is(await errCode(enrolAgent(c.port, forged, 'web01')), 'enrol_wrong_collector');
  // The real token still works: it never reached the collector.
  t.truthy((await enrolAgent(c.port, tok, 'web01')).enrolment.agent_id);
});

test('enrol fails over: a dead first endpoint, the second one enrols', async (t) => {
  const c = await startCollector(initCollector('failover'));
  t.teardown(() => c.stop());
  const dead = net.createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', () => r()));
  const deadPort = (dead.address() as net.AddressInfo).port;
  await new Promise<void>((r) => dead.close(() => r()));
  const sm2 = generateSm2KeyPair();
  const e = await enrol({ endpoints: [{ host: '127.0.0.1', port: deadPort }, { host: '127.0.0.1', port: c.port }], token: await c.token(), name: 'web09', dir: tmp('fo'), sm2PublicKeyPem: sm2.publicKeyPem });
  t.regex(e.agent_id, /^web09-/);
});

test('unauthenticated, foreign-CA, expired and unknown certificates are refused', async (t) => {
  const c = await startCollector(initCollector('refuse'));
  t.teardown(() => c.stop());
  const a = await enrolAgent(c.port, await c.token(), 'web01');
  // No certificate: only enrolment is allowed.
  const anon = await new Promise<tls.TLSSocket>((r) => {
    const s = tls.connect({ host: '127.0.0.1', port: c.port, ca: [a.creds.ca] }, () => r(s));
  });
  const { CollectorSession } = await import('../../../agents/agent/session.js');
  void CollectorSession;
  const anonAnswer = await new Promise<string>((resolve) => {
    let buf = Buffer.alloc(0);
    anon.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) resolve(JSON.parse(buf.subarray(4, 4 + buf.readUInt32BE(0)).toString()).code as string);
    });
    const body = Buffer.from(JSON.stringify({ v: 1, kind: 'hello', version: '0.1.0', time: now() }));
    const h = Buffer.alloc(4);
    h.writeUInt32BE(body.length);
    anon.write(Buffer.concat([h, body]));
  });
  t.is(anonAnswer, 'not_enrolled');
  anon.destroy();

  // A certificate from another CA, with this agent's very id.
  const foreign = createCa('foreign');
  const csr = makeCsr('web01');
  const fcert = signAgentCsr(foreign, csr.csrPem, a.enrolment.agent_id);
  const s1 = await connect(c.port, { key: csr.keyPem, cert: fcert.certPem, ca: a.creds.ca });
  t.is(await errCode(s1.request({ kind: 'hello', version: '0.1.0', time: now() })), 'collector_certificate_rejected');

  // This CA, but expired.
  const ca = { certPem: a.creds.ca, keyPem: (await import('node:fs')).readFileSync(c.cfg.tls.ca_key, 'utf8') };
  const old = signAgentCsr(ca, csr.csrPem, a.enrolment.agent_id, new Date(Date.now() - 10 * 86_400_000), 1);
  const s2 = await connect(c.port, { key: csr.keyPem, cert: old.certPem, ca: a.creds.ca });
  t.is(await errCode(s2.request({ kind: 'hello', version: '0.1.0', time: now() })), 'collector_certificate_rejected');

  // This CA, valid, but never handed out by enrolment (e.g. a stolen CA key's work, or a replaced cert).
  const stray = signAgentCsr(ca, csr.csrPem, a.enrolment.agent_id);
  const s3 = await connect(c.port, { key: csr.keyPem, cert: stray.certPem, ca: a.creds.ca });
  t.is(await errCode(s3.request({ kind: 'hello', version: '0.1.0', time: now() })), 'collector_unknown_certificate');
  t.true(c.server.counters.refused >= 3);

  // The real one still works.
  const ok = await connect(c.port, a.creds);
  t.is((await ok.request({ kind: 'hello', version: '0.1.0', time: now() })).kind, 'welcome');
  ok.close();
});

test('revoking an agent closes its open session and refuses it afterwards; other agents go on', async (t) => {
  const c = await startCollector(initCollector('revoke', 'revocation_check_s: 0.2\n'));
  t.teardown(() => c.stop());
  const a = await enrolAgent(c.port, await c.token(), 'web01');
  const b = await enrolAgent(c.port, await c.token(), 'web02');
  const sa = await connect(c.port, a.creds);
  const sb = await connect(c.port, b.creds);
  await sa.request({ kind: 'hello', version: '0.1.0', time: now() });
  await sb.request({ kind: 'hello', version: '0.1.0', time: now() });
  t.true(await c.store.revokeAgent(a.enrolment.agent_id, new Date()));
  t.true(await waitUntil(() => sa.closed, 5000), 'the revoked agent was cut off');
  const again = await connect(c.port, a.creds);
  t.is(await errCode(again.request({ kind: 'hello', version: '0.1.0', time: now() })), 'collector_revoked');
  t.is((await sb.request({ kind: 'alerts', alerts: [alert('b1')] })).kind, 'ack');
  sb.close();
});

test('oversized and malformed frames: that agent is cut off with a code, the collector and other agents go on', async (t) => {
  const c = await startCollector(initCollector('frames', 'max_frame_bytes: 65536\n'));
  t.teardown(() => c.stop());
  const a = await enrolAgent(c.port, await c.token(), 'web01');
  const b = await enrolAgent(c.port, await c.token(), 'web02');
  const sb = await connect(c.port, b.creds);
  await sb.request({ kind: 'hello', version: '0.1.0', time: now() });

  const raw = (payload: Buffer) =>
    new Promise<string>((resolve) => {
      const s = tls.connect({ host: '127.0.0.1', port: c.port, key: a.creds.key, cert: a.creds.cert, ca: [a.creds.ca], servername: undefined }, () => s.write(payload));
      let buf = Buffer.alloc(0);
      s.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) resolve(JSON.parse(buf.subarray(4, 4 + buf.readUInt32BE(0)).toString()).code as string);
      });
      s.on('error', () => resolve('socket error'));
      s.on('close', () => resolve('closed without an answer'));
    });
  const head = (n: number) => {
    const h = Buffer.alloc(4);
    h.writeUInt32BE(n);
    return h;
  };
  t.is(await raw(head(10_000_000)), 'frame_too_large');
  t.is(await raw(Buffer.concat([head(9), Buffer.from('{not json')])), 'malformed_json');
  const bad = Buffer.from(JSON.stringify({ v: 1, kind: 'alerts', alerts: [{ ...alert('z'), severity: 'urgent' }] }));
  t.is(await raw(Buffer.concat([head(bad.length), bad])), 'invalid_message');
  t.true(c.server.counters.protocolErrors >= 3);
  // Agent B, connected all along, is unaffected; and A can reconnect properly.
  t.is((await sb.request({ kind: 'alerts', alerts: [alert('b1')] })).kind, 'ack');
  const sa = await connect(c.port, a.creds);
  t.is((await sa.request({ kind: 'alerts', alerts: [alert('a1')] })).kind, 'ack');
  t.is((await c.store.queryAlerts()).length, 2);
  sa.close();
  sb.close();
});

test('a clock skewed by ±1 h is flagged (welcome, store, event); a few seconds is not', async (t) => {
  const c = await startCollector(initCollector('skew'));
  t.teardown(() => c.stop());
  const a = await enrolAgent(c.port, await c.token(), 'web01');
  const s = await connect(c.port, a.creds);
  for (const [offset, flagged] of [[3600_000, true], [-3600_000, true], [5_000, false]] as const) {
    const w = await s.request({ kind: 'hello', version: '0.1.0', time: new Date(Date.now() + offset).toISOString() });
    t.is(w.kind === 'welcome' && w.skew_flagged, flagged, `offset ${offset}`);
    const rec = await c.store.getAgent(a.enrolment.agent_id);
    t.true(Math.abs(rec!.skew_ms! - offset) < scaled(5000), `stored skew ${rec!.skew_ms} for ${offset}`);
  }
  s.close();
  t.is(c.events.filter((e) => e.event === 'ClockSkewFlagged').length, 2);
});

test('redelivered alerts and checkpoints are stored once; a checkpoint signed with another key is flagged', async (t) => {
  const c = await startCollector(initCollector('dedup'));
  t.teardown(() => c.stop());
  const a = await enrolAgent(c.port, await c.token(), 'web01');
  const s = await connect(c.port, a.creds);
  for (let i = 0; i < 3; i++) await s.request({ kind: 'alerts', alerts: [alert('a1'), alert('a2')] });
  t.is((await c.store.queryAlerts()).length, 2);
  t.is(c.server.counters.alertsDuplicate, 4);
  const { makeCheckpoint } = await import('../../../src/journal/checkpoint.js');
  const good = makeCheckpoint(10, 'a'.repeat(64), now(), { keyId: 'k1', ...a.sm2 });
  const other = generateSm2KeyPair();
  const forged = makeCheckpoint(11, 'b'.repeat(64), now(), { keyId: 'k1', ...other });
  const msg = (cp: typeof good) => ({ kind: 'checkpoint' as const, checkpoint: { id: `cp-${cp.seq}`, seq: cp.seq, hash: cp.hash, time: cp.time, key_id: cp.keyId, signature: cp.signature } });
  t.deepEqual(await s.request(msg(good)), { v: 1, kind: 'ack', ids: ['cp-10'] });
  t.deepEqual(await s.request(msg(good)), { v: 1, kind: 'ack', ids: ['cp-10'] });
  t.deepEqual(await s.request(msg(forged)), { v: 1, kind: 'ack', ids: ['cp-11'], rejected: [{ id: 'cp-11', code: 'bad_signature' }] });
  s.close();
  t.deepEqual((await c.store.checkpoints(a.enrolment.agent_id)).map((x) => [x.seq, x.signature_ok]), [[10, true], [11, false]]);
});
