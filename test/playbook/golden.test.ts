/**
 * Golden reports: the shipped web-defacement and emergency-shutdown drills, run with a fixed clock,
 * a fixed incident id and a recorded host, produce exactly the committed documents in
 * test/golden/reports/ (one per report kind and language). A change to a template, a label or the
 * timeline wording shows up as a diff a reviewer reads as the official would.
 * Regenerate after an intended change: GWSEC_UPDATE_GOLDEN=1 npx ava build/test/playbook/golden.test.js
 */
import test from 'ava';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openIncident } from '../../src/incident/lifecycle.js';
import { IncidentStore } from '../../src/incident/store.js';
import { AnswersAsker, loadAnswers } from '../../src/playbook/asker.js';
import { resolvePlaybook } from '../../src/playbook/load.js';
import type { ReportKindAll } from '../../src/incident/report.js';
import { writeReportWithPlaybook } from '../../src/playbook/report.js';
import { startPlaybook, type RunnerDeps } from '../../src/playbook/runner.js';
import { OFFICIAL_TZ, parseTime } from '../../src/incident/time.js';
import type { RunResult, Transport } from '../../src/transport/types.js';
import { packageRoot } from '../../src/util/paths.js';
import { drillFile, tempDir } from './helpers.js';

const GOLDEN = join(packageRoot(), 'test', 'golden', 'reports');
const START = Date.parse('2025-11-03T06:20:00Z');

/** A recorded web server: fixed answers to collection and command scripts, so evidence hashes are stable. */
class RecordedHost implements Transport {
  readonly id = 'recorded:web-01';
  async run(script: string): Promise<RunResult> {
    const sections = [...script.matchAll(/@@GWSEC-SECTION ([a-z_]+)@@/g)].map((m) => m[1]!);
    if (sections.length)
      return { stdout: sections.map((k) => `\n@@GWSEC-SECTION ${k}@@\n${k === 'end' ? '' : `recorded ${k} of web-01\n`}`).join(''), stderr: '', exitCode: 0, durationMs: 40 };
    if (script.includes('curl')) return { stdout: 'url: http://www.example.gov.cn/\nhttp: 200\nOK: HTTP 200 and the page equals the recorded good state\n', stderr: '', exitCode: 0, durationMs: 120 };
    return { stdout: '[演练 drill] done\n', stderr: '', exitCode: 0, durationMs: 10 };
  }
  async close(): Promise<void> {}
}

async function drill(t: import('ava').ExecutionContext, playbook: string, lang: 'zh' | 'en'): Promise<{ store: IncidentStore; id: string }> {
  let calls = 0;
  // Every reading of the clock moves it 5 s: times differ the way a real run's do, identically every run.
  const now = () => new Date(START + 5000 * calls++);
  const answers = await loadAnswers(drillFile(playbook));
  const store = new IncidentStore(join(await tempDir(t), 'inc'), answers.responder!, now, (_d, drillMark) => `${drillMark ? 'DRILL' : 'INC'}-20251103-142000-0001`);
  const loaded = await resolvePlaybook(playbook);
  const a = answers.incident;
  const s = await openIncident(store, {
    title: a.title!, types: loaded.playbook.incident_types, drill: true, discovered: parseTime(a.discovered!, OFFICIAL_TZ, now()), occurred: a.occurred ? parseTime(a.occurred, OFFICIAL_TZ, now()) : undefined,
    site: { name: a.site!.name, domains: a.site!.domains ?? [] }, operator: a.operator!, tz: OFFICIAL_TZ, hosts: ['web-01'],
  });
  if (a.signer) await store.append(s.id, { type: 'field.set', field: 'signer', value: a.signer });
  const deps: RunnerDeps = {
    store, asker: new AnswersAsker(answers, () => {}), transports: async () => new RecordedHost(),
    hosts: [{ name: 'web-01', local: false, roles: ['frontend'] }], lang, reportLang: lang, out: () => {}, now,
  };
  t.is(await startPlaybook(deps, s.id, loaded, answers.vars), 'success');
  for (const kind of ['timeline', 'evidence'] as const) await writeReportWithPlaybook(store, s.id, { kind, lang, formats: ['md'], now: now() });
  return { store, id: s.id };
}

async function compare(t: import('ava').ExecutionContext, store: IncidentStore, id: string, kind: ReportKindAll, lang: 'zh' | 'en'): Promise<void> {
  const actual = await readFile(join(store.reportsDir(id), `${kind}-v1.${lang}.md`), 'utf8');
  const file = join(GOLDEN, `${kind}.${lang}.md`);
  if (process.env.GWSEC_UPDATE_GOLDEN) {
    await mkdir(GOLDEN, { recursive: true });
    await writeFile(file, actual);
  }
  const expected = await readFile(file, 'utf8').catch(() => '(missing: run with GWSEC_UPDATE_GOLDEN=1)');
  t.is(actual, expected, `${kind}.${lang}.md differs from the golden file`);
}

for (const lang of ['zh', 'en'] as const) {
  test(`golden: web-defacement drill reports (${lang}): initial, follow-up, final, timeline, evidence`, async (t) => {
    const { store, id } = await drill(t, 'web-defacement', lang);
    for (const kind of ['initial', 'followup', 'final', 'timeline', 'evidence'] as const) await compare(t, store, id, kind, lang);
    const initial = await readFile(join(store.reportsDir(id), `initial-v1.${lang}.md`), 'utf8');
    // What a supervising unit looks for, independent of the golden bytes.
    if (lang === 'zh') {
      t.regex(initial, /^# 【演练】网络安全事件初次报告：门户网站首页被篡改（演练）$/m);
      for (const row of ['事件名称', '报告单位', '报告人', '签发人', '报送对象', '事件类型', '处置状态']) t.regex(initial, new RegExp(`^\\| ${row} \\| [^|]+ \\|$`, 'm'), row);
      t.regex(initial, /\| 事件类型 \| 网页篡改 \|/);
      t.regex(initial, /## 下一步工作计划/);
      t.regex(initial, /\| 日志链头（SM3） \| 第 \d+ 条记录，SM3 [0-9a-f]{64} \|/);
      t.notRegex(initial, /web_defacement|confirm-defacement|by-grade|: true|：true|grade larger/);
    }
    const final = await readFile(join(store.reportsDir(id), `final-v1.${lang}.md`), 'utf8');
    t.regex(final, lang === 'zh' ? /\| 处置状态 \| 处置结束，尚未关闭事件/ : /\| Handling status \| handling finished; incident not yet closed/);
    t.notRegex(final, /\| 处置结束 \| 处置中 \|/);
  });
  test(`golden: emergency-shutdown drill shutdown report (${lang})`, async (t) => {
    const { store, id } = await drill(t, 'emergency-shutdown', lang);
    await compare(t, store, id, 'shutdown', lang);
  });
}

test('an English-locale run without a title of its own: the zh report is titled in Chinese, the en one in English', async (t) => {
  const { playbookRun } = await import('../../src/app/playbook.js');
  const { captureIo, runOptions } = await import('./helpers.js');
  const dir = await tempDir(t);
  const text = (await readFile(drillFile('web-defacement'), 'utf8')).replace(/^ {2}title: .*\n/m, '');
  t.notRegex(text, /^ {2}title:/m);
  await writeFile(join(dir, 'answers.yaml'), text);
  const io = captureIo();
  t.is(await playbookRun(runOptions({ ref: 'web-defacement', answers: join(dir, 'answers.yaml'), incidents: join(dir, 'inc'), lang: 'en' }), io), 0, io.stdout.join('').slice(-1500));
  const store = new IncidentStore(join(dir, 'inc'));
  const [s] = await store.list();
  t.is(s!.title, 'Website defacement response', 'shown in the language of the run');
  const zh = await readFile(join(store.reportsDir(s!.id), 'initial-v1.zh.md'), 'utf8');
  t.regex(zh, /^# 【演练】网络安全事件初次报告：网页篡改处置$/m);
  t.notRegex(zh, /Website defacement response/);
  const en = await writeReportWithPlaybook(store, s!.id, { kind: 'initial', lang: 'en', formats: ['md'], now: new Date() });
  t.regex(en.texts[0]!, /^# \[DRILL\] Network security incident — initial report: Website defacement response$/m);
});
