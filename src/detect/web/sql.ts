/**
 * SQL injection judged by token structure (the approach libinjection made standard; this is our
 * own tokenizer and our own fingerprint set, see docs/DETECTIONS.md "Web attacks").
 *
 * A parameter value is read three ways, as the application might have embedded it: as bare SQL
 * (`id=$v`), inside single quotes (`'$v'`) and inside double quotes (`"$v"`). Each reading becomes a
 * token stream, folded into a short fingerprint (one letter per token). An injection is a value
 * that BREAKS OUT of where the application put it — a closing quote or an unmatched `)` — and then
 * continues as SQL: a logic operator, a comparison, a statement, UNION, a comment that cuts the rest
 * of the query. Ordinary text (`Xi'an`, `people's congress`, `select committee`) tokenises as a
 * string followed by barewords and matches none of the injected-syntax fingerprints.
 */

/** Token letters. */
export type SqlTok =
  | 's' // string literal
  | '1' // number or literal value (NULL, TRUE, FALSE)
  | 'n' // bareword / identifier
  | 'v' // variable @x, @@version
  | 'f' // call of a known SQL function
  | 'k' // other keyword (FROM, WHERE, AS, IS, LIKE, BY, INTO, DELAY …)
  | 'E' // statement verb (SELECT, INSERT, UPDATE, DELETE, DROP, EXEC, WAITFOR …)
  | 'U' // set operator (UNION, INTERSECT, EXCEPT)
  | 'B' // clause that takes BY or a count (ORDER, GROUP, HAVING, LIMIT)
  | '&' // logic (AND, OR, XOR, &&, ||)
  | 'o' // operator
  | '(' | ')' | ',' | ';' | '.'
  | 'c'; // comment

export type QuoteContext = 'none' | 'single' | 'double';

const LOGIC = new Set(['and', 'or', 'xor', 'div']);
const UNION = new Set(['union', 'intersect', 'except']);
const VERB = new Set(['select', 'insert', 'update', 'delete', 'drop', 'create', 'alter', 'truncate', 'exec', 'execute', 'declare', 'waitfor', 'shutdown', 'grant', 'revoke', 'load', 'rename', 'handler', 'call', 'merge', 'backup', 'restore']);
const CLAUSE = new Set(['order', 'group', 'having', 'limit', 'procedure']);
const LITERAL = new Set(['null', 'true', 'false']);
/** Niladic values: SQL reads them without parentheses (select current_user). */
const NILADIC = new Set(['current_user', 'session_user', 'system_user', 'current_date', 'current_time', 'current_timestamp', 'localtimestamp', 'current_database', 'current_schema']);
const KEYWORD = new Set([
  'from', 'where', 'into', 'values', 'table', 'as', 'is', 'not', 'like', 'rlike', 'regexp', 'in', 'between', 'case', 'when', 'then', 'else', 'end',
  'delay', 'distinct', 'all', 'top', 'exists', 'outfile', 'dumpfile', 'infile', 'set', 'sounds', 'collate', 'by', 'asc', 'desc', 'offset', 'join',
  'on', 'using', 'escape', 'data', 'local', 'user', 'database', 'identified', 'with', 'rownum', 'temporary', 'tablespace', 'default', 'column', 'index',
]);
/**
 * Functions an injection calls (time delays, information, string slicing, error channels). A
 * bareword followed by `(` that is not here stays a bareword: `alert(1)` is not SQL.
 */
const FUNCTIONS = new Set([
  'sleep', 'benchmark', 'pg_sleep', 'dbms_pipe', 'randomblob', 'if', 'ifnull', 'nullif', 'coalesce', 'iif', 'case', 'count', 'concat', 'concat_ws',
  'group_concat', 'char', 'chr', 'ascii', 'ord', 'hex', 'unhex', 'substring', 'substr', 'mid', 'left', 'right', 'length', 'len', 'lower', 'upper',
  'version', 'database', 'user', 'current_user', 'system_user', 'session_user', 'schema', 'current_setting', 'load_file', 'extractvalue', 'updatexml',
  'exp', 'floor', 'rand', 'md5', 'sha1', 'sha2', 'cast', 'convert', 'db_name', 'user_name', 'host_name', 'is_srvrolemember', 'openrowset', 'xp_cmdshell',
  'utl_inaddr', 'get_host_address', 'utl_http', 'request', 'ctxsys', 'drithsx', 'sys_context', 'to_char', 'decode', 'like', 'glob', 'instr', 'locate',
  'position', 'strcmp', 'make_set', 'elt', 'field', 'json_extract', 'name_const', 'row', 'exists', 'in', 'values', 'distinct', 'waitfor', 'sysdate',
  'now', 'pg_read_file', 'lo_import', 'dblink', 'generate_series', 'string_agg', 'array_agg', 'xmltype', 'dbms_xmlgen', 'sqlite_version', 'typeof',
  'unicode', 'nchar', 'quotename', 'str', 'space', 'replicate', 'reverse', 'stuff', 'trim', 'ltrim', 'rtrim', 'abs', 'sum', 'avg', 'min', 'max',
]);

export interface SqlToken {
  t: SqlTok;
  v: string;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isWordStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || c > 127;
const isWord = (c: number): boolean => isWordStart(c) || isDigit(c) || c === 46 /* . only inside names like sys.user$ */;
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12 || c === 160;

/** Where a quoted string that starts at `i` (on the quote) ends: index after the closing quote, or n. */
function stringEnd(s: string, i: number, q: number): number {
  const n = s.length;
  let k = i + 1;
  while (k < n) {
    const c = s.charCodeAt(k);
    if (c === 92 /* \ */) {
      k += 2;
      continue;
    }
    if (c === q) {
      if (s.charCodeAt(k + 1) === q) {
        k += 2; // doubled quote inside a string
        continue;
      }
      return k + 1;
    }
    k++;
  }
  return n;
}

/**
 * Tokenises `s` as SQL. In a quote context the text up to the first matching quote is the tail of
 * the application's own string literal. Stops after `max` tokens (fingerprints need the head only;
 * this is also what keeps a 100 KB value cheap).
 */
export function tokenizeSql(s: string, ctx: QuoteContext, max = 48): SqlToken[] {
  const out: SqlToken[] = [];
  const n = s.length;
  let i = 0;
  if (ctx !== 'none') {
    const q = ctx === 'single' ? 39 : 34;
    const end = stringEnd(s, -1, q);
    out.push({ t: 's', v: s.slice(0, Math.max(0, end - 1)) });
    i = end;
  }
  while (i < n && out.length < max) {
    const c = s.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === 39 || c === 34) {
      const e = stringEnd(s, i, c);
      out.push({ t: 's', v: s.slice(i, e) });
      i = e;
      continue;
    }
    if (c === 96 /* ` */) {
      const e = stringEnd(s, i, c);
      out.push({ t: 'n', v: s.slice(i, e) });
      i = e;
      continue;
    }
    if (c === 47 /* / */ && s.charCodeAt(i + 1) === 42 /* * */) {
      if (s.charCodeAt(i + 2) === 33 /* ! : MySQL runs a versioned comment's content */) {
        let k = i + 3;
        while (k < n && isDigit(s.charCodeAt(k))) k++;
        i = k;
        continue;
      }
      const e = s.indexOf('*/', i + 2);
      out.push({ t: 'c', v: '/*' });
      i = e < 0 ? n : e + 2;
      continue;
    }
    if (c === 42 /* * */ && s.charCodeAt(i + 1) === 47 /* end of a versioned comment */) {
      i += 2;
      continue;
    }
    if ((c === 45 /* - */ && s.charCodeAt(i + 1) === 45) || c === 35 /* # */) {
      out.push({ t: 'c', v: c === 35 ? '#' : '--' });
      i = n;
      continue;
    }
    const signed = (c === 45 || c === 43) && out.length === 0 && isDigit(s.charCodeAt(i + 1));
    if (signed || isDigit(c) || (c === 46 && isDigit(s.charCodeAt(i + 1)))) {
      let k = i + 1;
      if (c === 48 && (s.charCodeAt(k) | 0x20) === 120) k++;
      while (k < n && (isDigit(s.charCodeAt(k)) || isWordStart(s.charCodeAt(k)) || s.charCodeAt(k) === 46)) k++;
      out.push({ t: '1', v: s.slice(i, k) });
      i = k;
      continue;
    }
    if (c === 64 /* @ */) {
      let k = i + 1;
      if (s.charCodeAt(k) === 64) k++;
      while (k < n && isWord(s.charCodeAt(k))) k++;
      out.push({ t: 'v', v: s.slice(i, k) });
      i = k;
      continue;
    }
    if (isWordStart(c)) {
      let k = i + 1;
      // hyphenated words (drop-off, follow-up) are one bareword: SQL writes a-b with spaces or digits
      while (k < n && (isWord(s.charCodeAt(k)) || (s.charCodeAt(k) === 45 && isWordStart(s.charCodeAt(k + 1)) && isWordStart(s.charCodeAt(k - 1)) && s.charCodeAt(k + 1) !== 45))) k++;
      const word = s.slice(i, k);
      const w = word.toLowerCase();
      let p = k;
      while (p < n && isSpace(s.charCodeAt(p))) p++;
      const call = s.charCodeAt(p) === 40;
      const last = w.includes('.') ? w.slice(w.lastIndexOf('.') + 1) : w;
      let t: SqlTok;
      if (LOGIC.has(w)) t = '&';
      else if (UNION.has(w)) t = 'U';
      else if (VERB.has(w)) t = 'E';
      else if (CLAUSE.has(w)) t = 'B';
      else if (LITERAL.has(w)) t = '1';
      else if (NILADIC.has(w)) t = 'v';
      else if (call && (FUNCTIONS.has(w) || FUNCTIONS.has(last))) t = 'f';
      else if (KEYWORD.has(w)) t = 'k';
      else t = 'n';
      out.push({ t, v: word });
      i = k;
      continue;
    }
    if (c === 40 || c === 41 || c === 44 || c === 59) {
      out.push({ t: s[i] as SqlTok, v: s[i]! });
      i++;
      continue;
    }
    const two = s.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      out.push({ t: '&', v: two });
      i += 2;
      continue;
    }
    if (two === '<=' || two === '>=' || two === '<>' || two === '!=' || two === ':=') {
      out.push({ t: 'o', v: two });
      i += 2;
      continue;
    }
    if ('=<>!|&+-*/%^~:'.includes(s[i]!)) {
      out.push({ t: 'o', v: s[i]! });
      i++;
      continue;
    }
    if (c === 46) {
      out.push({ t: '.', v: '.' });
      i++;
      continue;
    }
    // anything else ({, [, ?, \ …) is noise to SQL: fold into a bareword
    out.push({ t: 'n', v: s[i]! });
    i++;
  }
  return out;
}

/** Folds a token stream: adjacent barewords and adjacent strings merge (MySQL concatenates 'a' 'b'). */
export function fingerprint(tokens: SqlToken[], len = 12): string {
  let fp = '';
  let prevOp = '';
  for (const tk of tokens) {
    const prev = fp[fp.length - 1];
    // arithmetic folds into its value: 1-1 union select reads as 1 union select
    if (tk.t === '1' && prev === 'o' && fp[fp.length - 2] === '1' && '+-*/%'.includes(prevOp)) {
      fp = fp.slice(0, -1);
      continue;
    }
    prevOp = tk.t === 'o' ? tk.v : '';
    if ((tk.t === 'n' || tk.t === 's') && prev === tk.t) continue;
    // a list folds to its first element: 1,NULL,NULL,NULL) and 1,2,3,…,20 read as 1)
    if ((tk.t === '1' || tk.t === 's' || tk.t === 'n' || tk.t === 'v') && prev === ',' && fp[fp.length - 2] === tk.t) {
      fp = fp.slice(0, -1);
      continue;
    }
    fp += tk.t;
    if (fp.length >= len) break;
  }
  return fp;
}

/**
 * Injected-syntax fingerprints, as anchored patterns over the folded fingerprint AFTER the
 * break-out point (see `breakOut`). Each names the technique; the set is derived from how an
 * injection must continue once it has left the application's literal, not from a payload list.
 */
export const SQL_PATTERNS: ReadonlyArray<{ id: string; re: RegExp; why: string }> = [
  { id: 'logic', re: /^&[1sfv(o&]/, why: "OR/AND followed by a value: tautology or boolean probe (' or '1'='1, 1 and 1=1)" },
  { id: 'logic-compare', re: /^&n[o.k]/, why: 'OR/AND then a comparison on a column (or x=1, and id is null)' },
  { id: 'logic-keyword', re: /^&[kE(]/, why: 'OR/AND then NOT/EXISTS/SELECT' },
  { id: 'compare', re: /^o[1sfv(]/, why: "operator straight after the break ('='', '||', -1, +if()" },
  { id: 'compare-bare', re: /^on[&;c)]|^on$|^ono/, why: "operator and bareword after the break, ended by logic or comment ('-x--)" },
  { id: 'union', re: /^Uk?(E[^n]|En[,k.]|\()/, why: 'UNION [ALL] SELECT followed by a select list (not "union select committee")' },
  { id: 'statement', re: /^;?E/, why: 'a new statement: ; DROP …, WAITFOR DELAY, SELECT …' },
  { id: 'stacked', re: /^;[kfc1(n]|^;$/, why: 'statement terminator after the break' },
  { id: 'order-by', re: /^Bk?[1fv(n]/, why: 'ORDER BY n / GROUP BY n (column count probe)' },
  { id: 'comment', re: /^c/, why: "comment cuts the rest of the query ('--, '#)" },
  { id: 'keyword', re: /^k[n1sfv(]/, why: 'AS/IS/WHERE/FROM … continuing the query' },
  { id: 'function', re: /^f\(/, why: 'a SQL function call (sleep(), benchmark()) right after the break' },
  { id: 'list', re: /^,[1sfv(n]/, why: 'a list continuation (,NULL,NULL) / ,(select …)) out of an INSERT/IN list' },
  { id: 'list-subquery', re: /^,\(?E/, why: 'a subquery as the next list element: 1,(select …)' },
  { id: 'where', re: /^k(?:n?k)?[1sn]o/, why: 'WHERE 1=1 / AS x WHERE 1=1 appended to the value' },
  { id: 'keyword-subquery', re: /^k\(E[^n]|^k\(En[,k.]/, why: 'a keyword whose operand is a subquery: RLIKE (SELECT …), REGEXP (SELECT 1), also on a bare value' },
  { id: 'arith-call', re: /^of\(/, why: 'arithmetic on the value with a delay, branch or error-channel call (1-sleep(5), 1+if(benchmark(…)), 1*extractvalue(…))' },
];

/**
 * Calls that only an injection makes inside arithmetic on a numeric value (time delays, branches,
 * error channels, information): `1-sleep(5)` runs in a numeric context without breaking out of
 * anything, where `2024-left(x)` or `1+min(3)` would be text. Used by `arith-call` alone.
 */
const INJECTED_CALLS = new Set([
  'sleep', 'benchmark', 'pg_sleep', 'randomblob', 'dbms_pipe', 'if', 'iif', 'extractvalue', 'updatexml', 'load_file', 'utl_inaddr', 'utl_http',
  'get_host_address', 'ctxsys', 'drithsx', 'xp_cmdshell', 'ascii', 'ord', 'substring', 'substr', 'mid', 'char', 'chr', 'version', 'database',
  'user', 'current_user', 'system_user', 'session_user', 'db_name', 'user_name', 'host_name', 'concat', 'concat_ws', 'group_concat', 'make_set',
  'elt', 'exp', 'name_const', 'json_extract', 'sysdate', 'is_srvrolemember', 'openrowset', 'xmltype', 'dbms_xmlgen',
]);

/** Statement heads that are injections when the whole value is SQL (no break needed). */
export const SQL_HEAD_PATTERNS: ReadonlyArray<{ id: string; re: RegExp; why: string }> = [
  { id: 'select-expr', re: /^E(o|1|f|v|\(|s|k)/, why: 'SELECT */1/@@v/func()/(…) — a statement, not words' },
  { id: 'select-list', re: /^En[,(.sk]/, why: 'SELECT col, … / EXEC proc args / CREATE TABLE x (' },
  { id: 'union-head', re: /^Uk?(E[^n]|En[,k.]|\()/, why: 'UNION SELECT at the start' },
  { id: 'subquery', re: /^\(E/, why: 'a subquery as the whole value: (SELECT …)' },
  { id: 'list-subquery-head', re: /^,\(?E/, why: ',(select …) appended to a hidden value' },
  { id: 'logic-head', re: /^&(?:[1sv]o|[fv(]|1$)/, why: 'AND 0 / OR sleep(5) / AND 1=1 appended to a hidden value' },
  { id: 'function-head', re: /^o?f\(/, why: 'the value is a SQL function call (+if(benchmark(…)))' },
  { id: 'order-head', re: /^Bk[1fv(]/, why: 'ORDER BY 1 / ORDER BY SLEEP(5) as the whole value' },
];

export interface SqlVerdict {
  context: QuoteContext;
  fingerprint: string;
  pattern: string;
}

/**
 * Where the value leaves the application's literal. In a quote context that is right after the
 * first token (the closed string); in the bare context it is after a leading value and any
 * unmatched `)`. Returns the fingerprint tail from there, or undefined if it never leaves.
 */
function breakOut(fp: string, ctx: QuoteContext): { tail: string; broke: boolean } | undefined {
  if (ctx !== 'none') {
    if (fp.length < 2) return undefined;
    let k = 1;
    while (fp[k] === ')') k++;
    return { tail: fp.slice(k), broke: true };
  }
  // bare: a leading value (number, bareword, string), optionally a list, then unmatched `)`
  let k = 0;
  if (fp[0] === '1' || fp[0] === 'n' || fp[0] === 's') k = 1;
  if (k === 0) return undefined;
  let depth = 0;
  let broke = false;
  for (; k < fp.length; k++) {
    const c = fp[k];
    if (c === ')' && depth === 0) broke = true;
    else if (c === ')') depth--;
    else if (c === '(') depth++;
    else if (broke) break;
    else if (c !== ',' && c !== '1' && c !== 's' && c !== 'n') break;
    else if (c === ',' && k === 1 && fp[2] !== '1' && fp[2] !== 's') break;
  }
  // a plain value followed directly by SQL (1 and 1=1, 1 union select, 1; drop) also breaks out:
  // in the bare context the value was never inside anything
  return { tail: fp.slice(k), broke };
}

/** The first function call of the value is one only an injection makes (see INJECTED_CALLS). */
function injectedCall(value: string, ctx: QuoteContext): boolean {
  const f = tokenizeSql(value, ctx).find((t) => t.t === 'f');
  if (!f) return false;
  const w = f.v.toLowerCase();
  return INJECTED_CALLS.has(w.slice(w.lastIndexOf('.') + 1));
}

export function judgeSql(value: string): SqlVerdict | undefined {
  const contexts: QuoteContext[] = ['none'];
  if (value.includes("'")) contexts.push('single');
  if (value.includes('"')) contexts.push('double');
  for (const ctx of contexts) {
    const fp = fingerprint(tokenizeSql(value, ctx));
    if (ctx === 'none') {
      for (const p of SQL_HEAD_PATTERNS) if (p.re.test(fp)) return { context: ctx, fingerprint: fp, pattern: p.id };
    }
    const bo = breakOut(fp, ctx);
    if (bo === undefined || bo.tail.length === 0) continue;
    const { tail, broke } = bo;
    // a bare value joined by AND/OR to another plain value is prose ("black and white", "1 or 2 居室");
    // an injection compares, calls or continues with SQL after the logic word
    if (!broke && tail[0] === '&' && !/^&(?:[1snv][o.k]|[fv(]|[1s]c|k|E|1$)/.test(tail)) continue;
    if (!broke && tail[0] === 'E' && !SQL_HEAD_PATTERNS.some((p) => p.re.test(tail))) continue; // "how to select a school"
    for (const p of SQL_PATTERNS) {
      // a bare value that never left anything needs more than an operator, a word or a comment after it
      if (!broke && (p.id === 'compare' || p.id === 'compare-bare' || p.id === 'keyword' || p.id === 'comment' || p.id === 'list' || p.id === 'stacked')) continue;
      if (p.id === 'arith-call' && !injectedCall(value, ctx)) continue;
      if (p.re.test(tail)) return { context: ctx, fingerprint: fp, pattern: p.id };
    }
  }
  return undefined;
}
