/**
 * OpenSSH 9.x compiled-in defaults and name tables, as `sshd -T -f /dev/null` prints them
 * (openssh-server 1:9.2p1 Debian 12). Used when `sshd -T` cannot run and we parse the files.
 */

/** Single-valued defaults, keyword (lowercase) -> value as `sshd -T` prints it. */
export const SSHD_DEFAULTS: Readonly<Record<string, string>> = {
  port: '22',
  addressfamily: 'any',
  usepam: 'no',
  logingracetime: '120',
  x11displayoffset: '10',
  maxauthtries: '6',
  maxsessions: '10',
  clientaliveinterval: '0',
  clientalivecountmax: '3',
  requiredrsasize: '1024',
  streamlocalbindmask: '0177',
  unusedconnectiontimeout: 'none',
  permitrootlogin: 'without-password',
  ignorerhosts: 'yes',
  ignoreuserknownhosts: 'no',
  hostbasedauthentication: 'no',
  hostbasedusesnamefrompacketonly: 'no',
  pubkeyauthentication: 'yes',
  kerberosauthentication: 'no',
  kerberosorlocalpasswd: 'yes',
  kerberosticketcleanup: 'yes',
  gssapiauthentication: 'no',
  gssapicleanupcredentials: 'yes',
  gssapistrictacceptorcheck: 'yes',
  passwordauthentication: 'yes',
  kbdinteractiveauthentication: 'yes',
  printmotd: 'yes',
  printlastlog: 'yes',
  x11forwarding: 'no',
  x11uselocalhost: 'yes',
  permittty: 'yes',
  permituserrc: 'yes',
  strictmodes: 'yes',
  tcpkeepalive: 'yes',
  permitemptypasswords: 'no',
  compression: 'yes',
  gatewayports: 'no',
  usedns: 'no',
  allowtcpforwarding: 'yes',
  allowagentforwarding: 'yes',
  disableforwarding: 'no',
  allowstreamlocalforwarding: 'yes',
  streamlocalbindunlink: 'no',
  fingerprinthash: 'SHA256',
  exposeauthinfo: 'no',
  pidfile: '/run/sshd.pid',
  banner: 'none',
  forcecommand: 'none',
  chrootdirectory: 'none',
  trustedusercakeys: 'none',
  revokedkeys: 'none',
  authorizedprincipalsfile: 'none',
  versionaddendum: 'none',
  authorizedkeyscommand: 'none',
  authorizedkeyscommanduser: 'none',
  loglevel: 'INFO',
  syslogfacility: 'AUTH',
  authorizedkeysfile: '.ssh/authorized_keys .ssh/authorized_keys2',
  authenticationmethods: 'any',
  maxstartups: '10:30:100',
  permittunnel: 'no',
  permitopen: 'any',
  permitlisten: 'any',
  permituserenvironment: 'no',
};

export const DEFAULT_CIPHERS = [
  'chacha20-poly1305@openssh.com', 'aes128-ctr', 'aes192-ctr', 'aes256-ctr',
  'aes128-gcm@openssh.com', 'aes256-gcm@openssh.com',
];
export const DEFAULT_MACS = [
  'umac-64-etm@openssh.com', 'umac-128-etm@openssh.com', 'hmac-sha2-256-etm@openssh.com',
  'hmac-sha2-512-etm@openssh.com', 'hmac-sha1-etm@openssh.com', 'umac-64@openssh.com',
  'umac-128@openssh.com', 'hmac-sha2-256', 'hmac-sha2-512', 'hmac-sha1',
];
export const DEFAULT_KEX = [
  'sntrup761x25519-sha512', 'sntrup761x25519-sha512@openssh.com', 'curve25519-sha256',
  'curve25519-sha256@libssh.org', 'ecdh-sha2-nistp256', 'ecdh-sha2-nistp384', 'ecdh-sha2-nistp521',
  'diffie-hellman-group-exchange-sha256', 'diffie-hellman-group16-sha512',
  'diffie-hellman-group18-sha512', 'diffie-hellman-group14-sha256',
];
export const DEFAULT_HOSTKEY_ALGS = [
  'ssh-ed25519-cert-v01@openssh.com', 'ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'ecdsa-sha2-nistp384-cert-v01@openssh.com', 'ecdsa-sha2-nistp521-cert-v01@openssh.com',
  'sk-ssh-ed25519-cert-v01@openssh.com', 'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'rsa-sha2-512-cert-v01@openssh.com', 'rsa-sha2-256-cert-v01@openssh.com', 'ssh-ed25519',
  'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com', 'rsa-sha2-512', 'rsa-sha2-256',
];

/** Chinese vendor builds (openEuler, Kylin, Tongsuo-patched OpenSSH) add SM algorithms. */
const SM_CIPHERS = ['sm4-ctr', 'sm4-cbc', 'sm4-gcm@openssh.com'];
const SM_MACS = ['hmac-sm3'];
const SM_KEX = ['sm2-sm3', 'ecdh-sm2p256v1-sm3'];
const SM_KEYS = ['sm2', 'sm2-cert'];

/** Every name `ssh -Q cipher|mac|kex|HostKeyAlgorithms` knows on OpenSSH 9.2 (plus SM names). */
export const KNOWN_CIPHERS = new Set([
  '3des-cbc', 'aes128-cbc', 'aes192-cbc', 'aes256-cbc', 'aes128-ctr', 'aes192-ctr', 'aes256-ctr',
  'aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'chacha20-poly1305@openssh.com', ...SM_CIPHERS,
]);
export const KNOWN_MACS = new Set([
  'hmac-sha1', 'hmac-sha1-96', 'hmac-sha2-256', 'hmac-sha2-512', 'hmac-md5', 'hmac-md5-96',
  'umac-64@openssh.com', 'umac-128@openssh.com', 'hmac-sha1-etm@openssh.com',
  'hmac-sha1-96-etm@openssh.com', 'hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com',
  'hmac-md5-etm@openssh.com', 'hmac-md5-96-etm@openssh.com', 'umac-64-etm@openssh.com',
  'umac-128-etm@openssh.com', ...SM_MACS,
]);
export const KNOWN_KEX = new Set([
  'diffie-hellman-group1-sha1', 'diffie-hellman-group14-sha1', 'diffie-hellman-group14-sha256',
  'diffie-hellman-group16-sha512', 'diffie-hellman-group18-sha512',
  'diffie-hellman-group-exchange-sha1', 'diffie-hellman-group-exchange-sha256',
  'ecdh-sha2-nistp256', 'ecdh-sha2-nistp384', 'ecdh-sha2-nistp521', 'curve25519-sha256',
  'curve25519-sha256@libssh.org', 'sntrup761x25519-sha512', 'sntrup761x25519-sha512@openssh.com',
  ...SM_KEX,
]);
export const KNOWN_KEY_ALGS = new Set([
  ...DEFAULT_HOSTKEY_ALGS, 'webauthn-sk-ecdsa-sha2-nistp256@openssh.com', 'ssh-dss',
  'ssh-dss-cert-v01@openssh.com', 'ssh-rsa', 'ssh-rsa-cert-v01@openssh.com', ...SM_KEYS,
]);

/**
 * Keyword table of OpenSSH 9.x servconf.c plus the Debian/RHEL GSSAPI and vendor patches.
 * Value: true = allowed inside a Match block (SSHCFG_ALL), false = global only.
 */
export const SSHD_KEYWORDS: Readonly<Record<string, boolean>> = {
  usepam: false, pamauthenticationviakbdint: false, port: false, hostkey: false, hostdsakey: false,
  hostkeyagent: false, pidfile: false, modulifile: false, serverkeybits: false, logingracetime: false,
  keyregenerationinterval: false, permitrootlogin: true, syslogfacility: false, loglevel: true,
  logverbose: true, rhostsauthentication: false, rhostsrsaauthentication: true,
  hostbasedauthentication: true, hostbasedusesnamefrompacketonly: true,
  hostbasedacceptedalgorithms: true, hostbasedacceptedkeytypes: true, hostkeyalgorithms: false,
  rsaauthentication: true, pubkeyauthentication: true, pubkeyacceptedalgorithms: true,
  pubkeyacceptedkeytypes: true, pubkeyauthoptions: true, dsaauthentication: false,
  kerberosauthentication: true, kerberosorlocalpasswd: false, kerberosticketcleanup: false,
  kerberosgetafstoken: false, kerberostgtpassing: false, afstokenpassing: false,
  gssapiauthentication: true, gssapicleanupcredentials: false, gssapistrictacceptorcheck: false,
  gssapikeyexchange: false, gssapistorecredentialsonrekey: false, gssapikexalgorithms: false,
  gssapienablek5users: true, kerberosusekuserok: true, debianbanner: false,
  passwordauthentication: true, kbdinteractiveauthentication: true,
  challengeresponseauthentication: true, skeyauthentication: true, checkmail: false,
  listenaddress: false, addressfamily: false, printmotd: false, printlastlog: false,
  ignorerhosts: true, ignoreuserknownhosts: false, x11forwarding: true, x11displayoffset: true,
  x11uselocalhost: true, xauthlocation: false, strictmodes: false, permitemptypasswords: true,
  permituserenvironment: false, uselogin: false, compression: false, rekeylimit: true,
  tcpkeepalive: false, keepalive: false, allowtcpforwarding: true, allowagentforwarding: true,
  allowusers: true, denyusers: true, allowgroups: true, denygroups: true, ciphers: false,
  macs: false, protocol: false, gatewayports: true, subsystem: false, maxstartups: false,
  persourcemaxstartups: false, persourcenetblocksize: false, maxauthtries: true, maxsessions: true,
  banner: true, usedns: false, verifyreversemapping: false, reversemappingcheck: false,
  clientaliveinterval: true, clientalivecountmax: true, authorizedkeysfile: true,
  authorizedkeysfile2: true, useprivilegeseparation: false, acceptenv: true, setenv: true,
  permittunnel: true, permittty: true, permituserrc: true, match: true, permitopen: true,
  permitlisten: true, forcecommand: true, chrootdirectory: true, hostcertificate: false,
  revokedkeys: true, trustedusercakeys: true, authorizedprincipalsfile: true, kexalgorithms: false,
  include: true, ipqos: true, authorizedkeyscommand: true, authorizedkeyscommanduser: true,
  authorizedprincipalscommand: true, authorizedprincipalscommanduser: true, versionaddendum: false,
  authenticationmethods: true, streamlocalbindmask: true, streamlocalbindunlink: true,
  allowstreamlocalforwarding: true, fingerprinthash: false, disableforwarding: true,
  exposeauthinfo: true, rdomain: true, casignaturealgorithms: true, securitykeyprovider: false,
  requiredrsasize: true, channeltimeout: true, unusedconnectiontimeout: true, useblacklist: false,
  useblocklist: false,
};

/** Aliases that `sshd -T` prints under another name. */
export const SSHD_ALIASES: Readonly<Record<string, string>> = {
  challengeresponseauthentication: 'kbdinteractiveauthentication',
  skeyauthentication: 'kbdinteractiveauthentication',
  hostbasedacceptedkeytypes: 'hostbasedacceptedalgorithms',
  pubkeyacceptedkeytypes: 'pubkeyacceptedalgorithms',
  dsaauthentication: 'pubkeyauthentication',
  keepalive: 'tcpkeepalive',
  hostdsakey: 'hostkey',
};

/** Keywords whose lines accumulate instead of first-wins; `sshd -T` prints one line per value. */
export const SSHD_ACCUMULATING = new Set([
  'port', 'listenaddress', 'hostkey', 'hostcertificate', 'allowusers', 'denyusers', 'allowgroups',
  'denygroups', 'acceptenv', 'setenv', 'subsystem',
]);
