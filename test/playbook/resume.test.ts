import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IncidentStore } from '../../src/incident/store.js';
import { verifyIncident } from '../../src/incident/verify.js';
import { BIN, gwsec } from '../helpers/cli.js';
import { tempDir } from './helpers.js';
import { waitUntil } from '../helpers/time.js';

const PLAYBOOK = `id: crash-test
version: 1
title: { zh: 崩溃测试, en: Crash test }
description: { zh: 测试, en: test }
incident_types: [test]
detections: [test-rule]
variables:
  dir: { describe: { zh: 目录, en: dir } }
steps:
  - id: first
    kind: command
    title: { zh: 第一条命令, en: First command }
    run: echo ran >> "$dir/first.log"
  - id: slow
    kind: command
    title: { zh: 慢命令, en: Slow command }
    on_failure: note
    run: |
      echo start >> "$dir/slow.log"
      echo $$ > "$dir/slow.pid"
      [ -f "$dir/fast" ] || sleep 30
  - id: note
    kind: manual
    field: status
    title: { zh: 记录, en: Note }
  - id: report
    kind: report
    report: initial
    formats: [md]
    title: { zh: 报告, en: Report }
`;

async function crashMidCommand(t: import('ava').ExecutionContext): Promise<{ dir: string; inc: string; id: string }> {
  const dir = await tempDir(t, 'gwsec-resume-');
  const inc = join(dir, 'inc');
  await writeFile(join(dir, 'crash-test.yaml'), PLAYBOOK);
  await writeFile(join(dir, 'answers.yaml'), `answers:\n  note: resumed after a crash\n`);
  const child = spawn(process.execPath, [BIN, 'playbook', 'run', join(dir, 'crash-test.yaml'), '--answers', join(dir, 'answers.yaml'), '--incidents', inc, '--unit', 'U', '--operator-class', 'other', '--var', `dir=${dir}`], { stdio: 'ignore' });
  const pidFile = join(dir, 'slow.pid');
  await waitUntil(() => existsSync(pidFile), 10_000);
  const shPid = Number((await readFile(pidFile, 'utf8')).trim());
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(child.pid!, 'SIGKILL');
  await exited;
  // The command's own process group (the transport starts it detached) goes too, like a machine crash.
  try {
    process.kill(-shPid, 'SIGKILL');
  } catch {
    /* already gone */
  }
  const [id] = (await readdir(inc)).filter((n) => n.startsWith('INC-'));
  return { dir, inc, id: id! };
}

test('kill -9 mid-command, then resume: finishes, journal intact, completed command not re-run, interrupted one not re-run without a yes', async (t) => {
  const { dir, inc, id } = await crashMidCommand(t);
  const store = new IncidentStore(inc);
  let s = await store.load(id);
  t.is(s.cursor, 'slow');
  t.is(s.steps.get('slow')!.commands.get('local'), 'started');

  const r = gwsec(['playbook', 'resume', id, '--incidents', inc, '--answers', join(dir, 'answers.yaml')]);
  t.is(r.code, 0, r.stderr + r.stdout);
  t.regex(r.stdout, /interrupted; it may have taken effect\. Run it again\? » no/);
  s = await store.load(id);
  t.is(s.finished, 'success');
  t.is(s.steps.get('slow')!.completed!.outcome, 'failure');
  t.is((await readFile(join(dir, 'first.log'), 'utf8')).trim().split('\n').length, 1);
  t.is((await readFile(join(dir, 'slow.log'), 'utf8')).trim().split('\n').length, 1);
  t.true(s.events.some((e) => e.event.type === 'playbook.resumed'));
  t.true(existsSync(join(store.reportsDir(id), 'initial-v1.zh.md')));
  const v = await verifyIncident(store, id);
  t.deepEqual(v.problems, []);
});

test('kill -9 mid-command, then resume with confirmation: the interrupted command runs again, once', async (t) => {
  const { dir, inc, id } = await crashMidCommand(t);
  await writeFile(join(dir, 'fast'), '');
  await writeFile(join(dir, 'answers2.yaml'), `answers:\n  note: resumed\nrerun:\n  slow: true\n`);
  const r = gwsec(['playbook', 'resume', id, '--incidents', inc, '--answers', join(dir, 'answers2.yaml')]);
  t.is(r.code, 0, r.stderr + r.stdout);
  const s = await new IncidentStore(inc).load(id);
  t.is(s.steps.get('slow')!.completed!.outcome, 'success');
  t.is((await readFile(join(dir, 'slow.log'), 'utf8')).trim().split('\n').length, 2);
  t.is((await readFile(join(dir, 'first.log'), 'utf8')).trim().split('\n').length, 1);
  const again = gwsec(['playbook', 'resume', id, '--incidents', inc]);
  t.is(again.code, 2);
  t.regex(again.stderr, /already finished/);
});
