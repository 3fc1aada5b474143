import test from 'ava';
import { loginDefs } from '../../src/collectors/login_defs.js';
import { collect } from '../../src/collectors/run.js';
import { FixtureTransport } from '../../src/transport/fixture.js';

const run = async (files: Record<string, string>) => (await collect(FixtureTransport.fromMemory({ name: 'm', files }), [loginDefs])).facts.login_defs;

test('Debian 12 stock values', async (t) => {
  const f = await run({ '/etc/login.defs': '#\tPASS_MAX_DAYS\tMaximum number of days a password may be used.\nPASS_MAX_DAYS\t99999\nPASS_MIN_DAYS\t0\nPASS_WARN_AGE\t7\nENCRYPT_METHOD SHA512\n' });
  t.like(f, { present: true, pass_max_days: 99999, pass_min_days: 0, pass_warn_age: 7, encrypt_method: 'SHA512' });
  t.like(f, { lines: { PASS_MAX_DAYS: 2 } });
});

test('-1, missing and garbage mean no limit (null)', async (t) => {
  t.like(await run({ '/etc/login.defs': 'PASS_MAX_DAYS -1\nPASS_WARN_AGE soon\n' }), { pass_max_days: null, pass_min_days: null, pass_warn_age: null });
  t.like(await run({}), { present: false, pass_max_days: null });
});

test('unreadable login.defs is an error', async (t) => {
  const { facts } = await collect(FixtureTransport.fromMemory({ name: 'm', files: { '/etc/login.defs': '' }, denied: ['/etc/login.defs'] }), [loginDefs]);
  t.like(facts.login_defs, { error: { code: 'permission_denied' } });
});
