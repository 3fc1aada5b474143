/**
 * One bad host never spoils the fleet: a closed port and a host whose commands hang end as `error`
 * results for that host (within the per-host deadline), and the healthy hosts complete.
 */
import test from 'ava';
import { startFleet, type TestFleet } from '../harness/hosts.js';
import { auditJson, decided, errorMessages, resultsOf } from './helpers.js';
import { scaled, scaledSeconds } from '../helpers/time.js';

let fleet: TestFleet;

test.before(async () => {
  fleet = await startFleet([{ name: 'ok-1' }, { name: 'ok-2' }, { name: 'stuck', hang: true }]);
});
test.after.always(() => fleet?.stop());

test('an unreachable host (closed port) is error; the others complete', async (t) => {
  // nothing ever listens there, whatever else this machine runs: refused
  const inv = fleet.inventoryFile({
    hosts: ['ok-1', 'ok-2'],
    sudo: 'nopasswd',
    extraHosts: [{ name: 'gone', address: fleet.closedAddress, port: 22, roles: ['frontend'], tags: [], public_ip: null, proxy_jump: null, sudo: false }],
  });
  const { report, code } = await auditJson(inv, fleet.knownHostsFile);
  t.is(code, 1);
  const gone = resultsOf(report, 'gone');
  t.true(gone.length > 0);
  t.is(decided(report, 'gone'), 0);
  t.true(gone.some((r) => r.status === 'error'));
  const msgs = errorMessages(report, 'gone');
  t.true(msgs.length === 1 && /^transport_connect_error: gone: .*ECONNREFUSED/.test(msgs[0]!), msgs.join('\n'));
  for (const h of ['ok-1', 'ok-2']) t.true(decided(report, h) >= 20, h);
});

test('a host that hangs mid-command hits the per-host deadline; the others complete', async (t) => {
  const inv = fleet.inventoryFile({ hosts: ['ok-1', 'stuck', 'ok-2'], sudo: 'nopasswd' });
  const { report, code, ms } = await auditJson(inv, fleet.knownHostsFile, ['--timeout', String(scaledSeconds(8))]);
  t.is(code, 1);
  t.true(ms < scaled(25_000), `the deadline bounds the run (${ms.toFixed(0)} ms)`);
  t.regex(fleet.log('stuck'), /Accepted publickey for gwtest/, 'connected and authenticated, then hung');
  t.is(decided(report, 'stuck'), 0);
  const msgs = errorMessages(report, 'stuck');
  t.true(msgs.length > 0 && msgs.every((m) => m.startsWith('transport_timeout: ')), msgs.join('\n'));
  for (const h of ['ok-1', 'ok-2']) t.true(decided(report, h) >= 20, h);
});
