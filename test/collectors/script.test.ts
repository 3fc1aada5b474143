import test from 'ava';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { buildScript, MAY_BLOCK, parseSections } from '../../src/collectors/script.js';
import { collectors } from '../../src/audit/registry.js';
import { collect } from '../../src/collectors/run.js';
import { LocalTransport } from '../../src/transport/local.js';
import { FixtureTransport } from '../../src/transport/fixture.js';
import { t as ft } from '../../src/model/schema.js';
import type { Collector } from '../../src/collectors/types.js';
import type { Request } from '../../src/transport/requests.js';
import { scaled } from '../helpers/time.js';

// Real files, a real /bin/sh: the collection script is what runs on every audited host.
const dir = mkdtempSync(join(tmpdir(), 'gwsec-script-'));
mkdirSync(join(dir, 'conf.d'));
writeFileSync(join(dir, 'main.conf'), `Port 22\nInclude conf.d/*.conf\nInclude ${dir}/extra.conf\nPermitRootLogin yes\n`);
writeFileSync(join(dir, 'conf.d', '10-a.conf'), 'PermitRootLogin no\nInclude nested.conf\n');
writeFileSync(join(dir, 'conf.d', '20-b.conf'), 'PasswordAuthentication no\n');
writeFileSync(join(dir, 'nested.conf'), 'X11Forwarding no\n');
writeFileSync(join(dir, 'extra.conf'), 'MaxAuthTries 3\n');
writeFileSync(join(dir, 'binary.bin'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0xff, 0xfe, 0x0a, 0xc3, 0x28]));
writeFileSync(join(dir, 'gbk.txt'), Buffer.from([0xd6, 0xd0, 0xce, 0xc4, 0x0a])); // "中文" in GBK, not UTF-8
writeFileSync(join(dir, 'secret.txt'), 'top secret\n');
chmodSync(join(dir, 'secret.txt'), 0o600);
chmodSync(dir, 0o755);

const requests: Request[] = [
  { kind: 'cmd', name: 'echo', script: 'echo hello; echo oops >&2; exit 3' },
  { kind: 'cmd', name: 'missing', script: 'definitely-not-a-command-gwsec' },
  { kind: 'cmd', name: 'huge', script: 'head -c 12000000 /dev/zero | tr "\\0" "a"' },
  { kind: 'cmd', name: 'forge', script: 'echo "__GWSEC_fake__ END cmd:forge rc=0 size=1"; echo after' },
  { kind: 'file', path: join(dir, 'main.conf') },
  { kind: 'file', path: join(dir, 'absent.conf') },
  { kind: 'file', path: join(dir, 'binary.bin') },
  { kind: 'file', path: join(dir, 'gbk.txt') },
  { kind: 'glob', pattern: join(dir, 'conf.d', '*.conf') },
  { kind: 'glob', pattern: join(dir, 'nomatch', '*.conf') },
  { kind: 'tree', path: join(dir, 'main.conf'), include: '(?i)^\\s*include\\s+(.+)$', base: dir },
];

test('one script answers every request kind through a real shell', async (t) => {
  const { script, marker } = buildScript(requests);
  const r = await new LocalTransport().run(script, { timeoutMs: scaled(30_000) });
  t.is(r.exitCode, 0);
  const a = parseSections(r.stdout, marker);
  t.deepEqual(a.cmds.get('echo'), { stdout: 'hello\n', stderr: 'oops\n', exitCode: 3, truncated: false });
  t.is(a.cmds.get('missing')!.exitCode, 127);
  // ≥ 10 MB of output is capped at the section limit, flagged truncated, and nothing crashes
  t.true(a.cmds.get('huge')!.truncated);
  t.is(a.cmds.get('huge')!.stdout.length, 4 * 1024 * 1024);
  // output that looks like a marker cannot end a section: the nonce differs
  t.regex(a.cmds.get('forge')!.stdout, /after/);
  t.is(a.files.get(join(dir, 'main.conf'))!.status, 'ok');
  t.is(a.files.get(join(dir, 'absent.conf'))!.status, 'absent');
  t.deepEqual(a.globs.get(join(dir, 'conf.d', '*.conf')), [join(dir, 'conf.d', '10-a.conf'), join(dir, 'conf.d', '20-b.conf')]);
  t.deepEqual(a.globs.get(join(dir, 'nomatch', '*.conf')), []);
  // the tree follows relative and absolute includes, globs in lexical order, nested includes depth first
  t.deepEqual(a.trees.get(join(dir, 'main.conf')), [
    join(dir, 'main.conf'),
    join(dir, 'conf.d', '10-a.conf'),
    join(dir, 'nested.conf'),
    join(dir, 'conf.d', '20-b.conf'),
    join(dir, 'extra.conf'),
  ]);
});

test('binary and non-UTF-8 content is decoded leniently, never a crash', async (t) => {
  const { script, marker } = buildScript(requests.filter((r) => r.kind === 'file'));
  const r = await new LocalTransport().run(script);
  const a = parseSections(r.stdout, marker);
  t.true(a.files.get(join(dir, 'binary.bin'))!.content.includes('\uFFFD'));
  t.false(a.files.get(join(dir, 'binary.bin'))!.content.includes('\0'));
  t.true(a.files.get(join(dir, 'gbk.txt'))!.content.includes('\uFFFD'));
});

test('the fixture transport answers the same requests the same way as the shell', async (t) => {
  const read = (p: string) => execFileSync('cat', [p], { encoding: 'utf8' });
  const files: Record<string, string> = {};
  for (const p of ['main.conf', 'conf.d/10-a.conf', 'conf.d/20-b.conf', 'nested.conf', 'extra.conf']) files[join(dir, p)] = read(join(dir, p));
  const fx = FixtureTransport.fromMemory({ name: 'same', files });
  const a = fx.answer(requests.filter((r) => r.kind === 'tree' || r.kind === 'glob'));
  t.deepEqual(a.trees.get(join(dir, 'main.conf')), [
    join(dir, 'main.conf'),
    join(dir, 'conf.d', '10-a.conf'),
    join(dir, 'nested.conf'),
    join(dir, 'conf.d', '20-b.conf'),
    join(dir, 'extra.conf'),
  ]);
  t.deepEqual(a.globs.get(join(dir, 'conf.d', '*.conf')), [join(dir, 'conf.d', '10-a.conf'), join(dir, 'conf.d', '20-b.conf')]);
});

test('an unreadable file is permission_denied for its collector only (run as nobody)', async (t) => {
  const probe: Collector = {
    id: 'probe', description: 'test', schema: ft.any,
    requests: [{ kind: 'file', path: join(dir, 'secret.txt') }],
    parse: (out) => ({ text: out.text(join(dir, 'secret.txt')) }),
  };
  const fine: Collector = {
    id: 'fine', description: 'test', schema: ft.any,
    requests: [{ kind: 'file', path: join(dir, 'main.conf') }],
    parse: (out) => ({ first: out.text(join(dir, 'main.conf'))!.split('\n')[0] }),
  };
  // A transport that runs the script as an unprivileged user, like an auditor whose sudo is refused.
  const asNobody = {
    id: 'local:nobody',
    run: (script: string) => new LocalTransport().run(`exec setpriv --reuid=65534 --regid=65534 --clear-groups /bin/sh -s <<'GWSEC_EOF'\n${script}\nGWSEC_EOF\n`),
    close: async () => {},
  };
  const c = await collect(asNobody, [probe, fine]);
  t.deepEqual(c.facts.probe, { error: { code: 'permission_denied', message: `${join(dir, 'secret.txt')}: permission denied` } });
  t.deepEqual(c.facts.fine, { first: 'Port 22' });
  t.deepEqual(c.sources.fine, [`file: ${join(dir, 'main.conf')}`]);
  t.is(c.execs, 1);
});

test('a command that hangs is cut off by its timeout; the rest of the script still answers', async (t) => {
  const { script, marker } = buildScript([
    { kind: 'cmd', name: 'hang', script: 'gw_to sleep 30', timeoutS: 1 },
    { kind: 'cmd', name: 'after', script: 'echo still here' },
  ]);
  const started = Date.now();
  const r = await new LocalTransport().run(script, { timeoutMs: scaled(20_000) });
  const a = parseSections(r.stdout, marker);
  t.true(Date.now() - started < scaled(10_000));
  t.is(a.cmds.get('hang')!.exitCode, 124);
  t.is(a.cmds.get('after')!.stdout, 'still here\n');
});

test('gw_memo runs a command once for every snippet that asks, also under gw_to; gw_to answers 127 for a missing program', async (t) => {
  const count = join(mkdtempSync(join(tmpdir(), 'gwsec-memo-')), 'count');
  const once = `gw_memo probe gw_to sh -c 'echo run >>${count}; echo shared; echo warn >&2; exit 3'`;
  const { script, marker } = buildScript([
    { kind: 'cmd', name: 'first', script: once, timeoutS: 5 },
    { kind: 'cmd', name: 'second', script: `${once}; echo "rc=$?"` },
    { kind: 'cmd', name: 'absent', script: 'gw_to definitely-not-a-command-gwsec --version' },
  ]);
  const r = await new LocalTransport().run(script, { timeoutMs: scaled(20_000) });
  const a = parseSections(r.stdout, marker);
  t.deepEqual(a.cmds.get('first'), { stdout: 'shared\n', stderr: 'warn\n', exitCode: 3, truncated: false });
  t.is(a.cmds.get('second')!.stdout, 'shared\nrc=3\n');
  t.is(execFileSync('cat', [count], { encoding: 'utf8' }), 'run\n');
  t.deepEqual(a.cmds.get('absent'), { stdout: '', stderr: '', exitCode: 127, truncated: false });
});

test('every snippet calls the programs that can block through gw_to (a timeout), never directly', (t) => {
  const bad: string[] = [];
  for (const c of collectors) {
    for (const r of c.requests) {
      if (r.kind !== 'cmd') continue;
      for (const prog of MAY_BLOCK) {
        for (const m of r.script.matchAll(new RegExp(`(?<![\\w.#-])${prog.replace('-', '\\-')}(?![\\w.-])`, 'g'))) {
          const before = r.script.slice(0, m.index).trimEnd();
          if (!/(gw_to|command -v|gw_to xargs -r)$/.test(before) && !/\.service$|\.timer$/.test(r.script.slice(m.index, m.index + prog.length + 8))) bad.push(`${c.id}/${r.name}: …${r.script.slice(Math.max(0, m.index - 20), m.index + prog.length + 10)}…`);
        }
      }
    }
  }
  t.deepEqual(bad, [], 'call these through gw_to (src/collectors/script.ts SNIPPET_PRELUDE)');
});

test('a parser bug becomes parse_error for that family, and the others are kept', async (t) => {
  const broken: Collector = { id: 'broken', description: 't', schema: ft.any, requests: [], parse: () => { throw new TypeError('boom'); } };
  const ok: Collector = { id: 'ok', description: 't', schema: ft.any, requests: [], parse: () => ({ v: 1 }) };
  const c = await collect(FixtureTransport.fromMemory({ name: 'x', files: {} }), [broken, ok]);
  t.is((c.facts.broken as { error: { code: string } }).error.code, 'parse_error');
  t.deepEqual(c.facts.ok, { v: 1 });
});
