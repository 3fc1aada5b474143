import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { productsDeriver } from '../../src/facts/products.js';
import type { DeriveEnv } from '../../src/collectors/types.js';
import { packageRoot } from '../../src/util/paths.js';

// The real pack table, so the fixture hosts' verdicts and these agree.
const flaws = (parse(readFileSync(join(packageRoot(), 'policies', 'article40', 'variables', 'products.yaml'), 'utf8')) as { PRODUCT_FLAWS: { default: unknown } }).PRODUCT_FLAWS.default;
const productsEnv: DeriveEnv = { variables: { PRODUCT_FLAWS: flaws }, geo: () => null, host: { name: 'h', roles: [], publicIps: [] } };
const pk = (manager: string, ssl: [string, string | null, string | null], ssh: [string, string | null, string | null]) => ({
  manager,
  openssl: { installed: true, flavor: 'openssl', version: ssl[0], raw: null, package: ssl[1], package_version: ssl[2] },
  openssh: { installed: true, flavor: 'openssh', version: ssh[0], raw: null, package: ssh[1], package_version: ssh[2], linked_openssl: null },
  installed: [],
});

test('products: Ubuntu 22.04 backports are recognised', (t) => {
  const p = productsDeriver.derive(
    { os: { release_key: 'ubuntu:22.04' }, packages: pk('dpkg', ['3.0.2', 'libssl3', '3.0.2-0ubuntu1.19'], ['8.9p1', 'openssh-server', '1:8.9p1-3ubuntu0.13']) },
    productsEnv,
  ) as { flaws: unknown[]; unverified: unknown[]; backported: Array<{ cve: string }> };
  t.deepEqual(p.flaws, []);
  t.deepEqual(p.unverified, []);
  t.deepEqual(p.backported.map((b) => b.cve).sort(), ['CVE-2022-3602', 'CVE-2024-6387']);
});

test('products: an unpatched CentOS 7 package is a flaw; a source build is a flaw; an unknown distro fix is unverified', (t) => {
  const c7 = productsDeriver.derive({ os: { release_key: 'centos:7' }, packages: pk('rpm', ['1.0.2k', 'openssl-libs', '1:1.0.2k-19.el7'], ['7.4p1', 'openssh-server', '7.4p1-21.el7']) }, productsEnv) as { flaws: Array<{ cve: string }> };
  t.deepEqual(c7.flaws.map((f) => f.cve), ['CVE-2022-0778']);
  const c7fixed = productsDeriver.derive({ os: { release_key: 'centos:7' }, packages: pk('rpm', ['1.0.2k', 'openssl-libs', '1:1.0.2k-26.el7_9'], ['7.4p1', 'openssh-server', '7.4p1-23.el7_9']) }, productsEnv) as { flaws: unknown[] };
  t.deepEqual(c7fixed.flaws, []);
  const src = productsDeriver.derive({ os: { release_key: 'centos:6' }, packages: pk('rpm', ['1.0.1f', null, null], ['9.8p1', null, null]) }, productsEnv) as { flaws: Array<{ cve: string }> };
  t.deepEqual(src.flaws.map((f) => f.cve), ['CVE-2014-0160', 'CVE-2014-0224', 'CVE-2016-0800', 'CVE-2016-2108']);
  const oe = productsDeriver.derive({ os: { release_key: 'openeuler:22.03' }, packages: pk('rpm', ['1.1.1m', 'openssl-libs', '1:1.1.1m-38.oe2203sp4'], ['8.8p1', 'openssh-server', '8.8p1-31.oe2203sp4']) }, productsEnv) as { flaws: unknown[]; unverified: Array<{ cve: string; vendor_fix_confirmed: null }> };
  t.deepEqual(oe.flaws, []);
  t.deepEqual(oe.unverified.map((u) => [u.cve, u.vendor_fix_confirmed]), [['CVE-2022-0778', null], ['CVE-2024-6387', null]]);
});

