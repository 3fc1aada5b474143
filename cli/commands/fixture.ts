import type { Command } from '../command.js';
import { auditOptionsFrom, targetOptions } from './common.js';

export const fixtureCommand: Command = {
  command: 'fixture record <dir>',
  describe: 'record what the collectors read on a host into a fixture folder (tests, evidence) / 录制样本主机',
  builder: (y) => targetOptions(y).positional('dir', { type: 'string', describe: 'folder to write (host.yaml, files/, cmd/)' }),
  run: async (a) =>
    (await import('../../src/app/fixture.js')).fixtureRecord({ ...auditOptionsFrom(a), dir: String(a.dir) }, (await import('../../src/app/io.js')).processIo),
};
