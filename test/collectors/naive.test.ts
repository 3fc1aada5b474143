import test from 'ava';
import { collectors } from '../../src/audit/registry.js';
import { collect } from '../../src/collectors/run.js';
import { IsolatedLocalTransport } from '../helpers/netns.js';

// The benchmark baselines must do the same work as the one script, or their ratio means nothing.
// Each collection runs in a network namespace of its own, so listening sockets of tests running
// alongside never show; what still changes from one moment to the next (processes, the clock) is left out.
const VOLATILE = new Set(['agent_status']);
const stable = (facts: Record<string, unknown>) => {
  const out = Object.fromEntries(Object.entries(facts).filter(([k]) => !VOLATILE.has(k)));
  delete (out.web as { clock?: unknown } | undefined)?.clock;
  return out;
};

test('both naive baselines collect the same facts as the one script, with one exec per request / as InSpec spends them', async (t) => {
  const local = new IsolatedLocalTransport();
  const one = await collect(local, collectors);
  const perRequest = await collect(local, collectors, { naive: 'request' });
  const requests = collectors.flatMap((c) => c.requests);
  const groups = [collectors.slice(0, 3), collectors.slice(2, 6), collectors].map((cs) => cs.flatMap((c) => c.requests));
  const inspec = await collect(local, collectors, { naive: 'inspec', naiveGroups: groups });
  t.is(one.execs, 1);
  t.is(perRequest.execs, new Set(requests.map((r) => JSON.stringify(r))).size);
  const cmdsRun = groups.flat().filter((r) => r.kind === 'cmd').length;
  const filesRead = new Set(groups.flat().filter((r) => r.kind !== 'cmd').map((r) => JSON.stringify(r))).size;
  t.is(inspec.execs, cmdsRun + 2 * filesRead); // commands every time, files once: stat + content
  t.deepEqual(stable(perRequest.facts), stable(one.facts));
  t.deepEqual(stable(inspec.facts), stable(one.facts));
});
