import test from 'ava';
import { includedByDir, parseSudoers, sudoersIncludes } from '../../src/parsers/sudoers.js';

// Debian 12 stock /etc/sudoers (sudo 1.9.13p3), abridged comments.
const DEBIAN = `#
# This file MUST be edited with the 'visudo' command as root.
Defaults	env_reset
Defaults	mail_badpass
Defaults	secure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
Defaults	use_pty

# User privilege specification
root	ALL=(ALL:ALL) ALL

# Allow members of group sudo to execute any command
%sudo	ALL=(ALL:ALL) ALL

# See sudoers(5) for more information on "@include" directives:

@includedir /etc/sudoers.d
`;

const f = (path: string, text: string) => ({ path, text });

test('stock Debian: root and %sudo get ALL with a password', (t) => {
  const p = parseSudoers([f('/etc/sudoers', DEBIAN)]);
  t.deepEqual(
    p.grants.map((g) => [g.principal, g.is_group, g.runas, g.all_commands, g.nopasswd, g.line]),
    [
      ['root', false, 'ALL:ALL', true, false, 9],
      ['sudo', true, 'ALL:ALL', true, false, 12],
    ],
  );
  t.deepEqual(p.includedirs, ['/etc/sudoers.d']);
});

test('CentOS 7 #includedir and NOPASSWD for wheel', (t) => {
  const text = '## Allows people in group wheel to run all commands\n%wheel\tALL=(ALL)\tALL\n## Same thing without a password\n%wheel        ALL=(ALL)       NOPASSWD: ALL\n#includedir /etc/sudoers.d\n';
  const p = parseSudoers([f('/etc/sudoers', text)]);
  t.deepEqual(sudoersIncludes(text).includedirs, ['/etc/sudoers.d']);
  t.is(p.grants.length, 2);
  t.like(p.grants[1], { principal: 'wheel', is_group: true, nopasswd: true, all_commands: true, line: 4 });
});

test('aliases, tag persistence, PASSWD switching back, several users', (t) => {
  const text = `User_Alias WEBOPS = deploy, %webteam, !intern
Cmnd_Alias SHELLS = /bin/sh, /bin/bash, /usr/bin/su
Cmnd_Alias EVERYTHING = ALL
Runas_Alias OP = root, www-data
WEBOPS ALL = (OP) NOPASSWD: /usr/bin/systemctl reload nginx, /usr/bin/rsync, PASSWD: SHELLS
alice, bob ALL=(ALL) NOPASSWD:EVERYTHING
#1001 ALL = ALL
`;
  const p = parseSudoers([f('/etc/sudoers.d/webops', text)]);
  const deploy = p.grants.filter((g) => g.principal === 'deploy');
  t.is(deploy.length, 2);
  t.like(deploy[0], { runas: 'root,www-data', nopasswd: true, all_commands: false, root_shell: false });
  t.like(deploy[1], { nopasswd: false, root_shell: true });
  t.true(p.grants.some((g) => g.principal === 'webteam' && g.is_group));
  t.false(p.grants.some((g) => g.principal === 'intern' || g.principal === '!intern'), 'negated users grant nothing');
  for (const u of ['alice', 'bob']) t.true(p.grants.some((g) => g.principal === u && g.all_commands && g.nopasswd), u);
  t.true(p.grants.some((g) => g.principal === '#1001' && g.all_commands), 'a #uid is a user, not a comment');
});

test('Defaults !authenticate makes grants password-less, globally or per user', (t) => {
  const g = parseSudoers([f('/etc/sudoers', 'Defaults !authenticate\n%sudo ALL=(ALL:ALL) ALL\n')]).grants;
  t.true(g[0].nopasswd);
  const u = parseSudoers([f('/etc/sudoers', 'Defaults:ci   !authenticate\nci ALL=(ALL) ALL\nops ALL=(ALL) ALL\n')]).grants;
  t.true(u.find((x) => x.principal === 'ci')!.nopasswd);
  t.false(u.find((x) => x.principal === 'ops')!.nopasswd);
});

test('line continuations keep the first line number', (t) => {
  const g = parseSudoers([f('/etc/sudoers', '\n\nops ALL = (root) NOPASSWD: /usr/bin/apt-get update, \\\n   ALL\n')]).grants;
  t.like(g[0], { line: 3, all_commands: true, nopasswd: true });
});

test('includedir skips editor backups and files with a dot', (t) => {
  t.true(includedByDir('90-cloud-init-users'));
  t.false(includedByDir('README~'));
  t.false(includedByDir('site.conf'));
});
