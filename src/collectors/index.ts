/**
 * The explicit registry of collectors and derivers. One import and one list entry each; the parity
 * test (test/policy/parity.test.ts) fails, saying what to add, when a check needs a fact no collector
 * or deriver declares, or a collector lacks a test or fixture answers.
 */
import type { Collector, Deriver } from './types.js';
import { os } from './os.js';
import { dmi } from './dmi.js';
import { identity } from './identity.js';
import { network } from './network.js';
import { firewall } from './firewall.js';
import { packages } from './packages.js';
import { geoDeriver } from '../facts/geo.js';
import { exposureDeriver } from '../facts/exposure.js';
import { productsDeriver } from '../facts/products.js';
import { sshd } from './sshd.js';
import { session } from './session.js';
import { sshAccessDeriver } from '../facts/ssh-access.js';
import { inventoryDeriver } from '../facts/inventory.js';
import { accounts } from './accounts.js';
import { loginDefs } from './login_defs.js';
import { pam } from './pam.js';
import { sudoers } from './sudoers.js';
import { ftp } from './ftp.js';
import { rolesDeriver } from '../facts/roles.js';
import { sudoRightsDeriver } from '../facts/sudo-rights.js';
import { backup } from './backup.js';
import { logging } from './logging.js';
import { timesync } from './timesync.js';
import { agentStatus } from './agent_status.js';
import { backupStatus } from '../facts/backup_status.js';
import { retention } from '../facts/retention.js';
import { logperms } from '../facts/logperms.js';
import { web } from './web.js';
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
