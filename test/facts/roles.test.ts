import test from 'ava';
import { rolesDeriver } from '../../src/facts/roles.js';

const user = (name: string, uid: number, groups: string[]) => ({ name, uid, gid: uid, shell: '/bin/bash', login_shell: true, password: 'set', hash_alg: 'yescrypt', groups });
const accounts = {
  users: [user('root', 0, ['root']), user('wang', 1001, ['wang', 'gw-sysadmin', 'sudo']), user('liu', 1002, ['liu', 'gw-editor']), user('chen', 1003, ['chen', 'gw-auditor', 'gw-editor']), user('deploy', 1004, ['deploy'])],
  groups: [],
  hash_algs: [],
  shadow: { present: true },
};
const env = { variables: { ROLE_GROUPS: { sysadmin: 'gw-sysadmin', editor: ['gw-editor'], auditor: 'gw-auditor' } }, geo: () => null, host: { name: 'h', roles: [], publicIps: [] } };

test('role members (primary or supplementary group) and double roles', (t) => {
  const r = rolesDeriver.derive({ accounts }, env);
  t.deepEqual(r.roles.editor.members, ['liu', 'chen']);
  t.deepEqual(r.roles.sysadmin, { groups: ['gw-sysadmin'], existing: [], members: ['wang'] });
  t.deepEqual(r.missing_roles, []);
  t.deepEqual(r.multi_role_accounts, [{ user: 'chen', roles: ['editor', 'auditor'] }]);
  const other = rolesDeriver.derive({ accounts }, { ...env, variables: { ROLE_GROUPS: { sysadmin: 'admins', editor: 'gw-editor', auditor: 'nobody-here' } } });
  t.deepEqual(other.missing_roles, ['sysadmin', 'auditor']);
});
