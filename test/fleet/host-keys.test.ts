/**
 * Strict host-key checking against real sshd host keys: unknown refused, --accept-new-host-keys
 * records unknown keys, a changed key is refused even with that flag, hashed entries are accepted.
 */
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFleet, type TestFleet } from '../harness/hosts.js';
import { auditJson, decided, errorMessages, gwsecAsync } from './helpers.js';

let fleet: TestFleet;

test.before(async () => {
  fleet = await startFleet([{ name: 'known' }, { name: 'stranger' }, { name: 'rotated' }]);
});
test.after.always(() => fleet?.stop());

/** a known_hosts file holding only these hosts' keys */
function knownHostsWith(file: string, names: string[]): string {
  const path = join(fleet.root, file);
  writeFileSync(path, names.map((n) => fleet.host(n).hostKeyLine + '\n').join(''));
  return path;
}

// serial: runs before the others, so nothing has logged in to 'stranger' yet
test.serial('an unknown host key is refused, naming the host and the fingerprint; the others complete', async (t) => {
  const kh = knownHostsWith('kh-unknown', ['known']);
  const inv = fleet.inventoryFile({ hosts: ['known', 'stranger'], sudo: 'nopasswd' });
  const { report, code } = await auditJson(inv, kh);
  t.is(code, 1);
  const msgs = errorMessages(report, 'stranger');
  t.is(msgs.length, 1, msgs.join('\n'));
  t.true(msgs[0]!.startsWith('transport_hostkey_unknown: stranger:'), msgs[0]);
  t.true(msgs[0]!.includes(fleet.host('stranger').fingerprint), msgs[0]);
  t.is(decided(report, 'stranger'), 0);
  t.true(decided(report, 'known') >= 20);
  t.is(readFileSync(kh, 'utf8'), fleet.host('known').hostKeyLine + '\n', 'nothing recorded without the flag');
  t.notRegex(fleet.log('stranger'), /Accepted publickey/, 'no credentials offered to an unverified host');
});

test('--accept-new-host-keys records an unknown key, and the next strict run accepts it', async (t) => {
  const kh = knownHostsWith('kh-accept', ['known']);
  const inv = fleet.inventoryFile({ hosts: ['stranger'], sudo: 'nopasswd' });
  const first = await auditJson(inv, kh, ['--accept-new-host-keys']);
  t.deepEqual(errorMessages(first.report, 'stranger').filter((m) => m.startsWith('transport_')), [], first.stderr);
  const key = fleet.host('stranger').hostKeyLine.split(' ').slice(1).join(' ');
  t.true(readFileSync(kh, 'utf8').includes(key), 'the key is now in the file');
  const second = await auditJson(inv, kh);
  t.true(decided(second.report, 'stranger') >= 20, second.stderr);
});

test('--accept-new-host-keys: the report lists every key accepted (host, type, SHA256 fingerprint), the text shows them', async (t) => {
  const kh = knownHostsWith('kh-report', ['known']);
  const inv = fleet.inventoryFile({ hosts: ['known', 'stranger'], sudo: 'nopasswd' });
  const first = await auditJson(inv, kh, ['--accept-new-host-keys']);
  const accepted = (first.report as unknown as { acceptedHostKeys?: unknown[] }).acceptedHostKeys;
  t.deepEqual(accepted, [{ host: 'stranger', type: 'ssh-ed25519', fingerprint: fleet.host('stranger').fingerprint }], 'only the key that was unknown');
  const hosts = first.report.hosts as Array<{ name: string; hostKey?: { fingerprint: string } }>;
  t.is(hosts.find((h) => h.name === 'known')?.hostKey?.fingerprint, fleet.host('known').fingerprint, 'every host record names the key it was trusted by');
  const again = await auditJson(inv, kh, ['--accept-new-host-keys']);
  t.false('acceptedHostKeys' in again.report, 'nothing new accepted the second time');
  const kh2 = knownHostsWith('kh-report-text', ['known']);
  const text = await gwsecAsync(['audit', '-i', inv, '--known-hosts', kh2, '--accept-new-host-keys', '--check', 'a40-7-no-extra-uid0']);
  t.regex(text.stdout, new RegExp(`1 host key\\(s\\) unknown before this run were accepted[\\s\\S]*?out of band[^\\n]*\\n  stranger  ssh-ed25519  ${fleet.host('stranger').fingerprint.replace(/[+/]/g, '\\$&')}\\n`));
});

test('a changed host key is refused, even with --accept-new-host-keys, and never recorded', async (t) => {
  const kh = knownHostsWith('kh-changed', ['known', 'rotated']);
  await fleet.rotateHostKey('rotated');
  const before = readFileSync(kh, 'utf8');
  const inv = fleet.inventoryFile({ hosts: ['known', 'rotated'], sudo: 'nopasswd' });
  for (const flags of [[], ['--accept-new-host-keys']]) {
    const { report, code } = await auditJson(inv, kh, flags);
    t.is(code, 1);
    const msgs = errorMessages(report, 'rotated');
    t.is(msgs.length, 1, msgs.join('\n'));
    t.true(msgs[0]!.startsWith('transport_hostkey_changed: rotated:'), msgs[0]);
    t.true(msgs[0]!.includes(fleet.host('rotated').fingerprint), 'names the presented key');
    t.is(decided(report, 'rotated'), 0);
    t.true(decided(report, 'known') >= 20);
  }
  t.is(readFileSync(kh, 'utf8'), before);
});

test('hashed known_hosts entries are accepted', async (t) => {
  const inv = fleet.inventoryFile({ hosts: ['known', 'stranger'], sudo: 'nopasswd' });
  t.regex(readFileSync(fleet.hashedKnownHostsFile, 'utf8'), /^\|1\|/);
  const { report, stderr } = await auditJson(inv, fleet.hashedKnownHostsFile);
  for (const h of ['known', 'stranger']) {
    t.deepEqual(errorMessages(report, h).filter((m) => m.startsWith('transport_')), [], stderr);
    t.true(decided(report, h) >= 20);
  }
});
