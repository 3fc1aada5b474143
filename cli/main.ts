#!/usr/bin/env node
/**
 * The CLI entry: yargs turns argv into options; each command module calls src/app. Only this file
 * maps errors to exit codes: 0 no failures (at or above --fail-on), 1 failures found or a host not audited, 2 usage/policy/inventory error,
 * 3 internal error.
 */
import { GwsecError } from '../src/model/errors.js';
import { errorLang } from '../src/i18n/index.js';

export const EXIT = { ok: 0, failures: 1, usage: 2, internal: 3, interrupted: 130 } as const;

async function main(argv: string[]): Promise<number> {
  // Fast path: no yargs, no policy loading (`--version` must answer in well under 300 ms).
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    const { VERSION } = await import('../src/version.js');
    process.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  // The long-running agent skips yargs: modules loaded once stay in its RSS for months.
  const agentConfig = agentRunConfig(argv);
  if (agentConfig !== undefined) {
    const { agentRun } = await import('../agents/agent/commands.js');
    const { processIo } = await import('../src/app/io.js');
    return agentRun({ config: agentConfig }, processIo);
  }
  const { buildCli } = await import('./cli.js');
  return buildCli(argv);
}

/** `agent run -c FILE` / `--config FILE` / `--config=FILE` exactly (what the unit runs); anything else goes through yargs. */
function agentRunConfig(argv: string[]): string | undefined {
  if (argv[0] !== 'agent' || argv[1] !== 'run') return undefined;
  const rest = argv.slice(2);
  if (rest.length === 2 && (rest[0] === '-c' || rest[0] === '--config') && rest[1] && !rest[1].startsWith('-')) return rest[1];
  if (rest.length === 1 && rest[0]!.startsWith('--config=') && rest[0]!.length > 9) return rest[0]!.slice(9);
  return undefined;
}

// `gwsec … | head`: once the reader has closed the pipe nothing more can be shown; stop quietly as
// `cat` does, not with an EPIPE stack and "internal error".
for (const s of [process.stdout, process.stderr]) {
  s.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok);
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof GwsecError && e.kind === 'user') {
      process.stderr.write(`gwsec: ${e.format(errorLang(process.argv.slice(2)))}\n`);
      // Ctrl+C at a prompt: 128 + SIGINT, as a shell reports an interrupted program.
      process.exitCode = e.code === 'interrupted' ? EXIT.interrupted : EXIT.usage;
    } else {
      const please = { en: 'internal error — please report it with the stack above', zh: '内部错误，请附上述堆栈信息报告' };
      const lang = errorLang(process.argv.slice(2));
      process.stderr.write(`${(e as Error)?.stack ?? String(e)}\ngwsec: ${lang === 'both' ? `${please.en} / ${please.zh}` : please[lang]}\n`);
      process.exitCode = EXIT.internal;
    }
  },
);
