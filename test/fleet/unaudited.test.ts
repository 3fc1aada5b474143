/**
 * A host that could not be audited never lets a run look green (issue 16): exit 1, `hosts[].status`
 * says why (unreachable, host_key_unknown, host_key_changed, auth_failed, timeout) with the error
 * text, and the text report gives it one line instead of one ERROR line per check.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFleet, type TestFleet } from '../harness/hosts.js';
import type { InventoryHost } from '../harness/inventory.js';
import { auditJson, gwsecAsync } from './helpers.js';

let fleet: TestFleet;
/** checks every harness host passes (no fixture needed): the run is green but for the bad host */
const PASSING = ['--check', 'a40-7-no-extra-uid0', '--check', 'a40-7-no-empty-passwords'];

test.before(async () => {
  fleet = await startFleet([{ name: 'ok-1' }, { name: 'ok-2' }, { name: 'rekeyed' }, { name: 'stuck', hang: true }]);
});
test.after.always(() => fleet?.stop());

/** nothing ever listens at the fleet's closed address, whatever else runs on this machine */
async function closedHost(name: string): Promise<InventoryHost> {
  return { name, address: fleet.closedAddress, port: 22, roles: ['frontend'], tags: [], public_ip: null, proxy_jump: null, sudo: false };
}

interface HostRow {
  name: string;
  status?: string;
  error?: { code: string; message: string; zh?: string };
}
const hostRow = (hosts: unknown[], name: string) => (hosts as HostRow[]).find((h) => h.name === name);

test('only unreachable hosts: exit 1, status unreachable, one text line per host', async (t) => {
  const inv = fleet.inventoryFile({ hosts: [], extraHosts: [await closedHost('gone-1'), await closedHost('gone-2')] });
  const { report, code } = await auditJson(inv, fleet.knownHostsFile);
  t.is(code, 1);
  for (const n of ['gone-1', 'gone-2']) {
    const h = hostRow(report.hosts, n);
    t.is(h?.status, 'unreachable', JSON.stringify(h));
    t.is(h?.error?.code, 'transport_connect_error');
    t.regex(h?.error?.message ?? '', /ECONNREFUSED/);
    t.regex(h?.error?.zh ?? '', new RegExp(`^${n}：无法连接（.*ECONNREFUSED`), 'the reason in Chinese too, as data');
  }
  const text = await gwsecAsync(['audit', '-i', inv, '--known-hosts', fleet.knownHostsFile]);
  t.is(text.code, 1);
  t.is(text.stdout.split('\n').filter((l) => /^\s+ERROR\s/.test(l)).length, 0, text.stdout);
  for (const n of ['gone-1', 'gone-2']) t.is(text.stdout.split('\n').filter((l) => /UNREACHABLE: .*ECONNREFUSED/.test(l) && l.includes(n)).length, 1, text.stdout);
  t.regex(text.stdout, /Verdict: FAIL, exit 1 \(2 host\(s\) not audited: gone-1, gone-2/);
});

test('reachable hosts that pass every selected check plus one unreachable host: exit 1 (0 without it)', async (t) => {
  const green = await auditJson(fleet.inventoryFile({ hosts: ['ok-1', 'ok-2'], sudo: 'nopasswd' }), fleet.knownHostsFile, PASSING);
  t.is(green.code, 0, JSON.stringify(green.report.results.map((r) => [r.host, r.check, r.status])));
  t.true(green.report.results.length >= 4 && green.report.results.every((r) => r.status === 'pass'));
  const inv = fleet.inventoryFile({ hosts: ['ok-1', 'ok-2'], sudo: 'nopasswd', extraHosts: [await closedHost('gone')] });
  const { report, code } = await auditJson(inv, fleet.knownHostsFile, PASSING);
  t.is(code, 1);
  t.is(hostRow(report.hosts, 'gone')?.status, 'unreachable');
  for (const n of ['ok-1', 'ok-2']) t.is(hostRow(report.hosts, n)?.status, 'ok');
  t.true(report.results.filter((r) => r.host !== 'gone').every((r) => r.status === 'pass'));
});

test('an empty known_hosts: every host is host_key_unknown, exit 1', async (t) => {
  const kh = join(fleet.root, 'kh-empty');
  writeFileSync(kh, '');
  const { report, code } = await auditJson(fleet.inventoryFile({ hosts: ['ok-1', 'ok-2'], sudo: 'nopasswd' }), kh, PASSING);
  t.is(code, 1);
  for (const n of ['ok-1', 'ok-2']) {
    const h = hostRow(report.hosts, n);
    t.is(h?.status, 'host_key_unknown');
    t.true(h?.error?.message.includes(fleet.host(n).fingerprint), h?.error?.message);
  }
});

test('a changed host key: host_key_changed, exit 1, even with passing checks elsewhere', async (t) => {
  const kh = join(fleet.root, 'kh-before-rotation');
  writeFileSync(kh, ['ok-1', 'rekeyed'].map((n) => fleet.host(n).hostKeyLine + '\n').join(''));
  await fleet.rotateHostKey('rekeyed');
  const { report, code } = await auditJson(fleet.inventoryFile({ hosts: ['ok-1', 'rekeyed'], sudo: 'nopasswd' }), kh, PASSING);
  t.is(code, 1);
  t.is(hostRow(report.hosts, 'ok-1')?.status, 'ok');
  const h = hostRow(report.hosts, 'rekeyed');
  t.is(h?.status, 'host_key_changed');
  t.regex(h?.error?.message ?? '', /HOST KEY CHANGED/);
  const text = await gwsecAsync(['audit', '-i', fleet.inventoryFile({ hosts: ['rekeyed'] }), '--known-hosts', kh, '--lang', 'zh']);
  t.is(text.code, 1);
  t.regex(text.stdout.replace(/\s+/g, ''), /主机密钥已变化：rekeyed：主机密钥已变化——对方出示的/, 'the zh report says why in Chinese');
  t.notRegex(text.stdout, /HOST KEY CHANGED/, 'and not in English');
});

test('refused credentials: auth_failed; a host that hangs: timeout', async (t) => {
  const otherKey = join(fleet.root, 'not-authorized');
  t.is(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]).status, 0);
  const inv = fleet.inventoryFile({ hosts: ['ok-1', 'stuck'], identityFile: otherKey, host: { stuck: { identity_file: fleet.clientKeyFile } } });
  const { report, code } = await auditJson(inv, fleet.knownHostsFile, [...PASSING, '--timeout', '5']);
  t.is(code, 1);
  t.is(hostRow(report.hosts, 'ok-1')?.status, 'auth_failed', JSON.stringify(report.hosts));
  t.is(hostRow(report.hosts, 'stuck')?.status, 'timeout', JSON.stringify(report.hosts));
});
