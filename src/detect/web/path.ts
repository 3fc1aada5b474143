/**
 * Path traversal and local file inclusion on the path view of a value (decoded, `\` as `/`, lower
 * case). Three signs, any one enough:
 *  - the value climbs above the web root: more `..` segments than the requesting page has
 *    directories (a pdf.js `file=../../../attach/x.pdf` under /static/pdfjs/web/ stays inside);
 *  - `..` written in a form no browser produces (`..;/`, `....//`, `..` followed by a lost-% `2f`/`5c`);
 *  - an absolute or traversing reference to a file that only an attacker asks for (SENSITIVE_FILES).
 */

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

/** Absolute starts that are file system, not URL, paths. */
const ABSOLUTE = /^(?:\/{1,}|[a-z]:\/|file:\/\/|\/\/\/)/;

export interface PathVerdict {
  kind: 'above-root' | 'odd-dotdot' | 'sensitive-file' | 'null-truncation';
  detail: string;
}

function sensitive(p: string): string | undefined {
  for (const f of SENSITIVE_FILES) {
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

/**
 * `p` is the path view of one value; `pageDepth` is how many directories the requesting URL's path
 * has (for a query value) or 0 (for the path itself, which starts at the root).
 */
export function judgePath(p: string, pageDepth: number, hadNull: boolean): PathVerdict | undefined {
  if (p.indexOf('..') >= 0) {
    if (/\.\.(?:;|\.+\/|2f|5c|0x2f|0x5c)/.test(p) || /\.\.\.+\//.test(p)) return { kind: 'odd-dotdot', detail: p.slice(Math.max(0, p.indexOf('..') - 4), p.indexOf('..') + 16) };
    // walk the segments: how high does it climb?
    let depth = pageDepth;
    let min = depth;
    let ups = 0;
    for (const seg of p.split('/')) {
      if (seg === '..' || seg === '.. ') {
        depth--;
        ups++;
        if (depth < min) min = depth;
      } else if (seg !== '' && seg !== '.') depth++;
    }
    if (min < 0) return { kind: 'above-root', detail: `${ups}x ../` };
    if (ups > 0) {
      const f = sensitive(p);
      if (f) return { kind: 'sensitive-file', detail: f };
    }
  }
  if (ABSOLUTE.test(p) || p.startsWith('~/') || p.startsWith('./')) {
    const f = sensitive(p);
    if (f) return { kind: 'sensitive-file', detail: f };
  }
  if (hadNull && /\.[a-z0-9]{1,5}[^a-z0-9/]*$|\/$/.test(p) && sensitive(p)) return { kind: 'null-truncation', detail: p.slice(-24) };
  return undefined;
}
