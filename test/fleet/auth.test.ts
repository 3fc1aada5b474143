/**
 * `gwsec audit -i` over real OpenSSH test hosts: key auth, password auth, ProxyJump. Each host runs in
 * its own mount namespace, so the fixture host's sshd_config really differs from the plain host's.
 */
import test from 'ava';
import { spawn, execFileSync } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startFleet, type TestFleet } from '../harness/hosts.js';
import { auditJson, decided, errorMessages, resultsOf } from './helpers.js';
import { waitUntil } from '../helpers/time.js';

let fleet: TestFleet;

test.before(async () => {
  fleet = await startFleet([
    { name: 'web-01', fixture: 'debian12-web-hardened' },
    { name: 'web-02' },
    // a bastion that forwards, and a host known by a name only the bastion resolves (to that host's address)
    { name: 'bastion', jump: true, etcHosts: { 'app.internal.test': 'app', 'hop2.internal.test': 'hop2' } },
    { name: 'app', aliases: ['app.internal.test'], roles: ['backend'] },
    // a second hop only the bastion can name, and behind it a host only that hop can name
    { name: 'hop2', jump: true, aliases: ['hop2.internal.test'], etcHosts: { 'deep.internal.test': 'deep' } },
    { name: 'deep', aliases: ['deep.internal.test'], roles: ['backend'] },
    { name: 'kbd', kbdInteractive: true },
  ]);
});
test.after.always(() => fleet?.stop());

test('key auth: each host is audited over its own connection and its own /etc', async (t) => {
  const inv = fleet.inventoryFile({ hosts: ['web-01', 'web-02'], sudo: 'nopasswd' });
  const { report, stderr } = await auditJson(inv, fleet.knownHostsFile);
  t.deepEqual(
    report.hosts.map((h) => [h.name, h.transport, h.platform.os]).sort(),
    [
      ['web-01', 'ssh:web-01', 'linux'],
      ['web-02', 'ssh:web-02', 'linux'],
    ],
    stderr,
  );
  for (const h of ['web-01', 'web-02']) {
    t.deepEqual(errorMessages(report, h).filter((m) => m.startsWith('transport_')), [], h);
    t.true(decided(report, h) >= 20, `${h}: most checks decided from collected facts`);
  }
  // the fixture's hardening drop-in says PermitRootLogin no; this machine's sshd_config does not
  const root = (h: string) => resultsOf(report, h).find((r) => r.check === 'a40-7-ssh-root-login-disabled')?.status;
  t.is(root('web-01'), 'pass');
  t.is(root('web-02'), 'fail');
  t.regex(fleet.log('web-01'), /Accepted publickey for gwtest/);
});

test('password auth: GWSEC_SSH_PASSWORD, never argv; a wrong password is an error for that host', async (t) => {
  const inv = fleet.inventoryFile({ hosts: ['web-02'], identityFile: null });
  const ok = await auditJson(inv, fleet.knownHostsFile, [], { GWSEC_SSH_PASSWORD: fleet.password });
  t.deepEqual(errorMessages(ok.report, 'web-02').filter((m) => m.startsWith('transport_')), [], ok.stderr);
  t.true(decided(ok.report, 'web-02') >= 20);
  t.regex(fleet.log('web-02'), /Accepted password for gwtest/);

  const bad = await auditJson(inv, fleet.knownHostsFile, [], { GWSEC_SSH_PASSWORD: 'not-the-password' });
  const msgs = errorMessages(bad.report, 'web-02');
  t.true(msgs.length > 0 && msgs.every((m) => /transport_auth_error: web-02: authentication failed for gwtest/.test(m)), msgs.join('\n'));
  t.is(decided(bad.report, 'web-02'), 0);
  t.false(bad.stdout.includes('not-the-password') || bad.stderr.includes('not-the-password'));
});

test('ProxyJump: a host only the bastion can resolve is audited through it', async (t) => {
  // precondition: from here the name does not resolve, so success means the jump was used
  await t.throwsAsync(lookup('app.internal.test'));
  const app = fleet.host('app');
  const inv = fleet.inventoryFile({
    hosts: ['bastion', 'app'],
    sudo: 'nopasswd',
    host: { app: { address: 'app.internal.test', port: app.port, proxy_jump: 'bastion' } },
  });
  const { report, stderr } = await auditJson(inv, fleet.knownHostsFile, ['--hosts', 'app']);
  t.deepEqual(report.hosts.map((h) => h.name), ['app'], stderr);
  t.deepEqual(errorMessages(report, 'app').filter((m) => m.startsWith('transport_')), []);
  t.true(decided(report, 'app') >= 20);
  t.regex(fleet.log('bastion'), /Accepted publickey for gwtest/);
  t.regex(fleet.log('app'), /Accepted publickey for gwtest/);

  // the same host without the jump cannot even be found
  const direct = fleet.inventoryFile({ hosts: ['app'], sudo: 'nopasswd', host: { app: { address: 'app.internal.test', port: app.port } } });
  const d = await auditJson(direct, fleet.knownHostsFile);
  t.is(decided(d.report, 'app'), 0);
  t.true(errorMessages(d.report, 'app').some((m) => /transport_connect_error: app:/.test(m)));
});

test('ProxyJump with two hops: each name resolves only on the hop before it', async (t) => {
  await t.throwsAsync(lookup('hop2.internal.test'));
  await t.throwsAsync(lookup('deep.internal.test'));
  const inv = fleet.inventoryFile({
    hosts: ['bastion', 'hop2', 'deep'],
    sudo: 'nopasswd',
    host: {
      hop2: { address: 'hop2.internal.test', port: fleet.host('hop2').port },
      deep: { address: 'deep.internal.test', port: fleet.host('deep').port, proxy_jump: 'bastion,hop2' },
    },
  });
  const { report, stderr } = await auditJson(inv, fleet.knownHostsFile, ['--hosts', 'deep']);
  t.deepEqual(errorMessages(report, 'deep').filter((m) => m.startsWith('transport_')), [], stderr);
  t.true(decided(report, 'deep') >= 20);
  for (const h of ['bastion', 'hop2', 'deep']) t.regex(fleet.log(h), /Accepted publickey for gwtest/, h);
});

test('ssh-agent auth: the key is only in a running agent (SSH_AUTH_SOCK), no identity file', async (t) => {
  const sock = join(fleet.root, `agent-${process.pid}.sock`);
  const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
  t.teardown(() => agent.kill());
  await waitUntil(() => existsSync(sock), 2000, 20);
  execFileSync('ssh-add', [fleet.clientKeyFile], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
  const inv = fleet.inventoryFile({ hosts: ['web-02'], identityFile: null, sudo: 'nopasswd' });
  const before = fleet.log('web-02').length;
  const ok = await auditJson(inv, fleet.knownHostsFile, [], { SSH_AUTH_SOCK: sock });
  t.deepEqual(errorMessages(ok.report, 'web-02').filter((m) => m.startsWith('transport_')), [], ok.stderr);
  t.true(decided(ok.report, 'web-02') >= 20);
  t.regex(fleet.log('web-02').slice(before), /Accepted publickey for gwtest/);
  // the same run without the agent has no credential at all
  const none = await auditJson(inv, fleet.knownHostsFile);
  const msgs = errorMessages(none.report, 'web-02');
  t.true(msgs.length > 0 && msgs.every((m) => m.startsWith('transport_auth_error')), none.stderr);
});

test('keyboard-interactive auth (PAM prompts, password auth off): answered from GWSEC_SSH_PASSWORD', async (t) => {
  const inv = fleet.inventoryFile({ hosts: ['kbd'], identityFile: null, sudo: 'nopasswd' });
  const ok = await auditJson(inv, fleet.knownHostsFile, [], { GWSEC_SSH_PASSWORD: fleet.password });
  t.deepEqual(errorMessages(ok.report, 'kbd').filter((m) => m.startsWith('transport_')), [], ok.stderr);
  t.true(decided(ok.report, 'kbd') >= 20);
  t.regex(fleet.log('kbd'), /Accepted keyboard-interactive\/pam for gwtest/);
});
