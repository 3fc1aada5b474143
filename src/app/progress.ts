import cliProgress from 'cli-progress';
import type { HostFacts } from '../model/facts.js';
import type { Io } from './io.js';

/**
 * Per-host progress: one live bar on a terminal (cli-progress), plain lines otherwise (CI, logs).
 * Written to stderr so that reports on stdout stay clean.
 */
export function progressReporter(io: Io, total: number): { hostDone(h: HostFacts, done: number, total: number): void; stop(): void } {
  const quiet = total <= 1 || io.env.GWSEC_PROGRESS === 'off';
  if (quiet) return { hostDone() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: 'hosts {bar} {value}/{total} | {last}', hideCursor: true, clearOnComplete: true, stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { last: '' });
    return {
      hostDone: (h, done) => bar.update(done, { last: `${h.host} ${failed(h) ? 'error' : 'ok'} ${h.durationMs} ms` }),
      stop: () => bar.stop(),
    };
  }
  return {
    hostDone: (h, done, t) => io.err(`[${done}/${t}] ${h.host} ${failed(h) ? `error: ${failed(h)}` : 'ok'} (${h.durationMs} ms)\n`),
    stop() {},
  };
}

function failed(h: HostFacts): string | undefined {
  const errs = Object.entries(h.facts).filter(([k, v]) => k !== 'inventory' && (v as { error?: { code?: string } })?.error);
  if (errs.length === 0 || errs.length < Object.keys(h.facts).length - 1) return undefined;
  return (errs[0]![1] as { error: { message: string } }).error.message;
}
