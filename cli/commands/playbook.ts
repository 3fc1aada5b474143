import type { Command } from '../command.js';
import { str, strs } from './common.js';

/** argv -> RunOptions (shared by run and resume; tested apart from the run itself). */
export function playbookRunOptionsFrom(a: Record<string, unknown>, lang: 'zh' | 'en') {
  return {
    incidents: str(a.incidents),
    lang,
    tz: str(a.tz),
    responder: str(a.responder),
    format: (str(a.format) ?? 'text') as 'text' | 'json',
    inventory: str(a.inventory),
    unit: str(a.unit),
    operatorClass: str(a['operator-class']),
    contact: str(a.contact),
    site: str(a.site),
    incident: str(a.incident),
    answers: str(a.answers),
    drill: a.drill === true,
    vars: strs(a.var) ?? [],
    local: a.local === true,
    discovered: str(a.discovered),
    occurred: str(a.occurred),
    title: str(a.title),
    types: strs(a.type),
    reportLang: str(a['report-lang']) as 'zh' | 'en' | undefined,
  };
}

export const playbookCommand: Command = {
  command: 'playbook <action> [args..]',
  describe: 'validate, list, show, run or resume an incident-response playbook / 应急处置预案：校验、列出、查看、执行、继续',
  builder: (y) =>
    y
      .positional('action', { choices: ['validate', 'list', 'show', 'run', 'resume'] as const, describe: 'validate [FILE…] | list | show ID | run ID | resume INCIDENT' })
      .positional('args', { type: 'string', array: true, describe: 'playbook id or file / incident id' })
      .option('incidents', { type: 'string', describe: 'incidents directory (default $GWSEC_INCIDENTS or ./incidents) / 事件目录' })
      .option('incident', { type: 'string', describe: 'run on this existing incident instead of opening one / 在已有事件上执行' })
      .option('answers', { type: 'string', describe: 'answers file: run unattended (drills, tests) / 应答文件，无人值守执行' })
      .option('drill', { type: 'boolean', describe: 'mark the incident and its reports as a drill (演练) / 标记为演练' })
      .option('var', { type: 'string', array: true, describe: 'playbook variable NAME=VALUE / 预案变量' })
      .option('inventory', { alias: 'i', type: 'string', describe: 'inventory: operator, site and hosts / 资产清单' })
      .option('local', { type: 'boolean', describe: 'run host steps on this machine / 在本机执行主机步骤' })
      .option('unit', { type: 'string', describe: 'operating unit (without an inventory) / 运营单位' })
      .option('operator-class', { type: 'string', choices: ['cii', 'state_organ', 'other'], describe: 'operator class: sets the reporting deadline / 运营者类别' })
      .option('contact', { type: 'string', describe: 'contact person and phone / 联系人' })
      .option('site', { type: 'string', describe: 'website name / 网站名称' })
      .option('title', { type: 'string', describe: 'incident title / 事件标题' })
      .option('type', { type: 'string', array: true, describe: 'incident type(s) / 事件类型' })
      .option('discovered', { type: 'string', describe: 'discovery time: "2025-11-03 14:05" (in --tz), ISO, now, -15m / 发现时间' })
      .option('occurred', { type: 'string', describe: 'time of occurrence, if known / 发生时间' })
      .option('tz', { type: 'string', describe: 'time zone for display and input (default Asia/Shanghai; e.g. Asia/Urumqi) / 时区' })
      .option('responder', { type: 'string', describe: 'your name, journaled with every event (default $USER) / 处置人' })
      .option('report-lang', { type: 'string', choices: ['zh', 'en'], describe: 'language of reports written by report steps (default zh) / 报告语言' })
      .option('from-alert', { type: 'string', describe: "run: start from a detection alert (id in the alert store, or a JSON file): playbook, variables, times filled in / 由告警启动" })
      .option('alerts', { type: 'string', describe: 'run --from-alert: the alert store (default /var/lib/gwsec/agent-state/alerts.jsonl) / 告警库' })
      .option('agent-config', { type: 'string', describe: "run --from-alert: read the alert store from this agent's config (detections.alerts_file) / 从代理配置读取告警库位置" })
      .option('format', { type: 'string', default: 'text', choices: ['text', 'json'] }),
  run: async (a) => {
    const app = await import('../../src/app/playbook.js');
    const { processIo } = await import('../../src/app/io.js');
    const { detectLang } = await import('../../src/i18n/index.js');
    const lang = detectLang(str(a.lang));
    const args = strs(a.args) ?? [];
    const o = playbookRunOptionsFrom(a, lang);
    switch (a.action) {
      case 'validate':
        return app.playbookValidate({ files: args, lang }, processIo);
      case 'list':
        return app.playbookList({ lang, format: o.format }, processIo);
      case 'show':
        return app.playbookShow({ ref: await need(args, { en: 'playbook id', zh: '预案编号' }), lang, format: o.format }, processIo);
      case 'run': {
        if (!str(a['from-alert'])) return app.playbookRun({ ...o, ref: args[0] }, processIo);
        const { fromAlert } = await import('../../src/app/from-alert.js');
        const f = await fromAlert({ alert: str(a['from-alert'])!, alerts: str(a.alerts) ?? (await alertStoreOf(str(a['agent-config']))), ref: args[0], vars: o.vars, lang, now: processIo.now() });
        return app.playbookRun({ ...o, ref: f.ref, vars: f.vars, title: o.title ?? f.title, occurred: o.occurred ?? f.occurred, discovered: o.discovered ?? f.discovered }, processIo);
      }
      default:
        return app.playbookResume({ ...o, id: await need(args, { en: 'incident id', zh: '事件编号' }) }, processIo);
    }
  },
};

async function need(args: string[], what: { zh: string; en: string }): Promise<string> {
  if (args.length !== 1) {
    const { GwsecError } = await import('../../src/model/errors.js');
    throw new GwsecError('usage_error', { en: `give exactly one ${what.en}`, zh: `请指定且只指定一个${what.zh}` });
  }
  return args[0]!;
}

/** The alert store an agent config names (`--agent-config`): where a non-default agent writes its alerts. */
async function alertStoreOf(agentConfig: string | undefined): Promise<string | undefined> {
  if (agentConfig === undefined) return undefined;
  const { loadConfig } = await import('../../agents/agent/config.js');
  return loadConfig(agentConfig).detections.alerts_file;
}
