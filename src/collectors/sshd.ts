import { CollectError } from '../model/errors.js';
import { t } from '../model/schema.js';
import { resolvePamStack } from '../parsers/pam.js';
import { clientAliveTimeout, OTP_PAM_MODULES, summariseAuth, type SshdAuthSummary } from '../parsers/sshd-auth.js';
import { parseSshdConfig, parseSshdT, SSHD_MAIN_CONFIG, type SshdAlgorithms, type SshdMatchBlock } from '../parsers/sshd-config.js';
import type { Collector, CollectorOutput } from './types.js';

/**
 * The SSH daemon's effective configuration. `sshd -T` first (needs root: as another user it stops
 * with "no hostkeys available"); otherwise /etc/ssh/sshd_config and its Includes parsed as sshd
 * reads them. A configuration sshd would refuse is `config_valid: false` (checks treat it as fail:
 * the daemon will not restart with it). Also the PAM stack of the sshd service, for 2FA.
 */
export interface SshdPamFacts {
  present: boolean;
  otp_modules: string[];
  auth_modules: string[];
  missing_includes: string[];
}

export interface SshdFacts {
  installed: boolean;
  running?: boolean | null;
  version?: string | null;
  source?: 'sshd -T' | 'files';
  /** Why `sshd -T` was not used (e.g. not root), when the files were parsed instead. */
  sshd_t_error?: string | null;
  config_valid?: boolean;
  config_error?: string | null;
  effective?: Record<string, string>;
  multi?: Record<string, string[]>;
  match_blocks?: SshdMatchBlock[];
  algorithms?: SshdAlgorithms & { sm: string[] };
  unknown_keywords?: string[];
  /** interval × count-max when sshd drops an unresponsive client; null = never. */
  client_alive_timeout_s?: number | null;
  auth?: SshdAuthSummary;
  pam?: SshdPamFacts | { error: { code: string; message: string } };
}

const SSHD_T = 'sshd-T';
const SSHD_STATUS = 'sshd-status';
const PAM_GLOB = '/etc/pam.d/*';
/** A config line sshd treats as an error (vs. "no hostkeys available" when not root). */
const CONFIG_ERROR = /line \d+:|Bad configuration option|bad configuration options|Directive '|No such file or directory/;

const algorithmsSchema = t.obj({ ciphers: t.arr(t.str), macs: t.arr(t.str), kex: t.arr(t.str), hostkey: t.arr(t.str), sm: t.arr(t.str) });

function sshdPam(out: CollectorOutput): SshdFacts['pam'] {
  let files: Map<string, string>;
  try {
    files = new Map(out.glob(PAM_GLOB).map((f) => [f.path, f.content]));
  } catch (e) {
    if (e instanceof CollectError) return { error: { code: e.code, message: e.message } };
    throw e;
  }
  if (!files.has('/etc/pam.d/sshd')) return { present: false, otp_modules: [], auth_modules: [], missing_includes: [] };
  const stack = resolvePamStack(files, '/etc/pam.d/sshd');
  const auth = stack.entries.filter((e) => e.type === 'auth');
  return {
    present: true,
    // "-auth" entries are skipped silently when the module is not installed: still configured.
    otp_modules: [...new Set(auth.map((e) => e.module).filter((m) => OTP_PAM_MODULES.includes(m)))],
    auth_modules: auth.map((e) => e.module),
    missing_includes: stack.missing,
  };
}

export const sshd: Collector<SshdFacts> = {
  id: 'sshd',
  description: 'OpenSSH server effective configuration (sshd -T, else sshd_config + Include), and its PAM stack',
  schema: t.obj({
    installed: t.bool,
    running: t.nullable(t.bool),
    version: t.nullable(t.str),
    source: t.enum('sshd -T', 'files'),
    sshd_t_error: t.nullable(t.str),
    config_valid: t.bool,
    config_error: t.nullable(t.str),
    effective: t.map(t.str),
    multi: t.map(t.arr(t.str)),
    match_blocks: t.arr(t.obj({ criteria: t.str, file: t.str, line: t.num, settings: t.map(t.str) })),
    algorithms: algorithmsSchema,
    unknown_keywords: t.arr(t.str),
    client_alive_timeout_s: t.nullable(t.num),
    auth: t.obj({ usable_lists: t.arr(t.str), password_without_key: t.bool, multi_factor: t.bool, pam_prompt_in_every_list: t.bool }),
    pam: t.obj({ present: t.bool, otp_modules: t.arr(t.str), auth_modules: t.arr(t.str), missing_includes: t.arr(t.str) }),
  }),
  requests: [
    { kind: 'cmd', name: SSHD_T, script: 'command -v sshd >/dev/null 2>&1 || exit 127; sshd -T' },
    {
      kind: 'cmd',
      name: SSHD_STATUS,
      // Version (older sshd print it inside the usage text for -V) and whether a daemon runs.
      script:
        [
          'command -v sshd >/dev/null 2>&1 || exit 127',
          // the first OpenSSH_x token, cut at a space, comma or line end (no grep, no head)
          'v=$(gw_to sshd -V 2>&1); case "$v" in *OpenSSH_*) v=OpenSSH_${v#*OpenSSH_}; printf \'%s\\n\' "${v%%[ ,\n]*}" ;; esac',
          'set -- /proc/[0-9]*/comm; [ -e "$1" ] || { echo unknown; exit 0; }',
          'if gw_comms | grep -qx \'sshd\'; then echo running; else echo stopped; fi',
        ].join('\n'),
      selfTimed: true,
    },
    { kind: 'tree', path: SSHD_MAIN_CONFIG, include: '(?i)^[ \t]*include[ \t=]+([^#]*).*$', base: '/etc/ssh' },
    { kind: 'glob', pattern: PAM_GLOB },
  ],
  parse(out) {
    const status = out.cmdIfPresent(SSHD_STATUS);
    const dump = out.cmdIfPresent(SSHD_T);
    const dumpOk = dump !== null && dump.exitCode === 0 && dump.stdout.trim() !== '';
    let files: Array<{ path: string; content: string }> = [];
    try {
      files = out.tree(SSHD_MAIN_CONFIG);
    } catch (e) {
      // With a working `sshd -T` the files only add Match blocks; without it they are the facts.
      if (!(e instanceof CollectError && e.code === 'permission_denied' && dumpOk)) throw e;
    }
    const hasConfig = files.some((f) => f.path === SSHD_MAIN_CONFIG);
    if (status === null && dump === null && !hasConfig) return { installed: false };

    const statusLines = (status?.stdout ?? '').split('\n').map((l) => l.trim());
    const version = statusLines.find((l) => l.startsWith('OpenSSH_'))?.slice('OpenSSH_'.length) ?? null;
    const state = statusLines.find((l) => l === 'running' || l === 'stopped');
    const running = state === undefined ? null : state === 'running';

    const fromFiles = parseSshdConfig(files.map((f) => ({ path: f.path, content: f.content })));
    let facts: SshdFacts;
    if (dumpOk) {
      const d = parseSshdT(dump.stdout);
      facts = {
        installed: true, source: 'sshd -T', sshd_t_error: null, config_valid: true, config_error: null,
        effective: d.effective, multi: d.multi, algorithms: { ...d.algorithms, sm: [] },
      };
    } else {
      const why = (dump?.stderr || dump?.stdout || '').trim().split('\n')[0] ?? '';
      const refused = dump !== null && CONFIG_ERROR.test(dump.stderr + dump.stdout);
      facts = {
        installed: true,
        source: 'files',
        sshd_t_error: dump === null ? 'sshd -T: command not found' : `sshd -T exit ${dump.exitCode}: ${why}`,
        // sshd's own verdict on the configuration wins over ours when it gave one.
        config_valid: refused ? false : fromFiles.config_valid,
        config_error: refused ? why : (fromFiles.config_error ?? null),
        effective: fromFiles.effective,
        multi: fromFiles.multi,
        algorithms: { ...fromFiles.algorithms, sm: [] },
      };
      if (!hasConfig && !refused) {
        facts.config_valid = false;
        facts.config_error = `${SSHD_MAIN_CONFIG}: No such file or directory`;
      }
    }
    const algs = facts.algorithms as SshdAlgorithms & { sm: string[] };
    algs.sm = [...algs.ciphers, ...algs.macs, ...algs.kex, ...algs.hostkey].filter((a) => /(^|-)sm[234]/.test(a));
    const eff = facts.effective ?? {};
    return {
      ...facts,
      running,
      version,
      match_blocks: fromFiles.match_blocks,
      unknown_keywords: fromFiles.unknown_keywords,
      client_alive_timeout_s: clientAliveTimeout(eff),
      auth: summariseAuth(eff),
      pam: sshdPam(out),
    };
  },
};
