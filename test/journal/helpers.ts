import type { ExecutionContext } from 'ava';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { generateSm2KeyPair } from '../../src/crypto/index.js';
import { readRecords, type JournalRecord } from '../../src/journal/index.js';

export async function tempDir(t: ExecutionContext, prefix = 'gwsec-journal-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export function nginxLine(i: number): string {
  return `203.0.113.${i % 250} - - [25/Nov/2025:03:52:${String(i % 60).padStart(2, '0')} +0800] "GET /xxgk/zcwj/index_${i}.html HTTP/1.1" 200 ${18000 + (i % 5000)} "-" "Mozilla/5.0"`;
}

export function batch(from: number, n: number, source = 'nginx'): Array<{ source: string; line: string }> {
  return Array.from({ length: n }, (_, k) => ({ source, line: nginxLine(from + k) }));
}

export function signer(keyId = 'agent-1'): { keyId: string; privateKeyPem: string; publicKeyPem: string } {
  return { keyId, ...generateSm2KeyPair() };
}

export async function segmentNames(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.startsWith('seg-')).sort();
}

export async function readAll(dir: string): Promise<JournalRecord[]> {
  const out: JournalRecord[] = [];
  for await (const r of readRecords(dir)) out.push(r);
  return out;
}

/** Rewrites the decompressed bytes of a closed segment (an attacker with root on the host). */
export async function editGz(path: string, edit: (plain: Buffer) => Buffer): Promise<void> {
  await writeFile(path, gzipSync(edit(gunzipSync(await readFile(path)))));
}

/** Replaces the first occurrence of `from` with `to` (same length keeps the framing intact). */
export function replaceOnce(buf: Buffer, from: string, to: string): Buffer {
  const i = buf.indexOf(from);
  if (i < 0) throw new Error(`"${from}" not found`);
  const out = Buffer.from(buf);
  Buffer.from(to).copy(out, i);
  return out;
}
