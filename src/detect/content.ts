/**
 * Markers of defacement and injected content in a web page or template (pure: text in, markers out),
 * for the file events of web-defacement-keyword-injected. The agent's file watch reads a bounded
 * part of each changed page (CONTENT_HEAD + CONTENT_TAIL bytes) and remembers each page's markers, so
 * a rule can ask which markers are *new* in this version (`file.markers_new`): a police notice that
 * always spoke of gambling is not a defacement; the same words arriving in yesterday's page are.
 *
 * Markers (each a judgement of structure or of language only spam uses, never a lone keyword a
 * government page may carry, such as 赌博 in 打击赌博 or 黑客 in 防范黑客攻击):
 *   defacement-slogan  "hacked by …", "defaced by …", 黑客到此一游 …: the signature of a defacement page
 *   gambling-spam      ≥ 2 distinct promotional gambling terms, or one of them ≥ 5 times (SEO spam, 寄生虫 pages)
 *   porn-spam          the same for pornography promotion
 *   hidden-links       an element hidden by its style holding ≥ 3 links to absolute http(s) URLs (暗链)
 *   script-redirect    script or meta refresh sending the visitor to a site outside .gov.cn, or a
 *                      redirect that depends on document.referrer being a search engine (cloaking)
 */
import { escapeRegExp } from '../util/regexp.js';

/** Extensions whose content is read: pages, server-side pages and templates, and JavaScript. */
export const PAGE_EXTS: ReadonlySet<string> = new Set(['html', 'htm', 'shtml', 'shtm', 'xhtml', 'php', 'jsp', 'asp', 'aspx', 'tpl', 'vm', 'ftl', 'js']);

/** Bytes read from the start and from the end of a page (a spam block is injected at either). */
export const CONTENT_HEAD = 32 * 1024;
export const CONTENT_TAIL = 32 * 1024;

export const MARKERS = ['defacement-slogan', 'gambling-spam', 'porn-spam', 'hidden-links', 'script-redirect'] as const;
export type Marker = (typeof MARKERS)[number];

/** Promotional gambling language (spam pages, hijacked titles), not the words of a notice against gambling. */
export const GAMBLING_TERMS = [
  '娱乐城', '真人荷官', '真人视讯', '彩金', '注册送', '首存', '返水', '开户送', '博彩公司', '博彩网站', '线上博彩', '网上赌场', '在线赌场',
  '澳门赌场', '澳门博彩', '澳门新葡京', '葡京娱乐', '威尼斯人娱乐', '太阳城娱乐', '金沙娱乐', '永利娱乐', '皇冠体育', '皇冠足球', '体育投注',
  '足球投注', '百家乐官网', '百家乐技巧', '六合彩开奖', '六合彩资料', '时时彩平台', '北京赛车pk10', '幸运飞艇', '电子游艺', '老虎机游戏',
  '棋牌游戏平台', 'bet365', '亚博体育', '开云体育', '必威体育',
];

export const PORN_TERMS = [
  '成人视频', '成人电影', '成人影院', '成人网站', '黄色网站', '黄色视频', '色情视频', '色情电影', 'av女优', '日韩av', '无码av', '一本道',
  '毛片', '裸聊', '约炮', '一夜情', '偷拍自拍', '国产自拍', '激情视频', '午夜福利',
];

const SLOGAN_EN = /\b(?:hacked|defaced|owned|pwned|h[a4]ck[e3]d)\s+by\b/i;
const SLOGAN_ZH = /黑客(?:到此一游|入侵本站|攻陷|联盟|军团)|本站已被黑|网站已被黑|被黑了/;

const termsRe = (terms: string[]) => new RegExp(terms.map(escapeRegExp).join('|'), 'gi');
const GAMBLING = termsRe(GAMBLING_TERMS);
const PORN = termsRe(PORN_TERMS);

// The patterns below run on lower-cased text and are anchored on literals; what lies between a
// start and its end is found by indexOf within a bounded span, not by a lazy quantifier (linear).
/** A style attribute's value, up to its quote. */
const STYLE_ATTR = /\bstyle\s*=\s*["']/g;
/** A hiding declaration inside a style value (display:none, visibility:hidden, off screen, zero font). */
const HIDING = /display\s*:\s*none|visibility\s*:\s*hidden|(?:left|top|text-indent)\s*:\s*-\d{3,}px|font-size\s*:\s*0(?:px)?\s*(?:;|$)/;
const ABS_HREF = /\bhref\s*=\s*["']?https?:\/\//g;
/** How far after a hiding element its links are counted (an injected block is short and dense). */
const HIDDEN_SPAN = 3000;

// location = "http://x", location.href = …, location.replace("…") (window.open is not a redirect)
const JS_REDIRECT = /(?:\blocation(?:\.href)?\s*=|\blocation\.(?:replace|assign)\s*\()\s*["'`]\s*(https?:\/\/[^"'`\s/?#]{1,200})/g;
const META_REFRESH = /http-equiv\s*=\s*["']?refresh/g;
const REFRESH_URL = /url\s*=\s*["']?(https?:\/\/[^"'\s/?#>]{1,200})/;
const ENGINES = /baidu|sogou|so\.com|sm\.cn|google|bing|360\.cn|toutiao/;
/** Scripts longer than this are judged on their first part only. */
const SCRIPT_MAX = 20_000;

/** A redirect target that stays with government sites (.gov.cn, .gov) is not injected spam. */
const govHost = (url: string) => /^https?:\/\/(?:[^/]*\.)?[^./]+\.gov(?:\.cn)?\.?(?::\d+)?$/.test(url);

/** Numeric character references and \uXXXX escapes (how injected terms hide from keyword filters), decoded. */
export function decodeEscapes(text: string): string {
  let t = text;
  if (t.includes('&#')) t = t.replace(/&#(x[0-9a-f]{1,6}|\d{1,7});?/gi, (m, n: string) => codePoint(n[0] === 'x' || n[0] === 'X' ? parseInt(n.slice(1), 16) : Number(n), m));
  if (t.includes('\\u')) t = t.replace(/\\u([0-9a-f]{4})/gi, (m, h: string) => codePoint(parseInt(h, 16), m));
  return t;
}

function codePoint(n: number, orig: string): string {
  return n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : orig;
}

export interface PageMarkers {
  markers: Marker[];
  /** Short evidence for each marker found (the terms, the slogan, the redirect's host). */
  evidence: string[];
}

function spam(text: string, re: RegExp): string[] | null {
  const counts = new Map<string, number>();
  re.lastIndex = 0;
  for (let m = re.exec(text), n = 0; m && n < 1000; m = re.exec(text), n++) counts.set(m[0].toLowerCase(), (counts.get(m[0].toLowerCase()) ?? 0) + 1);
  const most = Math.max(0, ...counts.values());
  return counts.size >= 2 || most >= 5 ? [...counts.keys()].slice(0, 6) : null;
}

function hiddenLinks(lower: string): boolean {
  STYLE_ATTR.lastIndex = 0;
  for (let m = STYLE_ATTR.exec(lower), n = 0; m && n < 500; m = STYLE_ATTR.exec(lower), n++) {
    const from = m.index + m[0].length;
    const close = lower.indexOf(m[0][m[0].length - 1]!, from);
    if (close < 0 || close - from > 300 || !HIDING.test(lower.slice(from, close))) continue;
    const block = lower.slice(close, close + HIDDEN_SPAN);
    ABS_HREF.lastIndex = 0;
    let links = 0;
    while (ABS_HREF.exec(block) && ++links < 3);
    if (links >= 3) return true;
  }
  return false;
}

/** Around each document.referrer, a search engine's name (a redirect only for visitors from a search). */
function cloaking(code: string): boolean {
  for (let i = code.indexOf('document.referrer'), n = 0; i >= 0 && n < 50; i = code.indexOf('document.referrer', i + 1), n++)
    if (ENGINES.test(code.slice(Math.max(0, i - 400), i + 417))) return true;
  return false;
}

function redirect(code: string, out: string[]): boolean {
  JS_REDIRECT.lastIndex = 0;
  for (let m = JS_REDIRECT.exec(code), n = 0; m && n < 100; m = JS_REDIRECT.exec(code), n++) {
    if (!govHost(m[1]!)) {
      out.push(`redirect to ${m[1]!}`);
      return true;
    }
  }
  if (/\blocation\b/.test(code) && cloaking(code)) {
    out.push('redirect by document.referrer (search-engine cloaking)');
    return true;
  }
  return false;
}

/** The text of each <script> element (each cut to SCRIPT_MAX), found by indexOf. */
function* scripts(lower: string): Generator<string> {
  for (let i = lower.indexOf('<script'), n = 0; i >= 0 && n < 200; n++) {
    const open = lower.indexOf('>', i);
    if (open < 0) return;
    const close = lower.indexOf('</script', open);
    yield lower.slice(open + 1, close < 0 ? open + 1 + SCRIPT_MAX : Math.min(close, open + 1 + SCRIPT_MAX));
    if (close < 0) return;
    i = lower.indexOf('<script', close);
  }
}

/** The markers of a page's text (pure; bounded: a caller passes at most CONTENT_HEAD + CONTENT_TAIL). */
export function pageMarkers(raw: string, ext: string): PageMarkers {
  const text = decodeEscapes(raw);
  const lower = text.toLowerCase();
  const markers: Marker[] = [];
  const evidence: string[] = [];
  const slogan = SLOGAN_EN.exec(text) ?? SLOGAN_ZH.exec(text);
  if (slogan) {
    markers.push('defacement-slogan');
    evidence.push(text.slice(slogan.index, slogan.index + 60).replace(/\s+/g, ' '));
  }
  const g = spam(text, GAMBLING);
  if (g) {
    markers.push('gambling-spam');
    evidence.push(g.join(' '));
  }
  const p = spam(text, PORN);
  if (p) {
    markers.push('porn-spam');
    evidence.push(p.join(' '));
  }
  if (ext !== 'js' && hiddenLinks(lower)) {
    markers.push('hidden-links');
    evidence.push('hidden element with links to other sites');
  }
  let redirected = false;
  if (ext === 'js') redirected = redirect(lower, evidence);
  else {
    for (const code of scripts(lower)) if ((redirected = redirect(code, evidence))) break;
    META_REFRESH.lastIndex = 0;
    for (let m = META_REFRESH.exec(lower), n = 0; m && n < 20 && !redirected; m = META_REFRESH.exec(lower), n++) {
      const url = REFRESH_URL.exec(lower.slice(m.index, m.index + 400))?.[1];
      if (url && !govHost(url)) {
        evidence.push(`meta refresh to ${url}`);
        redirected = true;
      }
    }
  }
  if (redirected) markers.push('script-redirect');
  return { markers, evidence };
}

/** What a file event of a page carries: its text, its markers, those the previous version lacked. */
export interface PageFields {
  content: string;
  markers: string[];
  markersNew: string[];
  evidence: string[];
}

/** A page's fields given its text and the markers of its previous version (none for a new page). */
export function pageFields(text: string, ext: string, previous: readonly string[] = []): PageFields {
  const m = pageMarkers(text, ext);
  return { content: text, markers: m.markers, markersNew: m.markers.filter((x) => !previous.includes(x)), evidence: m.evidence };
}

/** A page's character set declared in its head (`<meta charset=…>`, `content="text/html; charset=…"`, `<?xml encoding=…?>`). */
const DECLARED = /(?:charset|encoding)\s*=\s*["']?([a-z0-9_-]{2,20})/i;

/**
 * The text of a page's bytes: UTF-8 when they are (a BOM or valid UTF-8), else the Chinese legacy
 * encoding they are most likely in — Big5 when the head declares it, GB18030 (a superset of GB2312
 * and GBK) otherwise. Many older .gov.cn sites serve GB2312/GBK pages: read as UTF-8 their Chinese
 * becomes U+FFFD and no Chinese marker could ever match. `head` starts at byte 0; `tail` (the last
 * bytes of a long page) may start inside a character, which costs at most one replaced character.
 */
export function decodePage(head: Uint8Array, tail?: Uint8Array): string {
  const enc = pageEncoding(head);
  const dec = (b: Uint8Array) => new TextDecoder(enc).decode(b);
  return tail ? `${dec(head)}\n…\n${dec(tail)}` : dec(head);
}

function pageEncoding(head: Uint8Array): 'utf-8' | 'gb18030' | 'big5' {
  try {
    // stream: a head cut inside its last character is still UTF-8
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return 'utf-8';
  } catch {
    // not UTF-8: what does it say it is? (ASCII, so readable in any of them)
  }
  const declared = DECLARED.exec(Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, 4096)).toString('latin1'))?.[1] ?? '';
  // GB2312, GBK, GB18030, cp936, or nothing said: GB18030 reads them all (and ASCII as ASCII).
  return /^big-?5/i.test(declared) ? 'big5' : 'gb18030';
}
