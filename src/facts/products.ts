import { isFactError, notCollected } from '../model/errors.js';
import { t } from '../model/schema.js';
import type { Deriver } from '../collectors/types.js';
import type { OsFacts } from '../collectors/os.js';
import type { PackagesFacts, ProductVersion } from '../collectors/packages.js';
import { compareDpkg, compareRpm } from '../parsers/versions.js';
import { compareVersions } from '../util/version.js';

/**
 * One entry of the PRODUCT_FLAWS pack variable: a critical/high, remotely reachable flaw by upstream
 * version range, plus the distro package versions known to carry the backported fix (distros keep
 * the upstream number: Ubuntu 22.04's OpenSSH "8.9p1" is patched against regreSSHion from
 * 1:8.9p1-3ubuntu0.10).
 */
export interface FlawEntry {
  id: string;
  cve: string;
  component: 'openssl' | 'openssh';
  ranges: Array<{ from: string; to: string }>;
  fixed_packages?: Record<string, string>; // os.release_key -> first fixed package version
}

export interface FlawFinding {
  component: string;
  id: string;
  cve: string;
  version: string;
  package: string | null;
  package_version: string | null;
  /** The fixed distro package version for this release, when the table knows it. */
  fixed_package: string | null;
}

export interface ProductsFacts {
  /** Flaws the installed versions have: upstream range matched and either no distro package (built
   * from source) or a package older than the distro's known fix. */
  flaws: FlawFinding[];
  /** Upstream range matched on a distro package, but the table has no fix version for this release:
   * a person must check the vendor advisory (vendor_fix_confirmed stays null -> manual). */
  unverified: Array<FlawFinding & { release_key: string | null; vendor_fix_confirmed: boolean | null }>;
  /** Upstream range matched, but the installed package is at or after the distro's fix. */
  backported: FlawFinding[];
  checked: string[]; // "openssl 1.0.2k (openssl-libs 1.0.2k-19.el7)"
}

const findingFields = {
  component: t.str,
  id: t.str,
  cve: t.str,
  version: t.str,
  package: t.nullable(t.str),
  package_version: t.nullable(t.str),
  fixed_package: t.nullable(t.str),
};
const finding = t.obj(findingFields);

export const productsDeriver: Deriver<ProductsFacts | { error: unknown }> = {
  id: 'products',
  description: 'Known critical flaws (PRODUCT_FLAWS) in the installed OpenSSL and OpenSSH, net of distro backports',
  schema: t.obj({
    flaws: t.arr(finding),
    unverified: t.arr(t.obj({ ...findingFields, release_key: t.nullable(t.str), vendor_fix_confirmed: t.nullable(t.bool) })),
    backported: t.arr(finding),
    checked: t.arr(t.str),
  }),
  needs: ['packages', 'os'],
  derive(facts, env) {
    const pk = facts.packages as PackagesFacts | undefined;
    if (!pk) return notCollected('packages');
    if (isFactError(pk)) return { error: pk.error };
    const os = facts.os as OsFacts | undefined;
    const releaseKey = os && !isFactError(os) ? os.release_key : null;
    const table = (Array.isArray(env.variables.PRODUCT_FLAWS) ? env.variables.PRODUCT_FLAWS : []) as FlawEntry[];
    const flaws: FlawFinding[] = [];
    const unverified: ProductsFacts['unverified'] = [];
    const backported: FlawFinding[] = [];
    const checked: string[] = [];
    const products: Array<[FlawEntry['component'], ProductVersion]> = [
      ['openssl', pk.openssl],
      ['openssh', pk.openssh],
    ];
    for (const [component, p] of products) {
      if (!p.installed || !p.version) continue;
      // Tongsuo/BabaSSL/LibreSSL number their releases differently; the OpenSSL table does not apply.
      if (component === 'openssl' && p.flavor !== 'openssl') continue;
      checked.push(`${component} ${p.version}${p.package ? ` (${p.package} ${p.package_version})` : ''}`);
      for (const f of table.filter((x) => x.component === component)) {
        // String(): a YAML table may hand over 1.0 as a number.
        if (!f.ranges.some((r) => compareVersions(p.version!, String(r.from)) >= 0 && compareVersions(p.version!, String(r.to)) <= 0)) continue;
        const fixed = releaseKey ? (f.fixed_packages?.[releaseKey] ?? null) : null;
        const item: FlawFinding = { component, id: f.id, cve: f.cve, version: p.version, package: p.package, package_version: p.package_version, fixed_package: fixed };
        if (!p.package_version) flaws.push(item); // built from source: the upstream number is the truth
        else if (!fixed) unverified.push({ ...item, release_key: releaseKey, vendor_fix_confirmed: null });
        else if (packageAtLeast(pk.manager, p.package_version, fixed)) backported.push(item);
        else flaws.push(item);
      }
    }
    // Without the OS release, a matched range cannot be checked against backports: undecidable.
    if (unverified.length > 0 && os && isFactError(os)) return { error: os.error };
    return { flaws, unverified, backported, checked };
  },
};

/** A table entry without an epoch compares on version-release only (tables are often written so). */
function packageAtLeast(manager: PackagesFacts['manager'], installed: string, fixed: string): boolean {
  const a = /^\d+:/.test(fixed) ? installed : installed.replace(/^\d+:/, '');
  return (manager === 'rpm' ? compareRpm : compareDpkg)(a, fixed) >= 0;
}
