/** The main thread's side of rules-worker.ts: start it, wait for its one answer, rethrow its errors as they were. */
import { Worker } from 'node:worker_threads';
import type { Rule } from '../../../src/detect/load.js';
import { GwsecError, GwsecErrorList, type ErrorKind, type Location } from '../../../src/model/errors.js';

export interface SentError {
  code: string;
  message: string;
  zh?: string;
  location?: Location;
  kind: ErrorKind;
  details?: string[];
}

export type RulesAnswer = { rules: Rule[] } | { errors: SentError[]; list: boolean } | { internal: string };

const revive = (e: SentError) => new GwsecError(e.code, { zh: e.zh ?? e.message, en: e.message }, e.location, e.kind, e.details);

/** The rules in `dir` (the shipped pack when undefined), read and validated off the main heap. */
export function loadRulesIsolated(dir: string | undefined): Promise<Rule[]> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./rules-worker.js', import.meta.url), { workerData: dir });
    let answered = false;
    w.once('message', (a: RulesAnswer) => {
      answered = true;
      if ('rules' in a) resolve(a.rules);
      else if ('errors' in a) reject(a.list ? new GwsecErrorList(a.errors.map(revive)) : revive(a.errors[0]!));
      else reject(new Error(`loading the detection rules failed: ${a.internal}`));
    });
    w.once('error', reject);
    w.once('exit', (code) => {
      if (!answered) reject(new Error(`the rule loader exited (code ${code}) without an answer`));
    });
  });
}
