/**
 * `node build/bench/naive-audit.js request|inspec <gwsec audit options>`: the user's `gwsec audit`
 * (the same options, the same app function, the same transports) with every host's transport
 * wrapped in a NaiveTransport, so collection spends execs as the baseline does. Spawned by
 * bench/fleet.ts in place of bin/gwsec.js; never part of the product.
 */
import yargs from 'yargs';
import { auditRun } from '../src/app/audit.js';
import { processIo } from '../src/app/io.js';
import { collectors, derivers } from '../src/audit/registry.js';
import type { Request } from '../src/transport/requests.js';
import { auditOptionsFrom, evalOptions, targetOptions } from '../cli/commands/common.js';
import { inspecGroups, NAIVE_MODES, NaiveTransport, type NaiveMode } from './naive-transport.js';

const [mode, ...rest] = process.argv.slice(2);
if (!NAIVE_MODES.includes(mode as NaiveMode)) {
  process.stderr.write(`usage: naive-audit.js <${NAIVE_MODES.join('|')}> <gwsec audit options>\n`);
  process.exit(2);
}
const o = auditOptionsFrom(await evalOptions(targetOptions(yargs(rest))).option('lang', { type: 'string' }).strict().parseAsync());
const opened: NaiveTransport[] = [];
let groups: Request[][] | undefined;
process.exitCode = await auditRun(o, processIo, (t, run) => {
  // inspec: each check's requests, in pack order, of the checks this audit runs
  if (mode === 'inspec') groups ??= inspecGroups([...run.checks], collectors, derivers);
  const n = new NaiveTransport(t, mode as NaiveMode, groups);
  opened.push(n);
  return n;
});
// on stderr, as gwsec's own notices: what the baseline spent (the bench counts execs on the hosts too)
process.stderr.write(`naive ${mode}: ${opened.reduce((a, n) => a + n.execs, 0)} execs on ${opened.length} hosts\n`);
