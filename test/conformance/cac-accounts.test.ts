/**
 * ComplianceAsCode conformance, concerns C (login.defs ageing), D (pwquality, faillock) and E
 * (/etc/shadow, /etc/passwd). Each scenario's files (over the stock Debian 12 base) are audited
 * through the real collectors and the pack's checks, and the verdict must equal CaC's — or the
 * disagreement must be a row of docs/conformance.md, which must then be right about what gwsec says.
 *
 * Mapping (CaC rule -> gwsec check; CaC variable -> pack variable):
 *  accounts_maximum_age_login_defs       -> a40-7-password-ageing, its login_defs.pass_max_days leaf;
 *                                           var_accounts_maximum_age_login_defs -> PASS_MAX_DAYS
 *  accounts_minimum_age_login_defs       -> a40-7-password-ageing, its pass_min_days leaf;
 *                                           var_accounts_minimum_age_login_defs -> PASS_MIN_DAYS
 *  accounts_password_warn_age_login_defs -> a40-7-password-ageing, its pass_warn_age leaf;
 *                                           var_accounts_password_warn_age_login_defs -> PASS_WARN_AGE
 *    (one gwsec check decides three CaC rules; each C scenario rewrites the whole login.defs, so the
 *     rule is judged by the check's own leaf for that key, evaluated by the engine)
 *  accounts_password_pam_minlen          -> a40-7-password-quality; var_password_pam_minlen -> PASSWORD_MIN_LENGTH,
 *                                           PASSWORD_MIN_CLASSES = 0 (the rule says nothing about classes)
 *  accounts_password_pam_minclass        -> a40-7-password-quality; var_password_pam_minclass -> PASSWORD_MIN_CLASSES,
 *                                           PASSWORD_MIN_LENGTH = 0
 *  accounts_passwords_pam_faillock_deny  -> a40-7-login-lockout; var_accounts_passwords_pam_faillock_deny -> LOCKOUT_DENY_MAX,
 *                                           LOCKOUT_UNLOCK_MIN = 0
 *  accounts_passwords_pam_faillock_unlock_time -> a40-7-login-lockout; var_accounts_passwords_pam_faillock_unlock_time
 *                                           -> LOCKOUT_UNLOCK_MIN, LOCKOUT_DENY_MAX = 1000
 *  accounts_no_uid_except_zero           -> a40-7-no-extra-uid0
 *  no_empty_passwords_etc_shadow         -> a40-7-no-empty-passwords
 * CaC `notapplicable` is gwsec `not_applicable`.
 */
import test from 'ava';
import type { Check, Condition, Pack } from '../../src/model/check.js';
import { evaluateHosts, gatherHost } from '../../src/audit/audit.js';
import { resolveVariables } from '../../src/policy/load.js';
import { documentedDisagreements, loadScenarios, scenarioHost, type Scenario } from '../helpers/cac.js';
import { embeddedPack } from '../helpers/audit.js';

interface Mapping {
  check: string;
  vars: Record<string, string>; // CaC variable -> pack variable
  neutral?: Record<string, unknown>; // pack variables the CaC rule does not constrain
  leaf?: string; // judge only the check's leaf on this fact
}

const MAP: Record<string, Mapping> = {
  accounts_maximum_age_login_defs: { check: 'a40-7-password-ageing', vars: { var_accounts_maximum_age_login_defs: 'PASS_MAX_DAYS' }, leaf: 'login_defs.pass_max_days' },
  accounts_minimum_age_login_defs: { check: 'a40-7-password-ageing', vars: { var_accounts_minimum_age_login_defs: 'PASS_MIN_DAYS' }, leaf: 'login_defs.pass_min_days' },
  accounts_password_warn_age_login_defs: { check: 'a40-7-password-ageing', vars: { var_accounts_password_warn_age_login_defs: 'PASS_WARN_AGE' }, leaf: 'login_defs.pass_warn_age' },
  accounts_password_pam_minlen: { check: 'a40-7-password-quality', vars: { var_password_pam_minlen: 'PASSWORD_MIN_LENGTH' }, neutral: { PASSWORD_MIN_CLASSES: 0 } },
  accounts_password_pam_minclass: { check: 'a40-7-password-quality', vars: { var_password_pam_minclass: 'PASSWORD_MIN_CLASSES' }, neutral: { PASSWORD_MIN_LENGTH: 0 } },
  accounts_passwords_pam_faillock_deny: { check: 'a40-7-login-lockout', vars: { var_accounts_passwords_pam_faillock_deny: 'LOCKOUT_DENY_MAX' }, neutral: { LOCKOUT_UNLOCK_MIN: 0 } },
  accounts_passwords_pam_faillock_unlock_time: {
    check: 'a40-7-login-lockout',
    vars: { var_accounts_passwords_pam_faillock_unlock_time: 'LOCKOUT_UNLOCK_MIN' },
    neutral: { LOCKOUT_DENY_MAX: 1000 },
  },
  accounts_no_uid_except_zero: { check: 'a40-7-no-extra-uid0', vars: {} },
  no_empty_passwords_etc_shadow: { check: 'a40-7-no-empty-passwords', vars: {} },
};

/** The check with `expect` cut down to its top-level `all` leaf on `fact`. */
function onlyLeaf(check: Check, fact: string): Check {
  const all = 'all' in check.expect ? check.expect.all : [check.expect];
  const kept = all.filter((c: Condition) => 'fact' in c && c.fact === fact);
  if (kept.length !== 1) throw new Error(`${check.id} has no single top-level leaf on ${fact}`);
  return { ...check, expect: kept[0]! };
}

async function verdict(s: Scenario): Promise<string> {
  const m = MAP[s.rule];
  if (!m) throw new Error(`no mapping for CaC rule ${s.rule}`);
  const full: Pack = embeddedPack();
  const original = full.checks.find((c) => c.id === m.check);
  if (!original) throw new Error(`check ${m.check} is not in the pack`);
  const check = m.leaf ? onlyLeaf(original, m.leaf) : original;
  const overrides: Record<string, unknown> = { ...m.neutral };
  const cacVars = { ...s.variableDefaults, ...s.variables };
  for (const [cac, ours] of Object.entries(m.vars)) if (cac in cacVars) overrides[ours] = Number(cacVars[cac]);
  const host = await gatherHost({ name: s.file, transport: scenarioHost(s), roles: [], publicIps: [] }, [check], {});
  const [r] = evaluateHosts({ ...full, checks: [check] }, [host], { now: new Date('2026-12-01T00:00:00Z'), variables: resolveVariables(full, overrides), geo: () => null });
  return r!.status;
}

const scenarios = loadScenarios(['C', 'D', 'E']);
const documented = documentedDisagreements();
const cacStatus = (e: Scenario['expected']) => (e === 'notapplicable' ? 'not_applicable' : e);

test('every C/D/E rule is mapped to a gwsec check', (t) => {
  t.true(scenarios.length >= 60);
  t.deepEqual([...new Set(scenarios.map((s) => s.rule))].filter((r) => !MAP[r]), []);
});

for (const s of scenarios) {
  test(`${s.file}`, async (t) => {
    const got = await verdict(s);
    const want = cacStatus(s.expected);
    const row = documented.get(s.file);
    if (!row) {
      t.is(got, want, `gwsec says ${got}, CaC says ${want}: fix gwsec or document the disagreement in docs/conformance.md`);
      return;
    }
    t.not(got, want, 'documented as a disagreement but gwsec agrees: delete the stale row from docs/conformance.md');
    t.is(cacStatus(row.cac as Scenario['expected']), want, 'the row misstates the CaC verdict');
    t.is(row.gwsec, got, 'the row misstates the gwsec verdict');
  });
}
