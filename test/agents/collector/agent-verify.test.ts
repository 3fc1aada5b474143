/**
 * `gwsec agent verify --anchors COLLECTOR`: the agent asks a real collector (its own process, real
 * mutual TLS) for the checkpoints it holds and the key bound at enrolment, and verifies its local
 * archive against them — a rollback to an older consistent copy, a cut tail and a full re-chain
 * signed with a replaced key all fail, where an on-host verify with the archive's own key passes.
 */
import test from 'ava';
import { appendFileSync, cpSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../agents/agent/config.js';
import { createEvents } from '../../../agents/agent/events.js';
import { enrol } from '../../../agents/agent/enrol.js';
import { collectorDir } from '../../../agents/agent/reporter-config.js';
import { loadOrCreateKey } from '../../../agents/agent/key.js';
import { fetchAnchors } from '../../../agents/agent/anchors.js';
import { loadCollectorConfig } from '../../../agents/collector/config.js';
import { fingerprint } from '../../../agents/collector/ca.js';
import { openStore } from '../../../agents/collector/store/index.js';
import { Journal, verifyArchive } from '../../../src/journal/index.js';
import { generateSm2KeyPair, sm3 } from '../../../src/crypto/index.js';
import { ANCHORS_PAGE, makeToken } from '../../../src/protocol/index.js';
import { gwsec } from '../../helpers/cli.js';
import { waitUntil } from '../../helpers/time.js';
import { enrolAgent, initCollector, spawnCollector, startCollector, tmp } from './helpers.js';
import { startAgent } from '../../helpers/agent.js';

async function token(cfgPath: string): Promise<string> {
  const cfg = loadCollectorConfig(cfgPath);
  const store = await openStore(cfg, { readOnly: true });
  const t = makeToken(fingerprint(readFileSync(cfg.tls.ca_cert, 'utf8')));
  await store.addToken(t.hash, new Date(), new Date(Date.now() + 600_000));
  await store.close();
  return t.token;
}

function agentDir(name: string, lines: number) {
  const d = tmp(`verify-${name}`);
  const log = join(d, 'app.log');
  writeFileSync(log, Array.from({ length: lines }, (_, i) => `${name} line ${i} ${'x'.repeat(100)}\n`).join(''));
  const cfgPath = join(d, 'agent.yaml');
  writeFileSync(cfgPath, JSON.stringify({
    archive: { dir: join(d, 'archive'), segment_max_bytes: 65536 }, state_dir: join(d, 'state'), retention_days: 180, checkpoint_interval_s: 1, status_interval_s: 0.5, poll_interval_ms: 50,
    collector: { health_interval_s: 5 }, sources: [{ type: 'file', name: 'app', path: log, format: 'raw', start_at: 'beginning' }],
  }));
  return { d, log, cfgPath, cfg: loadConfig(cfgPath) };
}

test('agent verify --anchors COLLECTOR: consistent archive passes; rollback, cut tail and re-chain with a replaced key fail', async (t) => {
  const colCfg = initCollector('agent-verify');
  const col = spawnCollector(colCfg);
  t.teardown(async () => {
    col.child.kill('SIGTERM');
    await col.exited;
  });
  const port = await col.port;
  const ep = `127.0.0.1:${port}`;
  const a = agentDir('web01', 200);
  const key = loadOrCreateKey(a.cfg);
  const en = await enrol({ endpoints: [{ host: '127.0.0.1', port }], token: await token(colCfg), name: 'web01', dir: collectorDir(a.cfg), sm2PublicKeyPem: key.publicKeyPem });
  const creds = () => {
    const dir = collectorDir(a.cfg);
    return { key: readFileSync(join(dir, 'client.key'), 'utf8'), cert: readFileSync(join(dir, 'client.crt'), 'utf8'), ca: readFileSync(join(dir, 'ca.crt'), 'utf8') };
  };
  const heldSeq = async () => Math.max(0, ...(await fetchAnchors([{ host: '127.0.0.1', port }], creds()).catch(() => ({ checkpoints: [] }))).checkpoints.map((c) => c.seq));

  const ev = createEvents({ silent: true });
  const agent = startAgent(t, a.cfg, { events: ev });
  t.true(await waitUntil(async () => (await heldSeq()) >= 200, 30_000), 'checkpoints reached the collector');
  const rollback = join(a.d, 'rollback');
  await new Promise((r) => setTimeout(r, 300));
  cpSync(a.cfg.archive.dir, rollback, { recursive: true });
  appendFileSync(a.log, Array.from({ length: 600 }, (_, i) => `more ${i} ${'y'.repeat(150)}\n`).join(''));
  t.true(await waitUntil(async () => (await heldSeq()) >= 800, 30_000), 'a checkpoint past the rollback copy reached the collector');
  await agent.stop();
  await ev.close();

  // What the agent fetched is exactly what the collector's store holds for it, with the enrolment key.
  const held = await fetchAnchors([{ host: '127.0.0.1', port }], creds());
  t.is(held.agent_id, en.agent_id);
  t.is(held.sm2_public_key.trim(), key.publicKeyPem.trim());
  const cfg = loadCollectorConfig(colCfg);
  const store = await openStore(cfg, { readOnly: true });
  t.deepEqual(held.checkpoints.map((c) => c.seq), (await store.checkpoints(en.agent_id)).map((c) => c.seq));
  await store.close();

  // Consistent: exit 0, from the CLI, the collector named by HOST:PORT — and failing over from a dead one.
  const ok = gwsec(['agent', 'verify', '-c', a.cfgPath, '--anchors', `127.0.0.1:1,${ep}`]);
  t.is(ok.code, 0, ok.stdout + ok.stderr);
  t.regex(ok.stdout, new RegExp(`consistent with the \\d+ checkpoint\\(s\\) held off-host by collector ${ep}`));
  const okZh = gwsec(['agent', 'verify', '-c', a.cfgPath, '--anchors', 'collector', '--lang', 'zh']);
  t.is(okZh.code, 0, okZh.stdout + okZh.stderr);
  t.regex(okZh.stdout, /归档与采集中心 .* 保存的 \d+ 个检查点一致/);

  // 1. Rollback to the older copy: self-consistent, so an on-host verify passes; off-host it fails.
  t.true((await verifyArchive(rollback)).ok);
  const rb = gwsec(['agent', 'verify', '-c', a.cfgPath, '--anchors', 'collector', '--archive', rollback, '--format', 'json']);
  t.is(rb.code, 1, rb.stdout + rb.stderr);
  const rbj = JSON.parse(rb.stdout) as { ok: boolean; problems: Array<{ kind: string }>; collector: string };
  t.false(rbj.ok);
  t.true(rbj.problems.some((p) => p.kind === 'truncated'), rb.stdout);
  t.is(rbj.collector, ep);

  // 2. A cut tail.
  const cut = join(a.d, 'cut');
  cpSync(a.cfg.archive.dir, cut, { recursive: true });
  const last = join(cut, readdirSync(cut).filter((f) => /^seg-\d{16}\.jnl$/.test(f)).sort().at(-1)!);
  truncateSync(last, Math.floor(statSync(last).size / 3));
  const ct = gwsec(['agent', 'verify', '-c', a.cfgPath, '--anchors', 'collector', '--archive', cut]);
  t.is(ct.code, 1, ct.stdout + ct.stderr);
  t.regex(ct.stdout, /does NOT match[\s\S]*truncated/);

  // 3. Re-chained with a replaced key: the same length, signed by a fresh key, self-consistent.
  const rechained = join(a.d, 'rechained');
  const kp = generateSm2KeyPair();
  const j = await Journal.open(rechained, { signer: { keyId: sm3(Buffer.from(kp.publicKeyPem)).toString('hex').slice(0, 16), ...kp } });
  const total = (await verifyArchive(a.cfg.archive.dir)).lastSeq;
  for (let i = 0; i < total; i += 500) await j.append(Array.from({ length: Math.min(500, total - i) }, (_, k) => ({ source: 'app', line: `forged ${i + k}` })));
  await j.checkpoint();
  await j.close();
  t.true((await verifyArchive(rechained)).ok, 'an on-host verify with the archive\'s own key sees nothing');
  const rc = gwsec(['agent', 'verify', '-c', a.cfgPath, '--anchors', 'collector', '--archive', rechained]);
  t.is(rc.code, 1, rc.stdout + rc.stderr);
  t.regex(rc.stdout, /rechained|bad_signature/);

  // Another enrolled agent is answered for itself only: web01's archive does not match web02's anchors.
  const b = agentDir('web02', 50);
  const kb = loadOrCreateKey(b.cfg);
  await enrol({ endpoints: [{ host: '127.0.0.1', port }], token: await token(colCfg), name: 'web02', dir: collectorDir(b.cfg), sm2PublicKeyPem: kb.publicKeyPem });
  const ev2 = createEvents({ silent: true });
  const agent2 = startAgent(t, b.cfg, { events: ev2 });
  const credsB = () => {
    const dir = collectorDir(b.cfg);
    return { key: readFileSync(join(dir, 'client.key'), 'utf8'), cert: readFileSync(join(dir, 'client.crt'), 'utf8'), ca: readFileSync(join(dir, 'ca.crt'), 'utf8') };
  };
  t.true(await waitUntil(async () => ((await fetchAnchors([{ host: '127.0.0.1', port }], credsB()).catch(() => null))?.checkpoints.length ?? 0) > 0, 30_000));
  await agent2.stop();
  await ev2.close();
  const cross = gwsec(['agent', 'verify', '-c', b.cfgPath, '--anchors', 'collector', '--archive', a.cfg.archive.dir, '--format', 'json']);
  t.is(cross.code, 1, cross.stdout + cross.stderr);
  t.not((JSON.parse(cross.stdout) as { agent: string }).agent, en.agent_id);
});

test('anchors are paged: more checkpoints than one answer holds all arrive, in seq order, for the asking agent only', async (t) => {
  const c = await startCollector(initCollector('anchor-pages'));
  t.teardown(() => c.stop());
  const me = await enrolAgent(c.port, await c.token(), 'web01');
  const other = await enrolAgent(c.port, await c.token(), 'web02');
  const n = ANCHORS_PAGE * 2 + 345;
  const cp = (seq: number) => ({ id: `cp-${seq}`, seq, hash: sm3(Buffer.from(String(seq))).toString('hex'), time: '2026-12-01T08:00:00.000Z', key_id: 'k1', signature: 'AAAA' });
  for (let i = n; i > 0; i -= 500) await Promise.all(Array.from({ length: Math.min(500, i) }, (_, k) => c.store.putCheckpoint(me.enrolment.agent_id, cp(i - k), true, new Date())));
  await c.store.putCheckpoint(other.enrolment.agent_id, cp(999_999), true, new Date());
  const held = await fetchAnchors([{ host: '127.0.0.1', port: c.port }], me.creds);
  t.is(held.checkpoints.length, n);
  t.deepEqual(held.checkpoints.map((x) => x.seq), Array.from({ length: n }, (_, i) => i + 1));
  t.is(held.agent_id, me.enrolment.agent_id);
  t.is(held.sm2_public_key, me.sm2.publicKeyPem);
  const theirs = await fetchAnchors([{ host: '127.0.0.1', port: c.port }], other.creds);
  t.deepEqual(theirs.checkpoints.map((x) => x.seq), [999_999]);
});

test('agent verify --anchors COLLECTOR: located usage errors (not enrolled, no -c)', async (t) => {
  const a = agentDir('lonely', 5);
  const notEnrolled = gwsec(['agent', 'verify', '-c', a.cfgPath, '--anchors', '127.0.0.1:9']);
  t.is(notEnrolled.code, 2, notEnrolled.stdout + notEnrolled.stderr);
  t.regex(notEnrolled.stderr, /not enrolled/);
  const noConfig = gwsec(['agent', 'verify', '--archive', a.cfg.archive.dir, '--anchors', 'collector']);
  t.is(noConfig.code, 2);
  t.regex(noConfig.stderr, /--config/);
});
