import type { Command } from '../command.js';

export const inventoryCommand: Command = {
  command: 'inventory check <file>',
  describe: 'validate an inventory file (located errors, exit 2) / 校验资产清单',
  builder: (y) => y.positional('file', { type: 'string', describe: 'inventory YAML' }).option('pack', { type: 'string', describe: 'check variable overrides against this pack' }),
  run: async (a) => (await import('../../src/app/inventory.js')).inventoryCheck({ file: String(a.file), pack: a.pack as string | undefined, lang: a.lang as string | undefined }, (await import('../../src/app/io.js')).processIo),
};
