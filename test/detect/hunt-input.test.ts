/**
 * `gwsec detect --file -` (a pipe) and `--file X.gz` (logrotate's compressed rotations, made here by
 * the real gzip as logrotate runs it): the same alerts as the plain file, named by what was given;
 * a damaged .gz is a located input error (exit 2) with nothing printed; the spool is always removed.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Alert } from '../../src/model/alert.js';
import { attachNegativeValues } from '../../cli/cli.js';
import { BIN } from '../helpers/cli.js';
import { have } from '../../bench/stats.js';
import { tmp } from '../agents/agent/helpers.js';

const fail = (i: number, ip: string) => `Dec 10 07:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} web sshd[${100 + i}]: Failed password for root from ${ip} port ${40000 + i} ssh2`;
const ok = (i: number) => `Dec 10 07:00:${String(i % 60).padStart(2, '0')} web sshd[${900 + i}]: Accepted publickey for deploy from 10.0.0.${i % 200} port ${50000 + i} ssh2`;

/** `gwsec detect --file FILE --source auth --year 2026 --format json`, with stdin and TMPDIR of the test. */
function hunt(file: string, tmpDir: string, input?: Buffer): { code: number; alerts: Alert[]; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'detect', '--file', file, '--source', 'auth', '--year', '2026', '--format', 'json', '--lang', 'en'], {
    input, encoding: 'utf8', env: { ...process.env, LANG: 'C', TMPDIR: tmpDir }, maxBuffer: 64 << 20,
  });
  let alerts: Alert[] = [];
  try {
    alerts = JSON.parse(r.stdout || '[]') as Alert[];
  } catch {
    /* asserted below */
  }
  return { code: r.status ?? -1, alerts, stdout: r.stdout, stderr: r.stderr };
}

/** What must not depend on how the lines arrived. */
const facts = (as: Alert[]) => as.map((a) => `${a.rule} ${a.groupKey} ${a.count} ${a.firstSeen} ${a.lastSeen}`).sort();

test('detect --file - (a pipe) and --file X.gz (gzip as logrotate compresses) find what the plain file gives, named by what was given', (t) => {
  const d = tmp('hunt-input');
  const spool = join(d, 'tmp');
  mkdirSync(spool);
  // 40,000 lines: two brute forces among ordinary logins (about 4 MB; the 17 MB case below goes parallel)
  const lines: string[] = [];
  for (let i = 0; i < 40_000; i++) lines.push(i % 1000 < 12 && i < 2000 ? fail(i, i < 1000 ? '203.0.113.7' : '198.51.100.9') : ok(i));
  const log = join(d, 'auth.log.2');
  writeFileSync(log, lines.join('\n') + '\n');
  const plain = hunt(log, spool);
  t.is(plain.code, 1, plain.stderr);
  t.deepEqual(new Set(plain.alerts.filter((a) => a.rule === 'ssh-brute-force').map((a) => a.groupKey)), new Set(['203.0.113.7', '198.51.100.9']));

  // logrotate's compress step: gzip the rotated file (the real binary where present, else zlib)
  const gz = join(d, 'auth.log.2.gz');
  if (have('gzip')) {
    copyFileSync(log, join(d, 'copy'));
    t.is(spawnSync('gzip', ['-9', join(d, 'copy')]).status, 0);
    copyFileSync(join(d, 'copy.gz'), gz);
  } else writeFileSync(gz, gzipSync(readFileSync(log)));
  const fromGz = hunt(gz, spool);
  t.is(fromGz.code, 1, fromGz.stderr);
  t.deepEqual(facts(fromGz.alerts), facts(plain.alerts));
  t.true(fromGz.alerts.every((a) => a.refs.every((r) => r.source === gz)), 'references name the .gz given');
  t.regex(fromGz.stderr, /from 40000 lines/);

  const piped = hunt('-', spool, readFileSync(log));
  t.is(piped.code, 1, piped.stderr);
  t.deepEqual(facts(piped.alerts), facts(plain.alerts));
  t.true(piped.alerts.every((a) => a.refs.every((r) => r.source === '-')), 'references name standard input');

  // `cat access.log.2.gz | gwsec detect --file -`: gzip recognised on a pipe too
  const pipedGz = hunt('-', spool, readFileSync(gz));
  t.deepEqual(facts(pipedGz.alerts), facts(plain.alerts));

  // an empty pipe: no alert, no error
  const empty = hunt('-', spool, Buffer.alloc(0));
  t.is(empty.code, 0, empty.stderr);
  t.deepEqual(empty.alerts, []);

  t.deepEqual(readdirSync(spool), [], 'no spool left behind');
});

test('a big pipe is hunted in parallel ranges like a big file, with the same alerts', (t) => {
  const d = tmp('hunt-input-big');
  const spool = join(d, 'tmp');
  mkdirSync(spool);
  const lines: string[] = [];
  for (let i = 0; i < 170_000; i++) lines.push(i >= 100_000 && i < 100_012 ? fail(i, '192.0.2.44') : ok(i));
  const log = join(d, 'auth.log');
  writeFileSync(log, lines.join('\n') + '\n');
  t.true(statSync(log).size > 16e6, 'beyond the one-pass size (16 MB)');
  const plain = hunt(log, spool);
  const piped = hunt('-', spool, readFileSync(log));
  t.is(piped.code, 1, piped.stderr);
  t.deepEqual(facts(piped.alerts), facts(plain.alerts));
  t.true(piped.alerts.some((a) => a.rule === 'ssh-brute-force' && a.groupKey === '192.0.2.44'));
  t.deepEqual(readdirSync(spool), []);
});

test('a truncated or damaged .gz is a located input error (exit 2), nothing printed, no spool left', (t) => {
  const d = tmp('hunt-input-bad');
  const spool = join(d, 'tmp');
  mkdirSync(spool);
  const gz = join(d, 'access.log.3.gz');
  writeFileSync(gz, gzipSync(Buffer.from(Array.from({ length: 5000 }, (_, i) => ok(i)).join('\n') + '\n')));
  truncateSync(gz, statSync(gz).size - 100); // cut mid-stream: a rotation copied while being compressed
  const cut = hunt(gz, spool);
  t.is(cut.code, 2, cut.stderr);
  t.is(cut.stdout, '');
  t.true(cut.stderr.includes(gz), cut.stderr);
  t.regex(cut.stderr, /cannot decompress the gzip'd log/);
  const bad = join(d, 'bad.gz');
  writeFileSync(bad, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('not gzip at all')]));
  const r = hunt(bad, spool);
  t.is(r.code, 2, r.stderr);
  t.true(r.stderr.includes(bad));
  t.deepEqual(readdirSync(spool), []);
});

test('`--file -` as typed reaches the command as standard input (yargs alone would read the option as empty)', (t) => {
  t.deepEqual(attachNegativeValues(['detect', '--file', '-', '--source', 'auth']), ['detect', '--file=-', '--source', 'auth']);
  t.deepEqual(attachNegativeValues(['detect', '--file', 'x.log']), ['detect', '--file', 'x.log']);
});
