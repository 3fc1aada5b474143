import test from 'ava';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { attachNegativeValues } from '../../cli/cli.js';
import { responderName } from '../../src/app/incident.js';
import { IncidentStore } from '../../src/incident/store.js';
import { resumeCommand } from '../../src/app/playbook.js';
import { packageRoot } from '../../src/util/paths.js';
import { BIN, gwsec } from '../helpers/cli.js';
import { waitUntil } from '../helpers/time.js';
import { tmuxRun } from '../helpers/tmux.js';
import { tempDir } from '../playbook/helpers.js';

const open = (inc: string, extra: string[] = []) => {
  const o = gwsec(['incident', 'open', '--incidents', inc, '--title', '首页被篡改', '--type', 'web_defacement', '--unit', '某州人民政府办公室', '--operator-class', 'other', '--format', 'json', ...extra]);
  return { ...o, id: o.code === 0 ? (JSON.parse(o.stdout) as { id: string }).id : '' };
};

test('--discovered -15m (space, as typed) is accepted, like --discovered=-15m', async (t) => {
  t.deepEqual(attachNegativeValues(['incident', 'open', '--discovered', '-15m', '-i', 'x', '--from', '-2h', '--n', '-3']), ['incident', 'open', '--discovered=-15m', '-i', 'x', '--from=-2h', '--n=-3']);
  t.deepEqual(attachNegativeValues(['--local', '-v']), ['--local', '-v'], 'a flag followed by a short flag is left alone');
  const inc = join(await tempDir(t), 'inc');
  const o = open(inc, ['--discovered', '-15m']);
  t.is(o.code, 0, o.stderr);
  const s = await new IncidentStore(inc).load(o.id);
  const ago = Date.now() - Date.parse(s.discoveredAt);
  t.true(ago >= 15 * 60000 && ago < 25 * 60000, `discovered ${ago} ms ago`);
});

test('the responder falls back from $USER to the OS account, then "unknown"', async (t) => {
  t.is(responderName('flag', { USER: 'u' }), 'flag');
  t.is(responderName(undefined, { USER: 'u', SUDO_USER: 's' }), 's');
  t.is(responderName(undefined, {}), userInfo().username);
  t.is(responderName(undefined, {}, () => { throw new Error('no passwd entry'); }), 'unknown');
  const inc = join(await tempDir(t), 'inc');
  const o = gwsec(['incident', 'open', '--incidents', inc, '--title', 'x', '--unit', 'U', '--operator-class', 'other', '--format', 'json'], { USER: '', SUDO_USER: '' });
  t.is(o.code, 0, o.stderr);
  const s = await new IncidentStore(inc).load((JSON.parse(o.stdout) as { id: string }).id);
  t.is(s.openedBy, userInfo().username);
  t.not(s.openedBy, 'unknown');
});

test('incident correct journals local times with their offset and is refused on a closed incident', async (t) => {
  const inc = join(await tempDir(t), 'inc');
  const o = open(inc, ['--discovered=-30m', '--tz', 'Asia/Urumqi']);
  const c = gwsec(['incident', 'correct', o.id, '--incidents', inc, '--discovered', '-50m', '--reason', '监测告警更早']);
  t.is(c.code, 0, c.stderr);
  const s = await new IncidentStore(inc).load(o.id);
  t.regex(s.corrections[0]!.from, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+06:00$/);
  t.regex(s.corrections[0]!.to, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+06:00$/);
  t.is(Date.parse(s.corrections[0]!.to), Date.parse(s.discoveredAt));
  t.is(gwsec(['incident', 'close', o.id, '--incidents', inc, '--summary', 'done']).code, 0);
  const r = gwsec(['incident', 'correct', o.id, '--incidents', inc, '--discovered=-60m', '--reason', 'late']);
  t.is(r.code, 2);
  t.regex(r.stderr, /was closed at .*discovery time is not corrected/);
  t.is((await new IncidentStore(inc).load(o.id)).corrections.length, 1);
});

test('incident report -o FILE writes that version there; a second run is version 2; submit completes the deadline', async (t) => {
  const dir = await tempDir(t);
  const inc = join(dir, 'inc');
  const o = open(inc, ['--discovered=-30m']);
  const out = join(dir, 'out', 'initial.md');
  await mkdir(join(dir, 'out'));
  const r = gwsec(['incident', 'report', o.id, '--incidents', inc, '--kind', 'initial', '-o', out, '--signer', '办公室主任 王五']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, '', 'with -o the report goes to the file, not the terminal');
  t.is(await readFile(out, 'utf8'), await readFile(join(inc, o.id, 'reports', 'initial-v1.zh.md'), 'utf8'));
  t.regex(await readFile(out, 'utf8'), /\| 签发人 \| 办公室主任 王五 \|/);
  const h = gwsec(['incident', 'report', o.id, '--incidents', inc, '--kind', 'initial', '--format', 'html', '-o', join(dir, 'out', 'initial.html')]);
  t.is(h.code, 0, h.stderr);
  t.true((await readFile(join(dir, 'out', 'initial.html'), 'utf8')).startsWith('<!DOCTYPE html>'));
  t.true(existsSync(join(inc, o.id, 'reports', 'initial-v2.zh.md')));
  const noVia = gwsec(['incident', 'submit', o.id, '--incidents', inc, '--kind', 'initial']);
  t.is(noVia.code, 2);
  const sub = gwsec(['incident', 'submit', o.id, '--incidents', inc, '--kind', 'initial', '--report-version', '1', '--via', '书面报告', '--reference', '州政办〔2025〕1号', '--lang', 'zh']);
  t.is(sub.code, 0, sub.stderr);
  t.regex(sub.stdout, /已记录报送：初次报告第 1 版报送属地省级网信部门、同级网信部门、上级主管单位/);
  t.regex(sub.stdout, /✓ 初次报告：已完成/);
  const sh = gwsec(['incident', 'report', o.id, '--incidents', inc, '--kind', 'shutdown']);
  t.is(sh.code, 2);
  t.regex(sh.stderr, /records no emergency shutdown/);
});

test('incident show lists upcoming deadlines with their due time; incident list has a deadline column', async (t) => {
  const inc = join(await tempDir(t), 'inc');
  const o = open(inc, ['--discovered=-30m']);
  const show = gwsec(['incident', 'show', o.id, '--incidents', inc, '--lang', 'en']);
  t.is(show.code, 0, show.stderr);
  t.regex(show.stdout, /Deadlines:\n {2}⏱ Initial report .*left 3 h 29 min \(due \d{4}-\d\d-\d\d \d\d:\d\d\)/);
  const list = gwsec(['incident', 'list', '--incidents', inc, '--lang', 'en']);
  t.is(list.code, 0, list.stderr);
  const [head, row] = list.stdout.trimEnd().split('\n');
  t.regex(head!, /^ID\s+STATUS\s+GRADE\s+NEXT DEADLINE\s+TITLE$/);
  t.regex(row!, new RegExp(`^${o.id}\\s+open\\s+-\\s+Initial report\\? \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d \\(3 h 29 min\\)\\s+首页被篡改$`));
  t.is(head!.indexOf('NEXT DEADLINE'), row!.indexOf('Initial report'), 'the column lines up');
});

test('the shipped drills and examples/inventory.yaml agree: a city/prefecture/county government is an "other" operator', async (t) => {
  const root = packageRoot();
  const inv = parse(await readFile(join(root, 'examples', 'inventory.yaml'), 'utf8')) as { operator: { unit: string; class: string } };
  const local = /(市|州|县|区|盟|旗)(人民政府|政务|.*局)/;
  t.regex(inv.operator.unit, local);
  t.is(inv.operator.class, 'other');
  for (const f of ['web-defacement', 'emergency-shutdown', 'temporary-offline']) {
    const d = parse(await readFile(join(root, 'playbooks', 'drills', `${f}.yaml`), 'utf8')) as { incident: { operator: { unit: string; class: string } } };
    if (local.test(d.incident.operator.unit)) t.is(d.incident.operator.class, inv.operator.class, f);
  }
});

test('the resume command carries everything a resume needs, quoted for the shell', (t) => {
  t.is(resumeCommand({ inventory: '/etc/gwsec/inv.yaml', local: false, tz: 'Asia/Urumqi', responder: "O'Brien" }, '/srv/my incidents', 'INC-20251103-140500-a1b2'),
    "gwsec playbook resume INC-20251103-140500-a1b2 --incidents '/srv/my incidents' -i /etc/gwsec/inv.yaml --tz Asia/Urumqi --responder 'O'\\''Brien'");
  t.is(resumeCommand({ local: true }, '/x', 'DRILL-20251103-140500-a1b2'), 'gwsec playbook resume DRILL-20251103-140500-a1b2 --incidents /x --local');
});

test('Ctrl+C at a prompt exits 130 and prints a resume command that works exactly as printed', async (t) => {
  const dir = await tempDir(t, 'gwsec-ctrlc-');
  const inc = join(dir, 'my incidents');
  // `gwsec` on PATH, as after a package install.
  await mkdir(join(dir, 'bin'));
  await writeFile(join(dir, 'bin', 'gwsec'), `#!/bin/sh\nexec ${process.execPath} ${BIN} "$@"\n`);
  await chmod(join(dir, 'bin', 'gwsec'), 0o755);
  await writeFile(join(dir, 'ctrlc.yaml'), `id: ctrlc
version: 1
title: { zh: 中断测试, en: Interrupt test }
description: { zh: 测试, en: test }
incident_types: [test]
steps:
  - { id: one, kind: confirm, title: { zh: 第一步, en: First step done } }
  - { id: two, kind: confirm, title: { zh: 第二步, en: Second step done } }
`);
  const env = `PATH=${join(dir, 'bin')}:$PATH LANG=C`;
  const { screen, keys } = tmuxRun(t, 'ctrlc', `cd ${dir} && ${env} gwsec playbook run ctrlc.yaml --incidents '${inc}' --unit U --operator-class other --lang en --responder r1; echo EXIT=$? > exit1; sleep 60`);
  const waitFor = async (re: RegExp): Promise<string> => {
    if (await waitUntil(() => re.test(screen()), 20000)) return screen();
    throw new Error(`timed out waiting for ${re}; screen:\n${screen()}`);
  };
  // The prompt itself (not the step header printed before it): Ctrl+C goes to the question.
  await waitFor(/First step done \(Y\/n\)/);
  keys('y', 'Enter');
  await waitFor(/Second step done \(Y\/n\)/);
  keys('C-c');
  if (!(await waitUntil(() => existsSync(join(dir, 'exit1')), 20000))) t.fail(`no exit after Ctrl+C; screen:\n${screen()}`);
  t.is((await readFile(join(dir, 'exit1'), 'utf8')).trim(), 'EXIT=130');
  const text = screen().replace(/\n/g, '');
  const hint = /continue with: (gwsec playbook resume \S+ --incidents '[^']+' --responder r1)/.exec(text);
  t.truthy(hint, text);
  t.true(hint![1]!.includes(`--incidents '${inc}'`));
  // Run the printed command verbatim in a fresh terminal: it resumes at step two and finishes.
  const second = tmuxRun(t, 'ctrlc2', `cd / && ${env} ${hint![1]} --lang en; echo EXIT=$? > '${join(dir, 'exit2')}'`);
  await waitUntil(() => /Second step done \(Y\/n\)/.test(second.screen()), 20000);
  t.notRegex(second.screen(), /First step done/);
  second.keys('y', 'Enter');
  await waitUntil(() => existsSync(join(dir, 'exit2')), 20000);
  t.is((await readFile(join(dir, 'exit2'), 'utf8')).trim(), 'EXIT=0');
  const [s] = await new IncidentStore(inc).list();
  t.is(s!.finished, 'success');
});
