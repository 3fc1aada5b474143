import type { Command } from '../command.js';
import { str, strs } from './common.js';

export const policyCommand: Command = {
  command: 'policy <action>',
  describe: 'list, lint or test a policy pack / 列出、校验或测试策略包',
  builder: (y) =>
    y
      .positional('action', { choices: ['list', 'lint', 'test'] as const, describe: 'list | lint | test' })
      .option('pack', { type: 'string', describe: 'policy pack directory / 策略包目录' })
      .option('check', { type: 'string', array: true, describe: 'only these check ids / 仅这些检查项' })
      .option('format', { type: 'string', default: 'text', choices: ['text', 'json'] }),
  run: async (a) => {
    const app = await import('../../src/app/policy.js');
    const { processIo } = await import('../../src/app/io.js');
    const o = { pack: str(a.pack), lang: str(a.lang), checks: strs(a.check), format: str(a.format) as 'text' | 'json' };
    if (a.action === 'list') return app.policyList(o, processIo);
    if (a.action === 'lint') return app.policyLint(o, processIo);
    return app.policyTest(o, processIo);
  },
};
