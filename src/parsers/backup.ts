/**
 * What a backup job does, read from its command line and the scripts it calls: which backup tools
 * run, which absolute paths are named (sources and local destinations), whether a copy goes to
 * another host, and whether the data is encrypted. Pure text analysis, line by line; comment lines
 * are ignored. It errs towards "not found": a job is credited only for what its text shows.
 */
export interface JobAnalysis {
  tools: string[];
  paths: string[];
  destinations: string[]; // off-host targets, credentials removed
  encryption: string[]; // "gpg", "openssl enc -sm4-cbc (SM4)", "restic (AES-256)", …
  sm4: boolean;
}

export const BACKUP_TOOLS = [
  'tar', 'rsync', 'restic', 'borg', 'borgmatic', 'mysqldump', 'mariadb-dump', 'mariabackup', 'xtrabackup', 'innobackupex',
  'pg_dump', 'pg_dumpall', 'pg_basebackup', 'mongodump', 'duplicity', 'rclone', 'rdiff-backup', 'rsnapshot', 'dump', 'cpio',
  'zip', '7z', '7za', 'scp', 'gpgtar', 'ossutil', 'ossutil64', 'coscli', 'coscmd', 's3cmd', 'obsutil', 'aws', 'dar',
] as const;

/** Tools that dump a database: a job running one backs up a database by definition. */
export const DB_DUMP_TOOLS = ['mysqldump', 'mariadb-dump', 'mariabackup', 'xtrabackup', 'innobackupex', 'pg_dump', 'pg_dumpall', 'pg_basebackup', 'mongodump'];

const WORD_END = `(?=$|[\\s;|&)'"\`])`;
const WORD_START = `(?:^|[\\s;|&('"\`/])`;
const compiled = new Map<string, RegExp>();
/** A tool's name as a command word; compiled once per name (every line of every job asks). */
const toolRe = (name: string): RegExp => {
  let re = compiled.get(name);
  if (!re) compiled.set(name, (re = new RegExp(`${WORD_START}${name.replace(/[.+]/g, '\\$&')}${WORD_END}`)));
  return re;
};
const TOOL_RES = BACKUP_TOOLS.map((t) => [t, toolRe(t)] as const);

const REMOTE_URL = /^(?:s3|oss|cos|obs|gs|b2|swift|azure|sftp|ssh|scp|rsync|ftp|ftps|webdavs?|davs?|rest:https?|https?):\/\/\S+/i;
const RESTIC_REMOTE = /^(?:sftp|s3|b2|azure|gs|swift|rest|rclone):\S+/;
const HOST_PATH = /^(?:[A-Za-z0-9_.-]+@)?([A-Za-z0-9_.-]+|\[[0-9a-fA-F:]+\]):{1,2}(\S*)$/;
const REMOTE_TOOLS = /(?:^|[\s;|&('"`/])(rsync|scp|sftp|borg|restic|rclone|duplicity)(?=$|[\s;|&)'"`])/;

export function analyseJobText(text: string): JobAnalysis {
  const tools = new Set<string>();
  const paths = new Set<string>();
  const destinations = new Set<string>();
  const encryption = new Set<string>();
  let sm4 = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    // includes() first: a substring scan is far cheaper than 33 regexes on every line of a long script.
    for (const [name, re] of TOOL_RES) if (line.includes(name) && re.test(line)) tools.add(name);
    const remoteLine = REMOTE_TOOLS.exec(line)?.[1];
    for (const tok0 of tokens(line)) {
      const repoVar = /^(RESTIC_REPOSITORY|BORG_REPO)=/.test(tok0);
      const tok = tok0.replace(/^[A-Za-z_][A-Za-z0-9_]*=/, '').replace(/^--?[A-Za-z-]+=/, '');
      if (tok.startsWith('/')) {
        const p = /^\/[A-Za-z0-9._/+@-]*/.exec(tok)?.[0];
        if (p && p.length > 1) paths.add(p.replace(/\/+$/, '') || '/');
        continue;
      }
      if (REMOTE_URL.test(tok) && !/^https?:\/\/(localhost|127\.)/.test(tok)) destinations.add(stripCreds(tok));
      else if ((remoteLine === 'restic' || repoVar) && RESTIC_REMOTE.test(tok)) destinations.add(stripCreds(tok));
      else {
        const m = HOST_PATH.exec(tok);
        if (!m || tok.includes('://') || /^(localhost|127\.0\.0\.1|\[::1\])$/.test(m[1]) || /^\d+$/.test(m[1])) continue;
        const userAtHostAbs = tok.includes('@') && /^[~/]/.test(m[2]);
        const onToolLine = remoteLine !== undefined && (/^[~/]/.test(m[2]) || m[2] === '' || tok.includes('::') || remoteLine === 'rclone');
        if (userAtHostAbs || onToolLine) destinations.add(stripCreds(tok));
      }
    }
    // tar -C DIR a b: the members are relative to DIR.
    const tarC = line.includes('tar') && toolRe('tar').test(line) ? /\s(?:-C|--directory)[=\s]+(\/[A-Za-z0-9._/+@-]*)\s+(.*)$/.exec(line) : null;
    if (tarC) {
      const dir = tarC[1].replace(/\/+$/, '');
      for (const rel of tarC[2].split(/\s+/)) {
        if (/^[A-Za-z0-9_][A-Za-z0-9._/+@-]*$/.test(rel)) paths.add(`${dir}/${rel}`.replace(/\/+$/, ''));
        else if (/^[|;&>]/.test(rel)) break;
      }
    }
    const enc = encryptionOn(line, tools);
    for (const e of enc) encryption.add(e);
    if (enc.some((e) => e.includes('SM4'))) sm4 = true;
  }
  return { tools: [...tools].sort(), paths: [...paths].sort(), destinations: [...destinations].sort(), encryption: [...encryption].sort(), sm4 };
}

function encryptionOn(line: string, tools: Set<string>): string[] {
  const out: string[] = [];
  const has = (name: string) => line.includes(name) && toolRe(name).test(line);
  if ((has('gpg') || has('gpg2')) && /\s(-[a-zA-Z]*[ec][a-zA-Z]*|--encrypt|--symmetric|-r|--recipient)\b/.test(line) && !/\s(-d|--decrypt)\b/.test(line)) out.push('gpg');
  if (has('gpgtar') && /--(encrypt|symmetric)|\s-[ec]\b/.test(line)) out.push('gpgtar');
  // `openssl enc`, also through a variable such as $OPENSSL=/opt/tongsuo/bin/openssl.
  const ossl = /(?:^|[\s;|&('"`/])(?:openssl|\$\{?\w*OPENSSL\w*\}?)["']?\s+(enc|smime|cms|sm4[-\w]*|aes[-\w]*)\b([^|;&]*)/.exec(line);
  if (ossl) {
    const args = ossl[2];
    const decrypt = /\s-d\b|\s-decrypt\b/.test(args);
    if (!decrypt && (ossl[1] === 'enc' || ossl[1].startsWith('sm4') || ossl[1].startsWith('aes'))) {
      const cipher = ossl[1] === 'enc' ? (/\s-((?:sm4|aes|des|camellia|chacha|aria|bf|cast)[-\w]*)/i.exec(args)?.[1] ?? 'default cipher') : ossl[1];
      const isSm4 = /^sm4/i.test(cipher);
      out.push(`openssl enc -${cipher}${isSm4 ? ' (SM4)' : ''}`);
    } else if (!decrypt && /\s-encrypt\b/.test(args)) out.push(`openssl ${ossl[1]} -encrypt`);
  }
  const gm = /(?:^|[\s;|&('"`/])gmssl\s+(sm4\w*|sms4\w*)/.exec(line);
  if (gm && !/\s-d(ecrypt)?\b/.test(line)) out.push(`gmssl ${gm[1]} (SM4)`);
  if (tools.has('restic') && has('restic') && /\sbackup\b/.test(line)) out.push('restic (AES-256 repository)');
  if (has('borg') && /\screate\b/.test(line) && !/encryption[= ]none/.test(line)) out.push('borg (repository encryption)');
  if ((has('7z') || has('7za')) && /\s-p\S*/.test(line)) out.push('7z -p (AES-256)');
  if (has('age') && /\s(-r|-R|-p|--recipient|--passphrase|-e|--encrypt)\b/.test(line) && !/\s(-d|--decrypt)\b/.test(line)) out.push('age');
  if (has('duplicity') && !/--no-encryption/.test(line) && !/\s(restore|verify|list-current-files|collection-status|remove-\S+|cleanup)\b/.test(line)) out.push('duplicity (GPG)');
  if (has('ccrypt') && !/\s-d\b/.test(line)) out.push('ccrypt');
  return out;
}

function tokens(line: string): string[] {
  return line
    // `$(` … `)` may not run across another `$(`: on `$($($(…` without `)` the old `[^)]*` rescanned
    // the rest of the line from every `$(` (64 KiB took 8.6 s; found by fuzzing, issue 19).
    .replace(/\$\((?:[^)$]|\$(?!\())*\)|`[^`]*`/g, (m) => ' ' + m.slice(m.startsWith('$') ? 2 : 1, -1) + ' ')
    .split(/[\s;|&<>()'"`]+/)
    .filter((t) => t !== '');
}

/** user:password@host -> user@host; query-string secrets are dropped. */
export function stripCreds(s: string): string {
  return s.replace(/^([a-z0-9+:]*:\/\/)([^/@:\s]+):[^/@\s]*@/i, '$1$2@').replace(/\?.*$/, '');
}

const SECRET_PATTERNS: RegExp[] = [
  /(--?(?:password|passwd|passphrase|pass|secret|key|token)[=\s]+)(\S+)/gi,
  /(\s-p)(\S+)/g, // mysqldump -pSECRET (a bare `-p` asks on the tty)
  /(\s-(?:k|K|pass)\s+)(\S+)/g, // openssl enc -k PASS / -pass pass:X
  /(\b[A-Z0-9_]*(?:PASS|PASSWORD|PASSPHRASE|SECRET|TOKEN|KEY)[A-Z0-9_]*=)(\S+)/g,
];

/** A command line safe to keep in facts: secrets in arguments and URLs become ***. */
export function redactCommand(cmd: string): string {
  // Only the first 400 characters are kept: redact a 2,000-character prefix, not a 64 KiB line (the
  // secret patterns are quadratic on a long run like PASSPASS…; 64 KiB took ~1 s, found by fuzzing).
  // A secret crossing the cut still starts inside the prefix, so it is still redacted.
  const long = cmd.length > 400;
  cmd = cmd.slice(0, 2000);
  const s = redactLine(cmd);
  return long || s.length > 400 ? s.slice(0, 400) + '…' : s;
}

/**
 * A cron file or script text for a shared fixture: each line's secrets (as redactCommand finds them)
 * become ***, nothing cut, so the jobs read from it are the ones read from the original.
 */
export function redactSecrets(text: string): string {
  return text
    .split('\n')
    .map(redactLine)
    .join('\n');
}

function redactLine(text: string): string {
  let s = text.replace(/([a-z0-9+]+:\/\/[^/@:\s]+):[^/@\s]*@/gi, '$1:***@');
  for (const re of SECRET_PATTERNS) s = s.replace(re, '$1***');
  return s;
}

/** `==> /path <==` framed dump of the scripts jobs call (as `head` prints several files). */
export function parseScriptDump(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let cur: string | null = null;
  let buf: string[] = [];
  for (const line of text.split('\n')) {
    const h = /^==> (\/.+) <==$/.exec(line);
    if (h) {
      if (cur) out.set(cur, buf.join('\n'));
      cur = h[1];
      buf = [];
    } else if (cur) buf.push(line);
  }
  if (cur) out.set(cur, buf.join('\n'));
  return out;
}

export interface BackupDir {
  path: string;
  exists: boolean;
  file_count: number;
  newest: { path: string; mtime: number; size: number } | null;
  unreadable: string[]; // find's "Permission denied" paths
}

/**
 * Newest-file listing, one section per directory:
 *   == /var/backups            (section header)
 *   absent                     (directory does not exist)
 *   find: '/x': Permission denied
 *   1718000000.1234567890 10240 /var/backups/site/www.tar.gz   (find -printf '%T@ %s %p', the newest)
 *   count 12
 */
export function parseNewest(text: string): BackupDir[] {
  const dirs: BackupDir[] = [];
  let cur: BackupDir | null = null;
  for (const line of text.split('\n')) {
    const h = /^== (\/.*)$/.exec(line);
    if (h) {
      cur = { path: h[1], exists: true, file_count: 0, newest: null, unreadable: [] };
      dirs.push(cur);
      continue;
    }
    if (!cur) continue;
    let m: RegExpExecArray | null;
    if (line === 'absent') cur.exists = false;
    else if ((m = /^find: [‘'](.+)[’']: Permission denied$/.exec(line))) cur.unreadable.push(m[1]);
    else if ((m = /^count (\d+)$/.exec(line))) cur.file_count = Number(m[1]);
    else if ((m = /^(\d+(?:\.\d+)?) (\d+) (\/.*)$/.exec(line))) cur.newest = { path: m[3], mtime: Math.floor(Number(m[1])), size: Number(m[2]) };
  }
  return dirs;
}
