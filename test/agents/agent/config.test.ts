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

test('retention below 180 days is refused, citing Article 41(三) in zh and en', (t) => {
  const e = t.throws(() => parseConfig('a.yaml', 'archive: { dir: /a }\nretention_days: 90\nsources: [{ type: journald }]\n')) as GwsecError;
  t.is(e.code, 'agent_retention_too_short');
  t.deepEqual([e.location?.file, e.location?.line], ['a.yaml', 2]);
  t.regex(e.message, /Article 41\(三\).*six months/);
  t.regex(e.message, /第四十一条（三）.*不少于六个月/);
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
  t.regex(r.stderr, new RegExp(`${f}:3:\\d+: retention_days 30 is below 180: Article 41\\(三\\)`));
  t.regex(r.stderr, /第四十一条（三）/);
  const bad = gwsec(['agent', 'status', '-c', join(d, 'missing.yaml')]);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /cannot read config/);
  rm(d);
});
