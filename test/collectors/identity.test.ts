import test from 'ava';
import { collect } from '../../src/collectors/run.js';
import { identity, identityDigest } from '../../src/collectors/identity.js';
import { FixtureTransport, type FixtureSpec } from '../../src/transport/fixture.js';
import { plan } from '../../src/audit/plan.js';
import { collectors, derivers } from '../../src/audit/registry.js';
import { loadPack } from '../../src/policy/load.js';
import { defaultPackDir } from '../../src/util/paths.js';

const run = async (spec: Partial<FixtureSpec>) => (await collect(FixtureTransport.fromMemory({ name: 'm', files: {}, ...spec }), [identity])).facts.identity;
const MID = '3d1219c7c4c5404aaa1f6d2a48adfda4';
const UUID = '4c4c4544-0048-3510-8052-b4c04f4e4b32';

test('identity: digests of machine-id and product_uuid, never the values', async (t) => {
  const f = await run({ files: { '/etc/machine-id': `${MID}\n`, '/sys/class/dmi/id/product_uuid': `${UUID.toUpperCase()}\n` } });
  t.deepEqual(f, { machine_id: identityDigest('machine-id', MID), product_uuid: identityDigest('product_uuid', UUID) });
  t.false(JSON.stringify(f).includes(MID));
  t.regex((f as { machine_id: string }).machine_id, /^[0-9a-f]{32}$/);
  t.not(identityDigest('machine-id', MID), identityDigest('product_uuid', MID), 'keyed per identifier');
});

test('identity: whichever are readable — absent, root-only, uninitialised and placeholder values are null', async (t) => {
  t.deepEqual(await run({ files: { '/etc/machine-id': 'uninitialized\n' }, denied: ['/sys/class/dmi/id/product_uuid'] }), { machine_id: null, product_uuid: null });
  t.deepEqual(await run({ files: { '/sys/class/dmi/id/product_uuid': '03000200-0400-0500-0006-000700080009\n' } }), { machine_id: null, product_uuid: null });
  t.deepEqual(await run({ files: { '/etc/machine-id': '00000000000000000000000000000000\n', '/sys/class/dmi/id/product_uuid': 'Not Settable\n' } }), { machine_id: null, product_uuid: null });
});

test('a fleet check plans the host facts it reads whatever --check selects (fleet.separation → network, identity)', (t) => {
  const pack = loadPack(defaultPackDir(), { cases: false });
  const only = pack.checks.filter((c) => c.id === 'a40-5-roles-on-separate-hosts');
  t.is(only.length, 1);
  const ids = plan(only, collectors, derivers).collectors.map((c) => c.id);
  t.true(ids.includes('network') && ids.includes('identity'), ids.join(', '));
});
