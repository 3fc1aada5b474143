/**
 * The playbook runner. Every step is bracketed by journaled `step.started` / `step.completed`
 * events (each fsync'd before the runner goes on), so after a crash the journal says exactly
 * where to continue: the cursor is the `next` of the last completed step. A command that was
 * started, or finished, in an earlier attempt is never run again without a person's "yes"
 * (an answers file's `rerun:`); otherwise its recorded result is reused or the step fails as
 * interrupted.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GwsecError } from '../model/errors.js';
import type { Transport } from '../transport/types.js';
import type { StepOutcome } from '../incident/events.js';
import { gradeEvents, submitReport } from '../incident/lifecycle.js';
import { deadlineList, type IncidentState } from '../incident/state.js';
import { writeDurable, type IncidentStore } from '../incident/store.js';
import { PromptTimeout, type Ask, type Asker } from './asker.js';
import { GRADE_TEXT, RECIPIENT_TEXT, REPORT_RECIPIENTS, checkOfflineStart, countdownLines, deadlineFor, newlyMissed, recipientsText, type Lang } from '../incident/clock.js';
import { collectScript, shellAssignments, splitSections } from './collect.js';
import { GRADING_QUESTIONS, gradeFromAnswers } from '../incident/grading.js';
import { parsePlaybook, type LoadedPlaybook } from './load.js';
import { msg } from './messages.js';
import { writeReportWithPlaybook } from './report.js';
import { END, FAIL, type Playbook, type Step } from './schema.js';
import { formatInZone, parseDuration } from '../incident/time.js';
import { kindTitle } from '../incident/vocab.js';

type NewEvent = Parameters<IncidentStore['append']>[1];

/** A host a step runs on: `local`, or an inventory host (name + how to reach it). */
export interface Target {
  name: string;
  local: boolean;
  roles: string[];
  /** Passed through to the transport factory (an InventoryHost for SSH). */
  host?: unknown;
}

export type TransportFactory = (t: Target) => Promise<Transport>;

export interface RunnerDeps {
  store: IncidentStore;
  asker: Asker;
  transports: TransportFactory;
  /** Inventory hosts; empty: steps `on: hosts` run on this machine (noted in the journal). */
  hosts: Target[];
  /** Run every host step on this machine (drills without an inventory). */
  forceLocal?: boolean;
  lang: Lang;
  /** Language of reports written by report steps (default zh). */
  reportLang?: Lang;
  out: (text: string) => void;
  now: () => Date;
}

const MAX_OUTPUT = 16 * 1024;

/** Starts a playbook on an incident: copies the flow into the incident, journals its hash and variables. */
export async function startPlaybook(deps: RunnerDeps, incidentId: string, loaded: LoadedPlaybook, varOverrides: Record<string, string>): Promise<'success' | 'failure'> {
  const pb = loaded.playbook;
  const unknown = Object.keys(varOverrides).filter((k) => !(k in pb.variables));
  if (unknown.length) throw new GwsecError('usage_error', {
      en: `playbook ${pb.id} has no variable ${unknown.join(', ')} (variables: ${Object.keys(pb.variables).join(', ') || 'none'})`,
      zh: `预案 ${pb.id} 没有变量 ${unknown.join('、')}（现有变量：${Object.keys(pb.variables).join('、') || '无'}）`,
    });
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(pb.variables)) if (v.default !== undefined) vars[k] = String(v.default);
  Object.assign(vars, varOverrides);
  const state = await deps.store.load(incidentId);
  if (state.closed) throw new GwsecError('incident_closed', { en: `incident ${incidentId} is closed`, zh: `事件 ${incidentId} 已关闭` });
  if (state.playbook && !state.finished) throw new GwsecError('playbook_running', {
      en: `incident ${incidentId} already runs playbook ${state.playbook.id}: resume it with gwsec playbook resume ${incidentId}`,
      zh: `事件 ${incidentId} 已在执行预案 ${state.playbook.id}：请用 gwsec playbook resume ${incidentId} 继续`,
    });
  writeDurable(join(deps.store.dir(incidentId), 'playbook.yaml'), loaded.text);
  await deps.store.append(incidentId, {
    type: 'playbook.started', playbook: pb.id, version: pb.version, sha256: createHash('sha256').update(loaded.text).digest('hex'), vars, mode: deps.asker.mode,
  });
  return runFlow(deps, incidentId, pb);
}

/** Continues after a crash or Ctrl+C from the last committed step, with the exact flow that was started. */
export async function resumePlaybook(deps: RunnerDeps, incidentId: string): Promise<'success' | 'failure'> {
  const s = await deps.store.load(incidentId);
  if (!s.playbook) throw new GwsecError('playbook_not_started', {
      en: `incident ${incidentId} has no playbook to resume (start one with gwsec playbook run ID --incident ${incidentId})`,
      zh: `事件 ${incidentId} 没有可继续的预案（可用 gwsec playbook run 预案编号 --incident ${incidentId} 启动）`,
    });
  if (s.finished) throw new GwsecError('playbook_finished', { en: `the playbook of incident ${incidentId} already finished (${s.finished})`, zh: `事件 ${incidentId} 的预案已执行完毕（${s.finished}）` });
  const file = join(deps.store.dir(incidentId), 'playbook.yaml');
  const text = await readFile(file, 'utf8').catch(() => {
    throw new GwsecError('incident_damaged', { en: `incident ${incidentId} has no playbook.yaml`, zh: `事件 ${incidentId} 缺少 playbook.yaml` });
  });
  if (createHash('sha256').update(text).digest('hex') !== s.playbook.sha256)
    throw new GwsecError('incident_damaged', {
      en: `playbook.yaml of ${incidentId} differs from the flow journaled at start: refusing to resume (gwsec incident verify ${incidentId})`,
      zh: `事件 ${incidentId} 的 playbook.yaml 与启动时记入日志的流程不一致：拒绝继续（请运行 gwsec incident verify ${incidentId}）`,
    });
  const pb = parsePlaybook('<incident playbook.yaml>', text);
  await deps.store.append(incidentId, { type: 'playbook.resumed', from: s.cursor });
  return runFlow(deps, incidentId, pb);
}

interface StepResult {
  outcome: StepOutcome;
  next?: string;
  detail?: string;
}

async function runFlow(deps: RunnerDeps, id: string, pb: Playbook): Promise<'success' | 'failure'> {
  const { store, lang } = deps;
  const byId = new Map(pb.steps.map((s, i) => [s.id, { step: s, index: i }]));
  let s = await store.load(id);
  let cur = s.cursor ?? pb.start ?? pb.steps[0]!.id;
  while (cur !== END && cur !== FAIL) {
    const entry = byId.get(cur);
    if (!entry) throw new GwsecError('incident_damaged', { en: `journal points at unknown step '${cur}'`, zh: `事件日志指向未知步骤“${cur}”` });
    const { step, index } = entry;
    s = await recordMissedNow(deps, id);
    const title = interpolate(step.title[lang], s);
    deps.asker.say(`\n${s.drill ? msg(lang, 'drill') : ''}${msg(lang, 'step', { n: `${index + 1}/${pb.steps.length}`, title })} [${step.kind}]`);
    if (step.text) deps.asker.say(interpolate(step.text[lang], s));
    s = await store.append(id, { type: 'step.started', step: step.id, kind: step.kind, title: { zh: interpolate(step.title.zh, s), en: interpolate(step.title.en, s) } });
    let r: StepResult;
    try {
      r = await runStep(deps, id, step, s);
    } catch (e) {
      if (e instanceof PromptTimeout) r = { outcome: 'timeout', detail: 'no answer within the step timeout' };
      else throw e;
    }
    s = await store.load(id);
    if (r.outcome === 'success') {
      const effects = await regulatoryEffects(deps, id, step, pb, s);
      if (effects.violations.length) r = { outcome: 'failure', detail: effects.violations.join('; ') };
      if (effects.events.length) s = await store.append(id, ...effects.events);
    }
    const next = r.next ?? (r.outcome === 'success' ? (step.on_success ?? pb.steps[index + 1]?.id ?? END) : (step.on_failure ?? FAIL));
    s = await store.append(id, { type: 'step.completed', step: step.id, outcome: r.outcome, next, detail: r.detail });
    cur = next;
  }
  const outcome = cur === END ? 'success' : 'failure';
  await recordMissedNow(deps, id);
  await store.append(id, { type: 'playbook.finished', outcome });
  deps.asker.say(msg(lang, outcome === 'success' ? 'finishedOk' : 'finishedFail', { id }));
  return outcome;
}

async function recordMissedNow(deps: RunnerDeps, id: string): Promise<IncidentState> {
  let missed: string[] = [];
  const s = await deps.store.transact(id, (st) => {
    const m = newlyMissed(deadlineList(st), deps.now());
    missed = m.map((d) => msg(deps.lang, 'missed', { title: d.title[deps.lang], due: formatInZone(new Date(d.due!), st.tz, { short: true }) }));
    return m.map((d) => ({ type: 'deadline.missed' as const, id: d.id, due: d.due! }));
  });
  for (const line of missed) deps.asker.say(line);
  return s;
}

function header(deps: RunnerDeps, s: IncidentState): string[] {
  const lines = countdownLines(deadlineList(s), deps.now(), s.tz, deps.lang);
  return s.drill ? [msg(deps.lang, 'drill').trim(), ...lines] : lines;
}

/** `{site}`, `{discovered}`, `{grade}`, `{id}`, `{var.NAME}` in step texts and notify messages. */
function interpolate(text: string, s: IncidentState): string {
  return text.replace(/\{(var\.)?([a-z_]+)\}/g, (m, isVar: string | undefined, k: string) => {
    if (isVar) return s.playbook?.vars[k] ?? m;
    if (k === 'site') return s.site.name;
    if (k === 'id') return s.id;
    if (k === 'discovered') return formatInZone(new Date(s.discoveredAt), s.tz);
    if (k === 'grade') return s.grade ? GRADE_TEXT[s.grade].zh : '?';
    return m;
  });
}

function targets(deps: RunnerDeps, step: Extract<Step, { kind: 'command' | 'collect' }>): { list: Target[]; note?: string } {
  const local: Target = { name: 'local', local: true, roles: [] };
  if (step.on === 'local' || deps.forceLocal) return { list: [local] };
  const hs = deps.hosts.filter((h) => !step.roles?.length || h.roles.some((r) => step.roles!.includes(r)));
  if (hs.length) return { list: hs };
  return { list: [local], note: msg(deps.lang, 'noInventory') };
}

function scriptVars(s: IncidentState, extra: Record<string, string> = {}): Record<string, string> {
  const windowMin = Number(s.playbook?.vars.window_minutes ?? 120);
  const since = Math.floor(Date.parse(s.discoveredAt) / 1000) - (Number.isFinite(windowMin) ? windowMin : 120) * 60;
  return {
    webroot: '/var/www', log_dir: '/var/log',
    ...(s.playbook?.vars ?? {}),
    gwsec_incident: s.id, gwsec_since: String(since), gwsec_discovered: String(Math.floor(Date.parse(s.discoveredAt) / 1000)), gwsec_drill: s.drill ? '1' : '0',
    ...extra,
  };
}

const clip = (t: string): { text: string; truncated: boolean } => (t.length > MAX_OUTPUT ? { text: t.slice(0, MAX_OUTPUT), truncated: true } : { text: t, truncated: false });

async function runStep(deps: RunnerDeps, id: string, step: Step, s: IncidentState): Promise<StepResult> {
  const { asker, store, lang } = deps;
  const ask = (key: string, message: string): Ask => ({ step: step.id, key, message, header: header(deps, s), timeoutMs: step.timeout !== undefined ? parseDuration(step.timeout) : undefined });
  const answered = (key: string, answer: unknown) => store.append(id, { type: 'step.answered', step: step.id, key, answer });

  switch (step.kind) {
    case 'manual': {
      if (!step.input) {
        const ok = await asker.confirm({ ...ask('answer', msg(lang, 'doneQ')), default: true });
        await answered('answer', ok);
        return { outcome: ok ? 'success' : 'failure' };
      }
      const v = await asker.input(ask('answer', `${interpolate(step.title[lang], s)} — ${msg(lang, 'record')}`));
      const evs: NewEvent[] = [{ type: 'step.answered', step: step.id, key: 'answer', answer: v }];
      if (step.field) evs.push({ type: 'field.set', field: step.field, value: v, step: step.id });
      await store.append(id, ...evs);
      return { outcome: 'success' };
    }
    case 'confirm': {
      const ok = await asker.confirm(ask('answer', interpolate(step.title[lang], s)));
      await answered('answer', ok);
      return { outcome: ok ? 'success' : 'failure' };
    }
    case 'command':
      return runCommand(deps, id, step, s, ask);
    case 'collect':
      return runCollect(deps, id, step, s);
    case 'approval': {
      const initiator = s.playbook?.by ?? s.openedBy ?? '';
      const names: string[] = [];
      let rejected = false;
      for (let i = 1; i <= step.quorum; i++) {
        const name = await asker.input({
          ...ask(`approver_${i}`, msg(lang, 'approver', { i, initiator })),
          validate: (v) => {
            if (!v) return msg(lang, 'record');
            if (v === initiator) return msg(lang, 'approverSame');
            if (names.includes(v)) return msg(lang, 'approverDup');
            if (step.approvers && !step.approvers.includes(v)) return msg(lang, 'approverNotListed', { list: step.approvers.join(', ') });
            return true;
          },
        });
        names.push(name);
        const d = await asker.select({
          ...ask(`decision_${i}`, msg(lang, 'approveQ', { name })),
          choices: [{ value: 'approve', name: msg(lang, 'approve') }, { value: 'reject', name: msg(lang, 'reject') }],
        });
        await store.append(id, { type: 'approval.recorded', step: step.id, approver: name, decision: d as 'approve' | 'reject' });
        if (d === 'reject') {
          rejected = true;
          break;
        }
      }
      return rejected ? { outcome: 'failure', detail: 'rejected' } : { outcome: 'success' };
    }
    case 'decision': {
      if (step.by_grade) {
        const g = s.grade ?? 'general';
        return { outcome: 'success', next: step.by_grade[g], detail: `grade ${g}` };
      }
      const choice = await asker.select({ ...ask('answer', interpolate(step.title[lang], s)), choices: step.options!.map((o) => ({ value: o.id, name: o.title[lang] })) });
      await answered('answer', choice);
      return { outcome: 'success', next: step.options!.find((o) => o.id === choice)!.next, detail: choice };
    }
    case 'notify': {
      const to = step.to.map((r) => RECIPIENT_TEXT[r]?.[lang] ?? r).join(lang === 'zh' ? '、' : ', ');
      const text = interpolate(step.message[lang], s);
      asker.say(`${msg(lang, 'notifyTo', { to })}\n${text}`);
      const ref = await asker.input(ask('reference', msg(lang, 'notifyRef')));
      await store.append(id, { type: 'notify.sent', step: step.id, to: step.to, message: text, reference: ref });
      return { outcome: 'success' };
    }
    case 'report': {
      const w = await writeReportWithPlaybook(store, id, { kind: step.report, lang: deps.reportLang ?? 'zh', formats: step.formats, now: deps.now() });
      for (const file of w.files) asker.say(msg(lang, 'reportWritten', { file }));
      return { outcome: 'success' };
    }
    case 'submit': {
      const kindText = kindTitle(step.report, lang);
      if (!s.reports.some((r) => r.kind === step.report)) {
        asker.say(msg(lang, 'noReportToSubmit', { kind: kindText }));
        return { outcome: 'failure', detail: `no ${step.report} report written` };
      }
      const to = step.to ?? [...REPORT_RECIPIENTS[s.operator.class]];
      asker.say(msg(lang, 'notifyTo', { to: recipientsText(to, lang) }));
      const via = await asker.input(ask('via', msg(lang, 'submitVia')));
      const reference = await asker.input({ ...ask('reference', msg(lang, 'submitRef')), default: '' });
      const r = await submitReport(store, id, { kind: step.report, to, via, reference: reference || undefined, step: step.id });
      asker.say(msg(lang, 'submitted', { kind: kindText, v: r.version, to: recipientsText(r.to, lang) }));
      return { outcome: 'success' };
    }
    case 'wait': {
      const ms = parseDuration(step.duration)!;
      if (asker.mode === 'answers') {
        await store.append(id, { type: 'wait.done', step: step.id, skipped: true });
        return { outcome: 'success', detail: 'skipped (unattended)' };
      }
      try {
        await asker.confirm({ ...ask('answer', msg(lang, 'waitQ', { d: step.duration })), timeoutMs: ms, default: true });
        await store.append(id, { type: 'wait.done', step: step.id, skipped: true });
      } catch (e) {
        if (!(e instanceof PromptTimeout)) throw e;
        await store.append(id, { type: 'wait.done', step: step.id, skipped: false });
      }
      return { outcome: 'success' };
    }
    case 'grade': {
      const answers: Record<string, boolean> = {};
      for (const q of GRADING_QUESTIONS) answers[q.id] = await asker.confirm({ ...ask(q.id, q.text[lang]), default: false });
      const grade = gradeFromAnswers(answers);
      await store.transact(id, (st) => gradeEvents(st, grade, answers));
      asker.say(msg(lang, 'graded', { grade: GRADE_TEXT[grade][lang] }));
      return { outcome: 'success', detail: grade };
    }
  }
}

async function runCommand(deps: RunnerDeps, id: string, step: Extract<Step, { kind: 'command' }>, s: IncidentState, ask: (k: string, m: string) => Ask): Promise<StepResult> {
  const { store, asker, lang } = deps;
  const { list, note } = targets(deps, step);
  if (note) await store.append(id, { type: 'note', text: `${step.title[lang]}: ${note}` });
  const script = `${shellAssignments(scriptVars(s))}\n${step.run}`;
  const sha = createHash('sha256').update(script).digest('hex');
  const prior = s.steps.get(step.id)?.commands ?? new Map();
  let failed = 0;
  let timedOut = false;
  for (const t of list) {
    const before = prior.get(t.name);
    if (before !== undefined) {
      const question = before === 'started' ? msg(lang, 'rerunUnknown', { host: t.name }) : msg(lang, 'rerunFinished', { host: t.name, code: before.exitCode });
      const again = await asker.confirm({ ...ask(`rerun`, question), default: false });
      await store.append(id, { type: 'step.answered', step: step.id, key: `rerun:${t.name}`, answer: again });
      if (!again) {
        if (before === 'started') {
          failed++;
          continue;
        }
        await store.append(id, { type: 'command.reused', step: step.id, host: t.name });
        if (before.exitCode !== 0) failed++;
        continue;
      }
    }
    await store.append(id, { type: 'command.started', step: step.id, host: t.name, sha256: sha });
    const tr = await deps.transports(t);
    let r;
    try {
      r = await tr.run(script, { sudo: step.sudo, timeoutMs: step.timeout !== undefined ? parseDuration(step.timeout) : undefined });
    } catch (e) {
      r = { stdout: '', stderr: (e as Error).message, exitCode: 255, durationMs: 0 };
    } finally {
      await tr.close();
    }
    const out = clip(r.stdout);
    const err = clip(r.stderr);
    await store.append(id, {
      type: 'command.finished', step: step.id, host: t.name, exitCode: r.exitCode, durationMs: Math.round(r.durationMs), stdout: out.text, stderr: err.text, truncated: out.truncated || err.truncated,
    });
    if (step.evidence) {
      const ev = await store.addEvidence(id, { name: `${t.name}-${step.id}.txt`, content: Buffer.from(`$ ${step.run}\n--- exit ${r.exitCode}\n${r.stdout}\n--- stderr\n${r.stderr}`), kind: 'command', step: step.id, host: t.name });
      asker.say(msg(lang, 'evidence', { item: ev.item, file: ev.file, sm3: ev.sm3.slice(0, 12) }));
    }
    asker.say(msg(lang, 'commandResult', { host: t.name, code: r.exitCode, ms: Math.round(r.durationMs) }) + (r.stdout ? `\n${out.text.trimEnd()}` : ''));
    if (r.exitCode !== 0) failed++;
    if (r.exitCode === 124 && step.timeout !== undefined) timedOut = true;
  }
  return failed ? { outcome: timedOut ? 'timeout' : 'failure', detail: `${failed} of ${list.length} host(s) failed` } : { outcome: 'success' };
}

async function runCollect(deps: RunnerDeps, id: string, step: Extract<Step, { kind: 'collect' }>, s: IncidentState): Promise<StepResult> {
  const { store, asker, lang } = deps;
  const { list, note } = targets(deps, step);
  if (note) await store.append(id, { type: 'note', text: `${step.title[lang]}: ${note}` });
  // Paths may name variables ($webroot/index.html): expanded here, so the script never evals them.
  const base = scriptVars(s);
  const extra: Record<string, string> = step.paths ? { gwsec_paths: step.paths.map((p) => p.replace(/\$\{?([a-z_][a-z0-9_]*)\}?/g, (m, k: string) => base[k] ?? m)).join(' ') } : {};
  const script = collectScript(step.collect, scriptVars(s, extra));
  let failed = 0;
  for (const t of list) {
    const tr = await deps.transports(t);
    let r;
    try {
      r = await tr.run(script, { sudo: step.sudo, timeoutMs: step.timeout !== undefined ? parseDuration(step.timeout) : 120000 });
    } catch (e) {
      await store.append(id, { type: 'note', text: `${step.title[lang]}: ${t.name}: ${(e as Error).message}` });
      failed++;
      continue;
    } finally {
      await tr.close();
    }
    const sections = splitSections(r.stdout);
    for (const kind of step.collect) {
      const body = sections.get(kind);
      const content = Buffer.from(`# gwsec evidence: ${kind} on ${t.name}, step ${step.id}, incident ${s.id}\n# window since ${new Date(Number(scriptVars(s).gwsec_since) * 1000).toISOString()}\n${body ?? `(section missing: the collection script stopped early; exit ${r.exitCode})\n${r.stderr}`}`);
      const ev = await store.addEvidence(id, { name: `${t.name}-${kind}.txt`, content, kind, step: step.id, host: t.name });
      asker.say(msg(lang, 'evidence', { item: ev.item, file: ev.file, sm3: ev.sm3.slice(0, 12) }));
      if (body === undefined) failed++;
    }
  }
  return failed ? { outcome: 'failure', detail: `${failed} evidence section(s) missing` } : { outcome: 'success' };
}

/** Deadlines and Article 10 facts a successful step establishes; violations fail the step. */
async function regulatoryEffects(deps: RunnerDeps, id: string, step: Step, pb: Playbook, s: IncidentState): Promise<{ events: NewEvent[]; violations: string[] }> {
  const now = deps.now();
  const events: NewEvent[] = [];
  const violations: string[] = [];
  for (const k of step.opens ?? []) events.push({ type: 'deadline.opened', deadline: deadlineFor(k, now, k) });
  if (step.handling_finished && !s.deadlines.has('final_report')) events.push({ type: 'deadline.opened', deadline: deadlineFor('final_report', now) });
  if (step.notice) {
    events.push({ type: 'notice.posted', where: step.notice });
    if (step.notice === 'site' && pb.steps.some((x) => x.offline === 'migration')) events.push({ type: 'deadline.opened', deadline: deadlineFor('notice_keep', now) });
  }
  if (step.offline === 'end') {
    events.push({ type: 'offline.ended', site: s.site.name });
    if (s.deadlines.get('offline_max') && !s.deadlines.get('offline_max')!.closedAt) events.push({ type: 'deadline.closed', id: 'offline_max', step: step.id });
  } else if (step.offline) {
    const notices = new Set(s.notices);
    if (step.notice) notices.add(step.notice);
    const planned = s.playbook?.vars.planned_days !== undefined ? Number(s.playbook.vars.planned_days) : undefined;
    const problems = checkOfflineStart({
      kind: step.offline, site: s.site.name, start: now, plannedDays: planned, approved: s.approvals.some((a) => a.decision === 'approve'),
      notices, history: await deps.store.offlineHistory(s.site.name), incident: s.id,
    });
    for (const p of problems) {
      events.push({ type: 'rule.violation', rule: p.rule, message: p.message, step: step.id });
      violations.push(p.rule);
      deps.asker.say(msg(deps.lang, 'violation', { rule: p.rule, message: p.message[deps.lang] }));
    }
    if (!problems.length) {
      events.push({ type: 'offline.started', kind: step.offline, site: s.site.name, plannedDays: planned });
      if (step.offline === 'temporary') events.push({ type: 'deadline.opened', deadline: deadlineFor('offline_max', now) });
      if (step.offline === 'emergency') events.push({ type: 'deadline.opened', deadline: deadlineFor('shutdown_written_report', now) });
    }
  }
  // Reporting deadlines are closed by submitReport (a submit step), never here: the loader refuses them in `closes`.
  for (const c of new Set(step.closes ?? [])) {
    const d = s.deadlines.get(c);
    if (d && !d.closedAt && !d.cancelledAt) events.push({ type: 'deadline.closed', id: c, step: step.id });
  }
  return { events, violations };
}

