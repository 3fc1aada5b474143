/**
 * Anonymous access of the three common FTP daemons, from their configuration.
 *  vsftpd    — vsftpd.conf(5): `anonymous_enable`, default YES when the line is absent; last line wins.
 *  proftpd   — an active `<Anonymous dir>` block enables it (commented examples do not).
 *  pure-ftpd — anonymous login is allowed unless NoAnonymous is on: a `NoAnonymous yes` line in
 *              pure-ftpd.conf (RHEL), or Debian's one-file-per-option /etc/pure-ftpd/conf/NoAnonymous.
 */
export interface FtpAnonymous {
  anonymous: boolean;
  /** Where the decision comes from: `file:line`, or `default`. */
  source: string;
}

function truthy(v: string): boolean | null {
  const s = v.trim().toLowerCase();
  if (['yes', 'true', '1', 'on'].includes(s)) return true;
  if (['no', 'false', '0', 'off'].includes(s)) return false;
  return null;
}

export function vsftpdAnonymous(text: string, path: string): FtpAnonymous {
  let result: FtpAnonymous = { anonymous: true, source: 'default (anonymous_enable=YES)' };
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').trim();
    if (line.startsWith('#')) return;
    // vsftpd allows no spaces around '='; such a line is a config error, not a setting.
    const m = /^anonymous_enable=(\S+)$/i.exec(line);
    if (!m) return;
    const v = truthy(m[1]);
    if (v !== null) result = { anonymous: v, source: `${path}:${i + 1}` };
  });
  return result;
}

export function proftpdAnonymous(files: Array<{ path: string; text: string }>): FtpAnonymous {
  for (const f of files) {
    const lines = f.text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (/^\s*<Anonymous(\s|>)/i.test(lines[i])) return { anonymous: true, source: `${f.path}:${i + 1}` };
    }
  }
  return { anonymous: false, source: 'no <Anonymous> block' };
}

/** `conf` is pure-ftpd.conf (null when absent); `debianFlag` the content of conf/NoAnonymous. */
export function pureFtpdAnonymous(conf: { path: string; text: string } | null, debianFlag: { path: string; text: string } | null): FtpAnonymous {
  if (debianFlag) {
    const v = truthy(debianFlag.text);
    if (v !== null) return { anonymous: !v, source: debianFlag.path };
  }
  if (conf) {
    let found: FtpAnonymous | null = null;
    conf.text.split('\n').forEach((raw, i) => {
      const m = /^\s*NoAnonymous\s+(\S+)/i.exec(raw);
      const v = m ? truthy(m[1]) : null;
      if (v !== null) found = { anonymous: !v, source: `${conf.path}:${i + 1}` };
    });
    if (found) return found;
  }
  return { anonymous: true, source: 'default (NoAnonymous off)' };
}
