/**
 * The brute-force rule on real sshd logs (Loghub OpenSSH_2k): it reports every source with at least
 * 8 failed password attempts in some 120 s window, and no other. The expected set is computed here
 * independently, straight from the text, without the project's parsers or engine.
 */
import test, { type ExecutionContext } from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { huntFile } from '../../src/app/detect.js';
import { loadRules } from '../../src/detect/load.js';
import { gwsec } from '../helpers/cli.js';

const FILE = '/work/shared/corpus/logs/loghub__OpenSSH_2k.log';
const M: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

function attemptsBySource(text: string): Map<string, number[]> {
  const attempts = new Map<string, number[]>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^(\w{3}) +(\d+) (\d\d):(\d\d):(\d\d) .*?(?:message repeated (\d+) times: \[ )?Failed password for .*? from (\S+) port/.exec(line);
    if (!m) continue;
    const t = Date.UTC(2026, M[m[1]!]!, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
    const list = attempts.get(m[7]!) ?? [];
    for (let i = 0; i < Number(m[6] ?? 1); i++) list.push(t);
    attempts.set(m[7]!, list);
  }
  return attempts;
}

/** Sources with at least 8 attempts inside some 120 s window. */
function overThreshold(attempts: Map<string, number[]>): Set<string> {
  const out = new Set<string>();
  for (const [ip, ts] of attempts) {
    ts.sort((a, b) => a - b);
    for (let i = 0; i + 7 < ts.length; i++) if (ts[i + 7]! - ts[i]! <= 120_000) out.add(ip);
  }
  return out;
}

const reference = (text: string): Set<string> => overThreshold(attemptsBySource(text));

/** The shared corpus sits beside the repository: absent, a developer's run skips, CI fails. */
function present(t: ExecutionContext, file: string): boolean {
  if (existsSync(file)) return true;
  if (process.env.CI) t.fail(`${file} is missing`);
  else t.pass(`skipped: ${file} is missing`);
  return false;
}

test('ssh-brute-force on Loghub OpenSSH_2k reports exactly the sources a reference count finds', (t) => {
  if (!present(t, FILE)) return;
  const expected = reference(readFileSync(FILE, 'utf8'));
  t.true(expected.size >= 5, `reference found ${expected.size}`);
  const rules = loadRules(undefined, { cases: false }).rules.filter((r) => r.id === 'ssh-brute-force');
  const r = huntFile({ file: FILE, source: 'auth', year: 2026 }, rules);
  const got = new Set(r.alerts.map((a) => a.groupKey));
  t.deepEqual([...got].sort(), [...expected].sort());
  t.is(r.unparsed, 0);
  for (const a of r.alerts) t.true(a.count >= 8);
});

/** Per source, the attempts the alerts counted, against the attempts the log holds. */
function overCounted(alerts: Array<{ groupKey: string; count: number }>, attempts: Map<string, number[]>): string[] {
  const sum = new Map<string, number>();
  for (const a of alerts) sum.set(a.groupKey, (sum.get(a.groupKey) ?? 0) + a.count);
  return [...sum].filter(([ip, n]) => n > (attempts.get(ip)?.length ?? 0)).map(([ip, n]) => `${ip}: ${n} counted, ${attempts.get(ip)?.length ?? 0} attempts`);
}

test('ssh-brute-force counts each attempt once: the PAM line of the same attempt adds nothing (and a rule that counted it would be caught)', (t) => {
  if (!present(t, FILE)) return;
  const attempts = attemptsBySource(readFileSync(FILE, 'utf8'));
  t.is([...attempts.values()].reduce((n, l) => n + l.length, 0), 528, 'the corpus README: 518 lines + 2 × "message repeated 5 times"');
  const rule = loadRules(undefined, { cases: false }).rules.find((r) => r.id === 'ssh-brute-force')!;
  // Every attempt the alerts counted (the first `count` plus every repeat inside the suppression
  // window) is at most the source's attempts in the log; a PAM line counted too would double them.
  const r = huntFile({ file: FILE, source: 'auth', year: 2026 }, [rule]);
  t.true(r.alerts.length > 0);
  t.deepEqual(overCounted(r.alerts, attempts), []);
  const counted = r.alerts.reduce((n, a) => n + a.count, 0);
  t.true(counted >= 300, `the alerts cover most attempts (${counted} of 528), so a double count would show`);
  // The check has teeth: the same rule also counting `pam_unix(sshd:auth): authentication failure` over-counts.
  const lg = rule.logic as Extract<typeof rule.logic, { kind: 'threshold' }>;
  const doubled = { ...rule, logic: { ...lg, where: { any: [lg.where, { field: 'auth.outcome', eq: 'auth_failure' }] } } } as typeof rule;
  const bad = huntFile({ file: FILE, source: 'auth', year: 2026 }, [doubled]);
  t.true(overCounted(bad.alerts, attempts).length > 0, 'counting the PAM line as well must exceed the attempts');
});

test('gwsec detect --file on the Loghub Apache error log: read as an Apache error log, no alert, and no line called unparsed', (t) => {
  const file = '/work/shared/corpus/logs/loghub__Apache_2k.log';
  if (!present(t, file)) return;
  // the format guessed from the lines (no --source), as a user would first run it
  const r = gwsec(['detect', '--file', file, '--lang', 'en']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, '');
  // 2000 well-formed error-log lines: parsed, but requests are what the web rules read
  t.regex(r.stderr, /0 alert\(s\) from 2000 lines \(0 hostile, 0 unparsed, 2000 error-log lines no rule reads\)/);
  const h = huntFile({ file, year: 2005 });
  t.is(h.format, 'apache');
  t.is(h.unparsed, 0);
  t.is(h.other, 2000);
});

test('ssh-brute-force on Loghub Linux_2k (old pam_unix: only the PAM line per attempt) reports exactly the sources a reference count finds', (t) => {
  const file = '/work/shared/corpus/logs/loghub__Linux_2k.log';
  if (!present(t, file)) return;
  // straight from the text: one `sshd(pam_unix)[pid]: authentication failure; … rhost=R` line is one attempt from R
  const attempts = new Map<string, number[]>();
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const m = /^(\w{3}) +(\d+) (\d\d):(\d\d):(\d\d) \S+ sshd\(pam_unix\)\[\d+\]: authentication failure;.*? rhost=(\S+)/.exec(line);
    if (!m) continue;
    const list = attempts.get(m[6]!) ?? [];
    list.push(Date.UTC(2026, M[m[1]!]!, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])));
    attempts.set(m[6]!, list);
  }
  const expected = overThreshold(attempts);
  t.true(expected.size >= 5, `reference found ${expected.size}`);
  const rules = loadRules(undefined, { cases: false }).rules.filter((r) => r.id === 'ssh-brute-force');
  const r = huntFile({ file, source: 'auth', year: 2026 }, rules);
  t.deepEqual([...new Set(r.alerts.map((a) => a.groupKey))].sort(), [...expected].sort());
  t.deepEqual(overCounted(r.alerts, attempts), []);
});

test('admin-login-new-source on Loghub OpenSSH_2k and Linux_2k: nothing (the one success is an ordinary account), and what it would judge', (t) => {
  const linux = '/work/shared/corpus/logs/loghub__Linux_2k.log';
  if (!present(t, FILE) || !present(t, linux)) return;
  const rule = loadRules(undefined, { cases: false }).rules.find((r) => r.id === 'admin-login-new-source')!;
  // The only `Accepted` line of either file: fztu from 119.137.62.142 (OpenSSH_2k, 09:32:20); Linux_2k has none.
  const accepted = (f: string) => readFileSync(f, 'utf8').split(/\r?\n/).filter((l) => /sshd\[\d+\]: Accepted /.test(l));
  t.is(accepted(FILE).length, 1);
  t.is(accepted(linux).length, 0);
  for (const file of [FILE, linux]) t.deepEqual(huntFile({ file, source: 'auth', year: 2026 }, [rule]).alerts, [], file);
  // Named an administrator, fztu's first login is the rule's first event: learned (7 days), not alerted;
  // without a learning period it is first-seen and alerts, which shows the rule reads the line at all.
  t.deepEqual(huntFile({ file: FILE, source: 'auth', year: 2026, adminUsers: ['fztu'] }, [rule]).alerts, []);
  const eager = { ...rule, logic: { ...rule.logic, learn: 0 } } as typeof rule;
  const r = huntFile({ file: FILE, source: 'auth', year: 2026, adminUsers: ['fztu'] }, [eager]);
  t.deepEqual(r.alerts.map((a) => a.groupKey), ['fztu@119.137.62.142']);
});
