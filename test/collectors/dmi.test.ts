import test from 'ava';
import { collect } from '../../src/collectors/run.js';
import type { Collector } from '../../src/collectors/types.js';
import { FixtureTransport, type FixtureSpec } from '../../src/transport/fixture.js';
import { dmi } from '../../src/collectors/dmi.js';

const run = async (spec: Partial<FixtureSpec>, c: Collector[] = [dmi]) => (await collect(FixtureTransport.fromMemory({ name: 'm', files: {}, ...spec }), c)).facts;

test('dmi: Linode identified; no DMI at all is unknown, not an error', async (t) => {
  const linode = await run({ files: { '/sys/class/dmi/id/sys_vendor': 'Linode\n', '/sys/class/dmi/id/product_name': 'Compute Instance\n', '/sys/class/dmi/id/chassis_asset_tag': '\n' } }, [dmi]);
  t.like(linode.dmi, { available: true, sys_vendor: 'Linode', provider: { id: 'linode', kind: 'cloud' } });
  t.false('chassis_asset_tag' in (linode.dmi as object));
  t.like((await run({}, [dmi])).dmi, { available: false, provider: { id: 'unknown' } });
});

