import type { Command } from '../command.js';
import { auditOptionsFrom, evalOptions } from './common.js';

export const mergeCommand: Command = {
  command: 'merge <files..>',
  describe: 'combine JSON reports of sharded audits (fleet checks judged over all) / 合并分片核查报告',
  builder: (y) =>
    evalOptions(y)
      .positional('files', { type: 'string', array: true, describe: 'reports from gwsec audit --shard i/n --format json' })
      .option('partial', {
        type: 'boolean',
        describe:
          'merge a missing, duplicated or mismatched set of shards anyway; fleet results say so, and a fleet pass becomes error / 分片不全或不一致时仍合并，集群检查标为部分结果',
      }),
  run: async (a) =>
    (await import('../../src/app/audit.js')).mergeRun(
      { ...auditOptionsFrom(a), files: (a.files as string[]).map(String), partial: a.partial === true },
      (await import('../../src/app/io.js')).processIo,
    ),
};
