/**
 * Scanner User-Agents as data: a lower-case token that appears in the tool's default UA, and the
 * tool's name. Matched as a whole word (letters/digits around it end the match), so `nmap` does not
 * fire on a word that merely contains it.
 */
import { escapeRegExp } from '../../util/regexp.js';
export const SCANNER_AGENTS: ReadonlyArray<{ token: string; tool: string }> = [
  { token: 'sqlmap', tool: 'sqlmap' },
  { token: 'nikto', tool: 'Nikto' },
  { token: 'nmap scripting engine', tool: 'Nmap NSE' },
  { token: 'nmap', tool: 'Nmap' },
  { token: 'masscan', tool: 'masscan' },
  { token: 'zgrab', tool: 'ZGrab' },
  { token: 'acunetix', tool: 'Acunetix' },
  { token: 'wpscan', tool: 'WPScan' },
  { token: 'dirbuster', tool: 'DirBuster' },
  { token: 'gobuster', tool: 'gobuster' },
  { token: 'feroxbuster', tool: 'feroxbuster' },
  { token: 'dirsearch', tool: 'dirsearch' },
  { token: 'nuclei', tool: 'Nuclei' },
  { token: 'fuzz faster u fool', tool: 'ffuf' },
  { token: 'ffuf', tool: 'ffuf' },
  { token: 'wfuzz', tool: 'Wfuzz' },
  { token: 'w3af', tool: 'w3af' },
  { token: 'arachni', tool: 'Arachni' },
  { token: 'skipfish', tool: 'skipfish' },
  { token: 'openvas', tool: 'OpenVAS' },
  { token: 'nessus', tool: 'Nessus' },
  { token: 'netsparker', tool: 'Netsparker' },
  { token: 'appscan', tool: 'AppScan' },
  { token: 'whatweb', tool: 'WhatWeb' },
  { token: 'jaeles', tool: 'Jaeles' },
  { token: 'xray', tool: 'xray' },
  { token: 'fimap', tool: 'fimap' },
  { token: 'commix', tool: 'commix' },
  { token: 'havij', tool: 'Havij' },
  { token: 'pangolin', tool: 'Pangolin' },
  { token: 'bsqlbf', tool: 'bsqlbf' },
  { token: 'hydra', tool: 'THC Hydra' },
  { token: 'zmeu', tool: 'ZmEu' },
  { token: 'morfeus', tool: 'Morfeus' },
  { token: 'struts-pwn', tool: 'struts-pwn' },
  { token: 'interactsh', tool: 'interactsh' },
  { token: 'burp collaborator', tool: 'Burp Collaborator' },
  { token: 'owasp zap', tool: 'OWASP ZAP' },
  { token: 'vega/', tool: 'Vega' },
  { token: 'paros', tool: 'Paros' },
  { token: 'webinspect', tool: 'WebInspect' },
  { token: 'qualys', tool: 'Qualys' },
  { token: 'nsfocus', tool: 'NSFOCUS scanner' },
  { token: 'goby', tool: 'Goby' },
  { token: 'wapiti', tool: 'Wapiti' },
  { token: 'jorgee', tool: 'Jorgee' },
  { token: 'sqlninja', tool: 'sqlninja' },
  { token: 'uniscan', tool: 'Uniscan' },
  { token: 'joomscan', tool: 'JoomScan' },
  { token: 'dotdotpwn', tool: 'DotDotPwn' },
  { token: 'webshag', tool: 'Webshag' },
  { token: 'l9explore', tool: 'LeakIX l9explore' },
];

const byToken = new Map(SCANNER_AGENTS.map((s) => [s.token, s.tool]));
/** One pass over the UA: a token bounded by non-alphanumerics (a token ending in `/` needs no right bound). */
export const UA_RE = new RegExp(`(?:^|[^a-z0-9])(${SCANNER_AGENTS.map((s) => escapeRegExp(s.token) + (/[a-z0-9]$/.test(s.token) ? '(?![a-z0-9])' : '')).join('|')})`);

export function judgeUserAgent(ua: string): { tool: string; token: string } | undefined {
  const m = UA_RE.exec(ua.toLowerCase());
  if (!m) return undefined;
  const token = SCANNER_AGENTS.find((s) => m[1]!.startsWith(s.token))?.token ?? m[1]!;
  return { tool: byToken.get(token) ?? token, token };
}
