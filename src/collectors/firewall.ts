import { CollectError } from '../model/errors.js';
import { t } from '../model/schema.js';
import type { RulesetView, SshRule } from '../parsers/firewall-common.js';
import { firewalldView, parseFirewalld } from '../parsers/firewalld.js';
import { iptablesView, parseIptablesS } from '../parsers/iptables.js';
import { nftView, parseNftRuleset } from '../parsers/nft.js';
import { parseUfwStatus, ufwFromFiles } from '../parsers/ufw.js';
import type { CmdResult } from '../transport/requests.js';
import type { Collector, CollectorOutput } from './types.js';

type Backend = 'nftables' | 'iptables' | 'firewalld' | 'ufw';

export interface BackendState {
  /** installed: the tool exists; readable: its ruleset could be read (nft/iptables need root). */
  installed: boolean;
  readable: boolean;
  active: boolean;
  default_deny: boolean;
  detail: string | null; // e.g. the refusal message, or "firewalld: not running"
}

export interface FirewallFacts {
  /** Some firewall actively drops inbound traffic it was not told to allow. */
  default_deny_inbound: boolean;
  /** Backends whose rulesets give inbound default deny. */
  deny_by: Backend[];
  /** A firewall with inbound default deny admits tcp/22 only from listed source ranges (≥ 1 rule). */
  ssh_source_restricted: boolean;
  /** Source ranges admitted to tcp/22 by the restricting rules (for MGMT_CIDRS comparisons). */
  ssh_sources: string[];
  ssh_rules: Array<SshRule & { backend: Backend }>;
  backends: Record<Backend, BackendState>;
}

const backendSchema = t.obj({ installed: t.bool, readable: t.bool, active: t.bool, default_deny: t.bool, detail: t.nullable(t.str) });

const FIREWALLD_SNIPPET = [
  'command -v firewall-cmd >/dev/null 2>&1 || exit 127',
  'st=$(gw_to firewall-cmd --state 2>&1); echo "state: $st"',
  '[ "$st" = running ] || exit 0',
  'dz=$(gw_to firewall-cmd --get-default-zone); echo "default-zone: $dz"',
  "zs=$(gw_to firewall-cmd --get-active-zones | awk '/^[^[:space:]]/{print $1}')",
  '[ -n "$zs" ] || zs=$dz',
  'for z in $zs; do gw_to firewall-cmd --list-all --zone="$z"; done',
].join('\n');

export const firewall: Collector<FirewallFacts> = {
  id: 'firewall',
  description: 'Inbound default policy and SSH source restrictions from nftables, iptables, firewalld and ufw',
  schema: t.obj({
    default_deny_inbound: t.bool,
    deny_by: t.arr(t.enum('nftables', 'iptables', 'firewalld', 'ufw')),
    ssh_source_restricted: t.bool,
    ssh_sources: t.arr(t.str),
    ssh_rules: t.arr(t.obj({ backend: t.str, sources: t.nullable(t.arr(t.str)), rule: t.str })),
    backends: t.obj({ nftables: backendSchema, iptables: backendSchema, firewalld: backendSchema, ufw: backendSchema }),
  }),
  requests: [
    // guarded: an absent program answers 127 without a process (cmdIfPresent reads it as not installed)
    { kind: 'cmd', name: 'firewall-nft', script: 'command -v nft >/dev/null 2>&1 || exit 127; nft list ruleset' },
    { kind: 'cmd', name: 'firewall-iptables', script: 'command -v iptables >/dev/null 2>&1 || exit 127; iptables -S' },
    { kind: 'cmd', name: 'firewall-firewalld', script: FIREWALLD_SNIPPET, timeoutS: 20 },
    { kind: 'cmd', name: 'firewall-ufw', script: 'command -v ufw >/dev/null 2>&1 || exit 127; ufw status verbose' },
    { kind: 'file', path: '/etc/ufw/ufw.conf' },
    { kind: 'file', path: '/etc/default/ufw' },
    { kind: 'file', path: '/etc/ufw/user.rules' },
  ],
  parse(out) {
    const views: Partial<Record<Backend, RulesetView>> = {};
    const backends = {} as Record<Backend, BackendState>;
    const denied: Failure[] = []; // installed backends whose state could not be read

    const fromCmd = (b: Backend, name: string, read: (stdout: string) => { view: RulesetView; active: boolean; detail?: string }): void => {
      const r = out.cmdIfPresent(name);
      if (!r) {
        backends[b] = { installed: false, readable: false, active: false, default_deny: false, detail: null };
        return;
      }
      if (r.exitCode !== 0) {
        const msg = refusal(r);
        denied.push({ what: `${name}: ${msg}`, perm: isPermissionRefusal(r) });
        backends[b] = { installed: true, readable: false, active: false, default_deny: false, detail: msg };
        return;
      }
      const v = read(r.stdout);
      views[b] = v.view;
      backends[b] = { installed: true, readable: true, active: v.active, default_deny: v.view.default_deny, detail: v.detail ?? null };
    };

    fromCmd('nftables', 'firewall-nft', (s) => {
      const rs = parseNftRuleset(s);
      return { view: nftView(rs), active: rs.chains.some((c) => c.hook === 'input') };
    });
    fromCmd('iptables', 'firewall-iptables', (s) => {
      const r = parseIptablesS(s);
      const v = iptablesView(r);
      return { view: v, active: v.default_deny || r.rules.length > 0 };
    });
    fromCmd('firewalld', 'firewall-firewalld', (s) => {
      const st = parseFirewalld(s);
      return { view: firewalldView(st), active: st.running, detail: st.running ? `default zone ${st.default_zone}` : 'firewalld: not running' };
    });
    readUfw(out, views, backends, denied);

    const deny_by = (Object.keys(views) as Backend[]).filter((b) => views[b]!.default_deny);
    // Unreadable rulesets only matter when nothing readable already shows default deny.
    if (deny_by.length === 0 && denied.length > 0) {
      const perm = denied.some((d) => d.perm);
      const what = denied.map((d) => d.what).join('; ');
      throw new CollectError(perm ? 'permission_denied' : 'command_failed', perm ? `firewall rules unreadable without root: ${what}` : `firewall state unknown: ${what}`);
    }
    const ssh_rules = (Object.keys(views) as Backend[]).flatMap((b) => views[b]!.ssh_rules.map((r) => ({ backend: b, ...r })));
    // Restricted when some default-deny firewall admits ssh only through source-limited rules.
    const restricting = deny_by.filter((b) => {
      const rules = views[b]!.ssh_rules;
      return rules.length > 0 && rules.every((r) => r.sources !== null);
    });
    const ssh_sources = [...new Set(restricting.flatMap((b) => views[b]!.ssh_rules.flatMap((r) => r.sources ?? [])))];
    return {
      default_deny_inbound: deny_by.length > 0,
      deny_by,
      ssh_source_restricted: restricting.length > 0,
      ssh_sources,
      ssh_rules,
      backends,
    };
  },
};

interface Failure {
  what: string;
  perm: boolean;
}

function readUfw(out: CollectorOutput, views: Partial<Record<Backend, RulesetView>>, backends: Record<Backend, BackendState>, denied: Failure[]): void {
  const r = out.cmdIfPresent('firewall-ufw');
  if (!r) {
    backends.ufw = { installed: false, readable: false, active: false, default_deny: false, detail: null };
    return;
  }
  if (r.exitCode === 0) {
    const s = parseUfwStatus(r.stdout);
    views.ufw = s.view;
    backends.ufw = { installed: true, readable: true, active: s.active, default_deny: s.view.default_deny, detail: `default ${s.default_incoming ?? 'unknown'} (incoming)` };
    return;
  }
  // `ufw status` needs root; its configuration files do not (user.rules may).
  const conf = out.text('/etc/ufw/ufw.conf');
  if (conf === null) {
    denied.push({ what: `firewall-ufw: ${refusal(r)}`, perm: isPermissionRefusal(r) });
    backends.ufw = { installed: true, readable: false, active: false, default_deny: false, detail: refusal(r) };
    return;
  }
  let rules: string | null = null;
  try {
    rules = out.text('/etc/ufw/user.rules');
  } catch {
    rules = null;
  }
  const s = ufwFromFiles(conf, out.text('/etc/default/ufw'), rules);
  views.ufw = s.view;
  backends.ufw = { installed: true, readable: true, active: s.active, default_deny: s.view.default_deny, detail: `from configuration files (ufw status: ${refusal(r)})` };
}

function refusal(r: CmdResult): string {
  return (r.stderr.trim() || r.stdout.trim()).split(/\r?\n/)[0] || `exit ${r.exitCode}`;
}

function isPermissionRefusal(r: CmdResult): boolean {
  return /Operation not permitted|Permission denied|must be root|need to be root|Authorization failed|Not authorized/i.test(r.stderr + r.stdout);
}
