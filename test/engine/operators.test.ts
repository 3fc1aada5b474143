import test from 'ava';
import { checkValue, operators } from '../../src/engine/operators.js';

const now = new Date('2026-06-01T00:00:00Z');
const run = (op: string, actual: unknown, expected: unknown) => operators.get(op)!.test(actual, expected, { now });

// [op, actual, expected, outcome]; outcome 'unusable' = the fact cannot be compared (-> error)
const table: Array<[string, unknown, unknown, boolean | 'unusable']> = [
  ['eq', 'no', 'no', true],
  ['eq', 'No', 'no', false],
  ['eq', '22', 22, true], // numeric string vs number
  ['eq', '022', '22', false], // two strings compare as text
  ['ne', 'yes', 'no', true],
  ['in', 'tcp', ['tcp', 'udp'], true],
  ['in', 3306, ['3306'], true],
  ['not_in', 'debian:12', ['centos:7', 'debian:10'], true],
  ['not_in', 'centos:7', ['centos:7'], false],
  ['lt', 5, 6, true],
  ['le', '600', 600, true],
  ['gt', 0, 0, false],
  ['ge', 3, 3, true],
  ['le', 'abc', 3, 'unusable'],
  ['matches', 'aes128-cbc', 'cbc$', true],
  ['matches', 'AES128-CBC', '(?i)cbc$', true],
  ['matches', 42, 'x', 'unusable'],
  ['not_matches', 'chacha20-poly1305@openssh.com', 'cbc|arcfour', true],
  ['contains', ['a', 'b'], 'b', true],
  ['contains', 'publickey,keyboard-interactive', 'keyboard-interactive', true],
  ['contains', 5, 'x', 'unusable'],
  ['not_contains', ['a'], 'b', true],
  ['exists', 'x', true, true],
  ['exists', null, true, false],
  ['exists', undefined, false, true],
  ['empty', [], true, true],
  ['empty', '', true, true],
  ['empty', {}, true, true],
  ['empty', ['x'], false, true],
  ['subset_of', [80, 443], [80, 443, 22], true],
  ['subset_of', [80, 3306], [80, 443], false],
  ['disjoint', ['3des-cbc'], ['3des-cbc', 'arcfour'], false],
  ['disjoint', [], ['x'], true],
  ['length_le', [1, 2], 2, true],
  ['length_ge', 'ab', 3, false],
  ['version_ge', '1.1.1w', '1.1.1', true],
  ['version_ge', '1.0.1f', '1.0.1g', false],
  ['version_lt', '9.2p1', '9.3', true],
  ['version_lt', '3.0.15', '3.0.9', false],
  ['version_in_ranges', '1.0.1e', [{ from: '1.0.1', to: '1.0.1f' }], true],
  ['version_in_ranges', '1.0.1g', [{ from: '1.0.1', to: '1.0.1f' }], false],
  ['version_in_ranges', '1.0.2k', [{ from: '1.0.1', to: '1.0.1f' }], false],
  ['cidr_in', '10.1.2.3', ['10.0.0.0/8'], true],
  ['cidr_in', '192.168.1.1', ['10.0.0.0/8', '172.16.0.0/12'], false],
  ['cidr_in', '::ffff:10.0.0.1', ['10.0.0.0/8'], true],
  ['cidr_in', '2001:db8::1', ['2001:db8::/32'], true],
  ['cidr_in', '2001:db9::1', ['2001:db8::/32'], false],
  ['age_days_le', '2026-05-31T12:00:00Z', 1, true],
  ['age_days_le', '2026-05-01T00:00:00Z', 30, false],
  ['age_days_le', now.getTime() / 1000 - 3600, 26 / 24, true], // epoch seconds, one hour old
  ['age_days_le', 'yesterday', 1, 'unusable'],
];

for (const [op, actual, expected, want] of table) {
  test(`${op}(${JSON.stringify(actual)}, ${JSON.stringify(expected)}) -> ${String(want)}`, (t) => {
    const got = run(op, actual, expected);
    if (want === 'unusable') t.true(typeof got === 'object' && 'unusable' in got);
    else t.is(got, want);
  });
}

test('every operator in the registry is exercised by the table above', (t) => {
  const used = new Set(table.map((r) => r[0]));
  t.deepEqual([...operators.keys()].filter((k) => !used.has(k)), []);
});

test('value kinds are validated for lint', (t) => {
  t.is(checkValue('cidrs', ['10.0.0.0/8']), null);
  t.truthy(checkValue('cidrs', ['10.0.0.0/33']));
  t.truthy(checkValue('regex', '(unclosed'));
  t.truthy(checkValue('list', 'x'));
  t.is(checkValue('ranges', [{ from: '1', to: '2' }]), null);
});
