import test from 'ava';
import { collect } from '../../src/collectors/run.js';
import { session, type SessionFacts } from '../../src/collectors/session.js';
import { FixtureTransport } from '../../src/transport/fixture.js';

const PROFILE = 'if [ -d /etc/profile.d ]; then\n  for i in /etc/profile.d/*.sh; do\n    if [ -r $i ]; then\n      . $i\n    fi\n  done\n  unset i\nfi\n';

test('TMOUT from /etc/profile.d, read after /etc/profile', async (t) => {
  const fx = FixtureTransport.fromMemory({
    name: 'tmout',
    files: { '/etc/profile': PROFILE, '/etc/profile.d/tmout.sh': 'TMOUT=600\nreadonly TMOUT\nexport TMOUT\n', '/etc/profile.d/z-other.sh': 'TMOUT=0\n', '/etc/bash.bashrc': '[ -z "$PS1" ] && return\n' },
  });
  const f = (await collect(fx, [session])).facts.session as SessionFacts;
  t.is(f.tmout, 600, 'the later TMOUT=0 fails against the readonly variable');
  t.true(f.tmout_readonly);
  t.true(f.tmout_exported);
  t.is(f.tmout_source, '/etc/profile.d/tmout.sh:1');
  t.deepEqual(f.files_read, ['/etc/profile', '/etc/profile.d/tmout.sh', '/etc/profile.d/z-other.sh', '/etc/bash.bashrc']);
});

test('RHEL layout: /etc/bashrc, nothing set', async (t) => {
  const fx = FixtureTransport.fromMemory({ name: 'rhel', files: { '/etc/profile': PROFILE, '/etc/bashrc': '# /etc/bashrc\n' } });
  const f = (await collect(fx, [session])).facts.session as SessionFacts;
  t.is(f.tmout, null);
  t.false(f.tmout_readonly);
  t.deepEqual(f.files_read, ['/etc/profile', '/etc/bashrc']);
});

test('an unreadable profile file makes the family an error', async (t) => {
  const fx = FixtureTransport.fromMemory({ name: 'denied', files: { '/etc/profile': PROFILE }, denied: ['/etc/profile'] });
  const f = (await collect(fx, [session])).facts.session as { error: { code: string } };
  t.is(f.error.code, 'permission_denied');
});
