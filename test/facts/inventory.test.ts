import test from 'ava';
import { inventoryDeriver } from '../../src/facts/inventory.js';

const env = (attestations?: Record<string, unknown>) => ({
  variables: {},
  geo: () => null,
  host: { name: 'web-01', roles: ['frontend'], publicIps: ['223.5.5.10'], attestations },
});

test('roles, public IPs and attestations come from the inventory', (t) => {
  const f = inventoryDeriver.derive({}, env({ dengbao: { level: 3, last_assessment: '2026-03-18' } }));
  t.deepEqual(f, { roles: ['frontend'], public_ips: ['223.5.5.10'], attestations: { dengbao: { level: 3, last_assessment: '2026-03-18' } } });
});

test('absent attestations stay absent (checks turn them into manual)', (t) => {
  t.deepEqual(inventoryDeriver.derive({}, env()).attestations, {});
});

test('a saved facts file keeps its attestations when re-evaluated', (t) => {
  const saved = { inventory: { roles: [], public_ips: [], attestations: { emergency_plan: { filed: true } } } };
  t.deepEqual(inventoryDeriver.derive(saved, env()).attestations, { emergency_plan: { filed: true } });
});
