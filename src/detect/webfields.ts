/** The one import of the web-attack inspection: parsed web events get their `web.*` fields here. */
import { inspectRequest } from './web-standin.js';

export interface WebFields {
  categories: string[];
  transforms: string[];
  evidence: string[];
}

const NONE: WebFields = { categories: [], transforms: [], evidence: [] };
// A plain path (nothing encoded, no query, no dot-dot) and a plain referer cannot carry a payload:
// the request is inspected only for its user agent, and user agents repeat, so that answer is
// cached. Most of a site's traffic takes this path; it keeps hunting over big files fast.
const PLAIN = /^\/[A-Za-z0-9_\-/~]*(?:\.[A-Za-z0-9_\-~]+)?$/;
const uaCache = new Map<string, WebFields>();
const UA_CACHE_MAX = 4096;

function fromInspection(r: ReturnType<typeof inspectRequest>): WebFields {
  if (!r.findings.length && !r.transforms.length) return NONE;
  return { categories: [...new Set(r.findings.map((f) => f.category))], transforms: r.transforms, evidence: r.findings.map((f) => f.evidence) };
}

function uaFields(ua: string): WebFields {
  let f = uaCache.get(ua);
  if (!f) {
    f = fromInspection(inspectRequest({ method: 'GET', target: '/', userAgent: ua }));
    if (uaCache.size >= UA_CACHE_MAX) uaCache.clear();
    uaCache.set(ua, f);
  }
  return f;
}

export function webFields(req: { method?: string; target: string; userAgent?: string; referer?: string }): WebFields {
  const plainReferer = !req.referer || req.referer === '-' || !/[<'"%;`|$()]|\.\./.test(req.referer);
  if (PLAIN.test(req.target) && plainReferer) return req.userAgent && req.userAgent !== '-' ? uaFields(req.userAgent) : NONE;
  return fromInspection(inspectRequest(req));
}
