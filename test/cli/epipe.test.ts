/**
 * `gwsec … | head`: the reader closes the pipe early. The CLI stops quietly, as `cat` or `grep` do,
 * instead of dying with an EPIPE stack trace and "internal error".
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../helpers/cli.js';

test('output into a pipe the reader closed early ends quietly (no EPIPE stack, no internal error)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-epipe-'));
  const log = join(dir, 'access.log');
  // enough alerts that the JSON is far larger than a pipe's buffer (64 KiB)
  const lines = Array.from({ length: 3000 }, (_, i) => `203.0.${i % 250}.${1 + (i % 200)} - - [01/Jun/2026:00:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} +0800] "GET /news.php?id=${i}%27%20or%20%271%27=%271 HTTP/1.1" 200 5 "-" "sqlmap/1.8"`);
  writeFileSync(log, lines.join('\n') + '\n');
  const child = spawn(process.execPath, [BIN, 'detect', '--file', log, '--source', 'nginx', '--format', 'json'], { env: { ...process.env, LANG: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  // like `head -c 100`: read the first chunk, then close the pipe
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.stdout.destroy();
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  t.false(/EPIPE|internal error|内部错误/.test(stderr), stderr);
  t.not(code, 3);
});
