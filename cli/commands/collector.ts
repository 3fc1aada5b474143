import type { Command } from '../command.js';
import { str } from './common.js';

export const collectorCommand: Command = {
  command: 'collector <action> [target]',
  describe: 'central collector: enrol agents, receive alerts and checkpoints, verify archives off-host / 采集中心：注册代理、接收告警与检查点、异地校验归档',
  builder: (y) =>
    y
      .positional('action', { choices: ['init', 'run', 'install', 'token', 'agents', 'alerts', 'revoke', 'verify'] as const, describe: 'init | run | install | token | agents | alerts | revoke | verify' })
      .positional('target', { type: 'string', describe: 'init: DIR; revoke, verify: AGENT (id or name) / 目录或代理' })
      .option('config', { alias: 'c', type: 'string', describe: 'collector.yaml / 采集中心配置文件' })
      .option('name', { type: 'string', describe: 'init: collector name / 采集中心名称' })
      .option('listen', { type: 'string', describe: 'init: HOST:PORT to listen on (default 0.0.0.0:6443) / 监听地址' })
      .option('server-name', { type: 'string', array: true, describe: 'init: names and addresses agents dial (certificate SANs) / 证书名称' })
      .option('ca-from', { type: 'string', describe: 'init: share the CA of an existing collector dir (scale-out) / 共用已有 CA' })
      .option('program-dir', { type: 'string', default: '/opt/gwsec', describe: 'install: where the program is copied (the unit runs it from there) / 程序安装目录' })
      .option('unit-dir', { type: 'string', default: '/etc/systemd/system', describe: 'install: where the systemd unit goes / systemd 单元目录' })
      .option('ttl', { type: 'string', describe: 'token: validity, e.g. 30m, 1h (default 1h) / 有效期' })
      .option('since', { type: 'string', describe: 'alerts: since a time or an age (24h) / 起始时间' })
      .option('severity', { type: 'string', choices: ['critical', 'high', 'medium', 'low', 'info'], describe: 'alerts: this severity or worse / 最低级别' })
      .option('agent', { type: 'string', describe: 'alerts: only this agent / 仅此代理' })
      .option('archive', { type: 'string', describe: "verify: the agent's archive directory / 代理归档目录" })
      .option('format', { type: 'string', default: 'text', choices: ['text', 'json'] })
      .example('$0 collector init /etc/gwsec-collector', 'CA, server certificate, collector.yaml / 初始化')
      .example('$0 collector run -c /etc/gwsec-collector/collector.yaml', 'foreground, for systemd / 前台运行')
      .example('$0 collector token -c collector.yaml --ttl 1h > token', 'one-time enrolment token / 一次性注册令牌'),
  run: async (a) => {
    const app = await import('../../agents/collector/commands.js');
    const { processIo } = await import('../../src/app/io.js');
    const { GwsecError } = await import('../../src/model/errors.js');
    const need = (k: string, what: string) => {
      const v = str(a[k]);
      if (!v) throw new GwsecError('usage_error', { en: `collector ${String(a.action)} needs ${k === 'target' ? what : `--${k} ${what}`}`, zh: `collector ${String(a.action)} 须提供 ${k === 'target' ? what : `--${k} ${what}`}` });
      return v;
    };
    const format = (str(a.format) ?? 'text') as 'text' | 'json';
    switch (a.action) {
      case 'init':
        return app.collectorInit({ dir: need('target', 'DIR'), name: str(a.name), listen: str(a.listen), serverNames: a['server-name'] as string[] | undefined, caFrom: str(a['ca-from']) }, processIo);
      case 'run':
        return app.collectorRun({ config: need('config', 'FILE') }, processIo);
      case 'install': {
        const { installCollector } = await import('../../agents/collector/install.js');
        const r = installCollector({ config: need('config', 'FILE'), unitDir: str(a['unit-dir']) ?? '/etc/systemd/system', programDir: str(a['program-dir']) });
        processIo.out(`program installed: ${r.programDir}\nunit written: ${r.unitPath}\nnext: systemctl daemon-reload && systemctl enable --now gwsec-collector / 下一步：systemctl daemon-reload && systemctl enable --now gwsec-collector\n`);
        return 0;
      }
      case 'token':
        return app.collectorToken({ config: need('config', 'FILE'), ttl: str(a.ttl), lang: str(a.lang) }, processIo);
      case 'agents':
        return app.collectorAgents({ config: need('config', 'FILE'), format }, processIo);
      case 'alerts':
        return app.collectorAlerts({ config: need('config', 'FILE'), since: str(a.since), severity: str(a.severity), agent: str(a.agent), format, lang: str(a.lang) }, processIo);
      case 'revoke':
        return app.collectorRevoke({ config: need('config', 'FILE'), agent: need('target', 'AGENT') }, processIo);
      default: {
        const { collectorVerify } = await import('../../agents/collector/verify.js');
        return collectorVerify({ config: need('config', 'FILE'), agent: need('target', 'AGENT'), archive: need('archive', 'DIR'), format, lang: str(a.lang) }, processIo);
      }
    }
  },
};
