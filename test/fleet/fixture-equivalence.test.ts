/**
 * The SSH transport and the fixture transport agree: record a real test host with `gwsec fixture
 * record` (over SSH), then `gwsec audit --fixture <recorded>` must give the same results, check by
 * check and fact by fact, as `gwsec audit -i` over SSH on the same host. A recording can be shared:
 * it holds no password hash, no machine-id or product_uuid, no password from a cron line, and still
 * tells that two recorded hosts are one machine (Article 40(五)).
 */
import test from 'ava';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../../src/util/paths.js';
import { startFleet, type TestFleet } from '../harness/hosts.js';
import { auditJson, decided, gwsecAsync, type Report } from './helpers.js';
import { reportJson } from '../helpers/wire.js';

let fleet: TestFleet;
const dir = mkdtempSync(join(tmpdir(), 'gwsec-recorded-'));

const SHARED_ID = 'a3c9e1f07b2d4e6f8a1b3c5d7e9f0a2b';
const CRON_SECRET = 'Zq7-cron-S3cret';
/** one machine under two names, as in test/fleet/separation.test.ts; web-01 also dumps a database with a password in its crontab */
const dumpCron = (layer: string) => {
  mkdirSync(join(layer, 'etc', 'cron.d'), { recursive: true });
  writeFileSync(join(layer, 'etc', 'cron.d', 'dbdump'), `30 2 * * * root mysqldump -ubackup -p${CRON_SECRET} --all-databases | gzip > /srv/backup/db.sql.gz\n`);
};

test.before(async () => {
  fleet = await startFleet([
    { name: 'web-01', fixture: 'debian12-web-hardened', machineId: SHARED_ID, prepare: dumpCron },
    { name: 'admin-01', machineId: SHARED_ID, roles: ['backend'] },
  ]);
});
test.after.always(async () => {
  await fleet?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** what must agree: status and the facts' values (sources may be worded per transport) */
function digest(r: Report): string[] {
  return r.results
    .map((x) => `${x.host} ${x.check} ${x.status} ${JSON.stringify(x.evidence.map((e) => [e.fact, e.actual, e.status]))}`)
    .sort();
}

test('audit --fixture of a host recorded over SSH equals the SSH audit of that host', async (t) => {
  const inv = fleet.inventoryFile({ sudo: 'nopasswd', hosts: ['web-01'] });
  const rec = await gwsecAsync(['fixture', 'record', join(dir, 'web-01'), '-i', inv, '--known-hosts', fleet.knownHostsFile]);
  t.is(rec.code, 0, rec.stderr);
  t.regex(rec.stdout, /: \d+ commands, \d+ files, \d+ denied, \d+ reduced to what the checks read\n$/);
  t.true(existsSync(join(dir, 'web-01', 'files', 'etc', 'ssh', 'sshd_config')));

  const [ssh, fx] = await Promise.all([
    auditJson(inv, fleet.knownHostsFile),
    gwsecAsync(['audit', '--fixture', join(dir, 'web-01'), '--format', 'json']).then((r) => ({ ...r, report: reportJson(r.stdout) })),
  ]);
  t.true(decided(ssh.report, 'web-01') >= 20, ssh.stderr);
  t.deepEqual(fx.report.hosts.map((h) => h.transport), ['fixture:web-01']);
  t.deepEqual(ssh.report.hosts.map((h) => h.transport), ['ssh:web-01']);
  t.deepEqual(digest(fx.report), digest(ssh.report));
});

test('a test host shows its fixture: the SSH audit judges the fixture hardware (DMI) as the committed fixture does', async (t) => {
  const inv = fleet.inventoryFile({ sudo: 'nopasswd', hosts: ['web-01'] });
  const only = ['--check', 'a40-1-hosting-provider-domestic'];
  const [ssh, fx] = await Promise.all([
    auditJson(inv, fleet.knownHostsFile, only),
    gwsecAsync(['audit', '--fixture', join(packageRoot(), 'test', 'fixtures', 'hosts', 'debian12-web-hardened'), '--format', 'json', ...only]).then((r) => reportJson(r.stdout)),
  ]);
  const facts = (r: Report) => r.results.map((x) => [x.check, x.status, x.evidence.map((e) => [e.fact, e.actual])]);
  t.deepEqual(facts(ssh.report), facts(fx));
  t.true(JSON.stringify(facts(fx)).includes('Alibaba Cloud ECS'));
});

/** every file under dir, recursively */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** what the live host holds that a shared fixture must not: its hashes, machine-id, product_uuid */
function liveSecrets(name: string): string[] {
  const root = `/proc/${fleet.host(name).pid}/root`; // the host's own mount namespace
  const hashes = readFileSync(join(root, 'etc', 'shadow'), 'utf8')
    .split('\n')
    .map((l) => l.split(':')[1]?.replace(/^[!*]+/, '') ?? '')
    .filter((h) => h.startsWith('$'));
  const uuid = join(root, 'sys', 'class', 'dmi', 'id', 'product_uuid');
  const ids = [readFileSync(join(root, 'etc', 'machine-id'), 'utf8').trim(), ...(existsSync(uuid) ? [readFileSync(uuid, 'utf8').trim()] : [])];
  return [...hashes, ...ids.flatMap((v) => [v, v.toUpperCase()]), ...hashes.map((h) => h.slice(h.lastIndexOf('$') + 1)).filter((tail) => tail.length >= 16)];
}

test('a recording holds no hash, machine-id or cron password, and a fleet of recordings gets the verdicts of the live fleet', async (t) => {
  const names = ['web-01', 'admin-01'];
  const recs = await Promise.all(
    names.map((n, i) => gwsecAsync(['fixture', 'record', join(dir, 'shared', n), '-i', fleet.inventoryFile({ sudo: 'nopasswd', hosts: [n] }), '--known-hosts', fleet.knownHostsFile, ...(i ? ['--lang', 'zh'] : [])])),
  );
  for (const r of recs) t.is(r.code, 0, r.stderr);
  t.regex(recs[1]!.stdout, /：已录制 \d+ 条命令、\d+ 个文件，\d+ 个无权读取，\d+ 项仅保留核查所需内容\n$/);

  // (a) nothing secret in any file written
  for (const n of names) {
    const secrets = liveSecrets(n);
    t.true(secrets.some((s) => s.startsWith('$')), `${n}: the live shadow has hashes to look for`);
    t.true(secrets.includes(SHARED_ID));
    const files = filesUnder(join(dir, 'shared', n));
    t.true(files.some((f) => f.endsWith('/etc/shadow')), `${n}: shadow recorded (reduced), not left out`);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const s of [...secrets, CRON_SECRET]) t.false(text.includes(s), `${f} holds a secret of the live host (${s.slice(0, 6)}…)`);
    }
    const meta = parse(readFileSync(join(dir, 'shared', n, 'host.yaml'), 'utf8')) as { redacted: string[] };
    for (const p of ['/etc/shadow', '/etc/passwd', '/etc/machine-id']) t.true(meta.redacted.includes(p), `${n}: host.yaml lists ${p} as reduced`);
  }
  t.true(readFileSync(join(dir, 'shared', 'web-01', 'files', 'etc', 'cron.d', 'dbdump'), 'utf8').includes('mysqldump -ubackup -p***'), 'the job is still there, its password is not');

  // (b) the recorded fleet gets the live fleet's verdicts, and still finds one machine under two names
  const inv = fleet.inventoryFile({ sudo: 'nopasswd', hosts: names });
  const [live, fx] = await Promise.all([
    auditJson(inv, fleet.knownHostsFile),
    gwsecAsync(['audit', ...names.flatMap((n) => ['--fixture', join(dir, 'shared', n)]), '--format', 'json']).then((r) => ({ ...r, report: reportJson(r.stdout) })),
  ]);
  t.true(decided(live.report, 'web-01') >= 20, live.stderr);
  const status = (r: Report) => r.results.map((x) => `${x.host} ${x.check} ${x.status}`).sort();
  t.deepEqual(status(fx.report), status(live.report));
  t.deepEqual(digest(fx.report), digest(live.report), 'facts too: a recording parses to the live facts');
  const same = fx.report.results.find((x) => x.check === 'a40-5-roles-on-separate-hosts' && x.host === '*');
  t.is(same?.status, 'fail', 'one machine under two names, told apart by the machine-id digest alone');
});
