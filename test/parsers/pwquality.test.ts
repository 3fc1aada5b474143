import test from 'ava';
import { parsePamFile, type PamEntry } from '../../src/parsers/pam.js';
import { effectivePasswordQuality, isBlockingControl, parsePwqualityConf } from '../../src/parsers/pwquality.js';

function entry(line: string): PamEntry {
  const l = parsePamFile(line, '/etc/pam.d/common-password')[0];
  if (l?.kind !== 'entry') throw new Error('not an entry');
  return l.entry;
}

const DEBIAN = entry('password	requisite			pam_pwquality.so retry=3');

test('pwquality.conf syntax: spaces, flags, comments', (t) => {
  const c = parsePwqualityConf('# minlen = 8\nminlen = 12\nminclass=3 # inline\nenforce_for_root\n  dcredit   =   -1\n');
  t.deepEqual(c.settings, { minlen: '12', minclass: '3', enforce_for_root: '', dcredit: '-1' });
  t.is(c.lines.minclass, 3);
});

test('defaults when nothing is configured (libpwquality 1.4.5)', (t) => {
  const q = effectivePasswordQuality(DEBIAN, [], null);
  t.like(q, { module: 'pam_pwquality', minlen: 8, minclass: 0, credit_classes: 0, enforced: true });
  t.is(q.sources.minlen, 'default');
});

test('drop-ins first, main file last: pwquality.conf wins', (t) => {
  const q = effectivePasswordQuality(DEBIAN, [{ path: '/etc/security/pwquality.conf.d/50-site.conf', text: 'minlen = 6\nminclass = 4\n' }], {
    path: '/etc/security/pwquality.conf',
    text: 'minlen = 14\n',
  });
  t.is(q.minlen, 14);
  t.is(q.sources.minlen, '/etc/security/pwquality.conf:1');
  t.is(q.minclass, 4, 'a key only in a drop-in still applies');
});

test('module arguments override the files; later duplicate lines override earlier ones', (t) => {
  const q = effectivePasswordQuality(entry('password requisite pam_pwquality.so retry=3 minlen=6'), [], { path: '/etc/security/pwquality.conf', text: 'minlen = 1\nminlen = 12\n' });
  t.is(q.minlen, 6);
  t.is(q.sources.minlen, '/etc/pam.d/common-password:1 (argument)');
  const c = effectivePasswordQuality(DEBIAN, [], { path: '/etc/security/pwquality.conf', text: 'minlen = 1\nminlen = -1\n' });
  t.is(c.minlen, -1, 'configured value, not libpwquality run-time clamping');
});

test('pam_cracklib reads no file and has credits 1 by default', (t) => {
  const q = effectivePasswordQuality(entry('password    requisite     pam_cracklib.so try_first_pass retry=3 minlen=10 dcredit=-1 ucredit=-1 ocredit=-1'), [], {
    path: '/etc/security/pwquality.conf',
    text: 'minlen = 20\n',
  });
  t.like(q, { module: 'pam_cracklib', minlen: 10, lcredit: 1, credit_classes: 3 });
});

test('enforcing = 0 or a non-blocking control only warns', (t) => {
  t.false(effectivePasswordQuality(DEBIAN, [], { path: '/etc/security/pwquality.conf', text: 'enforcing = 0\n' }).enforced);
  t.false(effectivePasswordQuality(entry('password optional pam_pwquality.so'), [], null).enforced);
  t.true(isBlockingControl('[success=1 default=die]'));
  t.false(isBlockingControl('sufficient'));
});
