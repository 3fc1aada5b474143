import type { Command } from '../command.js';
import { str, strs } from './common.js';

export const detectCommand: Command = {
  command: 'detect [action]',
  describe: 'detection rules: lint, test, or hunt over a log file (--file) / 检测规则：校验、测试，或对日志文件离线检测',
  builder: (y) =>
    y
      .positional('action', { choices: ['lint', 'test'] as const, describe: 'lint | test (omit with --file)' })
      .option('file', { type: 'string', describe: 'hunt: a log file to run the rules over (- = standard input; .gz rotations read decompressed) / 离线检测的日志文件（- 为标准输入；可直接读取 gzip 压缩的轮转日志）' })
      .option('source', { type: 'string', choices: ['nginx', 'apache', 'auth', 'syslog'], describe: 'hunt: the file format (default: guessed) / 日志格式' })
      .option('year', { type: 'number', describe: 'hunt: year of classic syslog stamps (default: file mtime) / syslog 时间戳年份' })
      .option('rules', { type: 'string', describe: 'rules directory (default: the shipped policies/detections) / 规则目录' })
      .option('rule', { type: 'string', array: true, describe: 'test: only these rule ids / 仅这些规则' })
      .option('format', { type: 'string', default: 'text', choices: ['text', 'json'] })
      .option('admin-user', { type: 'string', array: true, describe: 'hunt: administrator accounts besides root (auth.admin) / 除 root 外的管理员账号' })
      .option('tz', { type: 'string', describe: 'hunt: zone of the times shown (default Asia/Shanghai; JSON stays UTC) / 显示时间所用时区' })
      .example('$0 detect --file /var/log/auth.log', 'exit 0 no alert, 1 alerts / 0 无告警，1 有告警')
      .example('zcat access.log.*.gz | $0 detect --file - --source nginx', 'from a pipe / 从管道读取')
      .example('$0 detect lint', 'every rule valid, located errors (exit 2) / 校验规则'),
  run: async (a) => {
    const app = await import('../../src/app/detect.js');
    const { processIo } = await import('../../src/app/io.js');
    const { GwsecError } = await import('../../src/model/errors.js');
    const o = { rules: str(a.rules), lang: str(a.lang), only: strs(a.rule), format: str(a.format) as 'text' | 'json' };
    if (a.action === 'lint') return app.detectLint(o, processIo);
    if (a.action === 'test') return app.detectTest(o, processIo);
    const file = str(a.file);
    if (!file) throw new GwsecError('usage_error', { en: 'give lint, test, or --file LOG', zh: '请指定 lint、test 或 --file 日志文件' });
    return app.detectFile({ ...o, tz: str(a.tz), file, source: str(a.source) as 'nginx' | undefined, year: typeof a.year === 'number' ? a.year : undefined, adminUsers: strs(a['admin-user']) }, processIo);
  },
};
