import type { Command } from '../command.js';
import { str } from './common.js';

export const agentCommand: Command = {
  command: 'agent <action>',
  describe: 'run, install, inspect the log-keeping agent; verify or export its archive / 日志留存代理：运行、安装、状态、校验、导出',
  builder: (y) =>
    y
      .positional('action', { choices: ['run', 'install', 'status', 'verify', 'export', 'enrol', 'alerts', 'baseline'] as const, describe: 'run | install | status | verify | export | enrol | alerts | baseline' })
      .option('since', { type: 'string', describe: 'alerts: only those active in the last 30m, 1h, 7d… / 仅最近时段的告警' })
      .option('config', { alias: 'c', type: 'string', describe: 'agent config (run, status) / 代理配置文件' })
      .option('config-dir', { type: 'string', default: '/etc/gwsec', describe: 'install: where agent.yaml goes / 配置目录' })
      .option('unit-dir', { type: 'string', default: '/etc/systemd/system', describe: 'install: where the systemd unit goes / systemd 单元目录' })
      .option('program-dir', { type: 'string', default: '/opt/gwsec', describe: 'install: where the program is copied (the unit runs it from there) / 程序安装目录' })
      .option('archive', { type: 'string', describe: 'verify, export: archive directory / 归档目录' })
      .option('anchors', { type: 'string', describe: "verify, export: off-host anchor file; verify: or COLLECTOR — HOST:PORT[,…] or 'collector' (the enrolled ones), with -c / 异地锚点文件，或采集中心地址" })
      .option('public-key', { type: 'string', describe: "verify, export: the agent's SM2 public key (PEM) / 代理 SM2 公钥" })
      .option('from', { type: 'string', describe: 'export: from this archive (receive) time; no offset: read in --tz / 起始时间（归档接收时间）' })
      .option('to', { type: 'string', describe: 'export: before this archive (receive) time, exclusive / 截止时间（不含）' })
      .option('tz', { type: 'string', describe: 'export: zone of --from/--to without an offset; alerts: zone of the times shown (default Asia/Shanghai) / 时区' })
      .option('source', { type: 'string', describe: 'export: only this source / 仅此来源' })
      .option('output', { alias: 'o', type: 'string', describe: 'export: write to FILE instead of stdout / 导出到文件' })
      .option('format', { type: 'string', default: 'text', choices: ['text', 'json', 'jsonl'], describe: 'text | json (export: also jsonl) / 输出格式' })
      .option('collector', { type: 'string', describe: 'enrol: HOST:PORT[,HOST:PORT...] collectors, tried in order / 采集中心地址' })
      .option('token', { type: 'string', describe: 'enrol: one-time token (visible in ps: prefer --token-file) / 一次性注册令牌' })
      .option('token-file', { type: 'string', describe: "enrol: file holding the token ('-' for stdin) / 令牌文件" })
      .option('name', { type: 'string', describe: 'enrol: this host\'s name at the collector (default hostname) / 主机名称' })
      .example('$0 agent run -c /etc/gwsec/agent.yaml', 'foreground, for systemd / 前台运行')
      .example('$0 agent alerts -c /etc/gwsec/agent.yaml --since 1h', 'alerts of the last hour / 最近一小时的告警')
      .example('$0 agent baseline -c /etc/gwsec/agent.yaml', 'accept the web roots after a publish / 发布后确认网站文件基线')
      .example('$0 agent verify --archive /var/lib/gwsec/archive --anchors anchors.jsonl', 'exit 0 intact, 1 tampered / 0 完整，1 被篡改')
      .example('$0 agent verify -c /etc/gwsec/agent.yaml --anchors collector', "against the checkpoints the enrolled collector holds / 与采集中心保存的检查点比对"),
  run: async (a) => {
    const app = await import('../../agents/agent/commands.js');
    const { processIo } = await import('../../src/app/io.js');
    const { GwsecError } = await import('../../src/model/errors.js');
    const need = (k: string, what: string) => {
      const v = str(a[k]);
      if (!v) throw new GwsecError('usage_error', { en: `agent ${String(a.action)} needs --${k} ${what}`, zh: `agent ${String(a.action)} 须提供 --${k} ${what}` });
      return v;
    };
    const fmt = str(a.format) ?? 'text';
    const format = (fmt === 'json' ? 'json' : 'text') as 'text' | 'json';
    const { detectLang } = await import('../../src/i18n/index.js');
    const lang = detectLang(str(a.lang));
    if (fmt === 'jsonl' && a.action !== 'export') throw new GwsecError('usage_error', { en: '--format jsonl is for export only', zh: '--format jsonl 仅适用于 export（导出）' });
    const archive = () => ({ archive: need('archive', 'DIR'), anchors: str(a.anchors), publicKey: str(a['public-key']) });
    switch (a.action) {
      case 'run':
        return app.agentRun({ config: need('config', 'FILE') }, processIo);
      case 'install':
        return app.agentInstall({ configDir: str(a['config-dir']) ?? '/etc/gwsec', unitDir: str(a['unit-dir']) ?? '/etc/systemd/system', programDir: str(a['program-dir']) }, processIo);
      case 'status':
        return app.agentStatus({ config: need('config', 'FILE'), format, lang }, processIo);
      case 'alerts':
        return app.agentAlerts({ config: need('config', 'FILE'), since: str(a.since), format, lang: str(a.lang), tz: str(a.tz) }, processIo);
      case 'baseline':
        return app.agentBaseline({ config: need('config', 'FILE') }, processIo);
      case 'verify': {
        const { agentVerifyOffHost, anchorsAreCollector } = await import('../../agents/agent/anchors.js');
        const { existsSync } = await import('node:fs');
        const anchors = str(a.anchors);
        // A collector to ask (not a file): the checkpoints it holds, over this agent's mutual TLS.
        if (anchors && !existsSync(anchors) && anchorsAreCollector(anchors))
          return agentVerifyOffHost({ config: need('config', 'FILE (its enrolment is the identity)'), anchors, archive: str(a.archive), format, lang }, processIo);
        return app.agentVerify({ ...archive(), format, lang }, processIo);
      }
      case 'enrol': {
        const { agentEnrol } = await import('../../agents/agent/enrol-command.js');
        return agentEnrol({ config: need('config', 'FILE'), collector: need('collector', 'HOST:PORT'), token: str(a.token), tokenFile: str(a['token-file']), name: str(a.name) }, processIo);
      }
      default:
        return app.agentExport({ ...archive(), from: str(a.from), to: str(a.to), tz: str(a.tz), source: str(a.source), format: fmt as 'text' | 'json' | 'jsonl', output: str(a.output), lang }, processIo);
    }
  },
};
