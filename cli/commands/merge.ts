import type { Command } from '../cli.js';
import { auditOptionsFrom, evalOptions } from './common.js';

export const mergeCommand: Command = {
  command: 'merge <files..>',
  describe: 'combine JSON reports of sharded audits (fleet checks judged over all) / 合并分片核查报告',
  builder: (y) => evalOptions(y).positional('files', { type: 'string', array: true, describe: 'reports from gwsec audit --shard i/n --format json' }),
  run: async (a) =>
    (await import('../../src/app/audit.js')).mergeRun({ ...auditOptionsFrom(a), files: (a.files as string[]).map(String) }, (await import('../../src/app/io.js')).processIo),
};
