/**
 * The agent reporting to a real collector: checkpoints shipped on every checkpoint through the
 * outbox, health received; and off-host verification of the agent's archive against what the
 * collector holds — a rollback to an older consistent copy, a cut tail and a full re-chain with a
 * replaced key are all caught, where an on-host verify with the archive's own key sees nothing.
 */
import test from 'ava';
import { appendFileSync, cpSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../agents/agent/config.js';
import { createEvents } from '../../../agents/agent/events.js';
import { enrol } from '../../../agents/agent/enrol.js';
import { collectorDir } from '../../../agents/agent/reporter-config.js';
import { loadOrCreateKey } from '../../../agents/agent/key.js';
import { verifyAgainstStore } from '../../../agents/collector/verify.js';
import { Journal, verifyArchive } from '../../../src/journal/index.js';
import { generateSm2KeyPair, sm3 } from '../../../src/crypto/index.js';
import { gwsec } from '../../helpers/cli.js';
import { waitUntil } from '../../helpers/time.js';
import { initCollector, startCollector, tmp } from './helpers.js';
import { startAgent } from '../../helpers/agent.js';

test('an enrolled agent ships every checkpoint and its health; off-host verify catches rollback, a cut tail and a re-chain', async (t) => {
  const cfgPath = initCollector('report');
  const c = await startCollector(cfgPath);
  t.teardown(() => c.stop());
  const d = tmp('reporting-agent');
  const log = join(d, 'app.log');
  writeFileSync(log, Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(100)}\n`).join(''));
  const acfgPath = join(d, 'agent.yaml');
  writeFileSync(acfgPath, JSON.stringify({
    archive: { dir: join(d, 'archive'), segment_max_bytes: 65536 }, state_dir: join(d, 'state'), retention_days: 180, checkpoint_interval_s: 1, status_interval_s: 0.5, poll_interval_ms: 50,
    collector: { health_interval_s: 0.5 }, sources: [{ type: 'file', name: 'app', path: log, format: 'raw', start_at: 'beginning' }],
  }));
  const acfg = loadConfig(acfgPath);
  const key = loadOrCreateKey(acfg);
  const en = await enrol({ endpoints: [{ host: '127.0.0.1', port: c.port }], token: await c.token(), name: 'web01', dir: collectorDir(acfg), sm2PublicKeyPem: key.publicKeyPem });
  const ev = createEvents({ silent: true });
  const agent = startAgent(t, acfg, { events: ev });
  const held = async () => (await c.store.checkpoints(en.agent_id)).filter((x) => x.seq > 0);
  t.true(await waitUntil(async () => (await held()).length >= 1, 20_000), 'a first checkpoint reached the collector');
  // The state an attacker would roll back to: consistent, signed, just older.
  const rollback = join(d, 'rollback');
  await new Promise((r) => setTimeout(r, 300));
  cpSync(join(d, 'archive'), rollback, { recursive: true });
  const firstSeq = Math.max(...(await held()).map((x) => x.seq));
  for (let round = 0; round < 3; round++) {
    appendFileSync(log, Array.from({ length: 300 }, (_, i) => `more ${round}.${i} ${'y'.repeat(150)}\n`).join(''));
    const want = firstSeq + 300 * (round + 1);
    t.true(await waitUntil(async () => (await held()).some((x) => x.seq >= want), 20_000), `checkpoint at ≥ ${want}`);
  }
  t.true(await waitUntil(async () => (await c.store.latestHealth(en.agent_id)) !== undefined, 10_000), 'health received');
  await agent.stop();
  await ev.close();
  const cps = await held();
  t.true(cps.every((x) => x.signature_ok), 'every shipped checkpoint verifies with the key bound at enrolment');
  t.is(new Set(cps.map((x) => x.id)).size, cps.length);
  const h = (await c.store.latestHealth(en.agent_id))!;
  t.is(h.version.length > 0, true);
  t.true(h.disk_total_bytes! > 0);

  const archive = join(d, 'archive');
  const ok = await verifyAgainstStore(c.store, en.agent_id, archive);
  t.true(ok.ok, JSON.stringify(ok.problems));
  t.true(ok.checkpointsHeld >= 4);
  const cli = gwsec(['collector', 'verify', 'web01', '-c', cfgPath, '--archive', archive]);
  t.is(cli.code, 0, cli.stdout + cli.stderr);
  t.regex(cli.stdout, /consistent with the \d+ checkpoint\(s\) held off-host/);

  // 1. Rollback to the older copy: consistent on its own (an on-host verify passes)...
  t.true((await verifyArchive(rollback)).ok, 'the rolled-back archive is self-consistent');
  // ...but the collector holds checkpoints past its head.
  const rb = await verifyAgainstStore(c.store, en.agent_id, rollback);
  t.false(rb.ok);
  t.true(rb.problems.some((p) => p.kind === 'truncated'), JSON.stringify(rb.problems));
  const cliRb = gwsec(['collector', 'verify', en.agent_id, '-c', cfgPath, '--archive', rollback]);
  t.is(cliRb.code, 1);
  t.regex(cliRb.stdout, /does NOT match/);

  // 2. Tail cut: the newest segment loses its end.
  const cut = join(d, 'cut');
  cpSync(archive, cut, { recursive: true });
  // The newest segment is the open one, plain (sealed ones are gzipped): cut it short.
  const last = join(cut, readdirSync(cut).filter((f) => /^seg-\d{16}\.jnl$/.test(f)).sort().at(-1)!);
  truncateSync(last, Math.floor(statSync(last).size / 3));
  const ct = await verifyAgainstStore(c.store, en.agent_id, cut);
  t.false(ct.ok);
  t.true(ct.problems.some((p) => p.kind === 'truncated'), JSON.stringify(ct.problems));

  // 3. Full re-chain with a replaced key: the same number of records, a fresh key, self-consistent.
  const rechained = join(d, 'rechained');
  const kp = generateSm2KeyPair();
  const j = await Journal.open(rechained, { signer: { keyId: sm3(Buffer.from(kp.publicKeyPem)).toString('hex').slice(0, 16), ...kp } });
  const total = ok.lastSeq;
  for (let i = 0; i < total; i += 500) await j.append(Array.from({ length: Math.min(500, total - i) }, (_, k) => ({ source: 'app', line: `forged ${i + k}` })));
  await j.checkpoint();
  await j.close();
  t.true((await verifyArchive(rechained)).ok, 'the re-chained archive passes an on-host verify with its own key');
  const rc = await verifyAgainstStore(c.store, en.agent_id, rechained);
  t.false(rc.ok);
  t.true(rc.problems.some((p) => p.kind === 'rechained' || p.kind === 'bad_signature'), JSON.stringify(rc.problems));
});
