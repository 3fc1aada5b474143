import test from 'ava';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IncidentStore } from '../../src/incident/store.js';
import { BIN } from '../helpers/cli.js';
import { tmuxRun } from '../helpers/tmux.js';
import { tempDir } from './helpers.js';
import { scaled, sleep, waitUntil } from '../helpers/time.js';

const PLAYBOOK = `id: pty-test
version: 1
title: { zh: 终端测试, en: Terminal test }
description: { zh: 测试, en: test }
incident_types: [test]
detections: [test-rule]
steps:
  - id: scope
    kind: confirm
    title: { zh: 确认范围, en: Is the scope confirmed }
  - id: what
    kind: manual
    field: measures
    title: { zh: 处置情况, en: What was done }
  - id: report
    kind: report
    report: initial
    formats: [md]
    title: { zh: 报告, en: Report }
`;

test('interactive run in a real pseudo-terminal (tmux): prompts show the countdown, answers are journaled', async (t) => {
  const dir = await tempDir(t, 'gwsec-pty-');
  const inc = join(dir, 'inc');
  await writeFile(join(dir, 'pty-test.yaml'), PLAYBOOK);
  const cmd = `${process.execPath} ${BIN} playbook run ${join(dir, 'pty-test.yaml')} --incidents ${inc} --unit U --operator-class cii --discovered=-10m --lang en --responder pty-user; echo EXIT=$? > ${join(dir, 'exit')}`;
  const { screen, keys } = tmuxRun(t, 'playbook', cmd);
  const waitFor = async (re: RegExp): Promise<string> => {
    for (const end = Date.now() + scaled(10_000); Date.now() < end; ) {
      const s = screen();
      if (re.test(s)) return s;
      await sleep(50);
    }
    throw new Error(`timed out waiting for ${re}; screen:\n${screen()}`);
  };
  const first = await waitFor(/Is the scope confirmed \(y\/n\)/i);
  t.regex(first, /Initial report .*left 49 min/);
  t.regex(first, /if graded 较大 or above/);
  keys('y', 'Enter');
  const second = await waitFor(/What was done — Record/);
  t.regex(second, /⏱ Initial report/);
  keys('-l', 'isolated web-01 from the internet');
  keys('Enter');
  await waitUntil(() => existsSync(join(dir, 'exit')), 10_000);
  t.is((await readFile(join(dir, 'exit'), 'utf8')).trim(), 'EXIT=0');
  const store = new IncidentStore(inc);
  const [s] = await store.list();
  const answers = s!.events.filter((e) => e.event.type === 'step.answered').map((e) => e.event);
  t.deepEqual(answers.map((a) => a.type === 'step.answered' && [a.step, a.answer, a.by]), [['scope', true, 'pty-user'], ['what', 'isolated web-01 from the internet', 'pty-user']]);
  t.is(s!.fields.measures, 'isolated web-01 from the internet');
  t.is(s!.playbook!.mode, 'interactive');
});
