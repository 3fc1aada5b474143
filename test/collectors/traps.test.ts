/**
 * One trap costs only its own facts (issue 19). A hostile host puts a FIFO where a config file should
 * be, a 2 GB sparse file, a link to /dev/zero, a symlink loop: the collection script never opens a
 * non-regular file (status `special`, the facts that need it are `unsafe_file` naming it), reads at
 * most MAX bytes of a huge file through `head -c`, gives each command its own time limit, and the
 * rest of the answers arrive. Run through a real sh under mawk, gawk and gawk --posix.
 */
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outputFor } from '../../src/collectors/answers.js';
import { buildScript, parseSections } from '../../src/collectors/script.js';
import type { Request } from '../../src/transport/requests.js';
import { CollectError } from '../../src/model/errors.js';
import { scaled } from '../helpers/time.js';

const dir = mkdtempSync(join(tmpdir(), 'gwsec-traps-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));
const conf = join(dir, 'sshd_config.d');
mkdirSync(conf);
writeFileSync(join(conf, '10-ok.conf'), 'PermitRootLogin no\n');
execFileSync('mkfifo', [join(conf, '20-trap.conf')]);
writeFileSync(join(dir, 'small'), 'hello\n');
const huge = join(dir, 'huge');
writeFileSync(huge, '');
truncateSync(huge, 2 * 1024 ** 3); // 2 GB of NULs, sparse: no newline anywhere
symlinkSync('/dev/zero', join(dir, 'zero'));
mkdirSync(join(dir, 'www'));
symlinkSync(join(dir, 'www', 'loop-b'), join(dir, 'www', 'loop-a'));
symlinkSync(join(dir, 'www', 'loop-a'), join(dir, 'www', 'loop-b'));

const MAX = 64 * 1024;
const requests: Request[] = [
  { kind: 'glob', pattern: `${conf}/*.conf` },
  { kind: 'file', path: join(dir, 'small') },
  { kind: 'file', path: huge },
  { kind: 'file', path: join(dir, 'zero') },
  { kind: 'file', path: join(dir, 'www', 'loop-a') },
  { kind: 'cmd', name: 'reads-the-fifo', script: `cat ${conf}/20-trap.conf`, timeoutS: 2 },
  { kind: 'cmd', name: 'after', script: 'echo still-here' },
];

/** PATH with `awk` bound to one implementation (and the usual tools behind it). */
function awkPath(impl: string[]): string | null {
  if (!existsSync(impl[0]!)) return null;
  const bin = join(dir, `bin-${impl.join('-').replace(/[^a-z-]/g, '')}`);
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'awk'), `#!/bin/sh\nexec ${impl.join(' ')} "$@"\n`, { mode: 0o755 });
  return bin;
}

for (const impl of [['/usr/bin/mawk'], ['/usr/bin/gawk'], ['/usr/bin/gawk', '--posix']]) {
  test(`traps under ${impl.join(' ')}: each trap is its own error, the rest answers, within the time limit`, (t) => {
    const bin = awkPath(impl);
    if (!bin) {
      if (process.env.CI) t.fail(`${impl[0]} is missing (.ci/run installs it)`);
      else t.log(`SKIP: ${impl[0]} is not installed here`);
      if (!process.env.CI) t.pass();
      return;
    }
    const { script, marker } = buildScript(requests, { maxBytes: MAX });
    // The script sets its own PATH; bind awk by prepending our dir inside it.
    const s = script.replace(/^PATH=/m, `PATH=${bin}:`);
    const started = performance.now();
    const r = spawnSync('sh', ['-s'], { input: s, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: scaled(30_000) });
    const ms = performance.now() - started;
    t.is(r.status, 0, r.stderr);
    t.true(ms < scaled(10_000), `${ms.toFixed(0)} ms`);
    const a = parseSections(r.stdout, marker, MAX);
    t.deepEqual(a.globs.get(`${conf}/*.conf`)?.slice().sort(), [join(conf, '10-ok.conf'), join(conf, '20-trap.conf')]);
    t.like(a.files.get(join(conf, '10-ok.conf')), { status: 'ok', content: 'PermitRootLogin no\n' });
    t.like(a.files.get(join(conf, '20-trap.conf')), { status: 'special', content: '' });
    t.like(a.files.get(join(dir, 'small')), { status: 'ok', content: 'hello\n' });
    const h = a.files.get(huge)!;
    t.is(h.status, 'ok');
    t.true(h.truncated, 'the 2 GB file is cut at MAX');
    t.is(Buffer.byteLength(h.content), MAX);
    t.like(a.files.get(join(dir, 'zero')), { status: 'special' });
    t.like(a.files.get(join(dir, 'www', 'loop-a')), { status: 'absent' });
    t.is(a.cmds.get('reads-the-fifo')?.exitCode, 124, 'the command blocked on the FIFO is cut off by its own limit');
    t.is(a.cmds.get('after')?.stdout.trim(), 'still-here');

    // What a collector sees: the trapped glob fails naming the FIFO; other reads work.
    const out = outputFor(a, new Set(), 'local');
    const e = t.throws(() => out.glob(`${conf}/*.conf`));
    t.true(e instanceof CollectError && e.code === 'unsafe_file' && e.message.includes('20-trap.conf'), e?.message);
    t.is(out.text(join(dir, 'small')), 'hello\n');
    t.throws(() => out.text(join(dir, 'zero')), { message: /zero: not a regular file/ });
    t.throws(() => out.cmd('reads-the-fifo'), { message: /timed out/ });
  });
}
