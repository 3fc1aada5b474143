import test from 'ava';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { buildScript, MAY_BLOCK, parseSections, SNIPPET_PRELUDE } from '../../src/collectors/script.js';
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

test('the shortcuts (gw_nil for an absent program, gw_run without a sh, gw_sub) answer as the generic gw_cmd does', async (t) => {
  const bin = mkdtempSync(join(tmpdir(), 'gwsec-path-'));
  writeFileSync(join(bin, 'gwsec-only-here'), '#!/bin/sh\necho "here $*"; echo "warn" >&2; exit 4\n', { mode: 0o755 });
  chmodSync(bin, 0o755);
  const shapes: Request[] = [
    { kind: 'cmd', name: 'guard-absent', script: 'command -v definitely-not-a-command-gwsec >/dev/null 2>&1 || exit 127; definitely-not-a-command-gwsec -T' },
    { kind: 'cmd', name: 'guard-present', script: 'command -v uname >/dev/null 2>&1 || exit 127; uname -s' },
    { kind: 'cmd', name: 'guard-multiline', script: 'command -v uname >/dev/null 2>&1 || exit 127\nuname -s | tr a-z A-Z' },
    { kind: 'cmd', name: 'guard-path-absent', script: 'PATH="$PATH:/nonexistent/gwsec"\ncommand -v definitely-not-a-command-gwsec >/dev/null 2>&1 || exit 127\necho no' },
    { kind: 'cmd', name: 'guard-path-present', script: `PATH="$PATH:${bin}"\ncommand -v gwsec-only-here >/dev/null 2>&1 || exit 127\ngwsec-only-here a b` },
    { kind: 'cmd', name: 'lone-gw_to-absent', script: 'gw_to definitely-not-a-command-gwsec -x' },
    { kind: 'cmd', name: 'lone-gw_to-present', script: 'gw_to ls -d /' },
    { kind: 'cmd', name: 'simple', script: 'ls -d / /nonexistent-gwsec' },
    { kind: 'cmd', name: 'simple-merged', script: 'ls -d / /nonexistent-gwsec 2>&1' },
    { kind: 'cmd', name: 'simple-absent', script: 'definitely-not-a-command-gwsec -x' },
    { kind: 'cmd', name: 'simple-timeout', script: 'sleep 5', timeoutS: 1 },
    { kind: 'cmd', name: 'builtins', script: 'for p in / /nonexistent-gwsec; do [ -d "$p" ] && echo "$p"; done; echo err >&2; exit 3', builtinsOnly: true },
  ];
  // every collector's commands too; on this shared machine some answers change from one second to the
  // next (the clock, sockets, processes, the interfaces other suites' test hosts add): those compare by exit code
  const volatile = new Set(['web-clock', 'network-ss', 'network-ip-addr', 'agent_status-processes', 'sshd-status', 'backup-newest']);
  const all = [...shapes, ...collectors.flatMap((c) => c.requests).filter((r) => r.kind === 'cmd')];
  const fast = buildScript(all);
  const generic = buildScript(all, { generic: true });
  t.not(fast.script, generic.script);
  t.true(fast.script.includes('gw_nil') && fast.script.includes('gw_run') && fast.script.includes('gw_sub'));
  const run = async (b: typeof fast) => parseSections((await new LocalTransport().run(b.script, { timeoutMs: scaled(60_000) })).stdout, b.marker).cmds;
  const [x, y] = [await run(fast), await run(generic)];
  t.is(x.size, all.length);
  for (const r of all) {
    if (r.kind !== 'cmd') continue;
    if (volatile.has(r.name)) t.is(x.get(r.name)?.exitCode, y.get(r.name)?.exitCode, r.name);
    else t.deepEqual(x.get(r.name), y.get(r.name), r.name);
  }
  t.deepEqual(x.get('guard-path-present'), { stdout: 'here a b\n', stderr: 'warn\n', exitCode: 4, truncated: false });
  t.is(x.get('simple-timeout')!.exitCode, 124);
  t.is(x.get('simple-merged')!.stderr, '');
  t.regex(x.get('simple-merged')!.stdout, /nonexistent-gwsec/);
});

test('a builtinsOnly snippet runs no program: with an empty PATH it answers as with the real one', (t) => {
  const only = collectors.flatMap((c) => c.requests).filter((r) => r.kind === 'cmd' && r.builtinsOnly === true);
  t.true(only.length >= 2);
  for (const r of only) {
    if (r.kind !== 'cmd') continue;
    const run = (path: string) => {
      const T = mkdtempSync(join(tmpdir(), 'gwsec-builtins-'));
      const x = spawnSync('/bin/sh', ['-c', `${SNIPPET_PRELUDE}\neval "$1"`, 'gw', r.script], { env: { PATH: path, T }, encoding: 'utf8' });
      rmSync(T, { recursive: true, force: true });
      return x;
    };
    const [a, b] = [run('/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin'), run('/nonexistent-gwsec')];
    t.is(b.status, a.status, r.name);
    t.is(b.stderr, '', `${r.name}: ${b.stderr}`);
    t.is(b.stdout, a.stdout, r.name);
  }
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

/**
 * The programs a snippet runs outside gw_to, read from its text: quoted text (awk programs, formats)
 * and parameter expansions are blanked, a quoted path in the run's scratch dir ("$T/…") becomes TFILE, and the first word of
 * every simple command must be a builtin, a keyword, a gw_ helper, or awk/cat/grep/head reading only
 * TFILEs or their standard input; input redirections only from TFILEs or /dev/null.
 */
const BUILTINS = new Set(['[', 'test', 'echo', 'printf', 'read', 'exit', 'return', 'set', 'shift', 'command', ':', 'true', 'false', 'local', 'break', 'continue', 'gw_to', 'gw_memo', 'gw_once', 'gw_comms']);
const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', 'esac']);
function untimedPrograms(script: string): string[] {
  const s = script
    .replace(/\$\{[^}]*\}/g, 'V')
    .replace(/"\$T\/[^"]*"/g, 'TFILE')
    .replace(/'[^']*'/g, "''")
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/(\bin|;;)\s+[^\s()]+\)/g, '$1 ;'); // case patterns
  const bad: string[] = [];
  for (const m of s.matchAll(/<\s*([^\s;|&)]+)/g)) if (m[1] !== 'TFILE' && m[1] !== '/dev/null' && !m[0].startsWith('<&')) bad.push(`input ${m[0]}`);
  for (const part of s.split(/\n|;;|;|&&|\|\||\||\$\(|\(|\)|\{|\}/)) {
    const words = part.trim().split(/\s+/).filter((w) => w !== '');
    while (words.length > 0 && (KEYWORDS.has(words[0]!) || /^\w+=/.test(words[0]!) || /^\d*[<>]/.test(words[0]!))) words.shift();
    const [w, ...args] = words;
    if (w === undefined || BUILTINS.has(w) || w === 'for' || w === 'case') continue;
    if (['awk', 'cat', 'grep', 'head'].includes(w) && args.every((a) => a === 'TFILE' || a === "''" || a.startsWith('-') || /^\d+$/.test(a) || /^\d*[<>]/.test(a))) continue;
    bad.push(w);
  }
  return bad;
}

test('a selfTimed snippet runs every program under gw_to (its own time limit), reading only its own files otherwise', (t) => {
  const marked = collectors.flatMap((c) => c.requests).filter((r) => r.kind === 'cmd' && r.selfTimed === true);
  t.true(marked.length >= 5);
  for (const r of marked) if (r.kind === 'cmd') t.deepEqual(untimedPrograms(r.script), [], r.name);
  // the checker itself: each of these runs a program that a trap could stall
  for (const s of ['sshd -T', 'v=$(sshd -V 2>&1)', 'cat /etc/passwd', "awk '{print}' /etc/shadow", 'IFS= read -r l </etc/issue', 'x | sort', 'gw_to ls | sort', 'head -n 1 /etc/shadow']) t.notDeepEqual(untimedPrograms(s), [], s);
  for (const s of ['gw_to sshd -T', 'v=$(gw_to sshd -V 2>&1)', 'cat "$T/x"', `awk '{print}' "$T/memo.a.out"`, 'IFS= read -r l <"$T/e"', 'gw_memo k gw_to openssl version 2>/dev/null || true', 'gw_to ls | head -n 1']) t.deepEqual(untimedPrograms(s), [], s);
});

test('a selfTimed snippet keeps its own time limit: a hung program ends 124 at it, and the rest of the script answers', async (t) => {
  const reqs: Request[] = [
    { kind: 'cmd', name: 'hang', script: 'gw_to sleep 30; echo "rc=$?"', timeoutS: 1, selfTimed: true },
    { kind: 'cmd', name: 'after', script: 'gw_to echo still here', selfTimed: true },
  ];
  const b = buildScript(reqs);
  t.true(b.script.includes("gw_own 'cmd:hang'"));
  const started = Date.now();
  const a = parseSections((await new LocalTransport().run(b.script, { timeoutMs: scaled(20_000) })).stdout, b.marker).cmds;
  t.true(Date.now() - started < scaled(10_000));
  t.is(a.get('hang')!.stdout, 'rc=124\n');
  t.is(a.get('after')!.stdout, 'still here\n');
});

test('the watchdog: limits without a timeout process; TERM at the limit (124), KILL 2 s later (137); stdin kept; nothing left running', async (t) => {
  const mark = `gwsec-wd-${process.pid}-${Date.now()}`;
  const reqs: Request[] = [
    // ignores TERM, as a wedged program may: only KILL ends it, and the answer says so as `timeout -k 2` would
    { kind: 'cmd', name: 'stubborn', script: `gw_to sh -c 'trap "" TERM; exec sleep 30'; echo "rc=$?"`, timeoutS: 1, selfTimed: true },
    // a program under the watchdog still reads what is piped into it
    { kind: 'cmd', name: 'piped', script: 'printf "a\\nb\\n" | gw_to wc -l', selfTimed: true },
    { kind: 'cmd', name: 'quick', script: 'uname -s' },
    { kind: 'cmd', name: 'slow', script: 'sleep 5', timeoutS: 1 },
  ];
  const b = buildScript(reqs);
  t.true(b.script.includes("gw_run 'cmd:quick'") && b.script.includes("gw_run 'cmd:slow'"));
  const started = Date.now();
  const r = spawnSync('/bin/sh', ['-s'], { input: b.script, encoding: 'utf8', env: { ...process.env, GWSEC_WD_TEST: mark }, timeout: scaled(30_000) });
  const ms = Date.now() - started;
  const a = parseSections(r.stdout, b.marker).cmds;
  t.is(a.get('stubborn')!.stdout, 'rc=137\n');
  t.is(a.get('piped')!.stdout.trim(), '2');
  t.deepEqual(a.get('quick'), { stdout: `${execFileSync('uname', ['-s'], { encoding: 'utf8' })}`, stderr: '', exitCode: 0, truncated: false });
  t.is(a.get('slow')!.exitCode, 124);
  // never early (stubborn: TERM after 1 s, KILL 2 s later; slow: TERM after 1 s), each within a second of it
  t.true(ms >= 4000, `${ms} ms`);
  t.true(ms < scaled(8000), `${ms} ms`);
  // the watchdog and its sleep end with the run (give a stopped sleep its last second)
  const ours = () =>
    readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          return readFileSync(`/proc/${p}/environ`, 'utf8').includes(`GWSEC_WD_TEST=${mark}`);
        } catch {
          return false;
        }
      });
  const end = Date.now() + scaled(3000);
  while (ours().length && Date.now() < end) await new Promise((res) => setTimeout(res, 50));
  t.deepEqual(ours(), []);
});

test('the scratch dir is private, on /dev/shm where there is one (a tmpfs: no disk inode per answer), and gone after the run', async (t) => {
  const b = buildScript([{ kind: 'cmd', name: 'where', script: 'echo "$T"; stat -c %a "$T"' }]);
  const a = parseSections((await new LocalTransport().run(b.script, { timeoutMs: scaled(20_000) })).stdout, b.marker).cmds;
  const [dir, mode] = a.get('where')!.stdout.trim().split('\n');
  if (existsSync('/dev/shm')) t.true(dir!.startsWith('/dev/shm/'), dir);
  t.is(mode, '700');
  t.false(existsSync(dir!));
});
