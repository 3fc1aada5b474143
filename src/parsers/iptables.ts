import { portsInclude22, type RulesetView, type SshRule } from './firewall-common.js';

/**
 * `iptables -S` (filter table) or the `-A …` lines of an iptables-restore file such as ufw's
 * /etc/ufw/user.rules:
 *   -P INPUT DROP
 *   -A INPUT -i lo -j ACCEPT
 *   -A INPUT -s 10.8.0.0/24 -p tcp -m tcp --dport 22 -j ACCEPT
 */
export interface IptablesRules {
  policies: Record<string, string>; // chain -> ACCEPT | DROP
  rules: Array<{ chain: string; spec: string }>;
}

export function parseIptablesS(text: string): IptablesRules {
  const policies: Record<string, string> = {};
  const rules: IptablesRules['rules'] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^-P\s+(\S+)\s+(\S+)/.exec(line))) policies[m[1]!] = m[2]!.toUpperCase();
    else if ((m = /^-A\s+(\S+)\s*(.*)$/.exec(line))) rules.push({ chain: m[1]!, spec: m[2]! });
  }
  return { policies, rules };
}

const MATCH_OPTS = /(^|\s)(!\s+)?(-[spid]|--source|--destination|--in-interface|-m|--match|--dport|--sport|--dports|--ctstate|--state)\b/;

export function iptablesView(r: IptablesRules): RulesetView {
  const input = r.rules.filter((x) => x.chain === 'INPUT');
  const unconditional = (spec: string, verdict: RegExp): boolean => verdict.test(spec) && !MATCH_OPTS.test(spec.replace(/-j\s+\S+.*$/, ''));
  const acceptsAll = input.some((x) => unconditional(x.spec, /-j\s+ACCEPT\b/));
  const last = input[input.length - 1];
  const endsInDeny = last !== undefined && unconditional(last.spec, /-j\s+(DROP|REJECT)\b/);
  const defaultDeny = !acceptsAll && (r.policies.INPUT === 'DROP' || endsInDeny);
  const ssh: SshRule[] = [];
  for (const x of r.rules) {
    if (!/-j\s+ACCEPT\b/.test(x.spec)) continue;
    if (/(^|\s)-p\s+udp\b/.test(x.spec)) continue;
    const dport = /--dports?\s+(\S+)/.exec(x.spec);
    if (!dport || !portsInclude22(dport[1]!)) continue;
    ssh.push({ sources: iptablesSources(x.spec), rule: `-A ${x.chain} ${x.spec}` });
  }
  return { default_deny: defaultDeny, ssh_rules: ssh };
}

function iptablesSources(spec: string): string[] | null {
  if (/!\s+(-s|--source|--src-range)\b/.test(spec)) return null;
  const s = /(?:^|\s)(?:-s|--source)\s+(\S+)/.exec(spec);
  if (s) return s[1]!.split(',');
  const range = /--src-range\s+(\S+)/.exec(spec);
  if (range) return [range[1]!];
  const set = /--match-set\s+(\S+)\s+src\b/.exec(spec);
  if (set) return [`ipset:${set[1]}`];
  return null;
}
