import type { Command } from '../command.js';
import { auditOptionsFrom, evalOptions } from './common.js';

export const evaluateCommand: Command = {
  command: 'evaluate <files..>',
  describe: 'evaluate saved facts offline / 离线评估已保存的事实',
  builder: (y) => evalOptions(y).positional('files', { type: 'string', array: true, describe: 'facts files from gwsec facts --save' }),
  run: async (a) =>
    (await import('../../src/app/audit.js')).evaluateRun({ ...auditOptionsFrom(a), files: (a.files as string[]).map(String) }, (await import('../../src/app/io.js')).processIo),
};
