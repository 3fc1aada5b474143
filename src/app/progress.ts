import cliProgress from 'cli-progress';
import type { HostFacts } from '../model/facts.js';
import { translator, type Lang } from '../i18n/index.js';
import type { Io } from './io.js';

/**
 * Per-host progress, on stderr so that reports on stdout stay clean. On a terminal: one live bar
 * (cli-progress) with hosts done, in flight (and the one running longest), failed, the time elapsed
 * and an estimate of the time left, refreshed every second so a hung host shows its time climbing;
 * after the run, one summary line. Otherwise (CI, logs): one plain line per finished host.
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
    const t = translator(lang);
    return {
      hostStart() {},
      hostDone: (h, done, total) => {
        const error = failed(h, lang);
        const at = { done, total, host: h.host, ms: h.durationMs };
        io.err(`${error === undefined ? t('progress.hostOk', at) : t('progress.hostError', { ...at, error })}\n`);
      },
      stop() {},
    };
  }
  const state = new FleetProgress(total, Date.now());
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
      state.finish(h.host, failed(h, lang) !== undefined);
      refresh();
    },
    stop: () => {
      clearInterval(timer);
      bar.stop();
      io.err(state.summary(lang, Date.now()) + '\n');
    },
  };
}

/** What the live line says; pure, so it is tested without a terminal. */
export class FleetProgress {
  done = 0;
  failed = 0;
  private readonly running = new Map<string, number>();

  constructor(
    readonly total: number,
    /** when the run began (ms) */
    readonly startedAt = 0,
  ) {}

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
    const elapsed = at - this.startedAt;
    parts.push(t('progress.elapsed', { t: clock(elapsed) }));
    // hosts left at the pace so far (done ones include failures: they took their time too)
    if (this.done > 0 && this.done < this.total) parts.push(t('progress.eta', { t: clock((elapsed / this.done) * (this.total - this.done)) }));
    return parts.join(' · ');
  }

  summary(lang: Lang, at: number): string {
    const t = translator(lang);
    return t('progress.summary', { done: this.done, total: this.total }) + (this.failed ? `, ${t('progress.failed', { n: this.failed })}` : '') + ` (${clock(at - this.startedAt)})`;
  }
}

/** m:ss, or h:mm:ss past an hour */
export function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const two = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${two(m)}:${two(sec)}` : `${m}:${two(sec)}`;
}

/** Why a host could not be audited, in `lang` where its producer gave Chinese; undefined when it was. */
function failed(h: HostFacts, lang: Lang): string | undefined {
  const say = (e: { message: string; zh?: string }) => (lang === 'zh' ? (e.zh ?? e.message) : e.message);
  if (h.error) return say(h.error); // not audited at all (unreachable, host key, auth, timeout)
  const errs = Object.entries(h.facts).filter(([k, v]) => k !== 'inventory' && (v as { error?: { code?: string } })?.error);
  if (errs.length === 0 || errs.length < Object.keys(h.facts).length - 1) return undefined;
  return say((errs[0]![1] as { error: { message: string; zh?: string } }).error);
}
