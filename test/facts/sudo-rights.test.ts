import test from 'ava';
import { rolesDeriver } from '../../src/facts/roles.js';
import { sudoRightsDeriver } from '../../src/facts/sudo-rights.js';

const user = (name: string, uid: number, groups: string[]) => ({ name, uid, gid: uid, shell: '/bin/bash', login_shell: true, password: 'set', hash_alg: 'yescrypt', groups });
const accounts = {
  users: [user('root', 0, ['root']), user('wang', 1001, ['wang', 'gw-sysadmin', 'sudo']), user('liu', 1002, ['liu', 'gw-editor']), user('chen', 1003, ['chen', 'gw-auditor', 'gw-editor']), user('deploy', 1004, ['deploy'])],
  groups: [],
  hash_algs: [],
  shadow: { present: true },
};
const grant = (principal: string, is_group: boolean, nopasswd: boolean, all = true) => ({ principal, is_group, runas: 'ALL', all_commands: all, root_shell: false, nopasswd, commands: ['ALL'], file: '/etc/sudoers', line: 1 });
const env = { variables: { ROLE_GROUPS: { sysadmin: 'gw-sysadmin', editor: ['gw-editor'], auditor: 'gw-auditor' } }, geo: () => null, host: { name: 'h', roles: [], publicIps: [] } };
const sudoers = (grants: ReturnType<typeof grant>[]) => ({ present: true, grants, files: ['/etc/sudoers'], unresolved_includes: [] });

test('blanket NOPASSWD outside the sysadmin role, and any sudo for editors/auditors', (t) => {
  const s = sudoRightsDeriver.derive({ accounts, sudoers: sudoers([grant('root', false, false), grant('gw-sysadmin', true, true), grant('sudo', true, false), grant('deploy', false, true), grant('gw-editor', true, false, false)]) }, env);
  t.deepEqual(s.blanket_nopasswd.map((v) => v.user), ['deploy'], 'the sysadmin group grant is allowed; root is ignored');
  t.deepEqual(s.editor_auditor_sudo.map((v) => `${v.user}:${v.role}`), ['liu:editor', 'chen:editor', 'chen:auditor']);
});

test('a grant to ALL reaches everyone; a grant to an empty group still counts', (t) => {
  const s = sudoRightsDeriver.derive({ accounts, sudoers: sudoers([grant('ALL', false, true), grant('ghosts', true, true)]) }, env);
  const users = s.blanket_nopasswd.map((v) => v.user);
  t.true(users.includes('deploy') && users.includes('liu'));
  t.false(users.includes('wang'), 'a sysadmin member may hold it');
  t.false(users.includes('root'));
  t.true(users.includes('%ghosts'));
});

test('sudo rights need sudoers; role membership does not', (t) => {
  t.deepEqual(rolesDeriver.needs, ['accounts']);
  t.deepEqual(sudoRightsDeriver.needs, ['accounts', 'sudoers']);
});
