import cliProgress from 'cli-progress';
import type { HostFacts } from '../model/facts.js';
import { translator, type Lang } from '../i18n/index.js';
import type { Io } from './io.js';

/**
 * Per-host progress, on stderr so that reports on stdout stay clean. On a terminal: one live bar
 * (cli-progress) with the hosts in flight and the one running longest, refreshed every second so a
 * hung host shows its time climbing; after the run, one summary line. Otherwise (CI, logs): one
 * plain line per finished host.
 */
export interface Progress {
  hostStart(name: string): void;
  hostDone(h: HostFacts, done: number, total: number): void;
  stop(): void;
}

export function progressReporter(io: Io, total: number, lang: Lang = 'en'): Progress {
  const quiet = total <= 1 || io.env.GWSEC_PROGRESS === 'off';
  if (quiet) return { hostStart() {}, hostDone() {}, stop() {} };
  if (!process.stderr.isTTY) {
    return {
      hostStart() {},
      hostDone: (h, done, t) => io.err(`[${done}/${t}] ${h.host} ${failed(h) ? `error: ${failed(h)}` : 'ok'} (${h.durationMs} ms)\n`),
      stop() {},
    };
  }
  const state = new FleetProgress(total);
  const bar = new cliProgress.SingleBar(
    { format: `{bar} {value}/{total} ${translator(lang)('progress.hosts')} | {line}`, hideCursor: true, clearOnComplete: true, stream: process.stderr, fps: 5 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { line: '' });
  const refresh = () => bar.update(state.done, { line: state.line(Date.now(), lang) });
  const timer = setInterval(refresh, 1000);
  timer.unref();
  return {
    hostStart: (name) => {
      state.start(name, Date.now());
      refresh();
    },
    hostDone: (h) => {
      state.finish(h.host, failed(h) !== undefined);
      refresh();
    },
    stop: () => {
      clearInterval(timer);
      bar.stop();
      io.err(state.summary(lang) + '\n');
    },
  };
}

/** What the live line says; pure, so it is tested without a terminal. */
export class FleetProgress {
  done = 0;
  failed = 0;
  private readonly running = new Map<string, number>();

  constructor(readonly total: number) {}

  start(name: string, at: number): void {
    this.running.set(name, at);
  }

  finish(name: string, failed: boolean): void {
    this.running.delete(name);
    this.done++;
    if (failed) this.failed++;
  }

  line(at: number, lang: Lang): string {
    const t = translator(lang);
    const parts = [t('progress.running', { n: this.running.size })];
    let longest: [string, number] | undefined;
    for (const [name, since] of this.running) if (!longest || since < longest[1]) longest = [name, since];
    if (longest) parts.push(t('progress.longest', { host: longest[0], s: Math.floor((at - longest[1]) / 1000) }));
    if (this.failed) parts.push(t('progress.failed', { n: this.failed }));
    return parts.join(' · ');
  }

  summary(lang: Lang): string {
    const t = translator(lang);
    return t('progress.summary', { done: this.done, total: this.total }) + (this.failed ? `, ${t('progress.failed', { n: this.failed })}` : '');
  }
}

function failed(h: HostFacts): string | undefined {
  const errs = Object.entries(h.facts).filter(([k, v]) => k !== 'inventory' && (v as { error?: { code?: string } })?.error);
  if (errs.length === 0 || errs.length < Object.keys(h.facts).length - 1) return undefined;
  return (errs[0]![1] as { error: { message: string } }).error.message;
}
