/**
 * `policy lint` checks every regular expression a check uses (a `matches` value, or the default of a
 * variable a `matches` names) for catastrophic backtracking with recheck: a vulnerable one is an error
 * at the file:line:column where it is written (issue 19).
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPackDir, packageRoot } from '../../src/util/paths.js';
import { checkRedos } from '../../src/util/redos.js';
import { gwsec } from '../helpers/cli.js';
import { scaled } from '../helpers/time.js';

test('recheck: exponential and polynomial patterns are vulnerable, ordinary ones safe, (?i) understood', (t) => {
  t.like(checkRedos('^(a+)+$'), { status: 'vulnerable', complexity: 'exponential' });
  t.like(checkRedos('^\\s*(\\S+)\\s*\\s*$'), { status: 'vulnerable' });
  t.is(checkRedos('(md5|sha1|ripemd|^umac-64|-96)').status, 'safe');
  t.is(checkRedos('(?i)^(a|b)+c$').status, 'safe');
  t.like(checkRedos('(?i)^(a|A)+$'), { status: 'vulnerable' }, 'with the i flag a and A overlap');
});

test('policy lint: a vulnerable `matches` regex is a located error (exit 2) naming the check and an attack string', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-redos-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(defaultPackDir(), dir, { recursive: true });
  const file = join(dir, '03-crypto', 'a40-3-ssh-no-weak-algorithms.yaml');
  const text = readFileSync(file, 'utf8');
  const safe = '(md5|sha1|ripemd|^umac-64|-96)';
  t.true(text.includes(safe));
  writeFileSync(file, text.replace(safe, '^(\\\\w+\\\\d*)+-96$'));
  const line = text.slice(0, text.indexOf(safe)).split('\n').length;

  const r = gwsec(['policy', 'lint', '--pack', dir]);
  t.is(r.code, 2, r.stderr);
  const err = r.stderr.split('\n').find((l) => l.includes('[policy_regex_redos]'));
  t.truthy(err, r.stderr);
  t.true(err!.includes(`${file}:${line}:`), err);
  t.regex(err!, /a40-3-ssh-no-weak-algorithms: regular expression \/\^\(\\w\+\\d\*\)\+-96\$\/ can backtrack catastrophically \(exponential time; recheck's attack string: .+\)/);
  t.is(r.stderr.match(/\[policy_regex_redos\]/g)?.length, 1, 'only the vulnerable pattern is reported');
});

test('policy lint: the shipped pack has no vulnerable regular expression', (t) => {
  const r = gwsec(['policy', 'lint']);
  t.is(r.code, 0, r.stderr);
  t.false(r.stderr.includes('policy_regex_redos'));
});

test('detect lint: a vulnerable `matches` in a detection rule is a located error (rules read attacker-written lines)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-redos-rules-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(join(packageRoot(), 'policies', 'detections'), dir, { recursive: true });
  const file = join(dir, 'webshell-suspicious-request-pattern.yaml');
  const text = readFileSync(file, 'utf8');
  const safe = 'ueditor/(?:php|jsp|net|asp|aspx)/upload';
  t.true(text.includes(safe), 'the shipped rule no longer uses `ueditor/.*/upload`, which recheck found quadratic on url.path');
  writeFileSync(file, text.replace(safe, 'ueditor/.*/upload'));
  const line = text.slice(0, text.indexOf(safe)).split('\n').length;
  const r = gwsec(['detect', 'lint', '--rules', dir]);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:${line}:\\d+: regular expression .*ueditor/\\.\\*/upload.* can backtrack catastrophically \\(2nd degree polynomial`));
  t.is(r.stderr.match(/\[detect_regex_redos\]/g)?.length, 1);
  t.is(gwsec(['detect', 'lint']).code, 0, 'the shipped rules pass');
});

test('a recheck agent process that dies mid-run costs a slower check, never a hang', async (t) => {
  // In a child process with a short synckit limit: check once (starts recheck's native agent), kill
  // the agent, check again. Before, the second call blocked its thread forever (a CI run hung so).
  const script = `
    import { readdirSync, readFileSync } from 'node:fs';
    const { checkRedos } = await import(${JSON.stringify(new URL('../../src/util/redos.js', import.meta.url).href)});
    const first = checkRedos('^(a+)+$').status;
    const agents = readdirSync('/proc').filter((p) => /^\\d+$/.test(p)).filter((p) => {
      try { return readFileSync('/proc/' + p + '/stat', 'utf8').split(') ')[1].split(' ')[1] === String(process.pid) && readFileSync('/proc/' + p + '/cmdline', 'utf8').includes('agent'); } catch { return false; }
    });
    for (const p of agents) process.kill(Number(p), 'SIGKILL');
    const second = checkRedos('^(b+)+$').status;
    console.log(JSON.stringify({ first, agents: agents.length, second }));
    // the worker's EPIPE on the dead agent arrives after the answer: stay long enough to see it end us
    await new Promise((r) => setTimeout(r, 1000));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, SYNCKIT_TIMEOUT: String(scaled(5_000)) }, timeout: scaled(100_000) });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!), { first: 'vulnerable', agents: 1, second: 'vulnerable' });
});
