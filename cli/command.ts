import type { Argv } from 'yargs';

/**
 * A command: its yargs builder plus a run that returns the exit code. Its own module so that
 * cli/commands/*.ts never import the registry (cli/cli.ts) that imports them.
 */
export interface Command {
  command: string;
  describe: string;
  builder: (y: Argv) => Argv;
  run: (argv: Record<string, unknown>) => Promise<number> | number;
}
