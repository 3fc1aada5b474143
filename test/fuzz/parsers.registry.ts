/**
 * Every parser in src/parsers/, registered for fuzzing. The parity test (parsers-parity.test.ts) fails
 * when a module in src/parsers/ has no entry here, or when one of its exported functions is neither
 * exercised by a target (`covers`) nor listed in `notFuzzed` with the reason. To add a parser: add
 * its module below with one target per entry point; `run(a, b)` gets two hostile texts.
 */
import * as apacheSites from '../../src/parsers/apache-sites.js';
import * as apache from '../../src/parsers/apache.js';
import * as backup from '../../src/parsers/backup.js';
import * as certBundle from '../../src/parsers/cert-bundle.js';
import * as cert from '../../src/parsers/cert.js';
import * as crontab from '../../src/parsers/crontab.js';
import * as dmi from '../../src/parsers/dmi.js';
import * as faillock from '../../src/parsers/faillock.js';
import * as firewallCommon from '../../src/parsers/firewall-common.js';
import * as firewalld from '../../src/parsers/firewalld.js';
import * as ftp from '../../src/parsers/ftp.js';
import * as group from '../../src/parsers/group.js';
import * as ipAddr from '../../src/parsers/ip-addr.js';
import * as iptables from '../../src/parsers/iptables.js';
import * as journald from '../../src/parsers/journald.js';
import * as logStat from '../../src/parsers/log-stat.js';
import * as loglines from '../../src/parsers/loglines.js';
import * as loginDefs from '../../src/parsers/login-defs.js';
import * as logrotate from '../../src/parsers/logrotate.js';
import * as nft from '../../src/parsers/nft.js';
import * as nginxSites from '../../src/parsers/nginx-sites.js';
import * as nginx from '../../src/parsers/nginx.js';
import * as osRelease from '../../src/parsers/os-release.js';
import * as pam from '../../src/parsers/pam.js';
import * as passwd from '../../src/parsers/passwd.js';
import * as pwquality from '../../src/parsers/pwquality.js';
import * as shadow from '../../src/parsers/shadow.js';
import * as shellProfile from '../../src/parsers/shell-profile.js';
import * as ss from '../../src/parsers/ss.js';
import * as sshdAuth from '../../src/parsers/sshd-auth.js';
import * as sshdConfig from '../../src/parsers/sshd-config.js';
import * as sshdDefaults from '../../src/parsers/sshd-defaults.js';
import * as sudoers from '../../src/parsers/sudoers.js';
import * as systemd from '../../src/parsers/systemd.js';
import * as timesync from '../../src/parsers/timesync.js';
import * as tls from '../../src/parsers/tls.js';
import * as ufw from '../../src/parsers/ufw.js';
import * as versions from '../../src/parsers/versions.js';

export interface FuzzTarget {
  /** Shown in test titles. */
  name: string;
  /** The module's exported functions this target exercises (checked by the parity test). */
  covers: string[];
  /** Format-specific tokens so generated input gets past the first branch. */
  tokens?: string[];
  run(a: string, b: string): unknown;
}

export interface ParserModule {
  module: Record<string, unknown>;
  targets: FuzzTarget[];
  /** Exported functions deliberately not fuzzed directly, each with the reason. */
  notFuzzed?: Record<string, string>;
}

/** Split one hostile text into "files": `==> path <==` is how the collection script frames them. */
export function asFiles(text: string, dir = '/etc/x'): Array<{ path: string; content: string; text: string }> {
  const parts = text.split(/\n?@@ ?/);
  return parts.map((content, i) => ({ path: i === 0 ? `${dir}/main` : `${dir}/${i}.conf`, content, text: content }));
}
/** An invariant as a fuzz target: throws (a finding) when the two sides differ. */
function same<T>(got: T, want: T, what: string): T {
  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`${what} changed what is parsed: ${JSON.stringify(got).slice(0, 200)} ≠ ${JSON.stringify(want).slice(0, 200)}`);
  return got;
}

const fileMap = (text: string, dir: string): Map<string, string> => new Map(asFiles(text, dir).map((f) => [f.path, f.content]));
const kv = (text: string): Record<string, string> => Object.fromEntries(text.split('\n').map((l) => [l.split(/\s+/)[0] ?? '', l.split(/\s+/).slice(1).join(' ')]));

const PAM_ENTRY: pam.PamEntry = { type: 'password', control: 'requisite', module: 'pam_pwquality.so', args: [], optional: false, file: '/etc/pam.d/x', line: 1 };

export const parserRegistry: Record<string, ParserModule> = {
  'apache-sites': {
    module: apacheSites,
    targets: [
      {
        name: 'apache config → sites',
        covers: ['buildApacheSites'],
        tokens: ['<VirtualHost *:443>', '</VirtualHost>', 'ServerName', 'SSLEngine on', 'SSLProtocol', 'SSLCipherSuite', 'DocumentRoot', 'Include', 'IncludeOptional', '${APACHE_LOG_DIR}', '<IfModule mod_ssl.c>', '</IfModule>', '<Directory />', 'Options Indexes'],
        run: (a, b) => apacheSites.buildApacheSites(apache.parseApacheFiles(fileMap(a, '/etc/apache2'), '/etc/apache2/main', '/etc/apache2', apache.parseEnvvars(b)).nodes, { openssl: b.slice(0, 20) || null, serverRoot: '/etc/apache2' }),
      },
    ],
  },
  apache: {
    module: apache,
    targets: [
      { name: 'splitApacheArgs', covers: ['splitApacheArgs'], run: (a) => apache.splitApacheArgs(a) },
      { name: 'parseEnvvars', covers: ['parseEnvvars'], tokens: ['export APACHE_RUN_USER=www-data', 'APACHE_LOG_DIR="/var/log"'], run: (a) => apache.parseEnvvars(a) },
      {
        name: 'parseApacheFiles + apacheFind/apacheLast',
        covers: ['parseApacheFiles', 'apacheFind', 'apacheLast'],
        tokens: ['<VirtualHost *:80>', '</VirtualHost>', 'Include', 'IncludeOptional conf.d/*.conf', 'ServerRoot', 'Define', '${X}', '<IfDefine X>', '</IfDefine>'],
        run: (a, b) => {
          const r = apache.parseApacheFiles(fileMap(a, '/etc/httpd'), '/etc/httpd/main', b.slice(0, 40), apache.parseEnvvars(b));
          return [apache.apacheFind(r.nodes, 'VirtualHost'), apache.apacheLast(r.nodes, b.slice(0, 10))];
        },
      },
      { name: 'parseApacheV', covers: ['parseApacheV'], run: (a) => apache.parseApacheV(a) },
    ],
  },
  backup: {
    module: backup,
    targets: [
      { name: 'analyseJobText', covers: ['analyseJobText'], run: (a) => backup.analyseJobText(a) },
      { name: 'stripCreds', covers: ['stripCreds'], run: (a) => backup.stripCreds(a) },
      { name: 'redactCommand', covers: ['redactCommand'], run: (a) => backup.redactCommand(a) },
      { name: 'parseScriptDump', covers: ['parseScriptDump'], run: (a) => backup.parseScriptDump(a) },
      { name: 'parseNewest', covers: ['parseNewest'], run: (a) => backup.parseNewest(a) },
      { name: 'redactSecrets', covers: ['redactSecrets'], tokens: ['mysqldump -p', 'PGPASSWORD=', 'rsync://u:p@h/', '--password ', '-pass pass:'], run: (a) => same(backup.redactSecrets(a).split('\n').length, a.split('\n').length, 'redactSecrets keeps the lines') },
    ],
  },
  'cert-bundle': {
    module: certBundle,
    targets: [
      {
        name: 'parseCertBundle → certFact',
        covers: ['parseCertBundle', 'certFact'],
        tokens: ['-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----', '==> /etc/ssl/a.pem <=='],
        run: (a, b) => [...certBundle.parseCertBundle(a).values()].map((f) => certBundle.certFact(f.path, 'server', f, b.slice(0, 30) || null)),
      },
    ],
  },
  cert: {
    module: cert,
    targets: [{ name: 'splitPemCertificates', covers: ['splitPemCertificates'], run: (a) => cert.splitPemCertificates(a) }],
    notFuzzed: { summariseCertificate: 'throws on purpose on text that is not a certificate; its only caller, certFact, catches (fuzzed through cert-bundle and with mutated real certificates)' },
  },
  crontab: {
    module: crontab,
    targets: [{ name: 'parseCrontab', covers: ['parseCrontab'], tokens: ['*/5 * * * * root /x', 'MAILTO=', '@reboot'], run: (a, b) => [crontab.parseCrontab(a, { system: true }), crontab.parseCrontab(a, { system: false, user: b })] }],
  },
  dmi: {
    module: dmi,
    targets: [
      { name: 'cleanDmiValue', covers: ['cleanDmiValue'], run: (a) => dmi.cleanDmiValue(a) },
      { name: 'identifyProvider', covers: ['identifyProvider'], run: (a, b) => dmi.identifyProvider(Object.fromEntries(dmi.DMI_FIELDS.map((f, i) => [f, (i % 2 ? a : b).split('\n')[i] ?? a]))) },
    ],
  },
  faillock: {
    module: faillock,
    targets: [
      {
        name: 'effectiveLockout over a parsed PAM file',
        covers: ['effectiveLockout'],
        tokens: ['auth required pam_faillock.so preauth deny=5', 'unlock_time=900', 'even_deny_root', 'pam_tally2.so'],
        run: (a, b) => faillock.effectiveLockout(pam.resolvePamStack(new Map([['/etc/pam.d/x', a]]), '/etc/pam.d/x').entries, { path: '/etc/security/faillock.conf', text: b }),
      },
    ],
    notFuzzed: { parseFaillockConf: 'is parsePwqualityConf (fuzzed under pwquality)' },
  },
  'firewall-common': {
    module: firewallCommon,
    targets: [{ name: 'portsInclude22', covers: ['portsInclude22'], tokens: ['20:30', '1-65535', 'ssh'], run: (a) => firewallCommon.portsInclude22(a) }],
  },
  firewalld: {
    module: firewalld,
    targets: [{ name: 'parseFirewalld → view', covers: ['parseFirewalld', 'firewalldView'], tokens: ['public (active)', 'services: ssh', 'ports: 22/tcp', 'target: DROP', 'rich rules:'], run: (a) => firewalld.firewalldView(firewalld.parseFirewalld(a)) }],
  },
  ftp: {
    module: ftp,
    targets: [
      { name: 'vsftpdAnonymous', covers: ['vsftpdAnonymous'], run: (a, b) => ftp.vsftpdAnonymous(a, b) },
      { name: 'proftpdAnonymous', covers: ['proftpdAnonymous'], tokens: ['</Anonymous>', 'Include /etc/proftpd/conf.d'], run: (a) => ftp.proftpdAnonymous(asFiles(a, '/etc/proftpd')) },
      { name: 'pureFtpdAnonymous', covers: ['pureFtpdAnonymous'], run: (a, b) => ftp.pureFtpdAnonymous({ path: '/etc/pure-ftpd.conf', text: a }, { path: '/etc/pure-ftpd/conf/NoAnonymous', text: b }) },
    ],
  },
  group: {
    module: group,
    targets: [
      { name: 'parseGroup', covers: ['parseGroup'], run: (a) => group.parseGroup(a) },
      { name: 'redactGroup keeps parseGroup', covers: ['redactGroup'], run: (a) => same(group.parseGroup(group.redactGroup(a)), group.parseGroup(a), 'redactGroup') },
    ],
  },
  'ip-addr': { module: ipAddr, targets: [{ name: 'parseIpAddr', covers: ['parseIpAddr'], tokens: ['1: lo: <LOOPBACK,UP>', '    inet 10.0.0.1/24 brd', 'link/ether'], run: (a) => ipAddr.parseIpAddr(a) }] },
  iptables: { module: iptables, targets: [{ name: 'parseIptablesS → view', covers: ['parseIptablesS', 'iptablesView'], tokens: ['-P INPUT DROP', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-N', '-s 10.0.0.0/8'], run: (a) => iptables.iptablesView(iptables.parseIptablesS(a)) }] },
  journald: {
    module: journald,
    targets: [
      { name: 'parseJournaldConf', covers: ['parseJournaldConf'], tokens: ['[Journal]', 'Compress=yes'], run: (a) => journald.parseJournaldConf(asFiles(a, '/etc/systemd/journald.conf.d')) },
      { name: 'parseTimespan', covers: ['parseTimespan'], tokens: ['1y', '2w 3d', '5min', 'infinity', 'us', 'month'], run: (a) => journald.parseTimespan(a) },
      { name: 'parseSize', covers: ['parseSize'], tokens: ['1G', '512M', '10%', 'K', 'E'], run: (a) => journald.parseSize(a) },
    ],
  },
  'log-stat': { module: logStat, targets: [{ name: 'parseStatLines', covers: ['parseStatLines'], tokens: ['|', 'regular file', 'directory', 'stat:', 'Permission denied'], run: (a) => logStat.parseStatLines(a) }] },
  loglines: {
    module: loglines,
    // One target per format; agent-formats.test.ts adds round trips and the detection events built on them.
    targets: [
      ...loglines.LOG_FORMATS.map((f) => ({ name: `${f} line`, covers: [], tokens: ['GET /?q=%27 HTTP/1.1', 'sshd[1]:', 'Failed password for', '{"msg":'], run: (a: string) => a.split('\n').map((l) => loglines.parsers[f](l)) })),
      {
        // Differential: the regex-free split must give ACCESS's groups whenever it answers at all.
        name: 'splitAccess = ACCESS',
        covers: ['splitAccess'],
        tokens: ['1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 5 "r" "u"', ' ', '"', '[', ']', '-', '\\', '\t', '200', ' "'],
        run: (a: string) =>
          a.split('\n').map((l) => {
            const f = loglines.splitAccess(l);
            if (f === undefined) return;
            const m = loglines.ACCESS.exec(l);
            if (JSON.stringify(m ? [...m].slice(1) : null) !== JSON.stringify(f.slice(1))) throw new Error(`splitAccess differs from ACCESS on ${JSON.stringify(l)}`);
          }),
      },
    ],
  },
  'login-defs': {
    module: loginDefs,
    targets: [
      { name: 'parseLoginDefs', covers: ['parseLoginDefs'], run: (a) => loginDefs.parseLoginDefs(a) },
      { name: 'loginDefsNumber', covers: ['loginDefsNumber'], run: (a) => loginDefs.loginDefsNumber(a) },
    ],
  },
  logrotate: {
    module: logrotate,
    targets: [
      {
        name: 'parseLogrotate → ruleFor/retentionDays',
        covers: ['parseLogrotate', 'ruleFor', 'retentionDays'],
        tokens: ['/var/log/nginx/*.log {', '}', 'include /etc/logrotate.d', 'missingok', 'compress', 'monthly', 'rotate 52', 'hourly', 'minsize'],
        run: (a, b) => {
          const fs = asFiles(a, '/etc/logrotate.d').map(({ path, content }) => ({ path, content }));
          const rules = logrotate.parseLogrotate(fs[0]!, fs.slice(1));
          const r = logrotate.ruleFor(rules, b.split('\n')[0] ?? '/var/log/x.log');
          return [rules.map((x) => logrotate.retentionDays(x)), r];
        },
      },
    ],
  },
  nft: { module: nft, targets: [{ name: 'parseNftRuleset → view', covers: ['parseNftRuleset', 'nftView'], tokens: ['table inet filter {', 'chain input {', 'type filter hook input priority 0; policy drop;', 'tcp dport { 22, 80 } accept', 'ct state established accept', 'counter'], run: (a) => nft.nftView(nft.parseNftRuleset(a)) }] },
  'nginx-sites': {
    module: nginxSites,
    targets: [
      {
        name: 'nginx config → sites',
        covers: ['buildNginxSites'],
        tokens: ['http {', 'server {', 'listen 443 ssl;', 'server_name a.gov.cn;', 'ssl_certificate', 'location /admin {', 'allow 10.0.0.0/8;', 'deny all;', 'autoindex on;', '}'],
        run: (a, b) => nginxSites.buildNginxSites(nginx.parseNginxFiles(fileMap(a, '/etc/nginx'), '/etc/nginx/main', '/etc/nginx').directives, { version: b.slice(0, 10) || null, openssl: null, prefix: b.slice(0, 30) }),
      },
    ],
  },
  nginx: {
    module: nginx,
    targets: [
      { name: 'tokenizeNginx', covers: ['tokenizeNginx'], tokens: ['"a\\"b"', "'x'", '#c', '${var}', '\\;'], run: (a) => nginx.tokenizeNginx(a) },
      { name: 'resolvePath', covers: ['resolvePath'], run: (a, b) => nginx.resolvePath(a, b) },
      { name: 'globToRegExp (include globs)', covers: ['globToRegExp'], tokens: ['*', '?', '[a-z]', '[!x]', '**', '/etc/nginx/conf.d/*.conf'], run: (a, b) => nginx.globToRegExp(a).test(b) },
      { name: 'parseNginxFiles + first/all', covers: ['parseNginxFiles', 'first', 'all'], tokens: ['include conf.d/*.conf;', 'include /etc/nginx/2.conf;', 'events {}', 'http {', 'server {', '}'], run: (a, b) => { const r = nginx.parseNginxFiles(fileMap(a, '/etc/nginx'), '/etc/nginx/main', b); return [nginx.first(r.directives, 'http'), nginx.all(r.directives, b.slice(0, 8))]; } },
      { name: 'splitNginxDump', covers: ['splitNginxDump'], tokens: ['# configuration file /etc/nginx/nginx.conf:', 'nginx: the configuration file /etc/nginx/nginx.conf syntax is ok'], run: (a) => nginx.splitNginxDump(a) },
      { name: 'parseNginxV', covers: ['parseNginxV'], tokens: ['nginx version: nginx/1.22.1', 'built with OpenSSL 3.0.9', 'configure arguments: --prefix=/etc/nginx'], run: (a) => nginx.parseNginxV(a) },
    ],
  },
  'os-release': {
    module: osRelease,
    targets: [
      { name: 'parseOsReleaseText → osIdentity', covers: ['parseOsReleaseText', 'osIdentity'], tokens: ['ID_LIKE="rhel fedora"', 'NAME=', 'VERSION_ID=9.3'], run: (a) => osRelease.osIdentity(osRelease.parseOsReleaseText(a)) },
      { name: 'parseUname', covers: ['parseUname'], run: (a) => osRelease.parseUname(a) },
    ],
  },
  pam: {
    module: pam,
    targets: [
      { name: 'parsePamFile', covers: ['parsePamFile'], run: (a, b) => pam.parsePamFile(a, b) },
      { name: 'resolvePamStack + pamArgs', covers: ['resolvePamStack', 'pamArgs'], tokens: ['include 1.conf', 'substack', '@include 2.conf', '-session', '[success=1 default=ignore]'], run: (a, b) => pam.resolvePamStack(fileMap(a, '/etc/pam.d'), '/etc/pam.d/main', '/etc/pam.d').entries.map((e) => pam.pamArgs([...e.args, b])) },
    ],
  },
  passwd: {
    module: passwd,
    targets: [
      { name: 'parsePasswd', covers: ['parsePasswd'], run: (a) => passwd.parsePasswd(a) },
      { name: 'isLoginShell', covers: ['isLoginShell'], run: (a) => passwd.isLoginShell(a) },
      { name: 'redactPasswd keeps parsePasswd', covers: ['redactPasswd'], tokens: ['x', '$6$s$h', '!', '*'], run: (a) => same(passwd.parsePasswd(passwd.redactPasswd(a)), passwd.parsePasswd(a), 'redactPasswd') },
    ],
  },
  pwquality: {
    module: pwquality,
    targets: [
      { name: 'parsePwqualityConf', covers: ['parsePwqualityConf'], run: (a) => pwquality.parsePwqualityConf(a) },
      { name: 'isBlockingControl', covers: ['isBlockingControl'], run: (a) => pwquality.isBlockingControl(a) },
      { name: 'effectivePasswordQuality', covers: ['effectivePasswordQuality'], tokens: ['minclass', 'enforce_for_root', 'retry=3'], run: (a, b) => [pwquality.effectivePasswordQuality({ ...PAM_ENTRY, args: b.split(/\s+/) }, asFiles(a, '/etc/security/pwquality.conf.d'), { path: '/etc/security/pwquality.conf', text: b }), pwquality.effectivePasswordQuality({ ...PAM_ENTRY, module: 'pam_cracklib.so', args: b.split(' ') }, [], null)] },
    ],
  },
  shadow: {
    module: shadow,
    targets: [
      { name: 'parseShadow', covers: ['parseShadow'], run: (a) => shadow.parseShadow(a) },
      { name: 'classifyPassword/hashAlgOf', covers: ['classifyPassword', 'hashAlgOf'], tokens: ['$y$j9T$', '$6$', '$1$', '!', '*', '!!', '$2b$10$', '$sm3$'], run: (a) => [shadow.classifyPassword(a), shadow.hashAlgOf(a)] },
      // a shared fixture's shadow must read as the original: status, algorithm and ageing of every entry
      { name: 'redactShadow keeps parseShadow', covers: ['redactShadow', 'mapColonLines'], tokens: ['$y$j9T$', '$6$', '!', '*', ':19700:0:99999:7:::'], run: (a) => same(shadow.parseShadow(shadow.redactShadow(a)), shadow.parseShadow(a), 'redactShadow') },
      { name: 'redactPasswordField keeps classifyPassword', covers: ['redactPasswordField'], tokens: ['$y$j9T$', '$6$', '$1$', '!', '*', '!!', '$2b$10$', '$sm3$', '_'], run: (a) => same(shadow.classifyPassword(shadow.redactPasswordField(a)), shadow.classifyPassword(a), 'redactPasswordField') },
    ],
  },
  'shell-profile': { module: shellProfile, targets: [{ name: 'parseTmout', covers: ['parseTmout'], tokens: ['TMOUT=300', 'readonly TMOUT', 'export TMOUT', 'declare -r TMOUT=600', 'if [', 'fi', 'unset TMOUT'], run: (a) => shellProfile.parseTmout(asFiles(a, '/etc/profile.d')) }] },
  ss: { module: ss, targets: [{ name: 'parseSs', covers: ['parseSs'], tokens: ['Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process', '*:*', '%lo:53'], run: (a) => [ss.parseSs(a), ss.parseSs(a, 'udp')] }] },
  'sshd-auth': {
    module: sshdAuth,
    targets: [
      { name: 'summariseAuth/clientAliveTimeout', covers: ['summariseAuth', 'clientAliveTimeout'], tokens: ['kbdinteractiveauthentication', 'usepam', 'clientaliveinterval', 'clientalivecountmax', 'authenticationmethods'], run: (a) => { const eff = kv(a); return [sshdAuth.summariseAuth(eff), sshdAuth.clientAliveTimeout(eff)]; } },
    ],
  },
  'sshd-config': {
    module: sshdConfig,
    targets: [
      { name: 'tokenizeLine', covers: ['tokenizeLine'], run: (a) => a.split('\n').map((l) => sshdConfig.tokenizeLine(l)) },
      { name: 'convtime', covers: ['convtime'], tokens: ['1h30m', '10s', '2w', 'm'], run: (a) => sshdConfig.convtime(a) },
      { name: 'assembleAlgorithms', covers: ['assembleAlgorithms'], tokens: ['+aes128-cbc', '-chacha20*', '^aes256-gcm@openssh.com', 'aes*,!x'], run: (a) => sshdConfig.assembleAlgorithms(a, sshdDefaults.DEFAULT_CIPHERS, sshdDefaults.KNOWN_CIPHERS) },
      { name: 'parseSshdConfig', covers: ['parseSshdConfig'], tokens: ['Include /etc/x/*.conf', 'Include 1.conf', 'Match User alice', 'Match all', 'Port 2222', 'ListenAddress'], run: (a) => sshdConfig.parseSshdConfig(asFiles(a, '/etc/x'), '/etc/x/main') },
      { name: 'parseSshdT', covers: ['parseSshdT'], tokens: ['permitrootlogin no', 'ciphers aes256-gcm@openssh.com', 'port 22'], run: (a) => sshdConfig.parseSshdT(a) },
    ],
  },
  'sshd-defaults': { module: sshdDefaults, targets: [] },
  sudoers: {
    module: sudoers,
    targets: [
      { name: 'sudoersIncludes', covers: ['sudoersIncludes'], tokens: ['@includedir /etc/sudoers.d', '#include /etc/x'], run: (a) => sudoers.sudoersIncludes(a) },
      { name: 'includedByDir', covers: ['includedByDir'], run: (a) => sudoers.includedByDir(a) },
      { name: 'parseSudoers', covers: ['parseSudoers'], tokens: ['User_Alias ADMINS = alice, bob', 'Cmnd_Alias', 'ADMINS ALL=(ALL:ALL) ALL', 'Defaults:alice !authenticate', 'Runas_Alias', 'Host_Alias'], run: (a) => sudoers.parseSudoers(asFiles(a, '/etc/sudoers.d')) },
    ],
  },
  systemd: {
    module: systemd,
    targets: [
      { name: 'parseListTimers', covers: ['parseListTimers'], tokens: ['Mon 2026-12-07 00:00:00 UTC', 'n/a', 'backup.timer', 'backup.service'], run: (a) => systemd.parseListTimers(a) },
      { name: 'parseSystemctlCat → execStarts', covers: ['parseSystemctlCat', 'execStarts'], run: (a) => systemd.execStarts(systemd.parseSystemctlCat(a)) },
      { name: 'unitOf', covers: ['unitOf'], run: (a) => systemd.unitOf(a) },
      { name: 'parseIsActive', covers: ['parseIsActive'], run: (a, b) => systemd.parseIsActive(a, b.split('\n')) },
    ],
  },
  timesync: {
    module: timesync,
    targets: [
      { name: 'parseTimedatectl', covers: ['parseTimedatectl'], run: (a) => timesync.parseTimedatectl(a) },
      { name: 'parseChronycTracking', covers: ['parseChronycTracking'], tokens: ['Stratum', 'System time', 'seconds slow of NTP time'], run: (a) => timesync.parseChronycTracking(a) },
      { name: 'parseNtpqPeers', covers: ['parseNtpqPeers'], tokens: ['==============', '*ntp.aliyun.com', '+'], run: (a) => timesync.parseNtpqPeers(a) },
    ],
  },
  tls: {
    module: tls,
    targets: [
      { name: 'versionCmp', covers: ['versionCmp'], run: (a, b) => tls.versionCmp(a, b) },
      { name: 'protocols', covers: ['nginxDefaultProtocols', 'normaliseProtocol', 'nginxProtocols', 'apacheProtocols'], tokens: ['all', '+TLSv1.2', '-SSLv3', 'SSLv2'], run: (a, b) => [tls.nginxDefaultProtocols(b || null), tls.normaliseProtocol(a), tls.nginxProtocols(a.split(' ')), tls.apacheProtocols(a.split(' '), b || null)] },
      { name: 'evaluateCipherString', covers: ['evaluateCipherString'], tokens: ['ALL:!aNULL:!eNULL', '@STRENGTH', 'DEFAULT', 'EECDH+AESGCM', '-ALL', '+RC4', 'COMPLEMENTOFALL', '@SECLEVEL=2', 'SM4'], run: (a, b) => tls.evaluateCipherString(a, b || null) },
      { name: 'rfc8998Suites', covers: ['rfc8998Suites'], tokens: ['TLS_SM4_GCM_SM3', 'TLS_SM4_CCM_SM3'], run: (a) => tls.rfc8998Suites(a) },
      { name: 'isLoopback', covers: ['isLoopback'], tokens: ['::1', '127.0.0.53', 'localhost', '[::1]'], run: (a) => tls.isLoopback(a) },
    ],
  },
  ufw: {
    module: ufw,
    targets: [
      { name: 'parseUfwStatus', covers: ['parseUfwStatus'], tokens: ['Status: inactive', 'Default: deny (incoming)', '22/tcp ALLOW IN Anywhere', 'To Action From'], run: (a) => ufw.parseUfwStatus(a) },
      { name: 'ufwFromFiles', covers: ['ufwFromFiles'], tokens: ['ENABLED=yes', 'DEFAULT_INPUT_POLICY="DROP"', '### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in'], run: (a, b) => ufw.ufwFromFiles(a, b, a + b) },
    ],
  },
  versions: {
    module: versions,
    targets: [
      { name: 'parseOpensslVersion/parseSshVersion', covers: ['parseOpensslVersion', 'parseSshVersion'], run: (a) => [versions.parseOpensslVersion(a), versions.parseSshVersion(a)] },
      { name: 'parsePackageQuery', covers: ['parsePackageQuery'], tokens: ['dpkg', 'rpm', 'install ok installed', '(none)'], run: (a) => versions.parsePackageQuery(a) },
      { name: 'upstreamOf/compareDpkg/compareRpm', covers: ['upstreamOf', 'compareDpkg', 'compareRpm'], tokens: ['~rc1', '1:', '-1ubuntu0.1', '.el9_3', '^'], run: (a, b) => [versions.upstreamOf(a), versions.compareDpkg(a, b), versions.compareRpm(a, b)] },
    ],
  },
};
