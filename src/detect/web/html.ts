/**
 * XSS judged by HTML/JS structure: a small tag tokenizer reads `<name attr=value …>` the way a
 * browser's tokenizer would (tolerating `/` as an attribute separator, back-tick and unquoted
 * values, missing `>`), then asks whether what it read can run script: an event-handler attribute,
 * a script-capable tag, a javascript:/vbscript:/data: URL, a CSS expression. Outside tags it looks
 * for the other two ways in: breaking out of an attribute into a handler, and breaking out of a JS
 * string into a call.
 */

/** Tags that run script, load script, or change where the page's scripts and forms go. */
export const DANGEROUS_TAGS: ReadonlySet<string> = new Set([
  'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'svg', 'math', 'base', 'meta', 'link', 'style', 'xml', 'import',
  'form', 'isindex', 'bgsound', 'layer', 'ilayer', 'xss', 'vmlframe', 'template', 'portal', 'animate', 'set', 'handler', 'listener',
]);

/** End tags that close a raw-text context the application may have put the value in. */
const RAWTEXT_END: ReadonlySet<string> = new Set(['script', 'title', 'textarea', 'style', 'noscript', 'xmp', 'iframe', 'noembed', 'plaintext', 'template']);

const SCRIPT_SCHEMES = ['javascript:', 'vbscript:', 'livescript:', 'mocha:', 'data:text/html', 'data:image/svg', 'data:application/', 'data:text/xml', 'data:text/javascript'];

export interface XssVerdict {
  kind: 'event-handler' | 'dangerous-tag' | 'markup' | 'encoded-markup' | 'comment-breakout' | 'script-url' | 'css-expression' | 'end-tag' | 'markup-directive' | 'attribute-breakout' | 'js-call' | 'template-expression';
  at: number;
  detail: string;
}

// eslint-disable-next-line no-control-regex
const compact = (s: string): string => s.replace(/[\s\x00-\x20]/g, '');

function scriptUrl(v: string): string | undefined {
  const c = compact(v);
  for (const s of SCRIPT_SCHEMES) if (c.startsWith(s) || (s[0] !== 'd' && c.includes(s))) return s;
  return undefined;
}

const isNameChar = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 58 || c === 95;
const isSep = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 12 || c === 13 || c === 47 /* / */;

/**
 * Reads the tag that starts at `lt` (on `<`, followed by a letter) in lower-case text `t`. Returns a
 * verdict if it can run script, and the index where reading stopped.
 */
function readTag(t: string, lt: number, find: QuoteFinder): { verdict?: XssVerdict; end: number; openQuote?: number } {
  const n = t.length;
  let i = lt + 1;
  while (i < n && isNameChar(t.charCodeAt(i))) i++;
  const name = t.slice(lt + 1, i);
  let verdict: XssVerdict | undefined;
  const base = name.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
  if (DANGEROUS_TAGS.has(base)) verdict = { kind: 'dangerous-tag', at: lt, detail: `<${name}` };
  // attributes
  let guard = 0;
  let openQuote: number | undefined;
  while (i < n && guard++ < 256) {
    let c = t.charCodeAt(i);
    while (i < n && (isSep(c) || c === 91 || c === 93 /* [ ] seen as junk separators */)) c = t.charCodeAt(++i);
    if (i >= n || c === 62 /* > */ || c === 60 /* < */) break;
    const a = i;
    while (i < n) {
      c = t.charCodeAt(i);
      if (isSep(c) || c === 61 || c === 62 || c === 60) break;
      i++;
    }
    const attr = t.slice(a, i);
    if (i === a) {
      i++;
      continue;
    }
    let value = '';
    let j = i;
    while (j < n && (t.charCodeAt(j) === 32 || t.charCodeAt(j) === 9)) j++;
    if (t.charCodeAt(j) === 61 /* = */) {
      j++;
      while (j < n && (t.charCodeAt(j) === 32 || t.charCodeAt(j) === 9)) j++;
      const q = t.charCodeAt(j);
      if (q === 34 || q === 39 || q === 96) {
        const e = find.next(q, j + 1);
        const end = e < 0 ? n : e;
        value = t.slice(j + 1, end);
        i = end + 1;
        if (e < 0) openQuote = j; // never closed: a browser would swallow the rest, a filter should still look inside
      } else {
        let e = j;
        while (e < n && !isSep(t.charCodeAt(e)) && t.charCodeAt(e) !== 62) e++;
        // an unquoted value may itself contain `/` (URLs): read to white space or `>` only
        while (e < n && t.charCodeAt(e) === 47) {
          e++;
          while (e < n && !isSep(t.charCodeAt(e)) && t.charCodeAt(e) !== 62) e++;
        }
        value = t.slice(j, e);
        i = e;
      }
    }
    const bare = attr.replace(/^[^a-z]+/, '');
    if (bare.startsWith('on') && bare.length > 4 && /^on[a-z]+$/.test(bare)) return { verdict: { kind: 'event-handler', at: lt, detail: `<${name} ${bare}=` }, end: i, openQuote };
    if (value) {
      const su = scriptUrl(value);
      if (su) return { verdict: { kind: 'script-url', at: lt, detail: `<${name} ${attr}=${su}` }, end: i, openQuote };
      if (attr === 'style' || bare === 'style') {
        const v = compact(value.replace(/\/\*[^*]{0,200}\*\//g, ''));
        if (/expression\(|url\(["']?(java|vb)script:|behavior:|-moz-binding|@import/.test(v)) return { verdict: { kind: 'css-expression', at: lt, detail: `<${name} style=` }, end: i, openQuote };
      }
    }
  }
  return { verdict, end: i, openQuote };
}

/**
 * indexOf for quote characters, remembering the last answer per quote: when many tags in one value
 * each leave a quote open, the search for its closing quote is not repeated over the same text.
 */
class QuoteFinder {
  private readonly from = new Map<number, number>();
  private readonly found = new Map<number, number>();
  constructor(private readonly t: string) {}
  next(q: number, at: number): number {
    const from = this.from.get(q);
    const found = this.found.get(q);
    if (from !== undefined && found !== undefined && at >= from && (found < 0 || at <= found)) return found;
    const r = this.t.indexOf(String.fromCharCode(q), at);
    this.from.set(q, at);
    this.found.set(q, r);
    return r;
  }
}

/** JS string escapes (`\x65`, `\u0065`, `\u{65}`, `\145`) that hide a sink name. */
function jsUnescape(s: string): string {
  if (s.indexOf('\\') < 0) return s;
  return s.replace(/\\(?:x([0-9a-f]{2})|u\{([0-9a-f]{1,6})\}|u([0-9a-f]{4})|([0-7]{1,3}))/g, (m, x: string, ub: string, u: string, o: string) => {
    const cp = x ? parseInt(x, 16) : ub ? parseInt(ub, 16) : u ? parseInt(u, 16) : parseInt(o, 8);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

const SINK_CALL = /(?:^|[^a-z0-9_$.])(alert|prompt|confirm|eval|settimeout|setinterval|execscript|msgbox|fromcharcode|atob|fetch|importscripts|document\.write(?:ln)?)[\s]{0,4}(?:\(|`)/;
const SINK_PROP = /(?:document|window|self|top|parent|this)\s{0,4}(?:\.\s{0,4}(?:cookie|domain|location|write)|\[)/;
const BRACKET_CALL = /\[\s{0,4}["'`][^"'`\]]{1,40}["'`]\s{0,4}(?:\+\s{0,4}["'`][^"'`\]]{0,40}["'`]\s{0,4}){0,4}\]\s{0,4}[(`]/;
/** A sink passed as a value rather than called: [1].find(alert), (alert)(1), a=alert,a(1). */
const SINK_REF = /[[(,=]\s{0,4}(?:alert|prompt|confirm|eval)\s{0,4}[),]/;
const ATTR_BREAK = /["'`][\s/]{0,8}on[a-z]{3,30}[\s/]{0,8}=/;
/** `{{ … }}` (Angular/Vue/Jinja) or `${ … }` holding a call, constructor access or arithmetic probe. */
function templateExpression(t: string): number {
  for (const open of ['{{', '${']) {
    for (let i = t.indexOf(open); i >= 0; i = t.indexOf(open, i + 2)) {
      const window = t.slice(i + 2, i + 202);
      const close = window.indexOf('}');
      const body = close < 0 ? window : window.slice(0, close);
      if (body.includes('(') || body.includes('*') || (open === '{{' && (body.includes('constructor') || body.includes('$on') || body.includes('$eval')))) return i;
    }
  }
  return -1;
}

/**
 * `t` is the canonical (decoded, lower-case, white-space-folded) value. Returns the first reason
 * it can run script, or undefined.
 */
export function judgeXss(t: string): XssVerdict | undefined {
  const n = t.length;
  let first: XssVerdict | undefined;
  let markup: XssVerdict | undefined;
  const finder = new QuoteFinder(t);
  let next = 0; // where the next `<` may start: never inside what a tag already read (keeps this linear)
  for (let i = t.indexOf('<'); i >= 0 && i < n; i = t.indexOf('<', Math.max(i + 1, next))) {
    const c = t.charCodeAt(i + 1);
    if (c >= 97 && c <= 122) {
      const r = readTag(t, i, finder);
      next = r.openQuote !== undefined ? r.openQuote + 1 : r.end;
      if (r.verdict && r.verdict.kind !== 'dangerous-tag') return r.verdict;
      first ??= r.verdict;
      // any complete tag is HTML injection even when it cannot run script by itself (<h1>, <div id=…>)
      if (t.charCodeAt(r.end) === 62 || t.charCodeAt(r.end - 1) === 62) markup ??= { kind: 'markup', at: i, detail: t.slice(i, Math.min(r.end + 1, i + 24)) };
    } else if (c === 47 /* </x> */) {
      let k = i + 2;
      while (k < n && isNameChar(t.charCodeAt(k))) k++;
      const name = t.slice(i + 2, k);
      if (RAWTEXT_END.has(name)) first ??= { kind: 'end-tag', at: i, detail: `</${name}` };
      else if (name.length > 0 && (t[k] === '>' || t[k] === '=' || (t[k] === ' ' && t.indexOf('>', k) > 0))) markup ??= { kind: 'markup', at: i, detail: t.slice(i, k + 1) };
    } else if (c === 33 /* <! */ || c === 63 /* <? */) {
      const head = t.slice(i, i + 20);
      if (/^<(?:!\[cdata\[|\?xml|\?import|!entity|!doctype|!attlist|!element|!--\[if|!\[endif)/.test(head)) {
        first ??= { kind: 'markup-directive', at: i, detail: head.slice(0, 12) };
      }
    }
  }
  if (first) return first;
  if (markup) return markup;
  if (/^-->|^--!>|^\*\/-->/.test(t)) return { kind: 'comment-breakout', at: 0, detail: '-->' };
  if (/\\(?:u0{0,2}3c|x3c|0?74)|\\u\{3c\}/.test(t)) return { kind: 'encoded-markup', at: t.indexOf('\\'), detail: 'JS-escaped <' };
  const su = scriptUrl(t.replace(/^[\s"'`>]+/, ''));
  if (su) return { kind: 'script-url', at: 0, detail: su };
  const ab = ATTR_BREAK.exec(t);
  if (ab) return { kind: 'attribute-breakout', at: ab.index, detail: ab[0] };
  const js = jsUnescape(t);
  const m = SINK_CALL.exec(js) ?? BRACKET_CALL.exec(js) ?? SINK_PROP.exec(js) ?? SINK_REF.exec(js);
  if (m) return { kind: 'js-call', at: Math.min(m.index, t.length), detail: m[0] };
  const tp = templateExpression(t);
  if (tp >= 0) return { kind: 'template-expression', at: tp, detail: t.slice(tp, tp + 40) };
  return undefined;
}
