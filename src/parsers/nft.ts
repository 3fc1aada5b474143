import { portsInclude22, type RulesetView, type SshRule } from './firewall-common.js';

export interface NftChain {
  family: string; // inet, ip, ip6, arp, bridge, netdev
  table: string;
  name: string;
  hook: string | null; // input, forward, output, prerouting …
  type: string | null; // filter, nat, route
  policy: 'accept' | 'drop' | null;
  rules: string[];
}

export interface NftRuleset {
  chains: NftChain[];
  sets: Record<string, string[]>; // "<family> <table> <set>" -> elements
}

/**
 * `nft list ruleset` as nft prints it: one statement per line, braces closing blocks.
 *   table inet filter {
 *   	set mgmt { type ipv4_addr; flags interval; elements = { 10.8.0.0/24 } }   (or multi-line)
 *   	chain input {
 *   		type filter hook input priority filter; policy drop;
 *   		ct state established,related accept
 *   		ip saddr @mgmt tcp dport 22 accept
 *   	}
 *   }
 */
export function parseNftRuleset(text: string): NftRuleset {
  const chains: NftChain[] = [];
  const sets: Record<string, string[]> = {};
  let table: { family: string; name: string } | null = null;
  let chain: NftChain | null = null;
  let set: { key: string; buf: string } | null = null;
  let depth = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const opens = (line.match(/\{/g) ?? []).length;
    const closes = (line.match(/\}/g) ?? []).length;
    if (set) {
      set.buf += ' ' + line;
      depth += opens - closes;
      if (depth <= 1) {
        sets[set.key] = setElements(set.buf);
        set = null;
      }
      continue;
    }
    let m: RegExpExecArray | null;
    if (depth === 0 && (m = /^table\s+(\S+)\s+(\S+)\s*\{/.exec(line))) {
      table = { family: m[1]!, name: m[2]! };
    } else if (table && depth === 1 && (m = /^chain\s+(\S+)\s*\{/.exec(line))) {
      chain = { family: table.family, table: table.name, name: m[1]!, hook: null, type: null, policy: null, rules: [] };
      chains.push(chain);
    } else if (table && depth === 1 && (m = /^(?:set|map)\s+(\S+)\s*\{/.exec(line))) {
      const key = `${table.family} ${table.name} ${m[1]!}`;
      if (opens - closes > 0) {
        set = { key, buf: line };
      } else {
        sets[key] = setElements(line);
      }
    } else if (chain && depth === 2) {
      const base = /^type\s+(\S+)\s+hook\s+(\S+)/.exec(line);
      if (base) {
        chain.type = base[1]!;
        chain.hook = base[2]!;
        const pol = /policy\s+(accept|drop)/.exec(line);
        if (pol) chain.policy = pol[1] as 'accept' | 'drop';
      } else if (line !== '}') {
        chain.rules.push(line);
      }
    }
    depth += opens - closes;
    if (depth < 0) depth = 0;
    if (depth <= 1) chain = null;
    if (depth === 0) table = null;
  }
  return { chains, sets };
}

function setElements(text: string): string[] {
  const m = /elements\s*=\s*\{([^}]*)\}/.exec(text);
  return m ? m[1]!.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

// A rule that drops/rejects everything: only counters, logging or comments besides the verdict.
const CATCH_ALL_DENY = /^(?:counter(?: packets \d+ bytes \d+)?\s+)?(?:log(?: prefix "[^"]*")?(?: level \w+)?\s+)?(?:drop|reject(?: with .*)?)(?:\s+comment ".*")?$/;

export function nftView(rs: NftRuleset): RulesetView {
  const inputChains = rs.chains.filter((c) => c.hook === 'input' && (c.type ?? 'filter') === 'filter' && ['inet', 'ip', 'ip6'].includes(c.family));
  // A drop verdict in any input base chain is final; an accept only ends that chain.
  const defaultDeny = inputChains.some((c) => c.policy === 'drop' || CATCH_ALL_DENY.test(c.rules[c.rules.length - 1] ?? ''));
  const ssh: SshRule[] = [];
  for (const c of rs.chains) {
    if (!['inet', 'ip', 'ip6'].includes(c.family) || (c.type !== null && c.type !== 'filter')) continue;
    for (const r of c.rules) {
      const dport = /\b(?:tcp|th) dport\s+(\{[^}]*\}|\S+)/.exec(r);
      if (!dport || !portsInclude22(dport[1]!) || !/\baccept\b/.test(r)) continue;
      ssh.push({ sources: nftSources(r, c, rs), rule: r });
    }
  }
  return { default_deny: defaultDeny, ssh_rules: ssh };
}

function nftSources(rule: string, c: NftChain, rs: NftRuleset): string[] | null {
  const m = /\bip6? saddr\s+(!=\s*)?(\{[^}]*\}|\S+)/.exec(rule);
  if (!m || m[1]) return null; // no source match, or a negated one: effectively any source
  const v = m[2]!;
  if (v.startsWith('@')) return rs.sets[`${c.family} ${c.table} ${v.slice(1)}`] ?? [v];
  return v.replace(/[{}]/g, ' ').split(/[\s,]+/).filter(Boolean);
}
