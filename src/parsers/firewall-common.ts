/** What every firewall parser reduces a ruleset to (src/collectors/firewall.ts combines them). */
export interface SshRule {
  /** Source ranges the rule admits tcp/22 from; null = any source. */
  sources: string[] | null;
  rule: string; // the rule as the tool printed it, for evidence
}

export interface RulesetView {
  /** Inbound traffic not explicitly allowed is dropped or rejected. */
  default_deny: boolean;
  ssh_rules: SshRule[];
}

/** Does a port list like `22`, `ssh`, `{ 22, 80 }`, `20:25`, `22,80,443`, `20-25` include 22? */
export function portsInclude22(spec: string): boolean {
  const items = spec.replace(/[{}]/g, ' ').split(/[\s,]+/).filter(Boolean);
  return items.some((it) => {
    if (it === '22' || it.toLowerCase() === 'ssh') return true;
    const r = /^(\d+)[-:](\d+)$/.exec(it);
    return r ? Number(r[1]) <= 22 && 22 <= Number(r[2]) : false;
  });
}
