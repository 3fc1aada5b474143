/**
 * Loads and validates the detection rules in a short-lived worker thread for `agent run`: the rule
 * schema (zod) and its YAML locations then live in an isolate that is gone once the rules are read,
 * not in the agent's heap for as long as it runs (measured: ~4 MB of peak RSS, docs/PERFORMANCE.md).
 * Answers one message: the rules, or the located errors to rethrow (exit 2, file:line). A rules
 * directory of the site's own is also checked as `detect lint` would (lint.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { GwsecError, GwsecErrorList } from '../../../src/model/errors.js';
import { loadCheckedRules } from './lint.js';
import type { RulesAnswer, SentError } from './rules-load.js';

const sent = (e: GwsecError): SentError => ({ code: e.code, message: e.message, zh: e.zh, location: e.location, kind: e.kind, details: e.details });

let answer: RulesAnswer;
try {
  answer = { rules: loadCheckedRules(workerData as string | undefined) };
} catch (e) {
  if (e instanceof GwsecErrorList) answer = { errors: e.errors.map(sent), list: true };
  else if (e instanceof GwsecError) answer = { errors: [sent(e)], list: false };
  else answer = { internal: (e as Error)?.stack ?? String(e) };
}
parentPort!.postMessage(answer);
