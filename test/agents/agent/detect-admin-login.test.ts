/**
 * admin-login-new-source inside the real agent: administrators come from the host's own passwd and
 * group files (under detections.host_root) and the config's admin_users; the learning period runs
 * on the log's own times.
 */
import test from 'ava';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../agents/agent/config.js';
import { createEvents } from '../../../agents/agent/events.js';
import { readAlerts } from '../../../agents/agent/detect/store.js';
import { adminAccounts } from '../../../agents/agent/detect/admins.js';
import { scaled, waitUntil } from '../../helpers/time.js';
import { rm, tmp, writeConfig } from './helpers.js';
import { startAgent } from '../../helpers/agent.js';

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const stamp = (d: Date) => `${MON[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${d.toTimeString().slice(0, 8)}`;

function hostRoot(d: string): string {
  const root = join(d, 'host');
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc', 'passwd'), ['root:x:0:0:root:/root:/bin/bash', 'toor:x:0:0::/root:/bin/sh', 'ops:x:1000:27::/home/ops:/bin/bash', 'zhang:x:1001:1001::/home/zhang:/bin/bash', 'editor:x:1002:1002::/home/editor:/bin/bash', 'www-data:x:33:33::/var/www:/usr/sbin/nologin'].join('\n') + '\n');
  writeFileSync(join(root, 'etc', 'group'), ['root:x:0:', 'sudo:x:27:zhang', 'zhang:x:1001:', 'editor:x:1002:', 'www-data:x:33:'].join('\n') + '\n');
  return root;
}

test('administrators are root, uid 0, sudo/wheel/admin members (listed or by primary group) and admin_users', (t) => {
  const d = tmp('admins');
  t.deepEqual(adminAccounts(hostRoot(d), ['webmaster']), ['ops', 'root', 'toor', 'webmaster', 'zhang']);
  t.deepEqual(adminAccounts(join(d, 'nowhere')), ['root']);
  rm(d);
});

test('the agent alerts a sudo member logging in from a new address after the learning week, not an editor', async (t) => {
  const d = tmp('detect-admin');
  const log = join(d, 'auth.log');
  const now = Date.now();
  const at = (daysAgo: number) => new Date(now - daysAgo * 86_400_000);
  const lines = [
    `${stamp(at(12))} web sshd[101]: Accepted publickey for zhang from 10.20.0.5 port 50001 ssh2`,
    `${stamp(at(10))} web sshd[102]: Accepted publickey for zhang from 10.20.0.5 port 50002 ssh2`,
    `${stamp(at(9))} web sshd[103]: Accepted publickey for editor from 10.20.0.9 port 50003 ssh2`,
    `${stamp(at(2))} web sshd[104]: Accepted publickey for zhang from 10.20.0.5 port 50004 ssh2`,
    `${stamp(at(2))} web sshd[105]: Accepted password for editor from 198.51.100.20 port 50005 ssh2`,
    `${stamp(at(1))} web sshd[106]: Accepted password for zhang from 203.0.113.50 port 50006 ssh2`,
  ];
  writeFileSync(log, lines.join('\n') + '\n');
  const cfgPath = writeConfig(d, { archive: { dir: join(d, 'archive') }, sources: [{ type: 'file', name: 'auth', path: log, format: 'auth' }], detections: { host_root: hostRoot(d) } });
  const cfg = loadConfig(cfgPath);
  const ev = createEvents({ silent: true });
  const agent = startAgent(t, cfg, { events: ev });
  const got = () => readAlerts(cfg.detections.alerts_file).map((s) => s.alert).filter((a) => a.rule === 'admin-login-new-source');
  try {
    t.true(await waitUntil(() => got().length > 0, scaled(15000)), 'alert stored');
    t.true(await waitUntil(() => (ev.counters.RecordsArchived ?? 0) >= lines.length, scaled(10000)));
  } finally {
    await agent.stop();
  }
  t.deepEqual([...new Set(got().map((a) => a.groupKey))], ['zhang@203.0.113.50']);
  t.is(got()[0]!.evidence['auth.from'], '203.0.113.50');
  t.is(got()[0]!.playbook, 'account-compromise');
  rm(d);
});
