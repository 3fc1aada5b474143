/** `gwsec playbook …`: validate, list, show, run, resume. */
import { basename, resolve } from 'node:path';
import type { Io } from './io.js';
import { incidentContext, storeFor, type ContextOptions, type IncidentCommon } from './incident.js';
import { openIncident } from '../incident/lifecycle.js';
import { GwsecError, GwsecErrorList } from '../model/errors.js';
import { LocalTransport } from '../transport/local.js';
import { AnswersAsker, loadAnswers, type AnswersFile, type Asker } from '../playbook/asker.js';
import { loadPlaybookFile, resolvePlaybook, shippedPlaybookFiles } from '../playbook/load.js';
import { msg } from '../playbook/messages.js';
import { TerminalAsker } from '../playbook/prompt.js';
import { resumePlaybook, startPlaybook, type RunnerDeps, type Target, type TransportFactory } from '../playbook/runner.js';
import { OFFICIAL_TZ, parseTime } from '../incident/time.js';

export async function playbookValidate(o: { files: string[]; lang: 'zh' | 'en' }, io: Io): Promise<number> {
  const files = o.files.length ? o.files : await shippedPlaybookFiles();
  const errors: GwsecError[] = [];
  for (const f of files) {
    try {
      await loadPlaybookFile(f);
      io.out(`ok  ${f}\n`);
    } catch (e) {
      if (e instanceof GwsecErrorList) errors.push(...e.errors);
      else if (e instanceof GwsecError) errors.push(e);
      else throw e;
    }
  }
  if (errors.length) throw errors.length === 1 ? errors[0]! : new GwsecErrorList(errors);
  return 0;
}

export async function playbookList(o: { lang: 'zh' | 'en'; format?: string }, io: Io): Promise<number> {
  const pbs = await Promise.all((await shippedPlaybookFiles()).map(loadPlaybookFile));
  if (o.format === 'json') {
    io.out(JSON.stringify(pbs.map(({ playbook: p }) => ({ id: p.id, title: p.title, incident_types: p.incident_types, detections: p.detections, steps: p.steps.length })), null, 2) + '\n');
    return 0;
  }
  for (const { playbook: p } of pbs) io.out(`${p.id.padEnd(24)} ${p.title[o.lang]}  [${p.detections.join(', ')}]\n`);
  return 0;
}

export async function playbookShow(o: { ref: string; lang: 'zh' | 'en'; format?: string }, io: Io): Promise<number> {
  const { playbook: p, file } = await resolvePlaybook(o.ref);
  if (o.format === 'json') {
    io.out(JSON.stringify(p, null, 2) + '\n');
    return 0;
  }
  const L = o.lang;
  io.out(`${p.id} v${p.version} — ${p.title[L]}\n${p.description[L]}\n${basename(file)}\n`);
  io.out(`${L === 'zh' ? '事件类型' : 'Incident types'}: ${p.incident_types.join(', ')}\n${L === 'zh' ? '触发检测规则' : 'Detection rules'}: ${p.detections.join(', ') || '-'}\n`);
  for (const [k, v] of Object.entries(p.variables)) io.out(`  $${k} = ${v.default ?? ''}  ${v.describe[L]}\n`);
  p.steps.forEach((s, i) => {
    const edges = [s.on_success && `✓→${s.on_success}`, s.on_failure && `✗→${s.on_failure}`].filter(Boolean).join(' ');
    io.out(`${String(i + 1).padStart(3)}. ${s.id} [${s.kind}] ${s.title[L]}${edges ? `  ${edges}` : ''}\n`);
  });
  return 0;
}

export interface RunOptions extends IncidentCommon, ContextOptions {
  ref?: string;
  incident?: string;
  answers?: string;
  drill: boolean;
  vars: string[];
  local: boolean;
  discovered?: string;
  occurred?: string;
  title?: string;
  types?: string[];
  reportLang?: 'zh' | 'en';
}

function parseVars(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list) {
    const i = kv.indexOf('=');
    if (i < 1) throw new GwsecError('usage_error', { en: `--var wants NAME=VALUE (got ${kv})`, zh: `--var 的格式应为 名称=值（实际为 ${kv}）` });
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

async function deps(o: RunOptions, io: Io, answers: AnswersFile | undefined, incidentHint: () => string, inventoryTargets: Target[], transports: TransportFactory): Promise<RunnerDeps> {
  const store = storeFor({ ...o, responder: o.responder ?? answers?.responder }, io);
  const asker: Asker = answers ? new AnswersAsker(answers, io.out) : new TerminalAsker(io.out, () => msg(o.lang, 'resumeHint', { cmd: resumeCommand(o, store.root, incidentHint()) }));
  return { store, asker, transports, hosts: inventoryTargets, forceLocal: o.local, lang: o.lang, reportLang: o.reportLang, out: io.out, now: () => io.now() };
}

const shq = (v: string): string => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);

/** The exact command that continues this run, as printed on Ctrl+C: it must work when pasted. */
export function resumeCommand(o: Pick<RunOptions, 'inventory' | 'local' | 'tz' | 'responder'>, incidentsDir: string, id: string): string {
  const parts = ['gwsec', 'playbook', 'resume', id, '--incidents', shq(incidentsDir)];
  if (o.inventory) parts.push('-i', shq(resolve(o.inventory)));
  if (o.local) parts.push('--local');
  if (o.tz) parts.push('--tz', shq(o.tz));
  if (o.responder) parts.push('--responder', shq(o.responder));
  return parts.join(' ');
}

/** Inventory hosts as runner targets; SSH connections open only when a step runs on them. */
async function inventoryTargets(o: RunOptions, io: Io): Promise<{ targets: Target[]; factory: TransportFactory }> {
  let targets: Target[] = [];
  if (o.inventory && !o.local) {
    const { targetsFrom } = await import('./targets.js');
    const { loadInventory } = await import('../inventory/load.js');
    const inv = await loadInventory(o.inventory);
    const at = await targetsFrom({ inventory: o.inventory }, io, inv);
    targets = at.map((t) => ({ name: t.name, local: false, roles: t.roles, host: t }));
  }
  const factory: TransportFactory = async (t) => {
    if (t.local) return new LocalTransport();
    const a = t.host as { transport: import('../transport/types.js').Transport | (() => Promise<import('../transport/types.js').Transport>) };
    return typeof a.transport === 'function' ? a.transport() : a.transport;
  };
  return { targets, factory };
}

export async function playbookRun(o: RunOptions, io: Io, transports?: TransportFactory): Promise<number> {
  const answers = o.answers ? await loadAnswers(o.answers) : undefined;
  const ref = o.ref ?? answers?.playbook;
  if (!ref) throw new GwsecError('usage_error', { en: 'which playbook? give its id (gwsec playbook list)', zh: '请指定预案编号（可用 gwsec playbook list 查看）' });
  const loaded = await resolvePlaybook(ref);
  if (answers?.playbook && answers.playbook !== loaded.playbook.id) throw new GwsecError('usage_error', { en: `answers file ${o.answers} is for playbook ${answers.playbook}, not ${loaded.playbook.id}`, zh: `应答文件 ${o.answers} 对应预案 ${answers.playbook}，而非 ${loaded.playbook.id}` });
  const inv = await inventoryTargets(o, io);
  let id = o.incident ?? '';
  const d = await deps(o, io, answers, () => id, inv.targets, transports ?? inv.factory);
  if (!id) {
    const a = answers?.incident ?? {};
    const tz = o.tz ?? a.tz ?? OFFICIAL_TZ;
    const ctx = await incidentContext(o, { operator: a.operator, site: a.site });
    const named = o.title ?? a.title;
    const s = await openIncident(d.store, {
      title: named ?? loaded.playbook.title[o.lang],
      // A title taken from the playbook is kept in both languages: a zh report from an English-locale run reads 网页篡改处置.
      titles: named ? undefined : loaded.playbook.title,
      types: o.types?.length ? o.types : loaded.playbook.incident_types,
      drill: o.drill,
      discovered: parseTime(o.discovered ?? a.discovered ?? 'now', tz, io.now()),
      occurred: (o.occurred ?? a.occurred) ? parseTime((o.occurred ?? a.occurred)!, tz, io.now()) : undefined,
      site: ctx.site, operator: ctx.operator, tz, hosts: inv.targets.map((t) => t.name),
    });
    id = s.id;
    if (a.signer) await d.store.append(id, { type: 'field.set', field: 'signer', value: a.signer });
    io.out(`${o.lang === 'zh' ? '事件' : 'Incident'} ${id} (${d.store.dir(id)})\n`);
  }
  const outcome = await startPlaybook(d, id, loaded, { ...(answers?.vars ?? {}), ...parseVars(o.vars) });
  return outcome === 'success' ? 0 : 1;
}

export async function playbookResume(o: RunOptions & { id: string }, io: Io, transports?: TransportFactory): Promise<number> {
  const answers = o.answers ? await loadAnswers(o.answers) : undefined;
  const inv = await inventoryTargets(o, io);
  const d = await deps(o, io, answers, () => o.id, inv.targets, transports ?? inv.factory);
  const outcome = await resumePlaybook(d, o.id);
  return outcome === 'success' ? 0 : 1;
}
