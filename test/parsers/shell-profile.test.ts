import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTmout } from '../../src/parsers/shell-profile.js';
import { packageRoot } from '../../src/util/paths.js';

const f = (path: string, content: string) => ({ path, content });
const rows: Array<{ name: string; files: Array<{ path: string; content: string }>; value: number | null; readonly: boolean; exported: boolean }> = [
  { name: 'three-line form', files: [f('/etc/profile.d/tmout.sh', 'TMOUT=600\nreadonly TMOUT\nexport TMOUT\n')], value: 600, readonly: true, exported: true },
  { name: 'declare -rx', files: [f('/etc/profile', 'declare -rx TMOUT=300\n')], value: 300, readonly: true, exported: true },
  { name: 'readonly with assignment, then export', files: [f('/etc/profile', 'readonly TMOUT=900; export TMOUT\n')], value: 900, readonly: true, exported: true },
  { name: '"export readonly TMOUT=600" does not make it read-only', files: [f('/etc/profile', 'export readonly TMOUT=600\n')], value: 600, readonly: false, exported: true },
  { name: 'commented out', files: [f('/etc/profile', '# TMOUT=600\n#readonly TMOUT\n')], value: null, readonly: false, exported: false },
  { name: 'later assignment after readonly is refused by bash', files: [f('/etc/profile', 'TMOUT=300\nreadonly TMOUT\n'), f('/etc/bash.bashrc', 'TMOUT=0\n')], value: 300, readonly: true, exported: false },
  { name: 'later plain assignment overrides', files: [f('/etc/profile', 'export TMOUT=300\n'), f('/etc/profile.d/z.sh', 'TMOUT=3600\n')], value: 3600, readonly: false, exported: true },
  { name: 'guarded assignment counts', files: [f('/etc/profile', '[ -z "$TMOUT" ] && TMOUT=600 && export TMOUT\nreadonly TMOUT\n')], value: 600, readonly: true, exported: true },
];
for (const r of rows) {
  test(`TMOUT: ${r.name}`, (t) => {
    const s = parseTmout(r.files);
    t.is(s.value, r.value);
    t.is(s.readonly, r.readonly);
    t.is(s.exported, r.exported);
  });
}

test('TMOUT: inside if/fi is marked conditional', (t) => {
  const s = parseTmout([f('/etc/profile', 'if [ "$UID" -ne 0 ]; then\n  TMOUT=600\nfi\n')]);
  t.is(s.value, 600);
  t.true(s.assignments[0]?.conditional);
});

test('TMOUT: stock Debian 12 /etc/profile and /etc/bash.bashrc set nothing', (t) => {
  const dir = join(packageRoot(), 'test/fixtures/hosts/ubuntu2204-overseas/files/etc');
  const s = parseTmout([f('/etc/profile', readFileSync(join(dir, 'profile'), 'utf8')), f('/etc/bash.bashrc', readFileSync(join(dir, 'bash.bashrc'), 'utf8'))]);
  t.is(s.value, null);
  t.deepEqual(s.assignments, []);
});
