import { t } from '../model/schema.js';
import { isFactError } from '../model/errors.js';
import type { Deriver } from '../collectors/types.js';
import type { SshdFacts } from '../collectors/sshd.js';
import { cidrContains, isValidCidr, parseIp } from '../util/ip.js';

/**
 * Whether sshd itself admits connections only from the management networks (MGMT_CIDRS), and
 * whether the firewall's SSH source ranges lie inside them. Three ways sshd can restrict:
 * ListenAddress only on management/loopback addresses; every AllowUsers entry pinned to a
 * management source (`user@10.1.0.0/16`); or `Match Address *,!<mgmt>` with `DenyUsers *`.
 * The firewall side is produced by the firewall collector (`firewall.ssh_source_restricted`,
 * `firewall.ssh_sources`); we only compare its ranges with MGMT_CIDRS.
 */
export interface SshAccessFacts {
  restricted_by_sshd: boolean;
  /** How sshd restricts sources (evidence), empty when it does not. */
  sshd_restrictions: string[];
  /** Every SSH source range the firewall admits lies inside MGMT_CIDRS; null: no firewall facts. */
  firewall_sources_in_mgmt: boolean | null;
  mgmt_cidrs: string[];
}

function toCidr(s: string): string | null {
  const wild = /^(\d+(?:\.\d+){0,2})\.\*$/.exec(s); // sshd patterns like 10.1.*
  if (wild?.[1]) {
    const parts = wild[1].split('.');
    return `${[...parts, ...Array(4 - parts.length).fill('0')].join('.')}/${parts.length * 8}`;
  }
  if (!isValidCidr(s)) return null;
  if (s.includes('/')) return s;
  const ip = parseIp(s);
  return ip ? `${s}/${ip.family === 4 ? 32 : 128}` : null;
}

/** `inner` (CIDR or address) lies entirely inside one of `outers`. */
export function cidrWithin(inner: string, outers: string[]): boolean {
  const c = toCidr(inner);
  if (!c) return false;
  const [net, bits] = c.split('/');
  return outers.some((o) => {
    const ob = Number(o.split('/')[1] ?? (o.includes(':') ? 128 : 32));
    return cidrContains(o, net ?? '') && Number(bits) >= ob;
  });
}

function hostOf(listen: string): string {
  const v6 = /^\[([^\]]+)\]/.exec(listen);
  return v6?.[1] ?? listen.replace(/:\d+$/, '');
}

export function sshdRestrictions(s: SshdFacts, mgmt: string[]): string[] {
  const reasons: string[] = [];
  const loopback = ['127.0.0.0/8', '::1/128'];
  const listens = s.multi?.listenaddress ?? [];
  if (listens.length > 0 && listens.every((l) => cidrWithin(hostOf(l), [...mgmt, ...loopback]))) {
    reasons.push(`ListenAddress ${listens.join(' ')}`);
  }
  const allow = s.multi?.allowusers ?? [];
  if (allow.length > 0 && allow.every((u) => u.includes('@') && cidrWithin(u.slice(u.indexOf('@') + 1), mgmt))) {
    reasons.push(`AllowUsers ${allow.join(' ')}`);
  }
  for (const b of s.match_blocks ?? []) {
    const m = /^address\s+(\S+)$/i.exec(b.criteria.trim());
    if (!m?.[1]) continue;
    const items = m[1].split(',');
    const negated = items.filter((i) => i.startsWith('!')).map((i) => i.slice(1));
    const denyAll = b.settings.denyusers === '*' || b.settings.denygroups === '*';
    if (items.includes('*') && negated.length > 0 && negated.every((n) => cidrWithin(n, mgmt)) && denyAll) {
      reasons.push(`Match Address ${m[1]} (${b.file}:${b.line}) denies everyone else`);
    }
  }
  return reasons;
}

export const sshAccessDeriver: Deriver<SshAccessFacts> = {
  id: 'ssh_access',
  description: 'Whether sshd, or the firewall in front of it, admits SSH only from MGMT_CIDRS',
  schema: t.obj({
    restricted_by_sshd: t.bool,
    sshd_restrictions: t.arr(t.str),
    firewall_sources_in_mgmt: t.nullable(t.bool),
    mgmt_cidrs: t.arr(t.str),
  }),
  // firewall is read when present; its own errors surface through firewall.* in the check.
  needs: ['sshd'],
  derive(facts, env) {
    const mgmt = ((env.variables.MGMT_CIDRS as string[] | undefined) ?? []).filter((c) => isValidCidr(c));
    const s = facts.sshd as SshdFacts;
    const fw = facts.firewall as { ssh_sources?: string[] } | undefined;
    const sources = fw && !isFactError(fw) ? (fw.ssh_sources ?? null) : null;
    const reasons = s.installed ? sshdRestrictions(s, mgmt) : [];
    return {
      restricted_by_sshd: reasons.length > 0,
      sshd_restrictions: reasons,
      firewall_sources_in_mgmt: sources === null || sources.length === 0 ? null : sources.every((c) => cidrWithin(c, mgmt)),
      mgmt_cidrs: mgmt,
    };
  },
};
