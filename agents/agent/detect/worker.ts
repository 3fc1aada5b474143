/**
 * The detection worker thread: a DetectionCore driven by messages from the agent's main thread
 * (detect/index.ts). Messages are handled in order, one at a time; every `lines`/`events` message
 * is answered with one `done` carrying the alerts it stored. The engine's state is written every
 * few seconds when it changed, and on `stop`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { DetectEvent } from '../../../src/detect/event.js';
import { DetectionCore, type CoreInit, type CoreOutput, type LineRun } from './core.js';

export type ToWorker =
  | { t: 'lines'; buf: ArrayBuffer; size: number; runs: LineRun[]; nowMs: number }
  | { t: 'events'; evs: DetectEvent[]; nowMs: number }
  | { t: 'stop' };

export type FromWorker = { t: 'ready'; restored: number } | ({ t: 'done'; buf?: ArrayBuffer } & CoreOutput) | { t: 'error'; stage: string; message: string } | { t: 'stopped' };

export interface WorkerInit extends CoreInit {
  /** How often the engine's state is written when it changed (ms). */
  saveEveryMs: number;
}

const port = parentPort!;
const init = workerData as WorkerInit;
const core = new DetectionCore(init);
const post = (m: FromWorker) => port.postMessage(m);

const save = () => {
  try {
    core.saveState();
  } catch (e) {
    post({ t: 'error', stage: 'state', message: (e as Error).message });
  }
};
const timer = setInterval(save, init.saveEveryMs);

port.on('message', (m: ToWorker) => {
  try {
    if (m.t === 'lines') {
      const out = core.lines({ buf: new Uint8Array(m.buf, 0, m.size), runs: m.runs, nowMs: m.nowMs });
      port.postMessage({ t: 'done', buf: m.buf, ...out } satisfies FromWorker, [m.buf]); // the buffer goes back for reuse
    }
    else if (m.t === 'events') post({ t: 'done', ...core.events(m.evs, m.nowMs) });
    else if (m.t === 'stop') {
      clearInterval(timer);
      save();
      core.close();
      post({ t: 'stopped' });
      port.close();
    }
  } catch (e) {
    // A batch that broke the core is reported and answered: the agent never waits on it forever.
    post({ t: 'error', stage: 'processing', message: (e as Error).message });
    if (m.t !== 'stop') post({ t: 'done', alerts: [], fresh: [], hostile: 0, lineErrors: 0 });
  }
});

post({ t: 'ready', restored: core.restore() });
