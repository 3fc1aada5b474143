import test from 'ava';
import { rolesDeriver, type RolesFacts } from '../../src/facts/roles.js';

const user = (name: string, uid: number, groups: string[]) => ({ name, uid, gid: uid, shell: '/bin/bash', login_shell: true, password: 'set', hash_alg: 'yescrypt', groups });
const accounts = {
  users: [user('root', 0, ['root']), user('wang', 1001, ['wang', 'gw-sysadmin', 'sudo']), user('liu', 1002, ['liu', 'gw-editor']), user('chen', 1003, ['chen', 'gw-auditor', 'gw-editor']), user('deploy', 1004, ['deploy'])],
  groups: [],
  hash_algs: [],
  shadow: { present: true },
};
const grant = (principal: string, is_group: boolean, nopasswd: boolean, all = true) => ({ principal, is_group, runas: 'ALL', all_commands: all, root_shell: false, nopasswd, commands: ['ALL'], file: '/etc/sudoers', line: 1 });
const env = { variables: { ROLE_GROUPS: { sysadmin: 'gw-sysadmin', editor: ['gw-editor'], auditor: 'gw-auditor' } }, geo: () => null, host: { name: 'h', roles: [], publicIps: [] } };

test('members, double roles, blanket NOPASSWD and editor/auditor sudo', (t) => {
  const r = rolesDeriver.derive(
    { accounts, sudoers: { present: true, grants: [grant('root', false, false), grant('gw-sysadmin', true, true), grant('sudo', true, false), grant('deploy', false, true), grant('gw-editor', true, false, false)], files: [], unresolved_includes: [] } },
    env,
  ) as RolesFacts;
  t.deepEqual(r.roles.editor.members, ['liu', 'chen']);
  t.deepEqual(r.missing_roles, []);
  t.deepEqual(r.multi_role_accounts, [{ user: 'chen', roles: ['editor', 'auditor'] }]);
  if ('error' in r.sudo) return t.fail();
  t.deepEqual(r.sudo.blanket_nopasswd.map((v) => v.user), ['deploy'], 'the sysadmin group grant is allowed; root is ignored');
  t.deepEqual(r.sudo.editor_auditor_sudo.map((v) => `${v.user}:${v.role}`), ['liu:editor', 'chen:editor', 'chen:auditor']);
});

test('ALL principal and unknown groups; missing roles', (t) => {
  const r = rolesDeriver.derive({ accounts, sudoers: { present: true, grants: [grant('ALL', false, true), grant('ghosts', true, true)], files: [], unresolved_includes: [] } }, { ...env, variables: { ROLE_GROUPS: { sysadmin: 'admins', editor: 'gw-editor', auditor: 'nobody-here' } } }) as RolesFacts;
  t.deepEqual(r.missing_roles, ['sysadmin', 'auditor']);
  if ('error' in r.sudo) return t.fail();
  const users = r.sudo.blanket_nopasswd.map((v) => v.user);
  t.true(users.includes('wang') && users.includes('deploy') && !users.includes('root'));
  t.true(users.includes('%ghosts'), 'a standing grant to an empty group is still reported');
});

test('errors propagate: accounts family, and sudoers only into roles.sudo', (t) => {
  t.like(rolesDeriver.derive({ accounts: { error: { code: 'not_found', message: 'x' } }, sudoers: { present: false, grants: [] } }, env), { error: { code: 'not_found' } });
  const r = rolesDeriver.derive({ accounts, sudoers: { error: { code: 'permission_denied', message: '/etc/sudoers: permission denied' } } }, env) as RolesFacts;
  t.like(r.sudo, { error: { code: 'permission_denied' } });
  t.deepEqual(r.multi_role_accounts.map((m) => m.user), ['chen']);
});
