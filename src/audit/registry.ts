/**
 * The explicit registry of collectors and derivers. One import and one list entry each; the parity
 * test (test/policy/parity.test.ts) fails, saying what to add, when a check needs a fact no collector
 * or deriver declares, or a collector lacks a test or fixture answers. It lives in the audit layer,
 * which composes both (plan: checks -> derivers -> collectors), so src/collectors/ (below
 * src/facts/) never imports a deriver.
 */
import type { Collector, Deriver } from '../collectors/types.js';
import { os } from '../collectors/os.js';
import { dmi } from '../collectors/dmi.js';
import { identity } from '../collectors/identity.js';
import { network } from '../collectors/network.js';
import { firewall } from '../collectors/firewall.js';
import { packages } from '../collectors/packages.js';
import { geoDeriver } from '../facts/geo.js';
import { exposureDeriver } from '../facts/exposure.js';
import { productsDeriver } from '../facts/products.js';
import { sshd } from '../collectors/sshd.js';
import { session } from '../collectors/session.js';
import { sshAccessDeriver } from '../facts/ssh-access.js';
import { inventoryDeriver } from '../facts/inventory.js';
import { accounts } from '../collectors/accounts.js';
import { loginDefs } from '../collectors/login_defs.js';
import { pam } from '../collectors/pam.js';
import { sudoers } from '../collectors/sudoers.js';
import { ftp } from '../collectors/ftp.js';
import { rolesDeriver } from '../facts/roles.js';
import { sudoRightsDeriver } from '../facts/sudo-rights.js';
import { backup } from '../collectors/backup.js';
import { logging } from '../collectors/logging.js';
import { timesync } from '../collectors/timesync.js';
import { agentStatus } from '../collectors/agent_status.js';
import { backupStatus } from '../facts/backup_status.js';
import { retention } from '../facts/retention.js';
import { logperms } from '../facts/logperms.js';
import { web } from '../collectors/web.js';
import { webAdminDeriver } from '../facts/web-admin.js';

export const collectors: Collector[] = [
  web,
  os,
  dmi,
  identity,
  network,
  firewall,
  packages,
  sshd,
  session,
  accounts,
  loginDefs,
  pam,
  sudoers,
  ftp,
  backup,
  logging,
  timesync,
  agentStatus,
];

export const derivers: Deriver[] = [
  webAdminDeriver,
  geoDeriver,
  exposureDeriver,
  productsDeriver,
  sshAccessDeriver,
  inventoryDeriver,
  rolesDeriver,
  sudoRightsDeriver,
  backupStatus,
  retention,
  logperms,
];
