/**
 * The SSH transport and the fixture transport agree: record a real test host with `gwsec fixture
 * record` (over SSH), then `gwsec audit --fixture <recorded>` must give the same results, check by
 * check and fact by fact, as `gwsec audit -i` over SSH on the same host.
 */
import test from 'ava';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';
import { startFleet, type TestFleet } from '../harness/hosts.js';
import { auditJson, decided, gwsecAsync, type Report } from './helpers.js';
import { reportJson } from '../helpers/wire.js';

let fleet: TestFleet;
const dir = mkdtempSync(join(tmpdir(), 'gwsec-recorded-'));

test.before(async () => {
  fleet = await startFleet([{ name: 'web-01', fixture: 'debian12-web-hardened' }]);
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
  const inv = fleet.inventoryFile({ sudo: 'nopasswd' });
  const rec = await gwsecAsync(['fixture', 'record', join(dir, 'web-01'), '-i', inv, '--known-hosts', fleet.knownHostsFile]);
  t.is(rec.code, 0, rec.stderr);
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
  const inv = fleet.inventoryFile({ sudo: 'nopasswd' });
  const only = ['--check', 'a40-1-hosting-provider-domestic'];
  const [ssh, fx] = await Promise.all([
    auditJson(inv, fleet.knownHostsFile, only),
    gwsecAsync(['audit', '--fixture', join(packageRoot(), 'test', 'fixtures', 'hosts', 'debian12-web-hardened'), '--format', 'json', ...only]).then((r) => reportJson(r.stdout)),
  ]);
  const facts = (r: Report) => r.results.map((x) => [x.check, x.status, x.evidence.map((e) => [e.fact, e.actual])]);
  t.deepEqual(facts(ssh.report), facts(fx));
  t.true(JSON.stringify(facts(fx)).includes('Alibaba Cloud ECS'));
});
