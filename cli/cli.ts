import yargs from 'yargs';
import { GwsecError } from '../src/model/errors.js';
import { VERSION } from '../src/version.js';
import type { Command } from './command.js';
import { auditCommand } from './commands/audit.js';
import { factsCommand } from './commands/facts.js';
import { evaluateCommand } from './commands/evaluate.js';
import { policyCommand } from './commands/policy.js';
import { mergeCommand } from './commands/merge.js';
import { inventoryCommand } from './commands/inventory.js';
import { fixtureCommand } from './commands/fixture.js';
import { agentCommand } from './commands/agent.js';
import { playbookCommand } from './commands/playbook.js';
import { incidentCommand } from './commands/incident.js';
import { detectCommand } from './commands/detect.js';
import { diffCommand } from './commands/diff.js';
import { collectorCommand } from './commands/collector.js';

/** The explicit command registry (parity with docs/ tested). */
export const commands: Command[] = [auditCommand, factsCommand, evaluateCommand, mergeCommand, policyCommand, inventoryCommand, fixtureCommand, agentCommand, playbookCommand, incidentCommand, detectCommand, diffCommand,
  collectorCommand,
];

const EPILOG = [
  'Exit codes / 退出码:',
  '  0 no fail/error result at or above --fail-on (default low) 无达到阈值的不通过或错误项',
  '  1 a fail/error result at or above --fail-on, or a host could not be audited 有达到阈值的不通过或错误项，或有主机无法核查',
  '  2 usage, policy or inventory error 用法、策略或清单错误',
  '  3 internal error 内部错误',
].join('\n');

/**
 * `--discovered -15m` as a person types it: a long option followed by a negative number or
 * duration (-15m, -2h, -1.5) becomes `--discovered=-15m`, which yargs would otherwise read as the
 * short flags -1 -5 -m. A lone `-` (standard input: `detect --file -`) is attached the same way:
 * yargs would otherwise drop it and read the option as empty.
 */
export function attachNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (/^--[a-z][a-z0-9-]*$/.test(a) && next !== undefined && (/^-\d+(\.\d+)?[smhdw]?$/.test(next) || next === '-')) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

export async function buildCli(argv: string[]): Promise<number> {
  let code = 0;
  const y = yargs(attachNegativeValues(argv))
    .scriptName('gwsec')
    .version(VERSION)
    .strict()
    .recommendCommands()
    .demandCommand(1, 'give a command, e.g. gwsec audit --local / 请指定子命令')
    .epilog(EPILOG)
    .option('lang', { type: 'string', choices: ['zh', 'en', 'both'], describe: 'output language (default from LANG); both: evidence in zh and en / 输出语言；both：证据说明中英文并列', global: true })
    .fail((msg, err) => {
      if (err) throw err;
      // recommendCommands says only "Did you mean X?": name what was typed
      // yargs words msg in LANG's language (its own zh_CN catalogue): it stands in both halves
      throw new GwsecError(
        'usage_error',
        /^Did you mean/.test(msg ?? '') ? { en: `unknown command '${argv[0]}' — ${msg}`, zh: `未知命令“${argv[0]}”——${msg}` } : { en: msg, zh: `用法错误：${msg}` },
      );
    })
    .wrap(Math.min(110, process.stdout.columns || 100));
  for (const c of commands) {
    y.command(c.command, c.describe, c.builder, async (a) => {
      code = await c.run(a as Record<string, unknown>);
    });
  }
  await y.parseAsync();
  return code;
}
