/**
 * Hostile text: what a compromised host or a web attacker can put in a file, a command's output or a
 * log line. Arbitrary Unicode, bytes decoded as UTF-8 (invalid sequences become U+FFFD, as
 * Buffer#toString does in the transports) and as latin1, NULs, CR-only and CRLF line ends, terminal
 * escapes (CSI, OSC 52 clipboard writes), very long lines, deep nesting, and tokens the parser knows,
 * so generated input reaches past the first `if`.
 */
import fc from 'fast-check';

/** Sequences every parser must survive, whatever its format. */
export const HOSTILE_PIECES = [
  '\0', '\r', '\r\n', '\n', '\t', '\v', '\f', ' ', '\u00a0', '\u2028', '\ufeff', '\ufffd',
  '\x1b[31m', '\x1b[2J', '\x1b]52;c;Y3VybCBldmlsfHNo\x07', '\x1b]0;title\x1b\\', '\x9b31m', '\x07', '\x7f',
  '"', "'", '`', '\\', '\\\n', '#', ';', '{', '}', '(', ')', '[', ']', '<', '>', '=', ':', ',', '|', '&', '$', '${', '*', '?', '%', '@', '!', '/', '..', '-', '+', '^', '~',
  '0', '-1', '9999999999999999999999', '1e309', 'NaN', '0x10', '077', '1.2.3', '\u0661\u0662', // Arabic-Indic digits
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty',
  '中文', '😀', '\ud800', '\udfff', // lone surrogates
];

/** Tokens common to the formats gwsec reads (config keywords, command output markers). */
export const COMMON_TOKENS = [
  '==> /etc/x <==', '!! absent', '!! unreadable', '@@', '---', 'include', 'Include', 'Match', 'server', 'location', 'listen',
  'ssl_protocols', 'ssl_ciphers', 'root', 'auth', 'account', 'password', 'session', 'required', 'requisite', 'sufficient',
  '[default=die]', '@include', 'pam_unix.so', 'pam_faillock.so', 'pam_pwquality.so', 'ALL', 'NOPASSWD:', 'Defaults', '%sudo',
  '#includedir', 'Host', 'PermitRootLogin', 'PasswordAuthentication', 'Ciphers', 'MACs', 'KexAlgorithms', 'yes', 'no',
  'chain', 'table', 'inet', 'filter', 'accept', 'drop', '-A', 'INPUT', 'ACCEPT', 'DROP', '--dport', '22', 'tcp', 'udp',
  'LISTEN', 'UNCONN', '0.0.0.0:22', '[::]:443', '127.0.0.1', 'users:(("sshd",pid=1,fd=3))', 'inet6', 'scope', 'global',
  'ID=debian', 'VERSION_ID="12"', 'PRETTY_NAME=', 'Linux', 'x86_64', 'OpenSSL 3.0.11', 'OpenSSH_9.2p1', 'nginx/1.22.1',
  'Server version: Apache/2.4.57', 'ii', 'openssh-server', '1:9.2p1-2+deb12u3', 'rotate', 'daily', 'weekly', 'maxage', 'size',
  '/var/log/*.log', 'TMOUT=600', 'readonly', 'export', 'Storage=persistent', 'SystemMaxUse=1G', 'MaxRetentionSec=180day',
  'deny', 'unlock_time', 'minlen', 'ucredit', 'dcredit', 'PASS_MAX_DAYS', 'UMASK', 'anonymous_enable=YES', '<Anonymous ~ftp>',
  'NoAnonymous', 'Status: active', 'ALLOW', 'Anywhere', 'NTPSynchronized=yes', 'System clock synchronized: yes', 'Leap status',
  'Normal', 'Reference ID', '*', 'remote', 'refid', 'NEXT', 'LEFT', 'UNIT', 'ACTIVATES', 'ExecStart=', '# /etc/systemd/system/x.service',
  '[Service]', 'active', 'inactive', 'sys_vendor', 'Alibaba Cloud', 'VMware', '-----BEGIN CERTIFICATE-----', '-----END CERTIFICATE-----',
  'MIIB', 'TLSv1', 'TLSv1.3', 'HIGH:!aNULL', 'ECC-SM2-SM4-GCM-SM3', 'mysqldump', '-pSECRET', 'rsync', 'borg', 'restic',
  '0 3 * * *', '@daily', 'root:x:0:0:root:/root:/bin/bash', 'root:$6$salt$hash:19000:0:99999:7:::', 'sudo:x:27:alice,bob',
  '644', '600', 'root root', '-rw-r-----', 'Allow', 'Deny', 'AllowUsers', 'DenyGroups', 'AuthenticationMethods', 'publickey,password',
];

/** One line: a mix of hostile pieces, known tokens and free text. */
export function hostileLine(tokens: readonly string[] = []): fc.Arbitrary<string> {
  const vocab = [...COMMON_TOKENS, ...tokens];
  const piece = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...vocab) },
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_PIECES) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 12 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
    { weight: 1, arbitrary: fc.nat({ max: 70000 }).map(String) },
  );
  const sep = fc.constantFrom(' ', ' ', ' ', '', '\t', '  ', '=', ':', ',');
  return fc.array(fc.tuple(piece, sep), { maxLength: 12 }).map((xs) => xs.map(([p, s]) => p + s).join(''));
}

/** A whole text: lines joined by LF, CRLF or CR only. */
export function hostileText(tokens: readonly string[] = []): fc.Arbitrary<string> {
  const lines = fc.array(hostileLine(tokens), { maxLength: 30 });
  const eol = fc.constantFrom('\n', '\n', '\r\n', '\r');
  return fc.oneof(
    { weight: 6, arbitrary: fc.tuple(lines, eol).map(([ls, e]) => ls.join(e)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 400 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('utf8')) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('latin1')) },
    { weight: 1, arbitrary: fc.nat({ max: 200 }).map((n) => '{'.repeat(n) + '('.repeat(n) + '"'.repeat(n % 7) + '}'.repeat(n >> 1)) },
    { weight: 1, arbitrary: fc.tuple(hostileLine(tokens), fc.nat({ max: 5000 })).map(([l, n]) => l + 'x'.repeat(n) + l) },
  );
}

/** What the tail of a big input repeats: backtracking triggers and nesting openers (stack depth). */
const RUNS = [' ', 'a', '\t', '"', '\\', '{', '-', '0', '/', '=', '<IfModule a>\n', 'server {\n', '(', '[', '$(', 'include 1.conf\n', '@include main\n', 'Include /etc/x/main\n'];

/**
 * About `bytes` of hostile text: generated lines repeated (and varied) until the size is reached, plus
 * one pathological tail (a very long run of one character, the classic backtracking trigger).
 */
export function bigHostileText(bytes: number, tokens: readonly string[] = []): fc.Arbitrary<string> {
  return fc.tuple(fc.array(hostileLine(tokens), { minLength: 1, maxLength: 20 }), fc.constantFrom('\n', '\r\n', '\r'), fc.constantFrom(...RUNS)).map(([lines, eol, runChar]) => {
    const block = lines.join(eol) + eol;
    const half = Math.floor(bytes / 2);
    let body = block.length ? block.repeat(Math.max(1, Math.floor(half / Math.max(1, block.length)))).slice(0, half) : '';
    body += lines[0] + runChar.repeat(Math.max(0, Math.ceil((bytes - body.length - lines[0]!.length) / runChar.length)));
    return body.slice(0, bytes);
  });
}

export const arbitraries = { line: hostileLine, text: hostileText, big: bigHostileText };

/**
 * A real file damaged the way a fuzzer damages it: ranges deleted, hostile pieces inserted, lines
 * duplicated, swapped or re-indented. Starting from a valid file gets past the YAML parser into
 * schema and cross-reference validation, where the interesting bugs are.
 */
export function mutated(original: string, tokens: readonly string[] = []): fc.Arbitrary<string> {
  const lines = original.split('\n');
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.nat({ max: 40 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), piece: fc.oneof(fc.constantFrom(...HOSTILE_PIECES, ...tokens, ': ', '- ', '\n  ', '&a ', '*a', '!!binary ', '<<: ', '? ', '|', '>-'), hostileLine(tokens)) }),
    fc.record({ kind: fc.constant('dupLine' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('swapLines' as const), at: fc.nat(), to: fc.nat() }),
    fc.record({ kind: fc.constant('indent' as const), at: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 6 }).map((edits) => {
    let ls = [...lines];
    for (const e of edits) {
      const i = e.at % Math.max(1, ls.length);
      if (e.kind === 'delete' || e.kind === 'insert') {
        const text = ls.join('\n');
        const p = e.at % (text.length + 1);
        ls = (e.kind === 'delete' ? text.slice(0, p) + text.slice(p + e.len) : text.slice(0, p) + e.piece + text.slice(p)).split('\n');
      } else if (e.kind === 'dupLine') ls.splice(i, 0, ls[i] ?? '');
      else if (e.kind === 'swapLines') {
        const j = e.to % Math.max(1, ls.length);
        [ls[i], ls[j]] = [ls[j] ?? '', ls[i] ?? ''];
      } else ls[i] = e.by >= 0 ? ' '.repeat(e.by) + (ls[i] ?? '') : (ls[i] ?? '').slice(-e.by);
    }
    return ls.join('\n');
  });
}

export const yamlish = (tokens: readonly string[] = []) => fc.oneof({ weight: 3, arbitrary: hostileText([...tokens, 'hosts:', '  - name: ', 'id: ', 'title:', '  zh: ', '  en: ', 'steps:', '- ', ': ', '{', '[', '&x', '*x', '<<: *x', '!!js/function', '---', '...']) }, { weight: 1, arbitrary: fc.string({ unit: 'binary' }) });
