import type { Command } from '../command.js';
import { str } from './common.js';

export const diffCommand: Command = {
  command: 'diff <old> <new>',
  describe: 'compare two JSON reports: new failures, fixed, still failing, changed evidence, hosts added/removed / 对比两次核查报告',
  builder: (y) =>
    y
      .positional('old', { type: 'string', describe: 'the earlier JSON report (baseline) / 基线报告' })
      .positional('new', { type: 'string', describe: 'the later JSON report / 新报告' })
      .option('format', { type: 'string', default: 'text', choices: ['text', 'json'], describe: 'output format / 输出格式' })
      .option('output', { alias: 'o', type: 'string', describe: 'write to a file / 输出文件' })
      .option('fail-on', { type: 'string', choices: ['new', 'none'], default: 'new', describe: 'exit 1 when there is a new failure (new, the default) or never (none) / 有新增不通过项时退出码为 1' }),
  run: async (a) =>
    (await import('../../src/app/diff.js')).diffRun(
      { old: String(a.old), new: String(a.new), format: str(a.format) ?? 'text', output: str(a.output), lang: str(a.lang), failOn: str(a['fail-on']) ?? 'new' },
      (await import('../../src/app/io.js')).processIo,
    ),
};
