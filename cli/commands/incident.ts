import type { Command } from '../command.js';
import { str, strs } from './common.js';

/** Report kinds a submission can name (timeline and evidence manifests are attachments, not reports). */
const SUBMITTABLE = ['initial', 'followup', 'final', 'shutdown'] as const;

export const incidentCommand: Command = {
  command: 'incident <action> [args..]',
  describe: 'open, list, show, timeline, verify, close incidents; reports, submissions, evidence, discovery-time corrections / 安全事件：登记、列出、查看、时间线、校验、关闭、报告、报送、证据',
  builder: (y) =>
    y
      .positional('action', { choices: ['open', 'list', 'show', 'timeline', 'verify', 'close', 'report', 'submit', 'evidence', 'correct'] as const })
      .positional('args', { type: 'string', array: true, describe: 'incident id (and evidence item) / 事件编号' })
      .option('incidents', { type: 'string', describe: 'incidents directory (default $GWSEC_INCIDENTS or ./incidents) / 事件目录' })
      .option('inventory', { alias: 'i', type: 'string', describe: 'inventory: operator class, unit, site / 资产清单' })
      .option('unit', { type: 'string', describe: 'operating unit / 运营单位' })
      .option('operator-class', { type: 'string', choices: ['cii', 'state_organ', 'other'], describe: 'operator class / 运营者类别' })
      .option('contact', { type: 'string', describe: 'contact / 联系人' })
      .option('site', { type: 'string', describe: 'website name / 网站名称' })
      .option('title', { type: 'string', describe: 'open: incident title / 事件标题' })
      .option('type', { type: 'string', array: true, describe: 'open: incident type(s) / 事件类型' })
      .option('drill', { type: 'boolean', describe: 'open: a drill (演练) / 演练' })
      .option('discovered', { type: 'string', describe: 'open/correct: discovery time ("2025-11-03 14:05" in --tz, ISO, now, -15m) / 发现时间' })
      .option('occurred', { type: 'string', describe: 'open: time of occurrence / 发生时间' })
      .option('reason', { type: 'string', describe: 'correct: why the discovery time changes / 更正理由' })
      .option('summary', { type: 'string', describe: 'close: closing summary / 关闭说明' })
      .option('kind', { type: 'string', default: 'initial', choices: ['initial', 'followup', 'final', 'shutdown', 'timeline', 'evidence'], describe: 'report kind / 报告类型' })
      .option('report-format', { type: 'string', default: 'md', choices: ['md', 'html'], describe: 'report: md | html' })
      .option('stdout', { type: 'boolean', default: true, describe: 'report: also print it / 输出到终端' })
      .option('output', { alias: 'o', type: 'string', describe: 'report: also write a copy to FILE (instead of printing) / 报告另存为' })
      .option('signer', { type: 'string', describe: 'report: who signs it off (签发人), journaled / 签发人' })
      .option('via', { type: 'string', describe: 'submit: how it was submitted (channel) / 报送方式' })
      .option('reference', { type: 'string', describe: 'submit: document number, receipt or receiver / 文号或回执' })
      .option('to', { type: 'string', array: true, choices: ['cac', 'supervisor', 'public_security', 'protection_dept', 'dept_cac_office', 'provincial_cac'], describe: 'submit: recipients (default: the rule for the operator class) / 报送对象' })
      .option('report-version', { type: 'number', describe: 'submit: which version (default the latest) / 报告版本' })
      .option('at', { type: 'string', describe: 'submit: when it was handed over (default now; "14:05", ISO, -15m) / 报送时间' })
      .option('export', { type: 'string', describe: 'evidence: copy items to this directory (custody recorded) / 导出证据' })
      .option('tz', { type: 'string', describe: 'display/input time zone (Asia/Shanghai, Asia/Urumqi) / 时区' })
      .option('responder', { type: 'string', describe: 'your name, journaled (default $USER) / 处置人' })
      .option('format', { type: 'string', default: 'text', choices: ['text', 'json', 'md', 'html'], describe: 'output format (report: md | html) / 输出格式' }),
  run: async (a) => {
    const app = await import('../../src/app/incident.js');
    const { processIo: io } = await import('../../src/app/io.js');
    const { detectLang } = await import('../../src/i18n/index.js');
    const { GwsecError } = await import('../../src/model/errors.js');
    const lang = detectLang(str(a.lang));
    const args = strs(a.args) ?? [];
    const fmt = str(a.format) ?? 'text';
    const common = { incidents: str(a.incidents), lang, tz: str(a.tz), responder: str(a.responder), format: (fmt === 'json' ? 'json' : 'text') as 'text' | 'json' };
    const id = (): string => {
      if (!args[0]) throw new GwsecError('usage_error', { en: 'give the incident id (gwsec incident list)', zh: '请指定事件编号（可用 gwsec incident list 查看）' });
      return args[0];
    };
    const need = (name: string): string => {
      const v = str(a[name]);
      if (!v) throw new GwsecError('usage_error', { en: `--${name} is required here`, zh: `此处必须提供 --${name}` });
      return v;
    };
    switch (a.action) {
      case 'open':
        return app.incidentOpen({
          ...common, inventory: str(a.inventory), unit: str(a.unit), operatorClass: str(a['operator-class']), contact: str(a.contact), site: str(a.site),
          title: need('title'), types: strs(a.type) ?? ['unspecified'], drill: a.drill === true, discovered: str(a.discovered), occurred: str(a.occurred),
        }, io);
      case 'list':
        return app.incidentList(common, io);
      case 'show':
        return app.incidentShow({ ...common, id: id() }, io);
      case 'timeline':
        return app.incidentTimeline({ ...common, id: id() }, io);
      case 'verify':
        return app.incidentVerify({ ...common, ids: args }, io);
      case 'close':
        return app.incidentClose({ ...common, id: id(), summary: need('summary') }, io);
      case 'correct':
        return app.incidentCorrect({ ...common, id: id(), discovered: need('discovered'), reason: need('reason') }, io);
      case 'report': {
        const rf = fmt === 'html' || fmt === 'md' ? fmt : (str(a['report-format']) ?? 'md');
        return app.incidentReport({ ...common, id: id(), kind: str(a.kind) as never, reportLang: str(a.lang) === 'en' ? 'en' : 'zh', reportFormat: rf as 'md' | 'html', stdout: a.stdout !== false, output: str(a.output), signer: str(a.signer) }, io);
      }
      case 'submit': {
        const kind = str(a.kind) ?? 'initial';
        if (!(SUBMITTABLE as readonly string[]).includes(kind)) throw new GwsecError('usage_error', { en: `--kind for submit must be one of ${SUBMITTABLE.join(', ')}`, zh: `报送时 --kind 须为以下之一：${SUBMITTABLE.join('、')}` });
        const v = a['report-version'];
        return app.incidentSubmit({ ...common, id: id(), kind: kind as (typeof SUBMITTABLE)[number], version: typeof v === 'number' ? v : undefined, to: strs(a.to), via: str(a.via), reference: str(a.reference), at: str(a.at) }, io);
      }
      default:
        return app.incidentEvidence({ ...common, id: id(), item: args[1], export: str(a.export) }, io);
    }
  },
};
