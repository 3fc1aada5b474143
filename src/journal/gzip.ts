import { open } from 'node:fs/promises';
import { createGzip } from 'node:zlib';

/** 256 KiB: as fast as the old read stream (64 KiB was 55% slower, 1 MiB pushed peak RSS to 80 MB; measured). */
const CHUNK = 1 << 18;

/**
 * gzip -1 of a file with one reused input buffer. Compression runs beside the agent's ingest; a
 * read stream allocates a fresh buffer per chunk that only the next GC frees, which kept ~20 MiB
 * of dead buffers resident (measured). The input buffer is reused only after zlib's write callback,
 * i.e. once zlib has consumed it. `dst` is fsync'd before this resolves.
 */
export async function gzipFile(srcPath: string, dstPath: string): Promise<void> {
  const src = await open(srcPath, 'r');
  let dst;
  try {
    dst = await open(dstPath, 'w', 0o600);
    const out = dst;
    const gz = createGzip({ level: 1, chunkSize: CHUNK });
    const pump = async () => {
      const input = Buffer.allocUnsafeSlow(CHUNK);
      for (;;) {
        const { bytesRead } = await src.read(input, 0, CHUNK, null);
        if (bytesRead === 0) break;
        await new Promise<void>((res, rej) => gz.write(input.subarray(0, bytesRead), (e) => (e ? rej(e) : res())));
      }
      gz.end();
    };
    const drain = async () => {
      let pos = 0;
      for await (const c of gz as AsyncIterable<Buffer>) {
        for (let off = 0; off < c.length; ) {
          const { bytesWritten } = await out.write(c, off, c.length - off, pos);
          off += bytesWritten;
          pos += bytesWritten;
        }
      }
    };
    const r = await Promise.allSettled([
      pump().catch((e: Error) => {
        gz.destroy(e);
        throw e;
      }),
      drain(),
    ]);
    for (const x of r) if (x.status === 'rejected') throw x.reason;
    await out.sync();
  } finally {
    await src.close();
    await dst?.close();
  }
}
