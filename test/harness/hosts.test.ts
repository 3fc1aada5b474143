/**
 * The test-host harness itself, checked with the system's OpenSSH client (independent of gwsec's
 * transport): hosts really differ, accounts and sudo work inside the overlays, known_hosts files are
 * what OpenSSH accepts, and stop() leaves no process and no directory behind.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';
import { mergeAccounts, sudoersFor } from './accounts.js';
import { connect, createServer } from 'node:net';
import { hashedPattern, hostPattern } from './known-hosts.js';
import { mountNsOf, ownerAlive, ownerId, startTicks } from './procs.js';
import { startFleet, type TestFleet } from './hosts.js';
import { BIN } from '../helpers/cli.js';
import { scaled, waitUntil } from '../helpers/time.js';

const FIXTURE = join(packageRoot(), 'test', 'fixtures', 'hosts', 'debian12-web-hardened', 'files', 'etc');

function sh(cmd: string, args: string[], o: { stdin?: string; timeoutMs?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = execFile(cmd, args, { encoding: 'utf8', timeout: o.timeoutMs ?? scaled(10_000) }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
    // the child may exit (e.g. ssh refusing a host key) before reading stdin: that is its answer, not an error
    c.stdin?.on('error', () => {});
    c.stdin?.end(o.stdin ?? '');
  });
}

function ssh(f: TestFleet, host: string, command: string, o: { stdin?: string; timeoutMs?: number; user?: string; knownHosts?: string } = {}) {
  return sh(
    'ssh',
    ['-F', f.sshConfigFile, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', ...(o.knownHosts ? ['-o', `UserKnownHostsFile=${o.knownHosts}`] : []), ...(o.user ? ['-l', o.user] : []), host, command],
    o,
  );
}

test('mergeAccounts replaces a same-named entry, keeps the rest, adds a missing sshd user', (t) => {
  const base = { passwd: 'root:x:0:0::/root:/bin/bash\ngwtest:x:7:7::/x:/bin/sh\n', shadow: 'root:*:1::::::\ngwtest:!:1::::::\n', group: 'root:x:0:\n' };
  const m = mergeAccounts(base, [{ name: 'gwtest', uid: 4200, gid: 4200, home: '/h', shell: '/bin/bash', hash: '$6$x$y' }], { passwd: ['sshd:x:101:65534::/run/sshd:/usr/sbin/nologin'], group: [] });
  t.deepEqual(m.passwd.trim().split('\n'), ['root:x:0:0::/root:/bin/bash', 'sshd:x:101:65534::/run/sshd:/usr/sbin/nologin', 'gwtest:x:4200:4200:gwsec test user:/h:/bin/bash']);
  t.deepEqual(m.shadow.trim().split('\n'), ['root:*:1::::::', 'gwtest:$6$x$y:20000:0:99999:7:::']);
  t.throws(() => mergeAccounts(base, [{ name: 'u', uid: 1, gid: 1, home: '/', shell: '/bin/sh', hash: '!locked' }]), { message: /must not start with '!'/ });
});

test('sudoersFor: nopasswd, password, requiretty, none', (t) => {
  const s = sudoersFor([
    { name: 'a', sudo: 'nopasswd' },
    { name: 'b', sudo: 'password', requiretty: true },
    { name: 'c', sudo: 'none' },
  ]);
  t.true(s.includes('a ALL=(ALL:ALL) NOPASSWD: ALL'));
  t.true(s.includes('b ALL=(ALL:ALL) ALL'));
  t.true(s.includes('Defaults:b requiretty'));
  t.false(/^c /m.test(s));
});

test('real hosts: fixture /etc over the real one, accounts, sudo, hashed known_hosts, hang, clean stop', async (t) => {
  const fleet = await startFleet([
    { name: 'fx', fixture: 'debian12-web-hardened', users: [{ name: 'gwtest', sudo: 'nopasswd' }, { name: 'pw', password: 'Pw-1-secret', sudo: 'password' }, { name: 'nosudo' }] },
    { name: 'plain' },
    { name: 'stuck', hang: true },
  ]);
  t.teardown(() => fleet.stop());
  const cat = 'cat /etc/ssh/sshd_config; echo ---; id -un; sudo -n id -u';
  const [fx, plain] = await Promise.all([ssh(fleet, 'fx', cat), ssh(fleet, 'plain', cat)]);
  t.is(fx.code, 0, fx.stderr);
  t.is(fx.stdout, `${readFileSync(join(FIXTURE, 'ssh', 'sshd_config'), 'utf8')}---\ngwtest\n0\n`);
  t.is(plain.code, 0, plain.stderr);
  t.is(plain.stdout, `${readFileSync('/etc/ssh/sshd_config', 'utf8')}---\ngwtest\n0\n`);
  // the fixture's firmware strings are what the host shows under /sys/class/dmi/id
  const dmi = await ssh(fleet, 'fx', 'cat /sys/class/dmi/id/sys_vendor /sys/class/dmi/id/product_name');
  t.is(dmi.stdout, ['sys_vendor', 'product_name'].map((f) => readFileSync(join(FIXTURE, '..', 'sys', 'class', 'dmi', 'id', f), 'utf8')).join(''), dmi.stderr);
  // the fixture's own accounts are there next to the test users; this machine's /etc has neither
  t.regex((await ssh(fleet, 'fx', 'getent passwd zhangwei pw')).stdout, /^zhangwei:.*\npw:x:\d+/);
  t.false(readFileSync('/etc/passwd', 'utf8').includes('gwtest:'));

  // password sudo reads the password from stdin; a user outside sudoers is refused
  const pw = await ssh(fleet, 'fx', 'sudo -S -p "" id -u', { user: 'pw', stdin: 'Pw-1-secret\n' });
  t.is(pw.stdout.trim(), '0', pw.stderr);
  const bad = await ssh(fleet, 'fx', 'sudo -S -p "" id -u', { user: 'pw', stdin: 'wrong\n' });
  t.not(bad.code, 0);
  const refused = await ssh(fleet, 'fx', 'sudo -n id -u', { user: 'nosudo' });
  t.not(refused.code, 0);
  t.regex(refused.stderr, /not in the sudoers|may not run sudo|password is required/);

  // OpenSSH itself accepts the hashed file and finds every host in it
  t.is((await ssh(fleet, 'plain', 'true', { knownHosts: fleet.hashedKnownHostsFile })).code, 0);
  const h = fleet.host('plain');
  const found = await sh('ssh-keygen', ['-F', hostPattern(h.address, h.port), '-f', fleet.hashedKnownHostsFile]);
  t.true(found.stdout.includes(h.hostKeyLine.split(' ')[2]!));
  t.regex(hashedPattern('x'), /^\|1\|[A-Za-z0-9+/=]{28}\|[A-Za-z0-9+/=]{28}$/);

  // a rotated key is refused against the original known_hosts
  const oldLine = fleet.host('plain').hostKeyLine;
  await fleet.rotateHostKey('plain');
  t.not(fleet.host('plain').hostKeyLine, oldLine);
  t.is(fleet.host('plain').port, h.port);
  const changed = await ssh(fleet, 'plain', 'true');
  t.not(changed.code, 0);
  t.regex(changed.stderr, /HOST IDENTIFICATION HAS CHANGED/);

  // a session that hangs: stop() must end it too (the client hangs until then)
  const stuckRun = ssh(fleet, 'stuck', 'echo hi', { timeoutMs: scaled(30_000) });
  const nss = new Set(fleet.hosts.map((x) => mountNsOf(x.pid)!));
  t.is(nss.size, 3, 'a mount namespace per host');
  // every process of a host is in its cgroup: the listener, and the hung session's sshd ([priv] and user) and sleep
  t.true(await waitUntil(() => fleet.pids('stuck').length >= 4, 20_000), `listener plus the hung session: ${fleet.pids('stuck').join(' ')}`);
  t.true(fleet.hosts.every((x) => fleet.pids(x.name).includes(x.pid)), 'each sshd is in its own cgroup');
  const procs = fleet.hosts.flatMap((x) => fleet.pids(x.name).map((pid) => [pid, startTicks(pid)] as const));
  await fleet.stop();
  const stuck = await stuckRun;
  t.not(stuck.code, 0);
  t.false(stuck.stdout.includes('hi'));
  // gone: no PID left that is still the same process (same start time), other than as a zombie
  // (dead, its exit status not yet collected by whoever inherited it)
  const state = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0];
    } catch {
      return 'gone';
    }
  };
  t.deepEqual(procs.filter(([pid, start]) => startTicks(pid) === start && state(pid) !== 'Z'), []);
  t.false(existsSync(fleet.root));
  await fleet.stop(); // idempotent
});

test('an owner is a PID and its start time: a reused PID is not the same owner', (t) => {
  t.true(ownerAlive(ownerId()));
  const [pid, start] = ownerId().split('-').map(Number);
  t.false(ownerAlive(`${pid}-${start! + 1}`));
  t.false(ownerAlive('not-an-owner'));
});

test('hosts in their own network namespaces: own address on port 22, own interfaces and listeners; gone after stop', async (t) => {
  // this machine listens on a port meanwhile: no test host may see it
  const mine = createServer();
  await new Promise<void>((r) => mine.listen(0, '0.0.0.0', r));
  t.teardown(() => mine.close());
  const fleet = await startFleet([{ name: 'n1', fixture: 'debian12-web-hardened' }, { name: 'n2' }]);
  t.teardown(() => fleet.stop());
  const [a, b] = fleet.hosts;
  t.not(a!.address, b!.address);
  t.is(a!.port, 22);
  t.regex(a!.address, /^10\.\d+\.\d+\.2$/);
  t.is(b!.address, a!.address.replace(/\.2$/, '.3'), 'one /24 per fleet');
  const look = 'ip -o -4 addr show; echo ---; ss -ltnH';
  const [ra, rb] = await Promise.all([ssh(fleet, 'n1', look), ssh(fleet, 'n2', look)]);
  t.is(ra.code, 0, ra.stderr);
  t.true(ra.stdout.includes(`inet ${a!.address}/24`), ra.stdout);
  t.false(ra.stdout.includes(b!.address));
  t.true(rb.stdout.includes(`inet ${b!.address}/24`), rb.stdout);
  // each sees only its own sshd listening, not this machine's or the other host's sockets
  t.deepEqual(ra.stdout.split('---\n')[1]!.trim().split('\n').map((l) => l.trim().split(/\s+/)[3]), [`${a!.address}:22`]);
  // each has its own PID namespace and /proc: sshd is PID 1 there, and the process list holds only
  // that host's processes (its sshd, this session), not this test's or the other host's
  const procs = 'cat /proc/1/comm; echo ---; cat /proc/[0-9]*/comm; echo ---; cat /proc/self/stat';
  const [pa, pb] = await Promise.all([ssh(fleet, 'n1', procs), ssh(fleet, 'n2', procs)]);
  for (const p of [pa, pb]) {
    t.is(p.code, 0, p.stderr);
    const [init, comms, self] = p.stdout.split('---\n');
    t.is(init, 'sshd\n');
    t.false(comms!.split('\n').includes('node'), comms);
    t.true(comms!.split('\n').filter(Boolean).length < 10, comms);
    t.true(Number(self!.split(' ')[0]) < 100, self); // a PID of the host's own namespace
  }
  // unshare stays in this PID namespace; its child, sshd, is in a new one
  t.not(readlinkSync(`/proc/${a!.pid}/ns/pid_for_children`), readlinkSync('/proc/self/ns/pid'));
  // hosts reach each other over the fleet's bridge (as a bastion reaches the hosts behind it)
  const reach = await ssh(fleet, 'n1', `timeout 5 bash -c 'exec 3<>/dev/tcp/${b!.address}/22; head -c 7 <&3'`);
  t.is(reach.stdout, 'SSH-2.0', reach.stderr);
  // the fleet's closed address refuses at once (nothing ever listens in the bridge's namespace)
  const refused = await new Promise<string>((res) => connect(22, fleet.closedAddress).once('connect', () => res('connected')).once('error', (e: NodeJS.ErrnoException) => res(e.code ?? '')));
  t.is(refused, 'ECONNREFUSED');
  // a second fleet at the same time gets a /24 of its own
  const other = await startFleet([{ name: 'o1' }]);
  t.teardown(() => other.stop());
  t.not(other.hosts[0]!.address.split('.').slice(0, 3).join('.'), a!.address.split('.').slice(0, 3).join('.'));
  t.is((await ssh(other, 'o1', 'echo ok')).stdout, 'ok\n');
  await other.stop();
  // an audit over SSH sees the host's own address among its interfaces
  const inv = fleet.inventoryFile({ hosts: ['n1'], sudo: 'nopasswd' });
  const audit = await sh(process.execPath, [BIN, 'facts', '-i', inv, '--known-hosts', fleet.knownHostsFile], { timeoutMs: scaled(60_000) });
  t.true(audit.stdout.includes(a!.address), `exit ${audit.code}: ${audit.stderr}`);
  const names = (await sh('ip', ['netns', 'list'])).stdout;
  await fleet.stop();
  const after = (await sh('ip', ['netns', 'list'])).stdout;
  const ours = (list: string) => list.split('\n').map((l) => l.split(' ')[0]!).filter((l) => l.startsWith(`gwsec-${a!.address.split('.').slice(1, 3).join('-')}-`) || l.startsWith(`gwsec-net-${a!.address.split('.').slice(1, 3).join('-')}`));
  t.is(ours(names).length, 3, `two hosts and the fleet's bridge: ${names}`);
  t.deepEqual(ours(after), [], after);
});
