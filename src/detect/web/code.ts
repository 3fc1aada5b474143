/**
 * PHP and other server-side code injection: stream wrappers that run or disclose code, PHP open
 * tags, calls of the functions a webshell or an eval-injection uses, PHP serialized objects
 * (object injection), `{${…}}` complex-syntax evaluation, and remote inclusion of a script URL.
 */

export const WRAPPERS: readonly string[] = ['php://', 'expect://', 'phar://', 'zip://', 'data://', 'glob://', 'compress.zlib://', 'compress.bzip2://', 'rar://', 'ogg://', 'ssh2.'];
/** Functions called by injected PHP; a call (name followed by `(`) is the structure, not the word. */
export const CODE_FUNCTIONS: readonly string[] = [
  'system', 'exec', 'shell_exec', 'passthru', 'popen', 'proc_open', 'pcntl_exec', 'eval', 'assert', 'phpinfo', 'base64_decode', 'str_rot13',
  'gzinflate', 'gzuncompress', 'create_function', 'call_user_func', 'call_user_func_array', 'preg_replace', 'include', 'include_once', 'require',
  'require_once', 'file_get_contents', 'file_put_contents', 'fopen', 'fwrite', 'readfile', 'show_source', 'highlight_file', 'move_uploaded_file',
  'unserialize', 'extract', 'parse_str', 'putenv', 'ini_set', 'dl', 'mail', 'die', 'var_dump', 'print_r', 'runtime.getruntime', 'processbuilder',
];

/**
 * Expression-language and framework injections that government sites (Struts2, Spring, ThinkPHP,
 * log4j) actually receive: markers of the injected expression, not of a payload list.
 */
export const EXPRESSION_MARKERS: ReadonlyArray<{ marker: string; what: string }> = [
  { marker: '${jndi:', what: 'log4j JNDI lookup (Log4Shell)' },
  { marker: '#_memberaccess', what: 'Struts2 OGNL' },
  { marker: '@java.lang.runtime@', what: 'OGNL/EL static call of Runtime' },
  { marker: 'java.lang.runtime', what: 'Java Runtime reference' },
  { marker: '#context[', what: 'Struts2 OGNL context' },
  { marker: '(#', what: 'OGNL expression' },
  { marker: 'class.module.classloader', what: 'Spring4Shell class loader binding' },
  { marker: 'class.classloader', what: 'class loader binding' },
  { marker: '\\think\\app/invokefunction', what: 'ThinkPHP invokefunction RCE' },
  { marker: '\\think\\', what: 'ThinkPHP controller injection' },
  { marker: 'think\\container/invokefunction', what: 'ThinkPHP invokefunction RCE' },
  { marker: 'rO0AB', what: 'Java serialized object (base64)' },
  { marker: 'aced0005', what: 'Java serialized object (hex)' },
];

export interface CodeVerdict {
  kind: 'wrapper' | 'php-tag' | 'code-call' | 'serialized-object' | 'complex-syntax' | 'remote-include' | 'data-uri-code' | 'expression-injection';
  detail: string;
}

/** Built from CODE_FUNCTIONS; exported so the ReDoS test checks it like the literals. */
export const CODE_CALL_RE = new RegExp(`(?:^|[^a-z0-9_$>])(${CODE_FUNCTIONS.map((f) => f.replace(/\./g, '\\.')).join('|')})\\s{0,4}\\(`);
const SERIALIZED = /(?:^|[;{])(?:[oc]:\d{1,4}:"[a-z_\\][a-z0-9_\\]{0,100}":\d{1,4}:\{|a:\d{1,4}:\{[isbdn][:;])/;
/**
 * Remote inclusion: a URL to a script-as-text file (`shell.txt`, `x.sh`), or one ending in a bare `?`
 * (the RFI trick that turns the appended `.php` into a query). A URL to a .php/.jsp page is a
 * redirect target on many sites, so those alone are not flagged.
 */
const REMOTE = /^(?:https?|ftps?):\/\/[^?#]{1,400}\.(?:txt|inc|sh|pl|py|cgi)(?:[?#]|$)|^(?:https?|ftps?):\/\/[^?#]{1,400}\?$|^\/\/\/?\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\//;

/** `s` is the canonical value (decoded, lower case, white space folded). */
/** log4j lookups hide `jndi` behind nested lookups: ${${lower:j}ndi:…}, ${${::-j}${::-n}di:…}. */
function jndi(s: string): boolean {
  if (s.indexOf('${') < 0) return false;
  const flat = s.replace(/\$\{(?:lower:|upper:|::-|env:[a-z_]{0,20}:-|date:')?([a-z'])'?\}/g, '$1');
  if (flat.includes('${jndi:')) return true;
  for (let i = flat.indexOf('${'); i >= 0; i = flat.indexOf('${', i + 2)) {
    const w = flat.slice(i + 2, i + 42);
    const body = w.indexOf('}') >= 0 ? w.slice(0, w.indexOf('}')) : w;
    if (body.includes('jndi:') || body.includes('ldap:') || body.includes('rmi:') || body.includes('dns:')) return true;
  }
  return false;
}

export function judgeCode(s: string, hadNull: boolean): CodeVerdict | undefined {
  if (jndi(s)) return { kind: 'expression-injection', detail: '${jndi:' };
  for (const m of EXPRESSION_MARKERS) {
    const hit =
      m.marker === '(#' ? /\(#[a-z_]{1,30}[=.[]|%\{\(?#/.test(s) : m.marker === 'rO0AB' || m.marker === 'aced0005' ? s.startsWith(m.marker.toLowerCase()) : s.includes(m.marker);
    if (hit) return { kind: 'expression-injection', detail: m.what };
  }
  for (const w of WRAPPERS) if (s.includes(w)) return { kind: 'wrapper', detail: w };
  if (/data:[a-z/+.-]{0,60};base64,/.test(s) && /^(?:data:|[a-z]+=data:)/.test(s)) return { kind: 'data-uri-code', detail: 'data:…;base64,' };
  if (/data:application\/x-httpd-php/.test(s)) return { kind: 'data-uri-code', detail: 'data:application/x-httpd-php' };
  if (/<\?(?:php|=|\s)/.test(s) || /<script[^>]{0,40}language\s{0,2}=\s{0,2}["']?php/.test(s)) return { kind: 'php-tag', detail: '<?php' };
  if (s.includes('{${')) return { kind: 'complex-syntax', detail: '{${' };
  const m = CODE_CALL_RE.exec(s);
  if (m) return { kind: 'code-call', detail: `${m[1]}(` };
  const so = SERIALIZED.exec(s);
  if (so) return { kind: 'serialized-object', detail: so[0].slice(0, 24) };
  const r = s.replace(/\\/g, '/');
  if (REMOTE.test(r) || (hadNull && /^(?:https?|ftp):\/\//.test(r))) return { kind: 'remote-include', detail: r.slice(0, 48) };
  return undefined;
}
