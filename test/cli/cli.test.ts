import test from 'ava';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, gwsec } from '../helpers/cli.js';
import { scaled } from '../helpers/time.js';
import { packageRoot } from '../../src/util/paths.js';

const HOSTS = join(packageRoot(), 'test', 'fixtures', 'hosts');

test('--version starts fast: ≤ 200 ms of CPU (median of 5 cold starts), so it answers in ≤ 300 ms on an idle machine', (t) => {
  // CPU time, not wall time: on a loaded machine (other suites, test/stress.sh) the wall clock
  // measures the scheduler; the CPU a cold start spends is what loading too much would raise.
  const runs = Array.from({ length: 5 }, () =>
    spawnSync('bash', ['-c', 'TIMEFORMAT="%R %U %S"; time "$0" "$1" --version', process.execPath, BIN], { encoding: 'utf8', env: { ...process.env, LANG: 'C' } }),
  );
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  for (const r of runs) t.is(r.stdout.trim(), pkg.version);
  const times = runs.map((r) => r.stderr.trim().split('\n').at(-1)!.split(' ').map((x) => Number(x) * 1000));
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[2]!;
  const cpu = median(times.map(([, u, s]) => u! + s!));
  t.log(`median CPU ${cpu.toFixed(0)} ms, wall ${median(times.map(([w]) => w!)).toFixed(0)} ms`);
  t.true(cpu <= scaled(200), `median CPU ${cpu} ms`);
});

test('--help documents the exit codes in both languages', (t) => {
  const r = gwsec(['--help']);
  t.is(r.code, 0);
  t.regex(r.stdout, /Exit codes \/ 退出码:\n\s+0 no fail\/error result at or above --fail-on/);
  t.regex(r.stdout, /3 internal error 内部错误/);
});

test('usage errors exit 2 with one clear line', (t) => {
  const r = gwsec(['frobnicate']);
  t.is(r.code, 2);
  t.regex(r.stderr, /gwsec: Unknown argument: frobnicate/);
  const none = gwsec(['audit']);
  t.is(none.code, 2);
  t.regex(none.stderr, /nothing to audit: give --local, -i INVENTORY or --fixture DIR/);
});

function tinyPack(expect: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-cli-pack-'));
  writeFileSync(join(dir, 'pack.yaml'), 'id: tiny\ntitle: { zh: 小, en: tiny }\nversion: "1"\n');
  mkdirSync(join(dir, 'x'));
  writeFileSync(
    join(dir, 'x', 'tiny-1.yaml'),
    `id: tiny-1\narticle: "40.7"\ntitle: { zh: 角色, en: role }\nseverity: low\nexpect: ${expect}\nrationale: { zh: 理由, en: why }\nremediation: { zh: 整改, en: fix }\nreferences: [x]\n`,
  );
  return dir;
}

test('a bad pack exits 2 with file:line before any host is touched', (t) => {
  const dir = tinyPack('{ fact: inventory.roles, op: frob, value: x }');
  // the fixture does not exist: had a host been touched first, that would be the error
  const r = gwsec(['audit', '--pack', dir, '--fixture', '/nonexistent/host']);
  t.is(r.code, 2);
  t.regex(r.stderr, /tiny-1\.yaml:5:\d+: unknown operator 'frob'/);
  const zh = gwsec(['audit', '--pack', dir, '--fixture', '/nonexistent/host', '--lang', 'zh']);
  t.is(zh.code, 2);
  t.regex(zh.stderr, /tiny-1\.yaml:5:\d+: 未知的运算符“frob”（可用：eq /, 'the condition validator words it in Chinese too');
});

test('an unknown fact path is a lint error (exit 2) naming the known families', (t) => {
  const dir = tinyPack('{ fact: nosuchfamily.x, op: eq, value: 1 }');
  const r = gwsec(['audit', '--pack', dir, '--fixture', join(HOSTS, 'debian12-web-hardened')]);
  t.is(r.code, 2);
  t.regex(r.stderr, /no collector or deriver declares the family 'nosuchfamily'/);
});

test('exit 1 when a check fails, 0 when none does; JSON report has the documented shape', (t) => {
  const host = join(HOSTS, 'debian12-web-hardened');
  const fail = gwsec(['audit', '--pack', tinyPack('{ fact: inventory.roles, op: contains, value: backend }'), '--fixture', host, '--format', 'json']);
  t.is(fail.code, 1, fail.stderr);
  const report = JSON.parse(fail.stdout);
  t.deepEqual(Object.keys(report), ['schema_version', 'tool', 'generated_at', 'pack', 'hosts', 'results', 'summary']);
  t.deepEqual(report.tool.name, 'gwsec');
  t.like(report.hosts[0], { name: 'debian12-web-hardened', transport: 'fixture:debian12-web-hardened', status: 'ok' });
  t.is(typeof report.hosts[0].duration_ms, 'number');
  t.like(report.results[0], { check: 'tiny-1', host: 'debian12-web-hardened', status: 'fail', severity: 'low', article: '40.7', title: { zh: '角色', en: 'role' } });
  t.deepEqual(report.summary, { pass: 0, fail: 1, not_applicable: 0, error: 0, manual: 0, waived: 0 });
  const pass = gwsec(['audit', '--pack', tinyPack('{ fact: inventory.roles, op: contains, value: frontend }'), '--fixture', host]);
  t.is(pass.code, 0, pass.stderr);
  t.regex(pass.stdout, /PASS/);
});

test('text report in Chinese with --lang zh or LANG=zh_CN.UTF-8', (t) => {
  const dir = tinyPack('{ fact: inventory.roles, op: contains, value: frontend }');
  const host = join(HOSTS, 'debian12-web-hardened');
  t.regex(gwsec(['audit', '--pack', dir, '--fixture', host, '--lang', 'zh']).stdout, /通过.*角色/);
  t.regex(gwsec(['audit', '--pack', dir, '--fixture', host], { LANG: 'zh_CN.UTF-8' }).stdout, /汇总/);
});

test('a bad --var is refused with exit 2', (t) => {
  const r = gwsec(['audit', '--fixture', join(HOSTS, 'debian12-web-hardened'), '--var', 'NO_SUCH_VARIABLE=1']);
  t.is(r.code, 2);
  t.regex(r.stderr, /unknown pack variable NO_SUCH_VARIABLE/);
});
