import { t } from '../model/schema.js';
import { proftpdAnonymous, pureFtpdAnonymous, vsftpdAnonymous } from '../parsers/ftp.js';
import type { Collector, CollectorOutput } from './types.js';

export interface FtpServer {
  name: 'vsftpd' | 'proftpd' | 'pure-ftpd';
  binary: string;
  /** Configuration file read, or null when none exists (the daemon cannot start without one). */
  config: string | null;
  anonymous: boolean;
  source: string;
}

export interface FtpFacts {
  installed: boolean;
  servers: FtpServer[];
}

// Absolute paths: a non-root PATH on Debian lacks /usr/sbin.
const BINARIES = ['/usr/sbin/vsftpd', '/usr/sbin/proftpd', '/usr/sbin/pure-ftpd', '/usr/local/sbin/vsftpd', '/usr/local/sbin/proftpd', '/usr/local/sbin/pure-ftpd'];
const VSFTPD = ['/etc/vsftpd.conf', '/etc/vsftpd/vsftpd.conf'];
const PROFTPD = ['/etc/proftpd/proftpd.conf', '/etc/proftpd.conf'];
const PURE = ['/etc/pure-ftpd/pure-ftpd.conf', '/etc/pure-ftpd.conf'];
const PURE_DEBIAN_FLAG = '/etc/pure-ftpd/conf/NoAnonymous';

function first(out: CollectorOutput, paths: string[]): { path: string; text: string } | null {
  for (const p of paths) {
    const text = out.text(p);
    if (text !== null) return { path: p, text };
  }
  return null;
}

export const ftp: Collector<FtpFacts> = {
  id: 'ftp',
  description: 'Installed FTP daemons (vsftpd, proftpd, pure-ftpd) and whether their configuration allows anonymous login',
  schema: t.obj({
    installed: t.bool,
    servers: t.arr(t.obj({ name: t.enum('vsftpd', 'proftpd', 'pure-ftpd'), binary: t.str, config: t.nullable(t.str), anonymous: t.bool, source: t.str })),
  }),
  requests: [
    { kind: 'cmd', name: 'ftp-binaries', script: `for p in ${BINARIES.join(' ')}; do [ -x "$p" ] && echo "$p"; done; exit 0`, builtinsOnly: true },
    ...[...VSFTPD, ...PROFTPD, ...PURE, PURE_DEBIAN_FLAG].map((path) => ({ kind: 'file' as const, path })),
    { kind: 'glob', pattern: '/etc/proftpd/conf.d/*.conf' },
  ],
  parse(out) {
    const found = out
      .cmd('ftp-binaries')
      .stdout.split('\n')
      .map((l) => l.trim())
      .filter((l) => BINARIES.includes(l));
    const servers: FtpServer[] = [];
    const seen = new Set<string>();
    for (const binary of found) {
      const name = binary.replace(/^.*\//, '') as FtpServer['name'];
      if (seen.has(name)) continue;
      seen.add(name);
      if (name === 'vsftpd') {
        const conf = first(out, VSFTPD);
        // Without its configuration file vsftpd refuses to start ("500 OOPS: cannot open config file").
        const a = conf ? vsftpdAnonymous(conf.text, conf.path) : { anonymous: false, source: 'no vsftpd.conf: daemon cannot start' };
        servers.push({ name, binary, config: conf?.path ?? null, ...a });
      } else if (name === 'proftpd') {
        const conf = first(out, PROFTPD);
        const extra = out.glob('/etc/proftpd/conf.d/*.conf').map((f) => ({ path: f.path, text: f.content }));
        const a = conf ? proftpdAnonymous([conf, ...extra]) : { anonymous: false, source: 'no proftpd.conf: daemon cannot start' };
        servers.push({ name, binary, config: conf?.path ?? null, ...a });
      } else {
        const conf = first(out, PURE);
        const flagText = out.text(PURE_DEBIAN_FLAG);
        const a = pureFtpdAnonymous(conf, flagText === null ? null : { path: PURE_DEBIAN_FLAG, text: flagText });
        servers.push({ name, binary, config: conf?.path ?? (flagText !== null ? '/etc/pure-ftpd/conf' : null), ...a });
      }
    }
    return { installed: servers.length > 0, servers };
  },
};
