import test from 'ava';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { IncidentStore } from '../../src/incident/store.js';
import { verifyIncident } from '../../src/incident/verify.js';
import { playbookRun } from '../../src/app/playbook.js';
import { captureIo, drillFile, runOptions, tempDir } from './helpers.js';

const SHIPPED = ['account-compromise', 'data-leak', 'ddos-outage', 'emergency-shutdown', 'migration-offline', 'temporary-offline', 'web-defacement', 'webshell-intrusion'];

for (const id of SHIPPED) {
  test(`drill: ${id} runs unattended, is marked as a drill, and writes its reports`, async (t) => {
    const dir = await tempDir(t);
    const io = captureIo();
    const code = await playbookRun(runOptions({ ref: id, answers: drillFile(id), incidents: join(dir, 'inc') }), io);
    t.is(code, 0, io.stdout.join('').slice(-2000));
    const store = new IncidentStore(join(dir, 'inc'));
    const [s] = await store.list();
    t.truthy(s);
    t.true(s!.drill);
    t.is(s!.finished, 'success');
    t.true(s!.id.startsWith('DRILL-'));
    const reports = await readdir(store.reportsDir(s!.id));
    t.true(reports.some((r) => /^(final|initial)-v1\.zh\.(md|html)$/.test(r)), reports.join());
    // Writing is not submitting: every reporting deadline that was closed was closed by a submission.
    for (const d of s!.deadlines.values())
      if (d.closedAt && ['initial_report', 'final_report', 'shutdown_written_report'].includes(d.id))
        t.true(s!.submissions.some((x) => x.at === d.closedAt), `${d.id} closed by a submission`);
    t.true(s!.submissions.some((x) => x.kind === 'final'), 'the final report was submitted');
    for (const r of reports) t.regex(await readFile(join(store.reportsDir(s!.id), r), 'utf8'), /演练/, r);
    t.true(s!.evidence.length > 0);
    // Every prompt printed the countdown header (drill marker at least) and every answer is journaled.
    t.regex(io.stdout.join(''), /DRILL 演练/);
    t.true(s!.events.some((e) => e.event.type === 'step.answered'));
    const v = await verifyIncident(store, s!.id);
    t.deepEqual(v.problems, []);
  });
}

test('temporary offline: a second one for the same site in the same year is refused (Art. 10), across incidents', async (t) => {
  const dir = await tempDir(t);
  const inc = join(dir, 'inc');
  t.is(await playbookRun(runOptions({ ref: 'temporary-offline', answers: drillFile('temporary-offline'), incidents: inc }), captureIo()), 0);
  const io = captureIo();
  t.is(await playbookRun(runOptions({ ref: 'temporary-offline', answers: drillFile('temporary-offline'), incidents: inc }), io), 1);
  t.regex(io.stdout.join(''), /art10-offline-once-a-year/);
  const all = await new IncidentStore(inc).list();
  const second = all.find((s) => s.violations.length)!;
  t.is(second.violations[0]!.rule, 'art10-offline-once-a-year');
  t.is(second.offline.length, 0);
  t.is(second.finished, 'failure');
});
