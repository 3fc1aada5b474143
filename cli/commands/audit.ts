import type { Command } from '../command.js';
import { auditOptionsFrom, evalOptions, targetOptions } from './common.js';

export const auditCommand: Command = {
  command: 'audit',
  describe: 'audit hosts against the Article 40/41 pack / 按第四十、四十一条核查主机',
  builder: (y) => evalOptions(targetOptions(y)).example('$0 audit --local', 'audit this machine / 核查本机'),
  run: async (a) => (await import('../../src/app/audit.js')).auditRun(auditOptionsFrom(a), (await import('../../src/app/io.js')).processIo),
};
