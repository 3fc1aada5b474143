/**
 * `gwsec detect --file` cuts a big file into byte ranges for worker threads and feeds one engine
 * only the events some rule acts on: the result must be exactly that of one pass over the file —
 * with ranges that start inside lines (multi-byte UTF-8, CRLF), lines without a stamp at a range's
 * start, attacks, threshold keys that span ranges, and a last line without "\n".
 */
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { huntFile, huntFileParallel, scanChunk, type HuntResult } from '../../src/app/hunt.js';

const CORPUS = '/work/shared/corpus/web-attacks';

const canon = (r: HuntResult) => ({
  alerts: [...r.alerts].sort((a, b) => a.id.localeCompare(b.id)),
  lines: r.lines,
  hostile: r.hostile,
  unparsed: r.unparsed,
  other: r.other,
  format: r.format,
  stats: r.stats,
});

function webFile(dir: string): string {
  const lines: string[] = [];
  let attacks: string[] = [];
  try {
    attacks = readFileSync(join(CORPUS, 'attacks.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, 400).map((l) => (JSON.parse(l) as { line: string }).line);
    lines.push(...gunzipSync(readFileSync(join(CORPUS, 'benign.log.gz'))).toString('utf8').split('\n').filter(Boolean).slice(0, 3000));
  } catch {
    /* no corpus: the generated lines below still cover the cases */
  }
  for (let i = 0; i < 3000; i++) {
    const s = String(i % 60).padStart(2, '0');
    const ip = `10.0.${i % 7}.${i % 13}`;
    lines.push(`${ip} - - [25/Nov/2025:10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${s} +0800] "GET /新闻/${i}.html?q=政务公开 HTTP/1.1" ${i % 3 === 0 ? 404 : 200} 12 "-" "Mozilla/5.0"${i % 5 === 0 ? '\r' : ''}`);
    if (i % 10 === 0 && attacks.length) lines.push(attacks[i % attacks.length]!);
    if (i % 97 === 0) lines.push('garbage without any stamp \u0000\u001b[31m');
  }
  const f = join(dir, 'access.log');
  writeFileSync(f, lines.join('\n') + '\n203.0.113.9 - - [25/Nov/2025:11:00:00 +0800] "GET /x.php?id=1%27%20or%201=1-- HTTP/1.1" 200 5 "-" "sqlmap/1.7"');
  return f;
}

function authFile(dir: string): string {
  const lines: string[] = ['2026-13-45T00:00:00 web sshd[1]: Failed password for admin from 198.51.100.9 port 1 ssh2'];
  for (let i = 0; i < 4000; i++) {
    const t = `Dec 10 07:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`;
    lines.push(`${t} web sshd[${i}]: Failed password for root from 203.0.113.${i % 5} port ${i} ssh2`);
    // lines the parser cannot stamp: they take the previous event's time (across a range boundary too)
    if (i % 7 === 0) lines.push(`    continuation of a message ${i} 登录失败`);
    // a stamp that does not read (month 13): the event takes the previous event's time (or the file's)
    if (i % 11 === 0) lines.push(`2026-13-45T07:00:00 web sshd[${i}]: Failed password for admin from 198.51.100.${i % 3} port ${i} ssh2`);
    if (i % 50 === 0) lines.push(`${t} web sshd[${i}]: Accepted password for web from 203.0.113.${i % 5} port ${i} ssh2`);
  }
  const f = join(dir, 'auth.log');
  writeFileSync(f, lines.join('\r\n') + '\r\n');
  return f;
}

test('parallel hunting gives exactly the one-pass result (web and auth files, 2 to 7 ranges)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-hunt-'));
  try {
    for (const [file, source] of [
      [webFile(dir), 'nginx'],
      [authFile(dir), 'auth'],
    ] as const) {
      const one = canon(huntFile({ file, source, year: 2026, host: 'h' }));
      t.true(one.alerts.length > 0, `${source}: the file raises alerts`);
      for (const workers of [2, 3, 7]) {
        const par = canon(await huntFileParallel({ file, source, year: 2026, host: 'h', workers, parallelFromBytes: 0 }));
        t.deepEqual(par, one, `${source} with ${workers} ranges`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ranges partition the lines: each line is read by exactly one range, wherever the cut falls', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-hunt-'));
  try {
    const f = join(dir, 'x.log');
    const want = ['a', 'b 政务公开', 'c', 'dd', 'e', 'f'].map((m, i) => `Dec 10 07:00:0${i} h p${i}: ${m}`);
    const text = [want[0], want[1], '', want[2] + '\r', want[3], want[4], '', want[5]].join('\n');
    writeFileSync(f, text);
    const size = Buffer.byteLength(text);
    const ctx = () => ({ year: 2026, fallbackTime: 0, web: false });
    for (let cut = 0; cut <= size; cut++) {
      const got: string[] = [];
      const keep = (ev: { line?: string }) => (got.push(ev.line ?? ''), false);
      const a = scanChunk(f, 0, cut, 'auth', ctx(), keep);
      const b = scanChunk(f, cut, Infinity, 'auth', ctx(), keep);
      t.is(a.lines + b.lines, 8, `cut at byte ${cut}`);
      t.is(a.unparsed + b.unparsed, 2, `cut at byte ${cut}: the two empty lines`);
      t.deepEqual(got, want, `cut at byte ${cut}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
