import { portsInclude22, type RulesetView, type SshRule } from './firewall-common.js';
import { iptablesView, parseIptablesS } from './iptables.js';
import { parseOsReleaseText } from './os-release.js';

export interface UfwStatus {
  active: boolean;
  default_incoming: string | null; // deny | reject | allow
  view: RulesetView;
}

/**
 * `ufw status verbose` (root only):
 *   Status: active
 *   Default: deny (incoming), allow (outgoing), disabled (routed)
 *   To                         Action      From
 *   --                         ------      ----
 *   22/tcp                     ALLOW IN    10.8.0.0/24
 *   OpenSSH (v6)               ALLOW IN    Anywhere (v6)
 */
export function parseUfwStatus(text: string): UfwStatus {
  const status = /^Status:\s*(\S+)/m.exec(text)?.[1]?.toLowerCase() ?? 'inactive';
  const def = /^Default:\s*(\w+)\s*\(incoming\)/m.exec(text)?.[1]?.toLowerCase() ?? null;
  const ssh: SshRule[] = [];
  let inTable = false;
  for (const raw of text.split(/\r?\n/)) {
    if (/^--\s+-+/.test(raw.trim())) {
      inTable = true;
      continue;
    }
    if (!inTable || !raw.trim()) continue;
    // "80,443/tcp (Apache Full (v6)) ALLOW IN    Anywhere (v6)": columns are not always 2 spaces apart.
    const m = /^(.+?)\s+(ALLOW|DENY|REJECT|LIMIT)(?:\s+(IN|OUT|FWD))?\s+(.+)$/.exec(raw.trim());
    if (!m) continue;
    const [to, verb, dir, from] = [m[1]!, m[2]!, m[3] ?? 'IN', m[4]!.trim()];
    if (!(verb === 'ALLOW' || verb === 'LIMIT') || dir !== 'IN') continue;
    if (/\/udp\b/.test(to)) continue;
    const target = to.replace(/\s*\(v6\)\s*$/, '').replace(/\s*\(.*\)$/, '').replace(/\/tcp$/, '');
    // "Anywhere" in the To column: every port, ssh included.
    const isSsh = /^(OpenSSH|Anywhere)\b/i.test(target) || portsInclude22(target.replace(/\s+on\s+\S+$/, ''));
    if (!isSsh) continue;
    ssh.push({ sources: /^Anywhere/i.test(from) ? null : [from.replace(/\s*\(v6\)$/, '').replace(/\s+on\s+\S+$/, '')], rule: raw.trim() });
  }
  return {
    active: status === 'active',
    default_incoming: def,
    view: { default_deny: status === 'active' && (def === 'deny' || def === 'reject'), ssh_rules: ssh },
  };
}

/**
 * Without root, ufw's state comes from its world-readable config: /etc/ufw/ufw.conf (ENABLED=yes)
 * and /etc/default/ufw (DEFAULT_INPUT_POLICY="DROP"); the rules from /etc/ufw/user.rules when
 * readable (iptables-restore format). This is configuration, not the running state.
 */
export function ufwFromFiles(ufwConf: string, defaults: string | null, userRules: string | null): UfwStatus {
  const enabled = (parseOsReleaseText(ufwConf).ENABLED ?? 'no').toLowerCase() === 'yes';
  const policy = defaults ? (parseOsReleaseText(defaults).DEFAULT_INPUT_POLICY ?? '').toUpperCase() : '';
  const def = policy === 'DROP' ? 'deny' : policy === 'REJECT' ? 'reject' : policy === 'ACCEPT' ? 'allow' : null;
  const ssh = userRules ? iptablesView(parseIptablesS(userRules)).ssh_rules : [];
  return { active: enabled, default_incoming: def, view: { default_deny: enabled && (def === 'deny' || def === 'reject'), ssh_rules: ssh } };
}
