/**
 * TEMPORARY stand-in for src/detect/web (engineer i20w's web-attack inspection), with the same
 * contract; deleted when theirs lands on main. Only src/detect/webfields.ts imports it.
 */
export type WebCategory = 'sqli' | 'xss' | 'path_traversal' | 'command_injection' | 'code_injection' | 'scanner';
export interface WebFinding {
  category: WebCategory;
  evidence: string;
  fingerprint?: string;
}
export interface WebInspection {
  normalised: string;
  transforms: string[];
  findings: WebFinding[];
}

const SIGS: Array<[WebCategory, RegExp]> = [
  ['sqli', /(\bunion\b[\s\S]{0,20}\bselect\b|'\s*(or|and)\s+'?\d+'?\s*=\s*'?\d|\bsleep\s*\(|\bbenchmark\s*\(|\binformation_schema\b|;\s*drop\s+table)/],
  ['xss', /(<\s*script|<[^>]+\bon[a-z]+\s*=|javascript\s*:|<\s*svg|<\s*iframe)/],
  ['path_traversal', /(\.\.[/\\]|\/etc\/(passwd|shadow)|c:\\windows)/],
  ['command_injection', /([;|`]\s*(cat|id|uname|wget|curl|nc|bash|sh|whoami|ls)\b|\$\((cat|id|whoami))/],
  ['code_injection', /(php:\/\/|data:\/\/|expect:\/\/|\b(eval|assert|system|passthru|base64_decode)\s*\(|<\?php)/],
];
const SCANNERS = /(sqlmap|nikto|nmap|masscan|dirbuster|gobuster|wpscan|acunetix|nessus|zgrab|nuclei|dirsearch|wfuzz|openvas|awvs|netsparker|appscan)/i;

export function inspectRequest(req: { method?: string; target: string; userAgent?: string; referer?: string }): WebInspection {
  const transforms: string[] = [];
  let s = req.target;
  for (let i = 0; i < 3; i++) {
    let d: string;
    try {
      d = decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      d = s.replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    }
    if (d === s) break;
    transforms.push(i === 0 ? 'percent' : 'percent-again');
    s = d;
  }
  const n = s.toLowerCase().replace(/\/\*.*?\*\//g, ' ').replace(/\s+/g, ' ');
  const findings: WebFinding[] = [];
  for (const [category, re] of SIGS) {
    const m = re.exec(n);
    if (m) findings.push({ category, evidence: m[0].slice(0, 80) });
  }
  const ua = req.userAgent && SCANNERS.exec(req.userAgent);
  if (ua) findings.push({ category: 'scanner', evidence: ua[0] });
  return { normalised: n, transforms, findings };
}
