/**
 * The one way a test runs the agent in its own process (`runAgent`): stopped at the test's teardown
 * whatever happens. A test that throws (a wait that times out, a parse that fails) before its own
 * `stop()` would otherwise leave the agent's timers and watchers running, and ava waits for them
 * until its timeout: one failure looks like a hung suite. test/architecture/agent-teardown.test.ts
 * fails on any `runAgent(` in a test outside this file.
 */
import type { ExecutionContext } from 'ava';
import type { AgentConfig } from '../../agents/agent/config.js';
import { createEvents, type Events } from '../../agents/agent/events.js';
import { runAgent, type RunOptions } from '../../agents/agent/runner.js';

export interface InProcessAgent {
  /** The events it emits (silent unless the caller passed its own). */
  ev: Events;
  /** runAgent's promise: resolves when the agent has stopped. */
  run: Promise<void>;
  /** Stop now (final snapshot, checkpoint, status) and wait; again after that is a no-op. */
  stop(): Promise<void>;
}

export function startAgent(t: Pick<ExecutionContext, 'teardown'>, cfg: AgentConfig, opts: Omit<RunOptions, 'signal'> = {}): InProcessAgent {
  const ev = opts.events ?? createEvents({ silent: true });
  const ac = new AbortController();
  const run = runAgent(cfg, { ...opts, events: ev, signal: ac.signal });
  const stop = async (): Promise<void> => {
    ac.abort();
    await run;
  };
  // the test's own stop() reports a failing stop; here only what the test left running is stopped
  t.teardown(async () => {
    ac.abort();
    await run.catch(() => undefined);
  });
  return { ev, run, stop };
}
