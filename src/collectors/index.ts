/**
 * The explicit registry of collectors and derivers. One import and one list entry each; the parity
 * test (test/policy/parity.test.ts) fails, saying what to add, when a check needs a fact no collector
 * or deriver declares, or a collector lacks a test or fixture answers.
 */
import type { Collector, Deriver } from './types.js';
import { inventoryDeriver } from '../facts/inventory.js';
import { accounts } from './accounts.js';
import { loginDefs } from './login_defs.js';
import { pam } from './pam.js';
import { sudoers } from './sudoers.js';
import { ftp } from './ftp.js';
import { rolesDeriver } from '../facts/roles.js';

export const collectors: Collector[] = [
  accounts,
  loginDefs,
  pam,
  sudoers,
  ftp,
];

export const derivers: Deriver[] = [
  inventoryDeriver,
  rolesDeriver,
];
