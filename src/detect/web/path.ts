/**
 * Path traversal and local file inclusion on the path view of a value (decoded, `\` as `/`, lower
 * case). Three signs, any one enough:
 *  - the value climbs above the web root: more `..` segments than the requesting page has
 *    directories (a pdf.js `file=../../../attach/x.pdf` under /static/pdfjs/web/ stays inside);
 *  - `..` written in a form no browser produces (`..;/`, `....//`, `..` followed by a lost-% `2f`/`5c`);
 *  - an absolute or traversing reference to a file that only an attacker asks for (SENSITIVE_FILES).
 */
import { escapeRegExp } from '../../util/regexp.js';

/** Files and directories that are the targets of traversal/LFI, as path suffixes (data, not code). */
export const SENSITIVE_FILES: readonly string[] = [
  'etc/passwd', 'etc/shadow', 'etc/group', 'etc/hosts', 'etc/issue', 'etc/motd', 'etc/sudoers', 'etc/crontab', 'etc/fstab', 'etc/profile',
  'etc/nginx/', 'etc/httpd/', 'etc/apache', 'etc/mysql/', 'etc/php', 'etc/ssh/', 'etc/vhcs2', 'etc/init.d', 'etc/resolv.conf', 'etc/hostname',
  'etc/inetd.conf', 'etc/master.passwd', 'etc/security/', 'etc/pam.d', 'etc/redhat-release', 'etc/os-release', 'etc/lsb-release', 'etc/my.cnf',
  'proc/self/', 'proc/version', 'proc/cmdline', 'proc/net/', 'proc/sched_debug', 'proc/mounts', 'proc/cpuinfo', 'proc/meminfo',
  'var/log/', 'var/www/', 'var/lib/', 'var/mail/', 'usr/local/apache', 'usr/local/etc', 'usr/local/nginx', 'opt/lampp', 'opt/xampp', 'private/etc/',
  'root/', 'home/', '.ssh/', 'id_rsa', 'authorized_keys', '.bash_history', '.htaccess', '.htpasswd', '.env', '.git/', 'web-inf/', 'meta-inf/',
  'boot.ini', 'win.ini', 'system.ini', 'windows/', 'winnt/', 'system32/', 'inetpub/', 'xampp/', 'wamp/', 'program files', 'php.ini', 'httpd.conf',
  'my.ini', 'my.cnf', 'sam', 'repair/', 'global.asa', 'web.config', 'applicationhost.config', 'config.php', 'wp-config.php', 'configuration.php',
  'access_log', 'access.log', 'error_log', 'error.log', 'sendmail.ini', 'filezilla', 'tomcat-users.xml', 'server.xml',
];

/** Targets named without any path around them (`etc/passwd`, `.htaccess`): unambiguous enough alone. */
export const STRONG_FILES: readonly string[] = [
  'etc/passwd', 'etc/shadow', 'etc/hosts', 'etc/issue', 'etc/group', 'etc/sudoers', 'proc/self/', '.htaccess', '.htpasswd', 'boot.ini', 'win.ini',
  'system.ini', 'web-inf/web.xml', 'id_rsa', '.bash_history', 'wp-config.php', 'system32/', 'windows/repair', '.git/config', '.ssh/',
];

/** Absolute starts that are file-system, not site, paths (a site path is /attach/…, /xxgk/…). */
const SYSTEM_ROOT = /^(?:file:\/\/\/?|\/?[a-z]:\/|\/{1,3}(?:etc|proc|usr|var|bin|sbin|boot|dev|sys|root|home|opt|tmp|lib|lib64|srv|mnt|library|system|private|applications|volumes|windows|winnt|inetpub|xampp|wamp|program files|apache2?|httpd|logs?)(?:\/|$)|\/\.[a-z])/;

export interface PathVerdict {
  kind: 'above-root' | 'odd-dotdot' | 'encoded-dotdot' | 'dotdot-in-path' | 'sensitive-file' | 'system-path' | 'null-truncation';
  detail: string;
}

/** One pass over the text decides whether any listed name occurs at all (most paths: none). */
export const SENSITIVE_GATE = new RegExp(SENSITIVE_FILES.map(escapeRegExp).join('|'));
export const STRONG_GATE = new RegExp(STRONG_FILES.map(escapeRegExp).join('|'));

function sensitive(p: string, list: readonly string[] = SENSITIVE_FILES): string | undefined {
  if (!(list === STRONG_FILES ? STRONG_GATE : list === SENSITIVE_FILES ? SENSITIVE_GATE : /./).test(p)) return undefined;
  for (const f of list) {
    const k = p.indexOf(f);
    if (k < 0) continue;
    const before = k === 0 ? '/' : p[k - 1]!;
    if (before !== '/' && before !== '.' && before !== ':' && f[0] !== '.' && f !== 'id_rsa') continue;
    if (f === 'sam' && !p.endsWith('/sam')) continue;
    if (f === 'root/' || f === 'home/') {
      if (!/^(?:[a-z]:)?\/+(root|home)\//.test(p)) continue;
    }
    return f;
  }
  return undefined;
}

export interface PathContext {
  /** Directories above the value: the page's for a query value, 0 for the URL path. */
  depth: number;
  /** The value is the URL path itself (browsers remove dot segments, so any `..` there is hand-made). */
  urlPath: boolean;
  /** `..` came out of an encoding no browser produces (%2e, overlong UTF-8, %u, double encoding, `\`). */
  encoded: boolean;
  hadNull: boolean;
}

/** Three or more dots then `/` (`..../`, `.../`): Windows and some servers collapse them to `..`. Linear scan. */
function dotRunSlash(p: string): boolean {
  let run = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (c === 46) run++;
    else {
      if (c === 47 && run >= 3) return true;
      run = 0;
    }
  }
  return false;
}

const snip = (p: string, k: number): string => p.slice(Math.max(0, k - 4), k + 20);

/** `p` is the path view of one value (decoded, `\` as `/`, lower case, trimmed). */
export function judgePath(p: string, ctx: PathContext): PathVerdict | undefined {
  const dd = p.indexOf('..');
  if (dd >= 0 || p.indexOf('?') >= 0) {
    if (/\.\.(?:;|2f|5c|[%?*<>|"])|(?:^|\/)(?:\?\?|\.\?|\?\.)\//.test(p) || dotRunSlash(p)) return { kind: 'odd-dotdot', detail: snip(p, Math.max(0, dd)) };
  }
  if (dd >= 0) {
    let depth = ctx.depth;
    let min = depth;
    let ups = 0;
    for (const seg of p.split('/')) {
      if (seg === '..') {
        depth--;
        ups++;
        if (depth < min) min = depth;
      } else if (seg !== '' && seg !== '.') depth++;
    }
    if (ups > 0) {
      if (ctx.urlPath) return { kind: 'dotdot-in-path', detail: snip(p, dd) };
      if (min < 0) return { kind: 'above-root', detail: `${ups}x ../` };
      if (ctx.encoded) return { kind: 'encoded-dotdot', detail: snip(p, dd) };
      const f = sensitive(p);
      if (f) return { kind: 'sensitive-file', detail: f };
    }
  }
  if (!ctx.urlPath) {
    const strong = sensitive(p, STRONG_FILES);
    if (strong) return { kind: 'sensitive-file', detail: strong };
    if (SYSTEM_ROOT.test(p) || p.startsWith('~/')) return { kind: 'system-path', detail: p.slice(0, 24) };
  } else {
    const f = sensitive(p, STRONG_FILES);
    if (f) return { kind: 'sensitive-file', detail: f };
  }
  if (ctx.hadNull && sensitive(p)) return { kind: 'null-truncation', detail: p.slice(-24) };
  return undefined;
}
