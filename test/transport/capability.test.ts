/**
 * A transport that answers collection requests itself declares it (`Transport.requests`); nothing
 * asks for a class. A decorator may declare it too, and the audit reports what it left unanswered.
 */
import test from 'ava';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FixtureTransport } from '../../src/transport/fixture.js';
import type { Transport } from '../../src/transport/types.js';
import { collect } from '../../src/collectors/run.js';
import { collectors } from '../../src/audit/registry.js';
import { auditRun } from '../../src/app/audit.js';
import { packageRoot } from '../../src/util/paths.js';
import type { Io } from '../../src/app/io.js';

const HARDENED = join(packageRoot(), 'test', 'fixtures', 'hosts', 'debian12-web-hardened');
const os = collectors.filter((c) => c.id === 'os');

test('collection asks a transport that declares it answers requests, and never runs a script on it', async (t) => {
  const fx = FixtureTransport.fromDir(HARDENED);
  t.truthy(fx.requests);
  const scripts: string[] = [];
  const asked: number[] = [];
  // a decorator of another class: the capability is what it declares, not what it is
  const wrapped: Transport = {
    id: 'wrapped',
    run: async (script) => (scripts.push(script), fx.run(script)),
    close: () => fx.close(),
    requests: { answer: async (rs, o) => (asked.push(rs.length), { ...(await fx.requests.answer(rs, o)), execs: 7, notices: [{ en: 'answered by the wrapper', zh: '由包装层回答' }] }) },
  };
  const c = await collect(wrapped, os);
  t.deepEqual(asked, [os.flatMap((x) => x.requests).length]);
  t.deepEqual(scripts, []);
  t.is(c.execs, 7);
  t.deepEqual(c.notices, [{ en: 'answered by the wrapper', zh: '由包装层回答' }]);
  t.deepEqual(c.facts.os, (await collect(fx, os)).facts.os);
  t.is((c.facts.os as { id?: string }).id, 'debian');
});

test('a transport without the capability gets the one collection script', async (t) => {
  const scripts: string[] = [];
  const plain: Transport = { id: 'plain', run: async (s) => (scripts.push(s), { stdout: '', stderr: 'no shell here', exitCode: 127, durationMs: 1 }), close: async () => {} };
  const c = await collect(plain, os);
  t.is(scripts.length, 1);
  t.is(c.execs, 1);
  t.is(c.failure?.code, 'transport_error');
});

test('gwsec audit names what a fixture could not answer, from the capability', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-capability-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const host = join(dir, 'partial');
  cpSync(HARDENED, host, { recursive: true });
  rmSync(join(host, 'cmd', 'backup-timers.txt'));
  let err = '';
  let out = '';
  const io: Io = { out: (x) => void (out += x), err: (x) => void (err += x), env: { LANG: 'C' }, isTTY: false, now: () => new Date('2026-12-07T00:00:00Z') };
  const code = await auditRun({ fixture: [host], format: 'json', lang: 'en' }, io);
  t.true(code === 0 || code === 1);
  t.regex(err, /fixture debian12-web-hardened has no recording of: backup-timers/);
  t.true(JSON.parse(out).results.length > 0);
});
