import test from 'ava';
import { FixtureTransport, globToRegex } from '../../src/transport/fixture.js';
import { collect } from '../../src/collectors/run.js';
import { t as ft } from '../../src/model/schema.js';
import type { Collector } from '../../src/collectors/types.js';

const c: Collector = {
  id: 'demo', description: 't', schema: ft.any,
  requests: [{ kind: 'cmd', name: 'demo-version', script: 'demo --version' }, { kind: 'file', path: '/etc/shadow' }],
  parse: (out) => ({ version: out.cmd('demo-version').stdout.trim(), shadow: out.text('/etc/shadow') }),
};

test('a command the fixture did not record fails loudly, naming it, and is listed', async (t) => {
  const fx = FixtureTransport.fromMemory({ name: 'h', files: {} });
  const r = await collect(fx, [c]);
  t.deepEqual(r.facts.demo, { error: { code: 'not_recorded', message: "fixture:h: no recording of command 'demo-version'" } });
  t.deepEqual(fx.unrecorded(), ['demo-version']);
  await t.throwsAsync(() => fx.run('echo hi'), { message: /executes nothing/ });
});

test('denied files answer permission_denied; absent files are null', async (t) => {
  const denied = FixtureTransport.fromMemory({ name: 'h', files: {}, cmds: { 'demo-version': { stdout: '1.0\n' } }, denied: ['/etc/shadow'] });
  t.deepEqual((await collect(denied, [c])).facts.demo, { error: { code: 'permission_denied', message: '/etc/shadow: permission denied' } });
  const absent = FixtureTransport.fromMemory({ name: 'h', files: {}, cmds: { 'demo-version': { stdout: '1.0\n' } } });
  const r = await collect(absent, [c]);
  t.deepEqual(r.facts.demo, { version: '1.0', shadow: null });
  t.deepEqual(r.sources.demo, ['cmd: demo-version']);
});

test('shell globs: * and ? stay within one path segment, classes work', (t) => {
  t.true(globToRegex('/etc/ssh/sshd_config.d/*.conf').test('/etc/ssh/sshd_config.d/10-x.conf'));
  t.false(globToRegex('/etc/ssh/sshd_config.d/*.conf').test('/etc/ssh/sshd_config.d/sub/x.conf'));
  t.true(globToRegex('/var/log/nginx/access.log.[0-9]').test('/var/log/nginx/access.log.1'));
  t.false(globToRegex('/etc/a?c').test('/etc/a/c'));
});
