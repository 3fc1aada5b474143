/**
 * Article 40(五) over real SSH hosts: two inventory entries that reach one machine are one machine,
 * whatever their names or addresses (issue 16). Machine identity decides — the machine ID, the SSH
 * host key, the DMI product_uuid — and the evidence says which matched. The verdict does not depend on
 * what else --check selects.
 */
import test from 'ava';
import { startFleet, type TestFleet } from '../harness/hosts.js';
import type { InventoryHost } from '../harness/inventory.js';
import { auditJson, type Report } from './helpers.js';

const CHECK = 'a40-5-roles-on-separate-hosts';
const SHARED_ID = '5f1d0c2b9e8a4b7c6d5e4f3a2b1c0d9e';
let fleet: TestFleet;

test.before(async () => {
  // 'twin-*': two hosts in their own network namespaces (private 10.x addresses only, as behind NAT)
  // that are one machine: the same /etc/machine-id. 'apart-*': two separate machines.
  fleet = await startFleet([
    { name: 'solo' },
    { name: 'twin-web', netns: true, machineId: SHARED_ID, roles: ['frontend'] },
    { name: 'twin-admin', netns: true, machineId: SHARED_ID, roles: ['backend'] },
    { name: 'apart-web', netns: true, roles: ['frontend'] },
    { name: 'apart-admin', netns: true, roles: ['backend'] },
  ]);
});
test.after.always(() => fleet?.stop());

interface SameMachine {
  hosts: string[];
  matched: Array<{ identifier: string; hosts: string[] }>;
}

function verdict(report: Report): { status: string; same: SameMachine[] } {
  const r = report.results.find((x) => x.check === CHECK && x.host === '*');
  if (!r) throw new Error(`no ${CHECK} result`);
  const ev = r.evidence.find((e) => e.fact === 'fleet.separation.same_machines');
  return { status: r.status, same: (ev?.actual as SameMachine[] | undefined) ?? [] };
}

test('two inventory names for one host are one machine: fail, matched by SSH host key and machine-id', async (t) => {
  const h = fleet.host('solo');
  const entry = (name: string, roles: string[]): InventoryHost => ({ name, address: h.address, port: h.port, roles, tags: [], public_ip: null, proxy_jump: null, sudo: 'nopasswd' });
  const inv = fleet.inventoryFile({ hosts: [], extraHosts: [entry('www', ['frontend']), entry('cms-admin', ['backend'])] });
  const { report, code } = await auditJson(inv, fleet.knownHostsFile, ['--check', CHECK]);
  t.is(code, 1);
  const v = verdict(report);
  t.is(v.status, 'fail', JSON.stringify(report.results));
  t.deepEqual(v.same.map((s) => s.hosts), [['cms-admin', 'www']]);
  const ids = v.same[0]!.matched.map((m) => m.identifier).sort();
  t.true(ids.includes('ssh_host_key') && ids.includes('machine_id'), ids.join(', '));
  const key = v.same[0]!.matched.find((m) => m.identifier === 'ssh_host_key') as { value?: string } | undefined;
  t.is(key?.value, h.fingerprint, 'the evidence names the shared host key');
});

test('two hosts with private addresses only that share a machine-id are one machine: fail', async (t) => {
  for (const n of ['twin-web', 'twin-admin']) t.regex(fleet.host(n).address, /^10\./, 'a private address only');
  const inv = fleet.inventoryFile({ hosts: ['twin-web', 'twin-admin'], sudo: 'nopasswd' });
  const { report } = await auditJson(inv, fleet.knownHostsFile, ['--check', CHECK]);
  const v = verdict(report);
  t.is(v.status, 'fail', JSON.stringify(report.results));
  t.deepEqual(v.same.map((s) => s.hosts), [['twin-admin', 'twin-web']]);
  t.deepEqual(v.same[0]!.matched.map((m) => m.identifier), ['machine_id'], 'only the machine ID matched (own host keys)');
  const raw = JSON.stringify(report);
  t.false(raw.includes(SHARED_ID), 'the machine ID itself never leaves the host: only a digest is compared');
});

test('separate machines pass; --check alone gives the same verdict as the full run', async (t) => {
  for (const [pair, want] of [
    [['apart-web', 'apart-admin'], 'pass'],
    [['twin-web', 'twin-admin'], 'fail'],
  ] as const) {
    const inv = fleet.inventoryFile({ hosts: [...pair], sudo: 'nopasswd' });
    const alone = await auditJson(inv, fleet.knownHostsFile, ['--check', CHECK]);
    const full = await auditJson(inv, fleet.knownHostsFile);
    t.is(verdict(alone.report).status, want, `${pair.join('+')} alone: ${JSON.stringify(alone.report.results)}`);
    t.is(verdict(full.report).status, want, `${pair.join('+')} in the full run`);
  }
});
