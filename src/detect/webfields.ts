/** The one import of the web-attack inspection: parsed web events get their `web.*` fields here. */
import { inspectRequest, type WebInspection } from './web/index.js';
import { SENSITIVE_FILES, SENSITIVE_GATE } from './web/path.js';

export interface WebFields {
  categories: string[];
  transforms: string[];
  evidence: string[];
}

const NONE: WebFields = { categories: [], transforms: [], evidence: [] };

// Most of a site's traffic is a plain path (letters, digits, - _ /, one extension, no dot-segment,
// nothing encoded) with at most numeric query values (?page=3&id=42). No category the inspection
// judges can hide there (SQL, markup, shell and code all need other characters; a bare number is
// no command), except a sensitive file name in the path, which is checked against the inspection's
// own list. Such requests are inspected for their user agent only (unless the referer could carry
// an attack: below), and user agents repeat, so that answer is cached. test/detect/webfields.test.ts proves the shortcut agrees with the full
// inspection on the whole web-attack corpus.
const PLAIN = /^(?:\/[A-Za-z0-9_-]+)*\/(?:[A-Za-z0-9_-]+(?:\.[A-Za-z0-9]+)?)?(?:\?[A-Za-z0-9_]+=\d{0,12}(?:&[A-Za-z0-9_]+=\d{0,12})*)?$/;
const uaCache = new Map<string, WebFields>();
const UA_CACHE_MAX = 4096;

function fromInspection(r: WebInspection): WebFields {
  if (!r.findings.length && !r.transforms.length) return NONE;
  return { categories: [...new Set(r.findings.map((f) => f.category))], transforms: r.transforms, evidence: r.findings.map((f) => f.evidence) };
}

// The last few user agents (a site's traffic repeats a handful): compared before hashing into the map.
const recentUa: string[] = ['', '', '', ''];
const recentF: WebFields[] = [NONE, NONE, NONE, NONE];
let recentNext = 0;

function uaFields(ua: string): WebFields {
  for (let i = 0; i < 4; i++) if (recentUa[i] === ua) return recentF[i]!;
  let f = uaCache.get(ua);
  if (!f) {
    f = fromInspection(inspectRequest({ method: 'GET', target: '/', userAgent: ua }));
    if (uaCache.size >= UA_CACHE_MAX) uaCache.clear();
    uaCache.set(ua, f);
  }
  recentUa[recentNext] = ua;
  recentF[recentNext] = f;
  recentNext = (recentNext + 1) & 3;
  return f;
}

// A plain target is ASCII (PLAIN is tested first): there, a case-insensitive match of names written in
// lower-case ASCII is exactly a match in the lower-cased target, without building that string per line.
// eslint-disable-next-line no-control-regex -- the range is the point
export const SENSITIVE_LOWER_ASCII = SENSITIVE_FILES.every((f) => /^[\x00-\x7f]*$/.test(f) && f === f.toLowerCase());
const SENSITIVE_I = new RegExp(SENSITIVE_GATE.source, 'i');

/** True when the target cannot carry anything the inspection judges (see above). */
export function plainTarget(target: string): boolean {
  return target.length < 512 && PLAIN.test(target) && !(SENSITIVE_LOWER_ASCII ? SENSITIVE_I.test(target) : SENSITIVE_GATE.test(target.toLowerCase()));
}

// A referer the inspection judges (Shellshock, log4j/OGNL lookups, markup) needs one of these
// characters, raw or percent-encoded; an ordinary link has none and keeps the shortcut.
const HEADER_SUSPECT = /[%<>(){}$;'"`\\]/;

export function webFields(req: { method?: string; target: string; userAgent?: string; referer?: string }): WebFields {
  return webFieldsOf(req.method, req.target, req.userAgent, req.referer);
}

/** webFields for the parser's fields as they are: the request object is built only when inspected. */
export function webFieldsOf(method: string | undefined, target: string, userAgent: string | undefined, referer: string | undefined): WebFields {
  if (plainTarget(target) && !(referer && HEADER_SUSPECT.test(referer))) return userAgent ? uaFields(userAgent) : NONE;
  return fromInspection(inspectRequest({ method, target, userAgent, referer }));
}
