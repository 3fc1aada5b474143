/**
 * (c) of issue 5: `verifyArchive` throughput over ≈ 200 MB of nginx-like log text, against bare
 * native SM3 over the same bytes in the same run (target ≥ 200 MB/s of log text). Also prints the
 * journal's own ingest rate (batch append, fsync per batch, gzip -1 in the background).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, verifyArchive } from '../src/journal/index.js';
import { knob } from './smoke.js';

const AGENTS = ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.43', 'Baiduspider+(+http://www.baidu.com/search/spider.htm)'];
const PATHS = ['/xxgk/zcwj/', '/zwgk/tzgg/', '/bsfw/', '/hdjl/zxts/', '/static/js/'];

export function nginxBatch(from: number, n: number): string[] {
  const out: string[] = new Array<string>(n);
  for (let k = 0; k < n; k++) {
    const i = from + k;
    const sec = i % 86400;
    const ts = `${String(Math.floor(sec / 3600)).padStart(2, '0')}:${String(Math.floor(sec / 60) % 60).padStart(2, '0')}:${String(sec % 60).padStart(2, '0')}`;
    out[k] = `${(i * 7919) % 223}.${(i * 104729) % 255}.${i % 254}.${(i >> 3) % 251} - - [25/Nov/2025:${ts} +0800] "GET ${PATHS[i % 5]}${2000 + (i % 26)}/t${i % 100000}_${i}.html?page=${i % 9} HTTP/1.1" ${i % 53 === 0 ? 404 : 200} ${1200 + ((i * 31) % 60000)} "https://www.example.gov.cn${PATHS[(i >> 2) % 5]}" "${AGENTS[i % 3]}"`;
  }
  return out;
}

export interface VerifyFigures {
  textMB: number;
  ingestMBps: number;
  verifyMBps: number;
  bareSm3MBps: number;
  archiveMB: number;
}

export async function runVerifyBench(out: (s: string) => void = (s) => process.stdout.write(s), targetMB = knob('GWSEC_BENCH_VERIFY_MB', 200, 2)): Promise<VerifyFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'gwsec-bench-verify-'));
  try {
    const BATCH = 4096;
    const source = 'nginx:/var/log/nginx/access.log';
    const j = await Journal.open(dir);
    let text = 0;
    let appendMs = 0;
    let sm3Ms = 0;
    const bare = createHash('sm3');
    for (let seq = 1; text < targetMB * 1e6; seq += BATCH) {
      const lines = nginxBatch(seq, BATCH);
      const recs = lines.map((line) => ({ source, line }));
      const t0 = performance.now();
      await j.append(recs);
      appendMs += performance.now() - t0;
      const buf = Buffer.from(lines.join('\n') + '\n');
      const t1 = performance.now();
      bare.update(buf);
      sm3Ms += performance.now() - t1;
      text += buf.length;
    }
    const t2 = performance.now();
    await j.close(); // waits for the last background compression
    appendMs += performance.now() - t2;
    bare.digest();

    let archive = 0;
    for (const n of await readdir(dir)) archive += (await stat(join(dir, n))).size;
    const t3 = performance.now();
    const r = await verifyArchive(dir);
    const verifyMs = performance.now() - t3;
    if (!r.ok) throw new Error(`verify failed on a fresh archive: ${JSON.stringify(r.problems.slice(0, 3))}`);

    const MB = 1e6;
    const f: VerifyFigures = {
      textMB: text / MB,
      ingestMBps: text / MB / (appendMs / 1000),
      verifyMBps: r.bytes / MB / (verifyMs / 1000),
      bareSm3MBps: text / MB / (sm3Ms / 1000),
      archiveMB: archive / MB,
    };
    out(`journal over ${f.textMB.toFixed(0)} MB of nginx log text (${r.records} lines, ${r.segments} segments, ${f.archiveMB.toFixed(1)} MB on disk, ${(f.textMB / f.archiveMB).toFixed(1)}× gzip -1)\n`);
    out(`  ingest (append+fsync per ${BATCH} lines, gzip in background): ${f.ingestMBps.toFixed(1)} MB/s\n`);
    out(`  verifyArchive: ${f.verifyMBps.toFixed(1)} MB/s of log text (${(verifyMs / 1000).toFixed(2)} s); target ≥ 200 MB/s ${f.verifyMBps >= 200 ? 'met' : 'NOT met'}\n`);
    out(`  bare native SM3 over the same bytes: ${f.bareSm3MBps.toFixed(1)} MB/s; verify / bare SM3 = ${(f.verifyMBps / f.bareSm3MBps).toFixed(2)}\n`);
    return f;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  await runVerifyBench();
}
