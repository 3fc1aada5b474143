/**
 * Regular expressions in src/, agents/ and cli/ that recheck does not call safe, accepted for now,
 * each with the reason it is tolerable. The scan (source-regexes.test.ts) fails on any other
 * non-safe pattern, on an exponential one whatever this list says, and on an entry that no longer
 * matches the code (so a rewritten pattern is checked afresh). Entries are keyed by file and exact
 * source, not line, so moving code does not churn this list. Shrink it: each entry is a known
 * polynomial (or undecided) pattern, listed in docs/RELIABILITY.md.
 */

/** Anchored at the end on a run of one character class (`\/+$`, `\s+$`): quadratic only in the length of that run inside one value (a path, a token, a field), never in the file's size. */
const TRAILING_RUN = 'trailing-run anchor on one field of host output: quadratic only in the length of a run of one character class inside that field';
/** `^…(.*)$`-style line patterns. */
const ANCHORED_LINE = 'anchored at the start of one line of host output (config files and command output are split into lines first): the polynomial term needs a single line of tens of KiB crafted for this pattern; every read is size-bounded by the collection script, and the parser meets the fuzz suite 64 KiB time budget';
/** Unanchored searches over one line. */
const SEARCH_LINE = 'unanchored search within one line of host output (split into lines first): polynomial in that line\'s length only; lines are bounded by the size limit of each read in the collection script';
/** The agent's and the detection engine's patterns over one log line. */
const LOG_LINE = 'applied to one log line or one request target: web servers cap a request line (nginx large_client_header_buffers 8 KiB, Apache LimitRequestLine 8190), and the agent splits and bounds lines before parsing, so the polynomial term stays small';
/** recheck timed out (its automaton and fuzz checkers both gave up within the limit). */
const UNDECIDED = 'recheck could not decide within its time limit; no nested or adjacent overlapping quantifiers by inspection, applied to one line of bounded length';

export interface AllowedRegex {
  file: string;
  source: string;
  flags: string;
  /** What recheck said when the entry was written. */
  found: string;
  reason: string;
}

export const allowedRegexes: AllowedRegex[] = [
  { file: "src/collectors/sshd.ts", source: "line \\d+:|Bad configuration option|bad configuration options|Directive '|No such file or directory", flags: "", found: "timeout", reason: UNDECIDED },
  { file: "src/collectors/sudoers.ts", source: "\\/+$", flags: "", found: "2nd degree polynomial", reason: TRAILING_RUN },
  { file: "src/collectors/web.ts", source: "\\d+\\(([^)]*)\\)", flags: "g", found: "2nd degree polynomial", reason: SEARCH_LINE },
  { file: "src/detect/web/code.ts", source: "<script[^>]{0,40}language\\s{0,2}=\\s{0,2}[\"']?php", flags: "", found: "timeout", reason: UNDECIDED },
  { file: "src/detect/web/command.ts", source: "(?:^|[^a-z0-9_$])(system|shell_exec|passthru|popen|proc_open|exec|pcntl_exec|os\\.system|os\\.popen|subprocess\\.\\w+|runtime\\.getruntime\\(\\)\\.exec)\\s{0,4}\\(\\s{0,4}[\"'`$]", flags: "", found: "timeout", reason: UNDECIDED },
  { file: "src/detect/web/html.ts", source: "\\[\\s{0,4}[\"'`][^\"'`\\]]{1,40}[\"'`]\\s{0,4}(?:\\+\\s{0,4}[\"'`][^\"'`\\]]{0,40}[\"'`]\\s{0,4}){0,4}\\]\\s{0,4}[(`]", flags: "", found: "timeout", reason: UNDECIDED },
  { file: "src/detect/web/index.ts", source: "^[\\p{L}\\p{N}_\\-.,]{0,512}$", flags: "u", found: "timeout", reason: UNDECIDED },
  { file: "src/facts/backup_status.ts", source: "\\/+$", flags: "", found: "2nd degree polynomial", reason: TRAILING_RUN },
  { file: "src/facts/web-admin.ts", source: "\\/+$", flags: "", found: "2nd degree polynomial", reason: TRAILING_RUN },
  { file: "src/app/incident.ts", source: "（.*$| \\(.*$", flags: "", found: "2nd degree polynomial", reason: SEARCH_LINE },
  { file: "src/inventory/ssh-config.ts", source: "^(\\S+?)\\s*(?:=\\s*|\\s+)(.*)$", flags: "", found: "3rd degree polynomial", reason: ANCHORED_LINE },
  { file: "src/parsers/apache.ts", source: "^<\\s*([\\w:]+)\\s*(.*?)\\s*>$", flags: "", found: "3rd degree polynomial", reason: ANCHORED_LINE },
  { file: "src/parsers/backup.ts", source: "\\/+$", flags: "", found: "2nd degree polynomial", reason: TRAILING_RUN },
  { file: "src/parsers/backup.ts", source: "\\s(?:-C|--directory)[=\\s]+(\\/[A-Za-z0-9._/+@-]*)\\s+(.*)$", flags: "", found: "timeout", reason: UNDECIDED },
  { file: "src/parsers/backup.ts", source: "\\s(-[a-zA-Z]*[ec][a-zA-Z]*|--encrypt|--symmetric|-r|--recipient)\\b", flags: "", found: "2nd degree polynomial", reason: SEARCH_LINE },
  { file: "src/parsers/backup.ts", source: "(?:^|[\\s;|&('\"`/])(?:openssl|\\$\\{?\\w*OPENSSL\\w*\\}?)[\"']?\\s+(enc|smime|cms|sm4[-\\w]*|aes[-\\w]*)\\b([^|;&]*)", flags: "", found: "timeout", reason: UNDECIDED },
  { file: "src/parsers/backup.ts", source: "\\s(restore|verify|list-current-files|collection-status|remove-\\S+|cleanup)\\b", flags: "", found: "timeout", reason: UNDECIDED },
  { file: "src/parsers/backup.ts", source: "\\$\\((?:[^)$]|\\$(?!\\())*\\)|`[^`]*`", flags: "g", found: "timeout", reason: UNDECIDED },
  { file: "src/parsers/backup.ts", source: "\\?.*$", flags: "", found: "2nd degree polynomial", reason: TRAILING_RUN },
  { file: "src/parsers/backup.ts", source: "(\\b[A-Z0-9_]*(?:PASS|PASSWORD|PASSPHRASE|SECRET|TOKEN|KEY)[A-Z0-9_]*=)(\\S+)", flags: "g", found: "timeout", reason: UNDECIDED },
  { file: "src/parsers/backup.ts", source: "([a-z0-9+]+:\\/\\/[^/@:\\s]+):[^/@\\s]*@", flags: "gi", found: "2nd degree polynomial", reason: SEARCH_LINE },
  { file: "src/parsers/cert.ts", source: "-----BEGIN CERTIFICATE-----[\\s\\S]*?-----END CERTIFICATE-----", flags: "g", found: "timeout", reason: UNDECIDED },
  { file: "src/parsers/firewalld.ts", source: "^\\s+([a-z -]+):\\s*(.*)$", flags: "", found: "3rd degree polynomial", reason: ANCHORED_LINE },
  { file: "src/parsers/ip-addr.ts", source: "^\\d+:\\s+(\\S+?)(?:@\\S+)?\\s+(inet6?)\\s+([0-9a-fA-F.:]+)(?:\\/(\\d+))?", flags: "", found: "2nd degree polynomial", reason: ANCHORED_LINE },
  { file: "src/parsers/iptables.ts", source: "^-A\\s+(\\S+)\\s*(.*)$", flags: "", found: "2nd degree polynomial", reason: ANCHORED_LINE },
  { file: "src/parsers/iptables.ts", source: "(^|\\s)(!\\s+)?(-[spid]|--source|--destination|--in-interface|-m|--match|--dport|--sport|--dports|--ctstate|--state)\\b", flags: "", found: "timeout", reason: UNDECIDED },
  { file: "src/parsers/iptables.ts", source: "-j\\s+\\S+.*$", flags: "", found: "2nd degree polynomial", reason: TRAILING_RUN },
  { file: "src/parsers/journald.ts", source: "^([A-Za-z]+)\\s*=\\s*(.*)$", flags: "", found: "2nd degree polynomial", reason: ANCHORED_LINE },
  { file: "src/parsers/journald.ts", source: "(\\d+(?:\\.\\d+)?)\\s*([A-Za-z]+)", flags: "g", found: "2nd degree polynomial", reason: SEARCH_LINE },
  { file: "src/parsers/login-defs.ts", source: "^(\\S+)\\s*(.*)$", flags: "", found: "2nd degree polynomial", reason: ANCHORED_LINE },
  { file: "src/parsers/loglines.ts", source: "^\\[([^\\]]+)\\] \\[(?:[\\w-]+:)?(\\w+)\\](?: \\[pid (\\d+)(?::tid \\d+)?\\])?(?: \\[client ([^\\]]+)\\])? ?(.*)$", flags: "s", found: "timeout", reason: UNDECIDED },
  { file: "src/parsers/loglines.ts", source: "^((?:[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d)|(?:\\d{4}-\\d\\d-\\d\\dT[\\d:.]+(?:Z|[+-]\\d\\d:?\\d\\d)?)) (\\S+) ([^\\s[:]+(?:\\([^)]*\\))?(?: [^\\s[:]+)?)(?:\\[(\\d+)\\])?: ?(.*)$", flags: "s", found: "2nd degree polynomial (fuzz)", reason: LOG_LINE },
  { file: "src/parsers/loglines.ts", source: "Failed (password|publickey|none|keyboard-interactive\\/pam) for (invalid user )?(.*?) from (\\S+)", flags: "s", found: "timeout", reason: UNDECIDED },
  { file: "src/parsers/loglines.ts", source: "Accepted (\\S+) for (\\S+) from (\\S+)", flags: "s", found: "timeout", reason: UNDECIDED },
  { file: "src/parsers/loglines.ts", source: "Invalid user (.*?) from (\\S+)", flags: "s", found: "2nd degree polynomial", reason: LOG_LINE },
  { file: "src/parsers/loglines.ts", source: "authentication failure;.*?rhost=(\\S*)(?:\\s+user=(\\S+))?", flags: "s", found: "timeout", reason: UNDECIDED },
  { file: "src/parsers/logrotate.ts", source: "\\/+$", flags: "", found: "2nd degree polynomial", reason: TRAILING_RUN },
  { file: "src/parsers/nft.ts", source: "elements\\s*=\\s*\\{([^}]*)\\}", flags: "", found: "2nd degree polynomial", reason: SEARCH_LINE },
  { file: "src/parsers/nft.ts", source: "^(?:counter(?: packets \\d+ bytes \\d+)?\\s+)?(?:log(?: prefix \"[^\"]*\")?(?: level \\w+)?\\s+)?(?:drop|reject(?: with .*)?)(?:\\s+comment \".*\")?$", flags: "", found: "3rd degree polynomial (fuzz)", reason: ANCHORED_LINE },
  { file: "src/parsers/nft.ts", source: "\\bip6? saddr\\s+(!=\\s*)?(\\{[^}]*\\}|\\S+)", flags: "", found: "timeout", reason: UNDECIDED },
  { file: "src/parsers/nginx-sites.ts", source: "\\/+$", flags: "", found: "2nd degree polynomial", reason: TRAILING_RUN },
  { file: "src/parsers/nginx.ts", source: "\\/+$", flags: "", found: "2nd degree polynomial", reason: TRAILING_RUN },
  { file: "src/parsers/pwquality.ts", source: "^([A-Za-z_]+)\\s*(?:=\\s*(.*))?$", flags: "", found: "2nd degree polynomial", reason: ANCHORED_LINE },
  { file: "src/parsers/pwquality.ts", source: "\\bsuccess=ok\\b.*\\bdefault=ignore\\b", flags: "", found: "timeout", reason: UNDECIDED },
  { file: "src/parsers/shell-profile.ts", source: "(^|\\s)#.*$", flags: "", found: "2nd degree polynomial", reason: SEARCH_LINE },
  { file: "src/parsers/sshd-config.ts", source: "[\\s\\f]+$", flags: "", found: "2nd degree polynomial", reason: TRAILING_RUN },
  { file: "src/parsers/sshd-config.ts", source: "^[\\s]*([^\\s=]+)\\s*(?:=\\s*)?(.*)$", flags: "", found: "2nd degree polynomial", reason: ANCHORED_LINE },
  { file: "src/parsers/sshd-config.ts", source: "^([a-z0-9]+)(?:\\s+(.*))?$", flags: "", found: "2nd degree polynomial", reason: ANCHORED_LINE },
  { file: "src/parsers/sudoers.ts", source: "^(User_Alias|Runas_Alias|Host_Alias|Cmnd_Alias|Cmd_Alias)\\s+(.*)$", flags: "", found: "2nd degree polynomial", reason: ANCHORED_LINE },
  { file: "src/parsers/sudoers.ts", source: "^(CWD|CHROOT|ROLE|TYPE|TIMEOUT|NOTBEFORE|NOTAFTER|APPARMOR_PROFILE|PRIVS|LIMITPRIVS)\\s*=\\s*(\"[^\"]*\"|\\S+)\\s*", flags: "", found: "timeout", reason: UNDECIDED },
  { file: "src/parsers/sudoers.ts", source: "\\s*:\\s*(?=[A-Z][A-Z0-9_]*\\s*=)", flags: "", found: "2nd degree polynomial (fuzz)", reason: SEARCH_LINE },
  { file: "src/parsers/sudoers.ts", source: "^([A-Z][A-Z0-9_]*)\\s*=\\s*(.*)$", flags: "", found: "2nd degree polynomial", reason: ANCHORED_LINE },
  { file: "src/parsers/sudoers.ts", source: "^Defaults([:@>!])?(\\S*)\\s+(.*)$", flags: "", found: "2nd degree polynomial", reason: ANCHORED_LINE },
  { file: "src/parsers/sudoers.ts", source: "^(.*?\\S)\\s+([^\\s,]+(?:\\s*,\\s*[^\\s,]+)*)$", flags: "", found: "2nd degree polynomial", reason: ANCHORED_LINE },
  { file: "src/parsers/sudoers.ts", source: "\\s*:\\s*(?=[\\w.,!+-]+(?:\\s*,\\s*[\\w.,!+-]+)*\\s*=)", flags: "", found: "4th degree polynomial (fuzz)", reason: SEARCH_LINE },
  { file: "src/parsers/sudoers.ts", source: "^[#@]include(dir)?\\s+(.+)$", flags: "", found: "2nd degree polynomial", reason: ANCHORED_LINE },
  { file: "src/parsers/systemd.ts", source: "^([A-Za-z][A-Za-z0-9]*)\\s*=\\s*(.*)$", flags: "", found: "2nd degree polynomial", reason: ANCHORED_LINE },
  { file: "src/parsers/timesync.ts", source: "^\\s*(?:NTP|System clock) synchronized:\\s*(\\S+)", flags: "m", found: "2nd degree polynomial", reason: ANCHORED_LINE },
  { file: "src/parsers/timesync.ts", source: "^\\s*(?:NTP enabled|NTP service):\\s*(\\S+)", flags: "m", found: "2nd degree polynomial", reason: ANCHORED_LINE },
  { file: "src/parsers/timesync.ts", source: "^\\s*remote\\s+refid", flags: "m", found: "2nd degree polynomial", reason: ANCHORED_LINE },
  { file: "src/parsers/ufw.ts", source: "^(.+?)\\s+(ALLOW|DENY|REJECT|LIMIT)(?:\\s+(IN|OUT|FWD))?\\s+(.+)$", flags: "", found: "timeout", reason: UNDECIDED },
  { file: "src/parsers/ufw.ts", source: "\\s*\\(v6\\)\\s*$", flags: "", found: "2nd degree polynomial", reason: SEARCH_LINE },
  { file: "src/parsers/ufw.ts", source: "\\s*\\(.*\\)$", flags: "", found: "2nd degree polynomial", reason: SEARCH_LINE },
  { file: "src/parsers/ufw.ts", source: "\\s+on\\s+\\S+$", flags: "", found: "2nd degree polynomial", reason: TRAILING_RUN },
  { file: "src/parsers/ufw.ts", source: "\\s*\\(v6\\)$", flags: "", found: "2nd degree polynomial", reason: SEARCH_LINE },
  { file: "src/parsers/versions.ts", source: "^OpenSSH_(\\d+\\.\\d+(?:p\\d+)?)(?:\\s+([^,]+))?(?:,\\s*(.*))?$", flags: "", found: "3rd degree polynomial", reason: ANCHORED_LINE },
  { file: "src/incident/timeline.ts", source: "（.*?）？$|？$", flags: "", found: "2nd degree polynomial", reason: SEARCH_LINE },
  { file: "src/incident/timeline.ts", source: " \\(.*\\)\\?$|\\?$", flags: "", found: "2nd degree polynomial", reason: SEARCH_LINE },
  { file: "src/transport/known-hosts.ts", source: "=+$", flags: "", found: "2nd degree polynomial", reason: TRAILING_RUN },
  { file: "agents/agent/install.ts", source: "^Environment=(?:\"([^\"]*)\"|(\\S+))$", flags: "gm", found: "timeout", reason: UNDECIDED },
  { file: "src/detect/web/code.ts", source: "data:[a-z/+.-]{0,60};base64,", flags: "", found: "2nd degree polynomial (fuzz)", reason: LOG_LINE },
  { file: "src/parsers/loglines.ts", source: "^<(\\d{1,3})>1 (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) (-|\\[.*?\\])(?: (.*))?$", flags: "s", found: "timeout", reason: UNDECIDED },
  { file: "src/parsers/nft.ts", source: "\\b(?:tcp|th) dport\\s+(\\{[^}]*\\}|\\S+)", flags: "", found: "timeout", reason: UNDECIDED },
  { file: "src/parsers/backup.ts", source: "(--?(?:password|passwd|passphrase|pass|secret|key|token)[=\\s]+)(\\S+)", flags: "gi", found: "timeout (safe in another run)", reason: UNDECIDED },
  { file: "src/parsers/iptables.ts", source: "--match-set\\s+(\\S+)\\s+src\\b", flags: "", found: "timeout (safe in another run)", reason: UNDECIDED },
  { file: "agents/collector/commands.ts", source: ":(?=\\d+$)", flags: "", found: "2nd degree polynomial (fuzz)", reason: 'splits the operator\'s own --listen HOST:PORT argument (argv of the person running it, tens of characters), not host- or attacker-supplied text' },
];

/** `new RegExp(expr)` whose source is computed: what builds it and why it cannot backtrack catastrophically. */
export interface AllowedDynamic {
  file: string;
  /** The start of the call's text, e.g. "new RegExp(`^${re}$`)". */
  call: string;
  reason: string;
}

export const allowedDynamic: AllowedDynamic[] = [
  { file: 'src/collectors/script.ts', call: 'new RegExp(`\\\\n${marker}', reason: 'marker is a random hex token; the pattern is a literal line with two bounded, non-overlapping groups' },
  { file: 'src/detect/conditions.ts', call: 'new RegExp(v', reason: 'detection-rule `matches` values: `gwsec detect lint` checks every one with recheck, located (src/detect/regexes.ts, issue 19)' },
  { file: 'src/detect/pack.ts', call: 'new RegExp(v', reason: 'the same detection-rule `matches` values as conditions.ts, compiled into the pack function: checked by `gwsec detect lint` with recheck' },
  { file: 'src/detect/content.ts', call: 'new RegExp(terms.map(escapeRegExp)', reason: 'an alternation of fully escaped literal spam terms (GAMBLING_TERMS, PORN_TERMS): no quantifier' },
  { file: 'src/detect/web/code.ts', call: 'new RegExp(`(?:^|[^a-z0-9_$>])(${CODE_FUNCTIONS', reason: 'an alternation of escaped literal function names followed by a bounded \\s{0,n}: no nested quantifier' },
  { file: 'src/detect/web/scanners.ts', call: 'new RegExp(`(?:^|[^a-z0-9])(${SCANNER_AGENTS', reason: 'an alternation of escaped literal scanner tokens with a one-character boundary: no quantifier over user input' },
  { file: 'src/detect/webfields.ts', call: 'new RegExp(SENSITIVE_GATE.source', reason: 'SENSITIVE_GATE (src/detect/web/path.ts, an alternation of escaped literal file names) with the i flag: still no quantifier' },
  { file: 'src/detect/web/path.ts', call: 'new RegExp(SENSITIVE_FILES.map(escapeRegExp)', reason: 'an alternation of fully escaped literal file names: no quantifier (test/detect/web/redos.test.ts runs recheck on the built value)' },
  { file: 'src/detect/web/path.ts', call: 'new RegExp(STRONG_FILES.map(escapeRegExp)', reason: 'an alternation of fully escaped literal file names: no quantifier (test/detect/web/redos.test.ts runs recheck on the built value)' },
  { file: 'src/engine/operators.ts', call: 'new RegExp(src', reason: 'policy `matches` values: `policy lint` checks every one with recheck (located errors)' },
  { file: 'src/facts/web-admin.ts', call: 'new RegExp(src', reason: 'a host\'s own nginx `location ~` regex, only ever tested against gwsec\'s fixed list of short admin paths (tens of characters), so even a vulnerable one has tiny inputs; a compile error is caught' },
  { file: 'src/inventory/load.ts', call: 'new RegExp(`^${g.replace', reason: '--hosts glob from the operator\'s own command line, matched against host names from their own inventory (not host-controlled)' },
  { file: 'src/parsers/backup.ts', call: 'new RegExp(`${WORD_START}${name', reason: 'a fixed tool name between one-character boundary classes: no quantifier' },
  { file: 'src/parsers/crontab.ts', call: 'new RegExp(`^(\\\\S+\\\\s+){${need', reason: 'a fixed repeat count ({5} or {6}) of \\S+\\s+, whose classes do not overlap: linear' },
  { file: 'src/playbook/collect.ts', call: 'new RegExp(`\\\\n${MARK}', reason: 'MARK is a constant token; a literal line with one [a-z_]+ group' },
  { file: 'src/transport/fixture.ts', call: 'new RegExp(source, flags', reason: 'replays the regexes of recorded fixture commands in tests and fixtures the operator records; not reached from a live host' },
  { file: 'src/transport/known-hosts.ts', call: 'new RegExp(`^${body}$`', reason: 'host patterns from the operator\'s own known_hosts (not host-controlled), escaped literals with `*` as .* and `?` as ., matched against one host name' },
  { file: 'src/protocol/messages.ts', call: 'new RegExp(`^-----BEGIN ${label}', reason: 'label is a constant PEM label; [\\s\\S]+ between two literal armour lines, anchored at both ends: one scan, then one backtrack per trailing character' },
  { file: 'src/util/glob.ts', call: 'new RegExp(`^${re}$`', reason: 'Include globs from host configs: `*` becomes [^/]* between escaped literals, globs over 4 KiB are refused; segments cannot overlap across `/`' },
  { file: 'agents/agent/sources/glob.ts', call: 'new RegExp(`^${', reason: 'source path globs from the agent\'s own config (operator-written), segments as in util/glob' },
];
