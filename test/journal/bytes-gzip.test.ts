import test from 'ava';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Journal, verifyArchive } from '../../src/journal/index.js';
import { gzipFile } from '../../src/journal/gzip.js';
import { scanFile } from '../../src/journal/scan.js';
import { BlockType } from '../../src/journal/format.js';
import { segmentNames, tempDir } from './helpers.js';

test('gzipFile: many chunks round-trip byte for byte through gunzip', async (t) => {
  const dir = await tempDir(t);
  // Half random, half repetitive: several 64 KiB input chunks and output chunks of varied size.
  const data = Buffer.concat([randomBytes(300_000), Buffer.alloc(500_000, 'log line\n')]);
  await writeFile(join(dir, 'in'), data);
  await gzipFile(join(dir, 'in'), join(dir, 'out.gz'));
  const gz = await readFile(join(dir, 'out.gz'));
  t.true(gz.length < data.length);
  t.true(gunzipSync(gz).equals(data));
});

test('gzipFile: a missing source rejects and leaves no output', async (t) => {
  const dir = await tempDir(t);
  await t.throwsAsync(gzipFile(join(dir, 'missing'), join(dir, 'out.gz')), { code: 'ENOENT' });
  t.deepEqual(await readdir(dir), []);
});

test('records given as byte ranges are archived as those bytes (invalid UTF-8 kept), chained and verified like strings', async (t) => {
  const dir = await tempDir(t);
  const j = await Journal.open(dir);
  const buf = Buffer.concat([Buffer.from('GET /a 200\n中文 ✓\n'), Buffer.from([0xd6, 0xd0, 0xce, 0xc4, 0x0a])]); // last line: GBK bytes
  const recs = [
    { source: 'nginx', get line(): string { throw new Error('line must not be decoded'); }, buf, start: 0, end: 10 },
    { source: 'nginx', get line(): string { throw new Error('line must not be decoded'); }, buf, start: 11, end: 11 + Buffer.byteLength('中文 ✓') },
    { source: 'app', get line(): string { throw new Error('line must not be decoded'); }, buf, start: buf.length - 5, end: buf.length - 1 },
    { source: 'app', line: 'a string record' },
  ];
  t.deepEqual(await j.append(recs), { firstSeq: 1, lastSeq: 4 });
  await j.close();
  const [seg] = await segmentNames(dir);
  const payload: Buffer[] = [];
  for await (const ev of scanFile(join(dir, seg!))) if (ev.kind === 'block' && ev.header.type === BlockType.Data) payload.push(ev.payload);
  const all = Buffer.concat(payload);
  t.true(all.includes(Buffer.from([0xd6, 0xd0, 0xce, 0xc4])), 'GBK bytes stored as they were');
  t.true(all.includes(Buffer.from('中文 ✓')));
  t.true(all.includes(Buffer.from('a string record')));
  t.true((await verifyArchive(dir)).ok);
});
