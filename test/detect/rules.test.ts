/**
 * The shipped detection rules (`gwsec detect lint` / `gwsec detect test` in CI), their parity with the
 * playbooks, and located errors for bad rules.
 */
import test from 'ava';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { defaultPlaybooksDir, loadRules, playbookIds } from '../../src/detect/load.js';
import { runRuleCases } from '../../src/detect/tester.js';
import { LOGIC_KINDS } from '../../src/detect/schema.js';
import { SOURCE_TYPES } from '../../src/detect/fields.js';
import { GwsecError, GwsecErrorList } from '../../src/model/errors.js';
import { gwsec } from '../helpers/cli.js';

const set = loadRules(undefined, { playbooks: playbookIds() });

test('every shipped rule passes every one of its cases (gwsec detect test)', (t) => {
  const outcomes = runRuleCases(set);
  t.deepEqual(outcomes.filter((o) => !o.ok).map((o) => `${o.rule} — ${o.name}: ${o.problem}`), []);
  t.true(outcomes.length >= set.rules.length * 2);
});

test('the shipped pack covers every source type and logic kind, and the issue\'s rules', (t) => {
  t.deepEqual([...new Set(set.rules.map((r) => r.source))].sort(), [...SOURCE_TYPES].sort());
  t.deepEqual([...new Set(set.rules.map((r) => r.logic.kind))].sort(), [...LOGIC_KINDS].sort());
  const ids = new Set(set.rules.map((r) => r.id));
  for (const id of ['ssh-brute-force', 'ssh-bruteforce-success-after-failures', 'web-sqli', 'web-xss', 'web-path-traversal', 'web-command-injection', 'web-code-injection', 'web-scanner-ua', 'webshell-suspicious-request-pattern', 'web-directory-scan', 'webshell-new-script-in-webroot', 'web-defacement-homepage-changed', 'web-page-deleted', 'account-new-uid0-or-sudoer', 'account-new-login', 'authorized-keys-changed', 'listening-port-new', 'cron-entry-new', 'systemd-unit-new'])
    t.true(ids.has(id), `missing rule ${id}`);
});

test('parity: every rule suggests a playbook that exists and lists the rule under detections', (t) => {
  const problems: string[] = [];
  for (const r of set.rules) {
    const file = join(defaultPlaybooksDir(), `${r.playbook}.yaml`);
    let pb: { detections?: string[] };
    try {
      pb = parse(readFileSync(file, 'utf8')) as { detections?: string[] };
    } catch {
      problems.push(`${r.id}: playbook ${r.playbook} does not exist (playbooks/${r.playbook}.yaml)`);
      continue;
    }
    if (!(pb.detections ?? []).includes(r.id)) problems.push(`${r.id}: add it to 'detections:' of playbooks/${r.playbook}.yaml`);
  }
  t.deepEqual(problems, []);
});

/**
 * Detection ids shipped playbooks name before a rule produces them. It only shrinks: an entry whose
 * rule has landed fails the test below until it is removed here.
 */
const NOT_YET_BUILT = new Set<string>([
]);

test('parity: every detection id a shipped playbook names has a rule in policies/detections/ (allowlist only shrinks)', (t) => {
  const ids = new Set(set.rules.map((r) => r.id));
  const named = new Map<string, string[]>();
  for (const f of readdirSync(defaultPlaybooksDir()).filter((x) => /\.ya?ml$/.test(x)).sort()) {
    const pb = parse(readFileSync(join(defaultPlaybooksDir(), f), 'utf8')) as { detections?: string[] };
    for (const d of pb.detections ?? []) named.set(d, [...(named.get(d) ?? []), `playbooks/${f}`]);
  }
  t.true(named.size > 0, 'the playbooks name detections');
  const missing = [...named].filter(([d]) => !ids.has(d) && !NOT_YET_BUILT.has(d)).map(([d, at]) => `${d} (named in ${at.join(', ')}): add policies/detections/${d}.yaml with its cases`);
  t.deepEqual(missing, []);
  const stale = [...NOT_YET_BUILT].filter((d) => ids.has(d) || !named.has(d)).map((d) => `${d}: ${ids.has(d) ? 'its rule has landed' : 'no playbook names it'}; remove it from NOT_YET_BUILT in test/detect/rules.test.ts`);
  t.deepEqual(stale, []);
});

function rulesDir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'gwsec-rules-'));
  for (const [n, text] of Object.entries(files)) writeFileSync(join(d, n), text);
  return d;
}

const GOOD = readFileSync(join(set.dir, 'ssh-brute-force.yaml'), 'utf8');
const CASES = readFileSync(join(set.dir, 'ssh-brute-force.cases.yaml'), 'utf8');

function errorsOf(dir: string): string[] {
  try {
    loadRules(dir, { playbooks: playbookIds() });
  } catch (e) {
    if (e instanceof GwsecErrorList) return e.errors.map((x) => x.format());
    if (e instanceof GwsecError) return [e.format()];
    throw e;
  }
  return [];
}

test('an unknown logic kind is a located error at its line', (t) => {
  const bad = GOOD.replace('kind: threshold', 'kind: thresold');
  const line = bad.split('\n').findIndex((l) => l.includes('thresold')) + 1;
  const errs = errorsOf(rulesDir({ 'ssh-brute-force.yaml': bad, 'ssh-brute-force.cases.yaml': CASES }));
  t.is(errs.length, 1);
  t.regex(errs[0]!, new RegExp(`ssh-brute-force\\.yaml:${line}:\\d+: logic\\.kind: logic\\.kind must be one of match, threshold`));
});

test('unknown fields, bad regexes, missing playbooks, id mismatches and missing cases are all reported, located', (t) => {
  const bad = GOOD.replace('field: auth.method', 'field: auth.methd').replace('playbook: account-compromise', 'playbook: no-such-playbook');
  const two = GOOD.replace('id: ssh-brute-force', 'id: other-name');
  const three = GOOD.replace('id: ssh-brute-force', 'id: three').replace("{ field: program, eq: sshd(pam_unix) }", "{ field: program, matches: 'sshd(' }");
  const errs = errorsOf(rulesDir({ 'ssh-brute-force.yaml': bad, 'ssh-brute-force.cases.yaml': CASES, 'two.yaml': two, 'three.yaml': three, 'three.cases.yaml': CASES }));
  const text = errs.join('\n');
  t.regex(text, /ssh-brute-force\.yaml:\d+:\d+: logic\.where\.any\.0\.all\.1\.field: unknown field 'auth\.methd' for source auth/);
  t.regex(text, /ssh-brute-force\.yaml:\d+:\d+: playbook: no playbook 'no-such-playbook'/);
  t.regex(text, /three\.yaml:\d+:\d+: logic\.where\.any\.1\.all\.1\.matches: not a valid regular expression/);
  t.regex(text, /two\.yaml:\d+:\d+: rule id 'other-name' differs from its file name 'two'/);
  t.regex(text, /two\.yaml:\d+:\d+: rule 'other-name' has no cases/);
  t.false(text.includes('cases for unknown rule'), 'a rule with errors still owns its cases file');
});

test('gwsec detect lint: exit 0 on the shipped rules, exit 2 with file:line on a bad one', (t) => {
  const ok = gwsec(['detect', 'lint', '--lang', 'en']);
  t.is(ok.code, 0, ok.stderr);
  t.regex(ok.stdout, /detection rules valid/);
  const dir = rulesDir({ 'ssh-brute-force.yaml': GOOD.replace('count: 8', 'count: eight'), 'ssh-brute-force.cases.yaml': CASES });
  const bad = gwsec(['detect', 'lint', '--rules', dir]);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /ssh-brute-force\.yaml:\d+:\d+: logic\.count/);
  const tst = gwsec(['detect', 'test', '--lang', 'en']);
  t.is(tst.code, 0, tst.stdout);
  t.regex(tst.stdout, /detection cases passed/);
});

test('gwsec detect --file: hostile lines are counted, never printed raw; exit 1 when alerts are found', (t) => {
  const d = mkdtempSync(join(tmpdir(), 'gwsec-hunt-'));
  const f = join(d, 'access.log');
  const lines: string[] = [];
  for (let i = 0; i < 3; i++) lines.push(`203.0.113.5 - - [01/Jun/2026:10:00:0${i} +0800] "GET /a.php?id=1'%20UNION%20SELECT%201,2--\u001b]0;owned\u0007\u001b[2J HTTP/1.1" 200 5 "-" "Mozilla/5.0"`);
  const body = Buffer.concat([
    Buffer.from(lines.join('\n') + '\n'),
    Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x0a]),
    Buffer.from('x'.repeat(100 * 1024) + '\n'),
    Buffer.from('\u0000\u0000\u0000\n'),
  ]);
  writeFileSync(f, body);
  const r = gwsec(['detect', '--file', f, '--source', 'nginx', '--lang', 'en']);
  t.is(r.code, 1, r.stderr);
  t.regex(r.stdout, /web-sqli/);
  t.false(r.stdout.includes('\u001b'), 'no raw escape on the terminal');
  t.regex(r.stdout, /\\x1b\]0;owned\\x07/);
  t.regex(r.stderr, /from 6 lines \(6 hostile, 3 unparsed, 0 error-log lines no rule reads\)/);
  const j = gwsec(['detect', '--file', f, '--source', 'nginx', '--format', 'json']);
  const alerts = JSON.parse(j.stdout) as Array<{ rule: string; count: number; refs: Array<{ seq: number }> }>;
  const sqli = alerts.find((a) => a.rule === 'web-sqli')!;
  t.is(sqli.count, 3);
  t.deepEqual(sqli.refs.map((x) => x.seq), [1, 2, 3]);
});

test('the two rule tables of docs/DETECTIONS.md hold exactly the shipped rules, each row as the rule says', (t) => {
  const doc = readFileSync(join(set.dir, '..', '..', 'docs', 'DETECTIONS.md'), 'utf8');
  const zh = doc.slice(doc.indexOf('### 已发布的规则'), doc.indexOf('## English'));
  const en = doc.slice(doc.indexOf('### Shipped rules'), doc.indexOf('## Web attacks'));
  t.true(zh.length > 0 && en.length > 0, 'both tables found');
  for (const [lang, table] of [['zh', zh], ['en', en]] as const) {
    const rows = table.split('\n').filter((l) => /^\| `[^`]+` \|/.test(l)).map((l) => l.split(' | ').map((c) => c.replace(/^\| |`| \|$/g, '').trim()));
    t.deepEqual(rows.map((r) => r[0]).sort(), set.rules.map((r) => r.id).sort(), `${lang} table: ids differ from policies/detections/`);
    for (const r of set.rules) {
      const row = rows.find((x) => x[0] === r.id);
      if (!row) continue;
      t.deepEqual(row.slice(1), [r.title[lang], r.source, r.logic.kind, r.severity, r.article, r.technique, r.playbook], `${lang} row of ${r.id}`);
    }
  }
});

test('gwsec detect --file on a directory or a missing file: a located input error (exit 2), not an internal error', (t) => {
  const d = mkdtempSync(join(tmpdir(), 'gwsec-hunt-dir-'));
  for (const [file, why] of [[d, /not a regular file/], [join(d, 'missing.log'), /cannot read log file/]] as const) {
    const r = gwsec(['detect', '--file', file, '--lang', 'en']);
    t.is(r.code, 2, r.stderr);
    t.regex(r.stderr, why);
    t.true(r.stderr.includes(file));
    t.false(/internal error|at readSync/.test(r.stderr), r.stderr);
  }
});

test('alert times on a terminal are Beijing time with the offset (--tz another zone); JSON keeps UTC ISO', (t) => {
  const d = mkdtempSync(join(tmpdir(), 'gwsec-hunt-tz-'));
  const f = join(d, 'access.log');
  writeFileSync(f, `203.0.113.5 - - [01/Jun/2026:10:00:00 +0800] "GET /a.php?id=1'%20UNION%20SELECT%201,2-- HTTP/1.1" 200 5 "-" "Mozilla/5.0"\n`);
  const r = gwsec(['detect', '--file', f, '--source', 'nginx', '--lang', 'en']);
  t.is(r.code, 1, r.stderr);
  t.regex(r.stdout, /2026-06-01 10:00:00 \.\. 2026-06-01 10:00:00 \(UTC\+08:00\)/);
  const u = gwsec(['detect', '--file', f, '--source', 'nginx', '--lang', 'en', '--tz', 'Asia/Urumqi']);
  t.regex(u.stdout, /2026-06-01 08:00:00 \.\. 2026-06-01 08:00:00 \(UTC\+06:00\)/);
  const j = JSON.parse(gwsec(['detect', '--file', f, '--source', 'nginx', '--format', 'json']).stdout) as Array<{ firstSeen: string }>;
  t.is(j[0]!.firstSeen, '2026-06-01T02:00:00.000Z');
  const bad = gwsec(['detect', '--file', f, '--tz', 'Mars/Olympus']);
  t.is(bad.code, 2, bad.stderr);
  t.regex(bad.stderr, /unknown time zone/);
});

test('http-error-rate-spike groups by site: the hunted file\'s name (the agent source\'s name in the agent)', (t) => {
  const d = mkdtempSync(join(tmpdir(), 'gwsec-hunt-5xx-'));
  const f = join(d, 'www.gov.example.access.log');
  const lines: string[] = [];
  for (let i = 0; i < 45; i++) lines.push(`198.51.100.${1 + (i % 40)} - - [01/Jun/2026:10:00:${String(i).padStart(2, '0')} +0800] "GET / HTTP/1.1" ${i % 2 ? 502 : 503} 157 "-" "Mozilla/5.0"`);
  writeFileSync(f, lines.join('\n') + '\n');
  const j = gwsec(['detect', '--file', f, '--source', 'nginx', '--format', 'json']);
  t.is(j.code, 1, j.stderr);
  const spikes = (JSON.parse(j.stdout) as Array<{ rule: string; groupKey: string; count: number }>).filter((a) => a.rule === 'http-error-rate-spike');
  t.deepEqual(spikes.map((a) => [a.groupKey, a.count]), [['www.gov.example.access.log', 45]]);
});
