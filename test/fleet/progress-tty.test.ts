/**
 * The live progress display in a real pseudo-terminal (tmux): the bar names the host still running
 * and its time climbs while it hangs; after the run the bar is gone and one summary line remains.
 * The report goes to a file, untouched by the display. The line itself is tested without a terminal.
 */
import test from 'ava';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FleetProgress, progressReporter } from '../../src/app/progress.js';
import type { HostFacts } from '../../src/model/facts.js';
import { BIN } from '../helpers/cli.js';
import { tmuxRun } from '../helpers/tmux.js';
import { startFleet, type TestFleet } from '../harness/hosts.js';
import { scaled, scaledSeconds, sleep, waitUntil } from '../helpers/time.js';

let fleet: TestFleet;
test.before(async () => {
  fleet = await startFleet([{ name: 'fast-1' }, { name: 'fast-2' }, { name: 'stuck', hang: true }]);
});
test.after.always(() => fleet?.stop());

test('FleetProgress: hosts in flight, the longest running one, failures, elapsed, ETA; zh and en', (t) => {
  const p = new FleetProgress(3, 0);
  p.start('web-1', 0);
  p.start('web-2', 1000);
  t.is(p.line(4500, 'en'), 'running 2 · longest web-1 4 s · 0:05 elapsed', 'no estimate before a host is done');
  p.finish('web-1', true);
  t.is(p.line(9000, 'en'), 'running 1 · longest web-2 8 s · 1 could not be audited · 0:09 elapsed · ETA 0:18');
  t.is(p.line(9000, 'zh'), '进行中 1 · 最久 web-2 8 s · 1 台无法核查 · 已用 0:09 · 预计还需 0:18');
  p.finish('web-2', false);
  t.is(p.line(9000, 'en'), 'running 0 · 1 could not be audited · 0:09 elapsed · ETA 0:05');
  t.is(p.summary('en', 10_000), '2/3 hosts audited, 1 could not be audited (0:10)');
  t.is(p.summary('zh', 3_725_000), '2/3 台主机已核查, 1 台无法核查 (1:02:05)');
});

test('without a terminal: one line per host from the catalog, in the language asked, with the host error in it', (t) => {
  t.falsy(process.stderr.isTTY, 'ava workers write stderr to a pipe');
  const lines: Record<string, string[]> = { en: [], zh: [] };
  const down = { host: 'web-2', durationMs: 31, facts: {}, error: { code: 'transport_connect_error', message: 'web-2: connection refused', zh: 'web-2：无法连接' } } as unknown as HostFacts;
  const up = { host: 'web-1', durationMs: 12, facts: { os: { name: 'debian' } } } as unknown as HostFacts;
  for (const lang of ['en', 'zh'] as const) {
    const io = { out: () => {}, err: (s: string) => lines[lang]!.push(s), env: {}, isTTY: false, now: () => new Date(0) };
    const p = progressReporter(io, 2, lang);
    p.hostDone(up, 1, 2);
    p.hostDone(down, 2, 2);
    p.stop();
  }
  t.deepEqual(lines.en, ['[1/2] web-1 ok (12 ms)\n', '[2/2] web-2 error: web-2: connection refused (31 ms)\n']);
  t.deepEqual(lines.zh, ['[1/2] web-1 完成（12 毫秒）\n', '[2/2] web-2 出错：web-2：无法连接（31 毫秒）\n']);
});

test('on a terminal: a live bar shows the hung host with its time climbing, then a summary line; stdout keeps the report', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-progress-'));
  const inv = fleet.inventoryFile({ sudo: 'nopasswd' });
  const report = join(dir, 'report.json');
  const cmd = `LANG=C ${process.execPath} ${BIN} audit -i ${inv} --known-hosts ${fleet.knownHostsFile} --format json --timeout ${scaledSeconds(6)} > ${report}; echo EXIT=$? > ${join(dir, 'exit')}; sleep 30`;
  const { screen } = tmuxRun(t, 'progress', cmd, { cols: 150, rows: 20 });
  const seen: string[] = [];
  let times: number[] = [];
  for (const end = Date.now() + scaled(30_000); Date.now() < end && !existsSync(join(dir, 'exit')); ) {
    const s = screen();
    seen.push(s);
    const m = /2\/3 hosts \| running 1 · longest stuck (\d+) s · \d+:\d\d elapsed · ETA \d+:\d\d/.exec(s);
    if (m) times.push(Number(m[1]));
    await sleep(100);
  }
  times = [...new Set(times)];
  t.true(times.length >= 2 && times.at(-1)! > times[0]!, `the hung host's time climbs on the live line (with elapsed and ETA): ${times.join(', ')}\n${seen.at(-1)}`);
  t.true(seen.some((s) => /[█░]+ \d\/3 hosts/.test(s)), 'a bar is drawn');
  const end = screen();
  t.regex(end, /3\/3 hosts audited, 1 could not be audited \(\d+:\d\d\)/);
  t.notRegex(end, /running \d/, 'the live bar is cleared at the end');
  t.is(readFileSync(join(dir, 'exit'), 'utf8').trim(), 'EXIT=1');
  const json = JSON.parse(readFileSync(report, 'utf8')) as { hosts: Array<{ name: string }> };
  t.deepEqual(json.hosts.map((h) => h.name).sort(), ['fast-1', 'fast-2', 'stuck']);
});

test('in the same terminal with stderr to a file (no TTY): one plain line per host, no bar, no escape sequences', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-progress-'));
  const inv = fleet.inventoryFile({ sudo: 'nopasswd' });
  const log = join(dir, 'stderr.txt');
  const cmd = `LANG=C ${process.execPath} ${BIN} audit -i ${inv} --known-hosts ${fleet.knownHostsFile} --format json --timeout ${scaledSeconds(6)} > ${join(dir, 'report.json')} 2> ${log}; echo EXIT=$? > ${join(dir, 'exit')}; sleep 30`;
  const { screen } = tmuxRun(t, 'progress-plain', cmd, { cols: 150, rows: 20 });
  t.true(await waitUntil(() => existsSync(join(dir, 'exit')), 60_000), screen());
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  t.is(lines.length, 3, lines.join('\n'));
  t.deepEqual(lines.map((l) => /^\[(\d)\/3\] /.exec(l)?.[1]), ['1', '2', '3']);
  for (const h of ['fast-1', 'fast-2']) t.true(lines.some((l) => new RegExp(`^\\[\\d/3\\] ${h} ok \\(\\d+ ms\\)$`).test(l)), `${h}: ${lines.join('\n')}`);
  t.regex(lines.find((l) => l.includes(' stuck '))!, /^\[3\/3\] stuck error: .*\(\d+ ms\)$/);
  const text = readFileSync(log, 'utf8');
  t.false(text.includes('\u001b') || /[█░]/.test(text), 'no terminal control sequences and no bar');
});
