import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, MIN_RETENTION_DAYS } from '../../../agents/agent/config.js';
import { GwsecError, GwsecErrorList } from '../../../src/model/errors.js';
import { packageRoot } from '../../../src/util/paths.js';
import { gwsec } from '../../helpers/cli.js';
import { rm, tmp } from './helpers.js';

test('examples/agent.yaml is valid and covers nginx, auth/secure, syslog/messages and journald', (t) => {
  const file = join(packageRoot(), 'examples', 'agent.yaml');
  const c = parseConfig(file, readFileSync(file, 'utf8'));
  t.true(c.retention_days >= MIN_RETENTION_DAYS);
  const names = c.sources.map((s) => s.name);
  for (const n of ['nginx_access', 'nginx_error', 'auth', 'secure', 'syslog', 'messages', 'journald']) t.true(names.includes(n), n);
  t.is(c.state_dir, '/var/lib/gwsec/agent');
  t.is(c.key.private, '/var/lib/gwsec/agent/agent-sm2.key');
});

test('defaults and relative paths resolve against the config file', (t) => {
  const c = parseConfig('/etc/gwsec/agent.yaml', 'archive: { dir: arch }\nretention_days: 365\nsources: [{ type: file, path: logs/*.log, format: raw }]\n');
  t.is(c.archive.dir, '/etc/gwsec/arch');
  t.is(c.state_dir, '/etc/gwsec/agent-state');
  t.is(c.checkpoint_interval_s, 300);
  const s = c.sources[0]!;
  t.is(s.type, 'file');
  if (s.type === 'file') {
    t.is(s.path, '/etc/gwsec/logs/*.log');
    t.is(s.start_at, 'beginning');
    t.is(s.name, '_.log');
  }
});

test('schema errors are located (file:line:column), all at once', (t) => {
  const text = 'archive:\n  dir: /a\nretention_days: 200\nsources:\n  - type: file\n    path: /x\n    format: iis\n  - type: file\n    path: /y\n    format: raw\n    colour: red\n';
  const e = t.throws(() => parseConfig('agent.yaml', text)) as GwsecError;
  t.true(e instanceof GwsecErrorList);
  const msg = e.format();
  t.regex(msg, /agent\.yaml:7:13: sources\.0\.format: .*nginx/);
  t.regex(msg, /agent\.yaml:8:\d+: .*colour/);
});

test('retention below 180 days is refused, citing Article 41(3) in zh and en', (t) => {
  const e = t.throws(() => parseConfig('a.yaml', 'archive: { dir: /a }\nretention_days: 90\nsources: [{ type: journald }]\n')) as GwsecError;
  t.is(e.code, 'agent_retention_too_short');
  t.deepEqual([e.location?.file, e.location?.line], ['a.yaml', 2]);
  t.regex(e.en, /Article 41\(3\).*six months/);
  t.regex(e.zh, /第四十一条第（三）项.*不少于六个月/);
});

test('duplicate source names are refused', (t) => {
  const e = t.throws(() => parseConfig('a.yaml', 'archive: { dir: /a }\nretention_days: 180\nsources: [{ type: journald }, { type: journald }]\n')) as GwsecError;
  t.regex(e.message, /duplicate source name "journald"/);
});

test('CLI: gwsec agent run with a short retention exits 2 with file:line and the article', (t) => {
  const d = tmp('cfg');
  const f = join(d, 'agent.yaml');
  writeFileSync(f, `archive:\n  dir: ${d}/archive\nretention_days: 30\nsources:\n  - { type: file, path: ${d}/x.log, format: raw }\n`);
  const r = gwsec(['agent', 'run', '-c', f]);
  t.is(r.code, 2);
  t.regex(r.stderr, new RegExp(`${f}:3:\\d+: retention_days 30 is below 180: Article 41\\(3\\)`));
  const zh = gwsec(['agent', 'run', '-c', f], { LANG: 'zh_CN.UTF-8' });
  t.is(zh.code, 2);
  t.regex(zh.stderr, new RegExp(`${f}:3:\\d+: retention_days 为 30，低于 180：第四十一条第（三）项`));
  const bad = gwsec(['agent', 'status', '-c', join(d, 'missing.yaml')]);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /cannot read config/);
  rm(d);
});

test('every schema error is located and named: types, ranges, enums, discriminator, unknown keys, defaults (messages as zod gave them)', (t) => {
  const msg = (text: string) => (t.throws(() => parseConfig('a.yaml', text)) as GwsecError).format();
  const a = msg('archive: {}\nretention_days: x\nsources: []\n');
  t.regex(a, /a\.yaml:1:10: archive\.dir: Invalid input: expected string, received undefined/);
  t.regex(a, /a\.yaml:2:17: retention_days: Invalid input: expected number, received string/);
  t.regex(a, /a\.yaml:3:10: sources: Too small: expected array to have >=1 items/);
  const b = msg('retention_days: 200.5\nsources: [{type: nope}]\n');
  t.regex(b, /archive: Invalid input: expected object, received undefined/);
  t.regex(b, /retention_days: Invalid input: expected int, received number/);
  t.regex(b, /a\.yaml:2:18: sources\.0\.type: Invalid discriminator value\. Expected 'file' \| 'journald'/);
  const c = msg('archive: {dir: /a, segment_max_bytes: 10}\nretention_days: 200\npoll_interval_ms: 5\nsources: [{type: file, path: "", format: raw, name: "bad name!"}, {type: journald, start_at: middle, colour: 1, size: 2}]\n');
  t.regex(c, /archive\.segment_max_bytes: Too small: expected number to be >=65536/);
  t.regex(c, /poll_interval_ms: Too small: expected number to be >=10/);
  t.regex(c, /sources\.0\.name: a name: letters, digits/);
  t.regex(c, /sources\.0\.path: Too small: expected string to have >=1 characters/);
  t.regex(c, /sources\.1\.start_at: Invalid option: expected one of "beginning"\|"end"/);
  t.regex(c, /sources\.1: Unrecognized keys: "colour", "size"/);
  t.regex(msg('- a\n'), /a\.yaml:1:1: Invalid input: expected object, received array/);
  const d = msg('archive: {dir: /a}\nretention_days: 200\nbatch_max_bytes: 99999999999\nsources: [{type: file, path: /x, format: raw, flush_partial_after_s: 0}]\nkey: {private: a}\n');
  t.regex(d, /batch_max_bytes: Too big: expected number to be <=67108864/);
  t.regex(d, /sources\.0\.flush_partial_after_s: Too small: expected number to be >0/);
  t.regex(d, /key\.public: Invalid input: expected string, received undefined/);
  const ok = parseConfig('/c/a.yaml', 'archive: {dir: /a}\nretention_days: 200\nsources: [{type: journald, directory: /j}]\n');
  t.like(ok, { poll_interval_ms: 250, batch_max_bytes: 1 << 20, log_level: 'info', archive: { segment_max_bytes: 64 << 20, segment_max_age_s: 86400 } });
  t.deepEqual(ok.sources, [{ type: 'journald', name: 'journald', start_at: 'end', directory: '/j', journalctl: 'journalctl' }]);
});
