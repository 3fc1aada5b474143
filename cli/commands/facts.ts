import type { Command } from '../command.js';
import { auditOptionsFrom, evalOptions, str, targetOptions } from './common.js';

export const factsCommand: Command = {
  command: 'facts',
  describe: 'collect facts once (evidence, fixtures) / 采集事实（证据、样本）',
  builder: (y) => evalOptions(targetOptions(y)).option('save', { type: 'string', describe: 'write the facts to a file / 保存到文件' }),
  run: async (a) => (await import('../../src/app/audit.js')).factsRun({ ...auditOptionsFrom(a), save: str(a.save) }, (await import('../../src/app/io.js')).processIo),
};
