/**
 * Real OpenSSH test hosts (DESIGN §3.3). Each host is `/usr/sbin/sshd -D -e -f <own config>` run as
 * root with its own host key, in its own network namespace (own address on the fleet's private /24,
 * port 22, own interfaces and listening sockets: network.ts) and its own mount namespace
 * (`unshare --mount --propagation private`) where overlays put that host's fixture files and the test
 * accounts over /etc (and /usr, /var when the fixture has files there), and its own PID namespace
 * with its own /proc. The audit over SSH therefore reads that fixture's sshd_config, login.defs,
 * sudoers, sockets, processes… while this machine stays untouched, and what other suites running on
 * this machine listen on or run never shows in a test host.
 *
 * Every process a host starts is in that host's cgroup; stop() has the kernel kill them all
 * (cgroup.kill, procs.ts), never a PID that may since belong to someone else, and the overlays
 * and namespaces vanish with them. An exit/SIGINT/SIGTERM handler does the same, and each host's
 * unshare gets PR_SET_PDEATHSIG (setpriv --pdeathsig KILL) and passes it on to sshd (--kill-child),
 * so no listener outlives a killed test process.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../../src/util/paths.js';
import { freeIds, mergeAccounts, pamSudo, sudoersFor, type Account, type AccountFiles, type TestUser } from './accounts.js';
import { inventoryYaml, type InventoryDoc, type InventoryHost, type InventorySudo } from './inventory.js';
import { hostPattern, knownHostsLines, publicKeyOf } from './known-hosts.js';
import { FleetNetwork } from './network.js';
import { HostCgroup, mountNsOf } from './procs.js';
import { sshdConfig, startScript } from './sshd-config.js';
import { scaled, sleep } from '../helpers/time.js';

export type { TestUser } from './accounts.js';

export interface TestHostSpec {
  name: string;
  /** a folder under test/fixtures/hosts/ (or an absolute path): its files/{etc,usr,var} shadow the real ones */
  fixture?: string;
  /** default: one user `gwtest` with the fleet's password and passwordless sudo */
  users?: TestUser[];
  /** every command hangs (ForceCommand sleep): for deadline tests */
  hang?: boolean;
  /** password logins only by keyboard-interactive (UsePAM yes; no fixture: needs this machine's PAM) */
  kbdInteractive?: boolean;
  /** AllowTcpForwarding yes: this host can be a ProxyJump hop */
  jump?: boolean;
  /** extra /etc/hosts entries inside this host (name → an address, or the name of a host of this fleet): names only a jump host resolves */
  etcHosts?: Record<string, string>;
  /** extra names for this host's known_hosts entries */
  aliases?: string[];
  /** sudo's PAM stack sleeps this long after reading the password (to sample `ps` meanwhile) */
  sudoDelayMs?: number;
  /** @deprecated every host has its own network namespace now (accepted, ignored) */
  netns?: boolean;
  /**
   * this host's /etc/machine-id (32 hex digits). Default: the fixture's, else a random one, as each
   * machine has its own; two hosts given the same one are one machine to Article 40(五).
   */
  machineId?: string;
  /**
   * adds what a fixture folder cannot hold (a FIFO, a link to /dev/zero, a 2 GB sparse file) to this
   * host's layers before they are mounted: `layer` holds etc/ (+ usr/, var/), shadowing the real ones
   */
  prepare?: (layer: string) => void;
  /** inventory metadata; default from the fixture's host.yaml, else [frontend] / null */
  roles?: string[];
  tags?: string[];
  publicIp?: string | null;
}

export interface TestHost {
  name: string;
  /** on the fleet's private /24 (10.x.y.k), reachable from this machine and from the other hosts */
  address: string;
  /** 22 */
  port: number;
  /** `10.x.y.k ssh-ed25519 AAAA…` */
  hostKeyLine: string;
  /** `SHA256:…`, as OpenSSH prints it */
  fingerprint: string;
  /** the PID of the host's `unshare` (in the host's mount namespace; sshd is its child, PID 1 of the host's PID namespace) */
  pid: number;
  users: TestUser[];
  roles: string[];
  tags: string[];
  publicIp: string | null;
}

export interface InventoryFileOptions {
  /** where to write; default a new file in the fleet dir */
  file?: string;
  /** which fleet hosts, in this order (default all) */
  hosts?: string[];
  user?: string;
  /** default false; true means 'password' to gwsec */
  sudo?: InventorySudo;
  /** default the fleet's client key; null leaves it out (password auth) */
  identityFile?: string | null;
  site?: InventoryDoc['site'];
  operator?: InventoryDoc['operator'];
  /** per-host overrides merged over the generated entry (proxy_jump, sudo, address, user…) */
  host?: Record<string, Partial<InventoryHost>>;
  /** entries for hosts the fleet does not run (an unreachable one, say) */
  extraHosts?: InventoryHost[];
  /** more top-level keys (attestations, vars) */
  top?: Record<string, unknown>;
}

export interface TestFleet {
  hosts: TestHost[];
  /** the fleet's temp dir (mode 0755) */
  root: string;
  /** all hosts' original keys, one `[addr]:port key` line each; rotateHostKey does not rewrite it */
  knownHostsFile: string;
  hashedKnownHostsFile: string;
  /** ed25519 private key accepted by every host for every user */
  clientKeyFile: string;
  /** Host <name> with HostName, Port, User, IdentityFile, UserKnownHostsFile */
  sshConfigFile: string;
  /** the password of users given none (random per fleet) */
  password: string;
  host(name: string): TestHost;
  /** sshd's stderr (-e) so far: connections, auth results */
  log(name: string): string;
  inventoryFile(opts?: InventoryFileOptions): string;
  /** restart that sshd on the same port with a new host key */
  rotateHostKey(name: string): Promise<void>;
  /** an address on the fleet's network where nothing listens (connections refused at once): an unreachable host's */
  closedAddress: string;
  /** the PIDs of every process of that host now (its cgroup's members) */
  pids(name: string): number[];
  /** CPU time (µs) that host's processes have used so far, exited ones included (its cgroup's cpu.stat) */
  cpuUsec(name: string): number;
  /** kills every process of every host (their cgroups), removes their namespaces and the temp dir; idempotent */
  stop(): Promise<void>;
}

export const DEFAULT_USER = 'gwtest';
const FIXTURES = join(packageRoot(), 'test', 'fixtures', 'hosts');
const OVERLAID = ['etc', 'usr', 'var'];
/** firmware strings: under files/ in a fixture, mounted over /sys/class/dmi/id in the host */
const DMI = 'sys/class/dmi/id';
/** sudo's timestamp and lecture state, private to each host */
const PRIVATE_DIRS = ['/run/sudo', '/var/lib/sudo'];
const START_CONCURRENCY = 16;
/** nominal: sshd says it listens within this (GWSEC_TEST_TIME_SCALE lengthens it) */
const READY_TIMEOUT_MS = 15_000;
const LOG_CAP = 1024 * 1024;
/** nominal: a killed host's processes are all gone within this */
const STOP_TIMEOUT_MS = 10_000;

interface Running {
  spec: TestHostSpec;
  host: TestHost;
  dir: string;
  child: ChildProcess;
  exited: Promise<void>;
  cgroup: HostCgroup;
  log: string;
}

const live = new Set<Fleet>();

export async function startFleet(specs: TestHostSpec[]): Promise<TestFleet> {
  const names = new Set<string>();
  for (const s of specs) {
    if (!/^[A-Za-z0-9._-]+$/.test(s.name)) throw new Error(`harness: bad host name '${s.name}'`);
    if (names.has(s.name)) throw new Error(`harness: duplicate host name '${s.name}'`);
    names.add(s.name);
  }
  const root = mkdtempSync('/tmp/gwsec-fleet-');
  chmodSync(root, 0o755); // test users read authorized_keys and their homes under it
  const fleet = new Fleet(root);
  live.add(fleet);
  installExitHandlers();
  try {
    await fleet.start(specs);
  } catch (e) {
    await fleet.stop();
    throw e;
  }
  return fleet;
}

class Fleet implements TestFleet {
  hosts: TestHost[] = [];
  knownHostsFile: string;
  hashedKnownHostsFile: string;
  clientKeyFile: string;
  sshConfigFile: string;
  password = `gw-${randomBytes(9).toString('base64url')}`;
  private running = new Map<string, Running>();
  private inventories = 0;
  private stopped = false;
  private hashes = new Map<string, Promise<string>>();
  private net: FleetNetwork | undefined;
  private index = new Map<string, number>();
  private readonly id = randomBytes(4).toString('hex');

  constructor(readonly root: string) {
    this.knownHostsFile = join(root, 'known_hosts');
    this.hashedKnownHostsFile = join(root, 'known_hosts.hashed');
    this.clientKeyFile = join(root, 'client_ed25519');
    this.sshConfigFile = join(root, 'ssh_config');
  }

  async start(specs: TestHostSpec[]): Promise<void> {
    specs.forEach((s, i) => this.index.set(s.name, i));
    this.net = FleetNetwork.create();
    await keygen(this.clientKeyFile, 'gwsec-test-client');
    writeFileSync(join(this.root, 'authorized_keys'), readFileSync(`${this.clientKeyFile}.pub`), { mode: 0o644 });
    mkdirSync(join(this.root, 'bin'));
    writeFileSync(join(this.root, 'bin', 'hang.sh'), '#!/bin/sh\necho "gwsec test host: hanging" >&2\nexec sleep 600\n', { mode: 0o755 });
    await pool(specs.map((s) => () => this.startHost(s)), START_CONCURRENCY);
    this.hosts = specs.map((s) => this.running.get(s.name)!.host);
    this.writeClientFiles();
  }

  host(name: string): TestHost {
    const r = this.running.get(name);
    if (!r) throw new Error(`harness: no host '${name}'`);
    return r.host;
  }

  log(name: string): string {
    return this.running.get(name)?.log ?? '';
  }

  get closedAddress(): string {
    return this.net!.closedAddress;
  }

  pids(name: string): number[] {
    return this.running.get(name)?.cgroup.pids() ?? [];
  }

  cpuUsec(name: string): number {
    return this.running.get(name)?.cgroup.cpuUsec() ?? NaN;
  }

  inventoryFile(opts: InventoryFileOptions = {}): string {
    const pick = opts.hosts ?? this.hosts.map((h) => h.name);
    const doc: InventoryDoc = {
      site: opts.site ?? { name: '示例政府网站', domains: [] },
      operator: opts.operator ?? { unit: '某市政务服务数据管理局', class: 'state_organ' },
      defaults: {
        user: opts.user ?? DEFAULT_USER,
        port: 22,
        ...(opts.identityFile === null ? {} : { identity_file: opts.identityFile ?? this.clientKeyFile }),
        sudo: opts.sudo ?? false,
      },
      hosts: [
        ...pick.map((n) => {
          const h = this.host(n);
          const entry: InventoryHost = { name: h.name, address: h.address, port: h.port, roles: h.roles, tags: h.tags, public_ip: h.publicIp, proxy_jump: null, sudo: opts.sudo ?? false };
          return { ...entry, ...(opts.host?.[n] ?? {}) };
        }),
        ...(opts.extraHosts ?? []),
      ],
      ...(opts.top ?? {}),
    };
    const file = opts.file ?? join(this.root, `inventory-${++this.inventories}.yaml`);
    writeFileSync(file, inventoryYaml(doc));
    return file;
  }

  async rotateHostKey(name: string): Promise<void> {
    const r = this.running.get(name);
    if (!r) throw new Error(`harness: no host '${name}'`);
    await killHosts([r]);
    rmSync(join(r.dir, 'ssh_host_ed25519_key'), { force: true });
    rmSync(join(r.dir, 'ssh_host_ed25519_key.pub'), { force: true });
    await this.startHost(r.spec);
    const i = this.hosts.findIndex((h) => h.name === name);
    this.hosts[i] = this.running.get(name)!.host;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await killHosts([...this.running.values()]);
    this.net?.remove();
    rmSync(this.root, { recursive: true, force: true });
    live.delete(this);
  }

  /** exit handler: no awaiting possible, so SIGKILL everything and remove the dir */
  stopSync(): void {
    if (this.stopped) return;
    this.stopped = true;
    const rs = [...this.running.values()];
    for (const r of rs) r.cgroup.kill();
    // sync: wait (briefly) for the kernel to empty them, so the namespaces can go
    const end = Date.now() + scaled(2000);
    while (rs.some((r) => r.cgroup.populated()) && Date.now() < end) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    for (const r of rs) r.cgroup.remove();
    this.net?.remove();
    rmSync(this.root, { recursive: true, force: true });
  }

  private passwordHash(pw: string): Promise<string> {
    let h = this.hashes.get(pw);
    if (!h) {
      // password on stdin, not in argv
      h = run('openssl', ['passwd', '-6', '-stdin'], pw + '\n').then((s) => s.trim());
      this.hashes.set(pw, h);
    }
    return h;
  }

  private async startHost(spec: TestHostSpec): Promise<void> {
    const dir = join(this.root, 'hosts', spec.name);
    const firstStart = !existsSync(dir);
    const fixtureDir = spec.fixture ? (spec.fixture.startsWith('/') ? spec.fixture : join(FIXTURES, spec.fixture)) : undefined;
    if (fixtureDir && !existsSync(fixtureDir)) throw new Error(`harness: no fixture folder ${fixtureDir}`);
    const users = spec.users ?? [{ name: DEFAULT_USER, sudo: 'nopasswd' }];
    const index = this.index.get(spec.name)!;
    const net = this.net!.host(index);
    if (firstStart) {
      mkdirSync(dir, { recursive: true });
      await this.buildLayers(spec, dir, fixtureDir, users);
    }
    const hostKey = join(dir, 'ssh_host_ed25519_key');
    if (!existsSync(hostKey)) await keygen(hostKey, `gwsec-test-${spec.name}`);
    const key = publicKeyOf(readFileSync(`${hostKey}.pub`, 'utf8'));
    const meta = fixtureMeta(fixtureDir);
    const layers = OVERLAID.filter((t) => existsSync(join(dir, 'layer', t)));

    const { address } = net;
    const port = 22;
    writeFileSync(
      join(dir, 'sshd_config'),
      sshdConfig({
        port,
        address,
        hostKey,
        pidFile: join(dir, 'sshd.pid'),
        authorizedKeys: join(this.root, 'authorized_keys'),
        forwarding: spec.jump === true,
        kbdInteractive: spec.kbdInteractive,
        forceCommand: spec.hang ? join(this.root, 'bin', 'hang.sh') : undefined,
      }),
    );
    writeFileSync(
      join(dir, 'start.sh'),
      startScript({
        overlays: layers.map((t) => ({ target: `/${t}`, lower: join(dir, 'layer', t), upper: join(dir, 'upper', t), work: join(dir, 'work', t) })),
        privateDirs: PRIVATE_DIRS,
        sshdConfig: join(dir, 'sshd_config'),
        dmi: fixtureDir && existsSync(join(fixtureDir, 'files', DMI)) ? join(fixtureDir, 'files', DMI) : undefined,
        productUuid: join(dir, 'product_uuid'),
      }),
    );
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // sshd's privilege-separation chroot
    // the work dirs must be empty for a fresh overlay mount (a restart reuses the host dir)
    rmSync(join(dir, 'work'), { recursive: true, force: true });
    rmSync(join(dir, 'upper'), { recursive: true, force: true });
    const cgroup = HostCgroup.create(this.id, spec.name);
    // The shell joins the host's cgroup before anything else runs (so every later process is born
    // in it), then execs along the chain; `ip netns exec` execs too, unshare forks sshd's shell.
    // (The cgroup file is written first: `ip netns exec` remounts /sys, hiding /sys/fs/cgroup.)
    // Its own PID namespace with its own /proc (--mount-proc), as each real machine has: `ss -p` and
    // the process list read this host's processes only, not every process of this machine (100
    // co-located hosts, other suites' daemons, a gwsec agent some other test runs). sshd is PID 1
    // there (it reaps orphans: its SIGCHLD handler waits for any child); unshare stays outside as
    // its parent and, dying, kills it (--kill-child: PR_SET_PDEATHSIG), which ends the namespace.
    const chain = ['setpriv', '--pdeathsig', 'KILL', 'ip', 'netns', 'exec', net.ns, 'unshare', '--mount', '--propagation', 'private', '--pid', '--mount-proc', '--kill-child=KILL', '/bin/sh', join(dir, 'start.sh')];
    const child = spawn('/bin/sh', ['-c', 'echo $$ > "$0" && exec "$@"', cgroup.procsFile, ...chain], { stdio: ['ignore', 'pipe', 'pipe'] });
    const r: Running = {
      spec,
      dir,
      child,
      cgroup,
      log: '',
      exited: new Promise((res) => child.once('exit', () => res())),
      host: {
        name: spec.name,
        address,
        port,
        hostKeyLine: `${hostPattern(address, port)} ${key}`,
        fingerprint: fingerprintOf(key),
        pid: child.pid ?? -1,
        users,
        roles: spec.roles ?? meta.roles ?? ['frontend'],
        tags: spec.tags ?? [],
        publicIp: spec.publicIp !== undefined ? spec.publicIp : (meta.publicIp ?? null),
      },
    };
    const onData = (s: string) => {
      r.log = (r.log + s).slice(-LOG_CAP);
    };
    child.stdout!.setEncoding('utf8').on('data', onData);
    child.stderr!.setEncoding('utf8').on('data', onData);
    const ok = await ready(r, address, port);
    if (ok !== true) {
      await killHosts([r]);
      throw new Error(`harness: sshd for ${spec.name} did not start (${ok}):\n${r.log}`);
    }
    const ns = mountNsOf(child.pid!);
    if (!ns || ns === mountNsOf(process.pid)) {
      await killHosts([r]);
      throw new Error(`harness: ${spec.name}'s sshd is not in a mount namespace of its own`);
    }
    this.running.set(spec.name, r);
  }

  /** layer/etc (+usr, var): the fixture's files and the generated account, sudo and hosts files. */
  private async buildLayers(spec: TestHostSpec, dir: string, fixtureDir: string | undefined, users: TestUser[]): Promise<void> {
    const layer = join(dir, 'layer');
    const etc = join(layer, 'etc');
    mkdirSync(etc, { recursive: true });
    for (const t of OVERLAID) {
      const src = fixtureDir && join(fixtureDir, 'files', t);
      if (src && existsSync(src)) cpSync(src, join(layer, t), { recursive: true });
    }
    const base = (f: string) => {
      const p = join(etc, f);
      return existsSync(p) ? readFileSync(p, 'utf8') : existsSync(`/etc/${f}`) ? readFileSync(`/etc/${f}`, 'utf8') : '';
    };
    const baseFiles: AccountFiles = { passwd: base('passwd'), shadow: base('shadow'), group: base('group') };
    const ids = freeIds(baseFiles, users.length);
    const accounts: Account[] = [];
    for (const [i, u] of users.entries()) {
      const home = join(dir, 'home', u.name);
      mkdirSync(home, { recursive: true, mode: 0o755 });
      chownSync(home, ids[i]!, ids[i]!);
      accounts.push({ name: u.name, uid: ids[i]!, gid: ids[i]!, home, shell: '/bin/bash', hash: await this.passwordHash(u.password ?? this.password) });
    }
    const realSshd = readFileSync('/etc/passwd', 'utf8').split('\n').filter((l) => l.startsWith('sshd:'));
    const merged = mergeAccounts(baseFiles, accounts, { passwd: realSshd, group: [] });
    writeFileSync(join(etc, 'passwd'), merged.passwd, { mode: 0o644 });
    writeFileSync(join(etc, 'group'), merged.group, { mode: 0o644 });
    writeFileSync(join(etc, 'shadow'), merged.shadow, { mode: 0o640 });
    chmodSync(join(etc, 'shadow'), 0o640);
    if (existsSync(join(etc, 'gshadow'))) chmodSync(join(etc, 'gshadow'), 0o640);
    // sudo refuses sudoers files that others can write; git checkouts carry 0644
    mkdirSync(join(etc, 'sudoers.d'), { recursive: true });
    writeFileSync(join(etc, 'sudoers.d', 'zz-gwsec-harness'), sudoersFor(users));
    if (existsSync(join(etc, 'sudoers'))) chmodSync(join(etc, 'sudoers'), 0o440);
    for (const f of readdirSync(join(etc, 'sudoers.d'))) chmodSync(join(etc, 'sudoers.d', f), 0o440);
    let delay: string | undefined;
    if (spec.sudoDelayMs) {
      delay = join(dir, 'sudo-delay.sh');
      writeFileSync(delay, `#!/bin/sh\nexec sleep ${(spec.sudoDelayMs / 1000).toFixed(3)}\n`, { mode: 0o755 });
    }
    mkdirSync(join(etc, 'pam.d'), { recursive: true });
    writeFileSync(join(etc, 'pam.d', 'sudo'), pamSudo(delay));
    if (spec.machineId !== undefined || !existsSync(join(etc, 'machine-id'))) writeFileSync(join(etc, 'machine-id'), `${spec.machineId ?? randomBytes(16).toString('hex')}\n`, { mode: 0o444 });
    // a per-host SMBIOS UUID, bind-mounted over the real one where the machine has one (start.sh)
    writeFileSync(join(dir, 'product_uuid'), `${randomUuid()}\n`, { mode: 0o400 });
    // a fleet host's name stands for its address (known before any host starts)
    const extra = Object.entries(spec.etcHosts ?? {}).map(([n, a]) => `${this.index.has(a) ? this.net!.address(this.index.get(a)!) : a} ${n}`);
    if (extra.length) writeFileSync(join(etc, 'hosts'), base('hosts').replace(/\n?$/, '\n') + extra.join('\n') + '\n');
    spec.prepare?.(layer);
    // everything in the layers belongs to root, whoever checked the fixtures out
    spawnSync('chown', ['-R', '0:0', layer]);
  }

  private writeClientFiles(): void {
    const plain: string[] = [];
    const hashed: string[] = [];
    const config: string[] = ['# written by the gwsec test harness'];
    for (const h of this.hosts) {
      const key = h.hostKeyLine.slice(h.hostKeyLine.indexOf(' ') + 1);
      const names = [hostPattern(h.address, h.port), ...(this.running.get(h.name)!.spec.aliases ?? []).map((a) => hostPattern(a, h.port))];
      plain.push(...knownHostsLines(names, key, false));
      hashed.push(...knownHostsLines(names, key, true));
      config.push(
        `Host ${h.name}`,
        `  HostName ${h.address}`,
        `  Port ${h.port}`,
        `  User ${h.users[0]?.name ?? DEFAULT_USER}`,
        `  IdentityFile ${this.clientKeyFile}`,
        '  IdentitiesOnly yes',
        `  UserKnownHostsFile ${this.knownHostsFile}`,
        '',
      );
    }
    writeFileSync(this.knownHostsFile, plain.join('\n') + '\n');
    writeFileSync(this.hashedKnownHostsFile, hashed.join('\n') + '\n');
    writeFileSync(this.sshConfigFile, config.join('\n'));
  }
}

/** SIGKILL every process of the hosts (listener, sessions, sudo, hung sleeps), by cgroup, and wait. */
async function killHosts(rs: Running[]): Promise<void> {
  for (const r of rs) {
    r.cgroup.kill();
    r.child.kill('SIGKILL'); // no-op once it has exited: node never signals a reaped child's PID
  }
  const end = Date.now() + scaled(STOP_TIMEOUT_MS);
  while (rs.some((r) => r.cgroup.populated())) {
    if (Date.now() > end) throw new Error(`harness: processes of ${rs.filter((r) => r.cgroup.populated()).map((r) => r.spec.name).join(', ')} outlived SIGKILL for ${scaled(STOP_TIMEOUT_MS)} ms`);
    await sleep(10);
  }
  await Promise.all(rs.map((r) => r.exited));
  for (const r of rs) r.cgroup.remove();
}

/** true once sshd says it listens; otherwise why not */
function ready(r: Running, address: string, port: number): Promise<true | string> {
  return new Promise((resolve) => {
    const line = `Server listening on ${address} port ${port}.`;
    const limit = scaled(READY_TIMEOUT_MS);
    const timer = setTimeout(() => finish(`no "${line}" within ${limit} ms`), limit);
    const check = () => {
      if (r.log.includes(line)) finish(true);
    };
    const onExit = (code: number | null, sig: string | null) => finish(`exited with ${code ?? sig}`);
    function finish(v: true | string) {
      clearTimeout(timer);
      r.child.stderr!.off('data', check);
      r.child.off('exit', onExit);
      resolve(v);
    }
    r.child.stderr!.on('data', check);
    r.child.once('exit', onExit);
    check();
  });
}

function fixtureMeta(dir: string | undefined): { roles?: string[]; publicIp?: string } {
  if (!dir || !existsSync(join(dir, 'host.yaml'))) return {};
  const m = parse(readFileSync(join(dir, 'host.yaml'), 'utf8')) as { roles?: string[]; public_ip?: string };
  return { roles: m.roles, publicIp: m.public_ip };
}

function randomUuid(): string {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function fingerprintOf(key: string): string {
  const b64 = key.split(' ')[1] ?? '';
  return 'SHA256:' + createHash('sha256').update(Buffer.from(b64, 'base64')).digest('base64').replace(/=+$/, '');
}


function keygen(file: string, comment: string): Promise<string> {
  return run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
}

function run(cmd: string, args: string[], stdin = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
    c.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
    c.on('error', reject);
    c.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}: ${err}`))));
    c.stdin?.on('error', () => {}).end(stdin); // it may exit without reading: the exit code says how it went
  });
}

async function pool(jobs: Array<() => Promise<void>>, n: number): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  await Promise.all(
    Array.from({ length: Math.min(n, jobs.length) }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        try {
          await job();
        } catch (e) {
          errors.push(e);
        }
      }
    }),
  );
  if (errors.length) throw errors[0];
}

let handlersInstalled = false;
function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const cleanup = () => {
    for (const f of live) f.stopSync();
    live.clear();
  };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      cleanup();
      process.kill(process.pid, sig); // default action now that our listener is gone
    });
  }
}
