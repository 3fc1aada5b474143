/**
 * ComplianceAsCode concerns A (PermitRootLogin) and B (PermitEmptyPasswords, ClientAlive*, Ciphers,
 * MACs): every scenario is audited with the gwsec check that decides the CaC rule, with CaC's
 * variables mapped onto pack variables. `sshd -T` is not available for a scenario (no binary), so
 * the sshd_config parser decides; its effective values must equal what OpenSSH 9.2p1's `sshd -T`
 * printed for the same files (`sshd_effective`). Disagreements must be documented in
 * docs/conformance.md ("SSH (concerns A, B)"), and a documented row that no longer disagrees fails.
 */
import test from 'ava';
import { collect } from '../../src/collectors/run.js';
import { sshd, type SshdFacts } from '../../src/collectors/sshd.js';
import { auditWith } from '../helpers/audit.js';
import { documentedDisagreements, loadScenarios, scenarioHost, type Scenario } from '../helpers/cac.js';

const list = (s: string) => s.split(',').filter((x) => x);

/** CaC rule -> gwsec check and the pack variables its CaC variables become. */
const RULES: Record<string, { check: string; variables: (v: Record<string, string>) => Record<string, unknown> }> = {
  sshd_disable_root_login: { check: 'a40-7-ssh-root-login-disabled', variables: () => ({}) },
  sshd_disable_empty_passwords: { check: 'a40-7-ssh-no-empty-passwords', variables: () => ({}) },
  sshd_set_idle_timeout: {
    check: 'a40-7-ssh-client-alive-interval',
    variables: (v) => ({ SSH_CLIENT_ALIVE_INTERVAL_MAX: Number(v.sshd_idle_timeout_value ?? 300) }),
  },
  sshd_set_keepalive: {
    check: 'a40-7-ssh-client-alive-count-max',
    variables: (v) => ({ SSH_CLIENT_ALIVE_COUNT_MAX: Number(v.var_sshd_set_keepalive ?? 0) }),
  },
  sshd_set_keepalive_0: { check: 'a40-7-ssh-client-alive-count-max', variables: () => ({ SSH_CLIENT_ALIVE_COUNT_MAX: 0 }) },
  sshd_use_approved_ciphers: {
    check: 'a40-3-ssh-ciphers-approved',
    variables: (v) => ({ SSH_APPROVED_CIPHERS: list(v.sshd_approved_ciphers ?? '') }),
  },
  sshd_use_approved_ciphers_ordered_stig: {
    check: 'a40-3-ssh-ciphers-approved',
    variables: () => ({ SSH_APPROVED_CIPHERS: ['aes256-ctr', 'aes192-ctr', 'aes128-ctr'] }),
  },
  sshd_use_approved_macs: {
    check: 'a40-3-ssh-macs-approved',
    variables: (v) => ({ SSH_APPROVED_MACS: list(v.sshd_approved_macs ?? '') }),
  },
  sshd_use_approved_macs_ordered_stig: {
    check: 'a40-3-ssh-macs-approved',
    variables: () => ({ SSH_APPROVED_MACS: ['hmac-sha2-512', 'hmac-sha2-256'] }),
  },
};

// No sshd binary in a scenario: `sshd -T` cannot run, the files decide.
const NO_SSHD = { 'sshd-T': { stdout: '', exitCode: 127 }, 'sshd-status': { stdout: '', exitCode: 127 } };
const scenarios = loadScenarios(['A', 'B']);
const documented = documentedDisagreements();

test('every A/B scenario rule is mapped to a gwsec check', (t) => {
  t.deepEqual([...new Set(scenarios.map((s) => s.rule))].filter((r) => !(r in RULES)), []);
  t.is(scenarios.length, 114);
});

const verdict = (s: Scenario) => (s.expected === 'notapplicable' ? 'not_applicable' : s.expected);

for (const s of scenarios) {
  test(`${s.file}`, async (t) => {
    // 1. the parser reads the files as OpenSSH 9.2p1 did
    const { facts } = await collect(scenarioHost(s, NO_SSHD), [sshd]);
    const f = facts.sshd as SshdFacts;
    t.is(f.source, 'files');
    if (s.sshdEffective?.error !== undefined) {
      t.false(f.config_valid, `sshd refused this configuration: ${s.sshdEffective.error}`);
    } else if (s.sshdEffective) {
      t.true(f.config_valid, f.config_error ?? '');
      for (const [k, v] of Object.entries(s.sshdEffective)) t.is(f.effective?.[k], v, `effective ${k}`);
    }
    // 2. the verdict agrees with CaC, or the disagreement is documented
    const rule = RULES[s.rule];
    if (!rule) return t.fail(`unmapped rule ${s.rule}`);
    const { results } = await auditWith(scenarioHost(s, NO_SSHD), {
      checks: [rule.check],
      variables: rule.variables({ ...s.variableDefaults, ...s.variables }),
    });
    const got = results.find((r) => r.check === rule.check)?.status;
    const row = documented.get(s.file);
    if (got === undefined) return t.fail(`no result for ${rule.check}`);
    if (row) {
      t.not(got, verdict(s), `${s.file} is documented as a disagreement but gwsec now agrees with CaC: remove the row`);
      t.is(row.cac, verdict(s), 'the row\'s CaC column');
      t.is(row.gwsec, got, 'the row\'s gwsec column');
    } else {
      t.is(got, verdict(s), `gwsec ${got} vs CaC ${verdict(s)}: fix gwsec or document it in docs/conformance.md — ${JSON.stringify(results[0]?.evidence.slice(0, 3))}`);
    }
  });
}
