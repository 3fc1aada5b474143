import { portsInclude22, type RulesetView, type SshRule } from './firewall-common.js';

export interface FirewalldZone {
  name: string;
  target: string;
  interfaces: string[];
  sources: string[];
  services: string[];
  ports: string[];
  rich_rules: string[];
}

export interface FirewalldState {
  running: boolean;
  default_zone: string | null;
  zones: FirewalldZone[];
}

/**
 * The firewall collector's firewalld snippet: `state: <firewall-cmd --state>`, `default-zone: …`,
 * then `firewall-cmd --list-all --zone=Z` for every active zone:
 *   public (active)
 *     target: default
 *     interfaces: eth0
 *     services: dhcpv6-client ssh
 *     ports: 443/tcp
 *     rich rules:
 *   	rule family="ipv4" source address="10.20.0.0/16" service name="ssh" accept
 */
export function parseFirewalld(text: string): FirewalldState {
  const state = /^state:\s*(.*)$/m.exec(text)?.[1]?.trim() ?? '';
  const defaultZone = /^default-zone:\s*(\S+)/m.exec(text)?.[1] ?? null;
  const zones: FirewalldZone[] = [];
  let zone: FirewalldZone | null = null;
  let inRich = false;
  for (const raw of text.split(/\r?\n/)) {
    if (!raw.trim() || /^(state|default-zone):/.test(raw)) continue;
    if (/^\S/.test(raw)) {
      zone = { name: raw.trim().split(/\s+/)[0]!, target: 'default', interfaces: [], sources: [], services: [], ports: [], rich_rules: [] };
      zones.push(zone);
      inRich = false;
      continue;
    }
    if (!zone) continue;
    const kv = /^\s+([a-z -]+):\s*(.*)$/.exec(raw);
    if (kv && !raw.trim().startsWith('rule ')) {
      const key = kv[1]!.trim();
      const words = kv[2]!.trim().split(/\s+/).filter(Boolean);
      inRich = key === 'rich rules';
      if (key === 'target') zone.target = words[0] ?? 'default';
      else if (key === 'interfaces') zone.interfaces = words;
      else if (key === 'sources') zone.sources = words;
      else if (key === 'services') zone.services = words;
      else if (key === 'ports') zone.ports = words;
      continue;
    }
    if (inRich && raw.trim().startsWith('rule ')) zone.rich_rules.push(raw.trim());
  }
  return { running: state === 'running', default_zone: defaultZone, zones };
}

export function firewalldView(s: FirewalldState): RulesetView {
  // target "default" rejects what the zone does not allow; ACCEPT (the trusted zone) allows all.
  const deny = s.running && s.zones.length > 0 && s.zones.every((z) => z.target.toUpperCase() !== 'ACCEPT');
  const ssh: SshRule[] = [];
  if (s.running) {
    for (const z of s.zones) {
      // A zone bound by sources only applies to those sources.
      const zoneSources = z.sources.length > 0 && z.interfaces.length === 0 ? z.sources : null;
      if (z.services.includes('ssh')) ssh.push({ sources: zoneSources, rule: `zone ${z.name}: service ssh` });
      for (const p of z.ports) {
        const m = /^(\S+)\/tcp$/.exec(p);
        if (m && portsInclude22(m[1]!)) ssh.push({ sources: zoneSources, rule: `zone ${z.name}: port ${p}` });
      }
      for (const r of z.rich_rules) {
        if (!/\baccept\b/.test(r)) continue;
        const isSsh = /service name="?ssh"?/.test(r) || /port port="?([\d-]+)"? protocol="?tcp"?/.test(r) && portsInclude22(/port port="?([\d-]+)"?/.exec(r)![1]!);
        if (!isSsh) continue;
        const src = /source (NOT )?address="?([^"\s]+)"?/.exec(r);
        ssh.push({ sources: src && !src[1] ? [src[2]!] : zoneSources, rule: r });
      }
    }
  }
  return { default_deny: deny, ssh_rules: ssh };
}
