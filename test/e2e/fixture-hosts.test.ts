/**
 * End to end over the six recorded hosts: every check of the pack gets exactly the status written in
 * test/fixtures/hosts/<host>/expected/*.yaml (each area's helper reasoned them out per host).
 */
import test from 'ava';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { FixtureTransport } from '../../src/transport/fixture.js';
import { packageRoot } from '../../src/util/paths.js';
import { auditWith, embeddedPack } from '../helpers/audit.js';

const HOSTS = join(packageRoot(), 'test', 'fixtures', 'hosts');
const NOW = new Date('2026-11-25T04:00:00Z'); // fixtures' timestamps (backups, drills) are relative to this

for (const host of readdirSync(HOSTS).filter((d) => existsSync(join(HOSTS, d, 'host.yaml'))).sort()) {
  test(`${host}: every check has its expected status`, async (t) => {
    const expDir = join(HOSTS, host, 'expected');
    const expected: Record<string, string> = {};
    for (const f of existsSync(expDir) ? readdirSync(expDir).filter((x) => x.endsWith('.yaml')) : []) {
      Object.assign(expected, parse(readFileSync(join(expDir, f), 'utf8')) ?? {});
    }
    const fx = FixtureTransport.fromDir(join(HOSTS, host));
    const meta = parse(readFileSync(join(HOSTS, host, 'host.yaml'), 'utf8')) as { attestations?: Record<string, unknown> };
    const { results } = await auditWith(fx, { roles: fx.roles, publicIps: fx.publicIp ? [fx.publicIp] : [], attestations: meta.attestations, now: NOW });
    t.deepEqual(fx.unrecorded(), [], 'the fixture must record every command the collectors ask for');
    const hostChecks = embeddedPack().checks.filter((c) => c.scope !== 'fleet').map((c) => c.id);
    t.deepEqual(hostChecks.filter((id) => !(id in expected)), [], `add these checks to ${host}/expected/<area>.yaml`);
    const got = Object.fromEntries(results.filter((r) => r.host !== '*').map((r) => [r.check, r.status]));
    const mismatches = Object.entries(expected)
      .filter(([id, st]) => got[id] !== st)
      .map(([id, st]) => {
        const r = results.find((x) => x.check === id);
        return `${id}: expected ${st}, got ${got[id]} — ${JSON.stringify(r?.evidence.slice(0, 3))}`;
      });
    t.deepEqual(mismatches, []);
  });
}
