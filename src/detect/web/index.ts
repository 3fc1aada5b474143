/**
 * Web-attack inspection of one HTTP request (issue 20 item 3). Pure: no I/O, no clock, no globals
 * mutated. The request target is split into the path and the query's values BEFORE decoding (so an
 * encoded `&` stays inside its value), each part is decoded to a fixed point (normalise.ts), and
 * each detector reads the view it needs: SQL and HTML structure, the path view, the shell view.
 */
import { judgeCode } from './code.js';
import { isSoloCommand, judgeCommand } from './command.js';
import { escapeEvidence, snippet } from './evidence.js';
import { judgeXss } from './html.js';
import { base64Text, canonical, decodeValue, foldWhitespace, pathView, TransformLog, undoQuoteEscapes, type Transform } from './normalise.js';
import { judgePath } from './path.js';
import { judgeUserAgent } from './scanners.js';
import { judgeSql } from './sql.js';

export type WebCategory = 'sqli' | 'xss' | 'path_traversal' | 'command_injection' | 'code_injection' | 'scanner';
export const WEB_CATEGORIES: readonly WebCategory[] = ['sqli', 'xss', 'path_traversal', 'command_injection', 'code_injection', 'scanner'];

export interface WebFinding {
  category: WebCategory;
  /** Short and escaped: where (path, query name), the technique, and a window of the normalised value. */
  evidence: string;
  /** SQLi: `context:fingerprint` (e.g. `single:s&sos`); XSS: the structural kind. */
  fingerprint?: string;
  /** Which part of the request: `path`, `query:<name>`, `query`, `user-agent`. */
  where?: string;
}

export interface WebInspection {
  /** The decoded, comment-stripped, white-space-folded, lower-case target every web rule matches on. */
  normalised: string;
  /** Every transformation that changed something, in first-applied order (the alert's evidence). */
  transforms: string[];
  findings: WebFinding[];
}

export interface WebRequest {
  method?: string;
  target: string;
  userAgent?: string;
  referer?: string;
}

/** Longest target inspected; the rest is cut (and `truncated` recorded). nginx's default limit is 8 KiB. */
export const MAX_TARGET = 256 * 1024;
/** Most query parameters inspected one by one; the whole query is always inspected as well past that. */
export const MAX_PARAMS = 128;

const PLAIN_SEGMENT = /^[A-Za-z0-9._~\-,=@:]*$/;
const PLAIN_NAME = /^[A-Za-z0-9._\-[\]]*$/;
/**
 * Fast path: a decoded value of letters, digits, `_ - . ,` only (most of a site's traffic: ids,
 * page numbers, Chinese search words) cannot carry any of the structures the detectors look for,
 * except a bare one-word command and a dot-file name, which are checked before skipping.
 */
const PLAIN_VALUE = /^[\p{L}\p{N}_\-.,]{0,512}$/u;
const PLAIN_PATH = /^[A-Za-z0-9_\-.,~/]{0,1024}$/;
/** Raw text that decoding, comment stripping and white-space folding leave unchanged. */
const RAW_PLAIN = /^[A-Za-z0-9_\-.,~/=:@]{0,1024}$/;
/** Headers are decoded and judged only when they hold a character an attack in a header needs. */
const HEADER_SUSPECT = /[<{$\\`]|\(\s{0,2}\)|%(?:3c|7b|24|25|5c|60|28)/i;

function lower(s: string, log: TransformLog): string {
  const l = s.toLowerCase();
  if (l !== s) log.add('case-fold');
  return l;
}

interface Part {
  where: string;
  raw: string;
  form: boolean;
  /** Directories above the value, for the traversal climb (query values sit in the page's directory). */
  depth: number;
}

function splitTarget(target: string): { path: string; query: string | undefined } {
  const q = target.indexOf('?');
  if (q < 0) return { path: target, query: undefined };
  return { path: target.slice(0, q), query: target.slice(q + 1) };
}

function parts(target: string): Part[] {
  const { path, query } = splitTarget(target);
  const out: Part[] = [{ where: 'path', raw: path, form: false, depth: 0 }];
  // a payload put in a path segment (`/news/1' or 1=1--`): inspect from the first odd segment on, as a value
  const segs = path.split('/');
  const odd = segs.findIndex((s, i) => i > 0 && !PLAIN_SEGMENT.test(s));
  if (odd > 0) out.push({ where: 'path-tail', raw: segs.slice(odd).join('/'), form: false, depth: odd - 1 });
  if (query !== undefined && query.length > 0) {
    const dirs = Math.max(0, segs.length - 2);
    const pieces = query.split('&');
    let irregular = pieces.length > MAX_PARAMS;
    for (const p of pieces.slice(0, MAX_PARAMS)) {
      const eq = p.indexOf('=');
      const name = eq < 0 ? '' : p.slice(0, eq);
      if (eq < 0 || !PLAIN_NAME.test(name)) irregular = true;
      // Spring4Shell and OGNL put the payload in the parameter NAME
      if (/classloader|\(#|\$\{|%\{|%28%23|%24%7b/i.test(name)) out.push({ where: 'query-name', raw: name, form: true, depth: dirs });
      if (eq < 0) continue;
      const value = p.slice(eq + 1);
      if (value.length > 0) out.push({ where: `query:${name.slice(0, 32)}`, raw: value, form: true, depth: dirs });
    }
    if (irregular) out.push({ where: 'query', raw: query, form: true, depth: dirs });
  }
  return out;
}

function add(findings: WebFinding[], f: WebFinding): void {
  if (!findings.some((x) => x.category === f.category)) findings.push(f);
}

/**
 * The common request of a site (`/zwgk/zcwj/202606/t20260603_1234567.html?page=2`): nothing to
 * decode, no value that could be a path, a command word or base64. Only the URL path's file
 * name and the User-Agent can still matter; everything else is skipped without allocation.
 */
const FAST_TARGET = /^[A-Za-z0-9_\-.,~/=&?]{0,2048}$/;
const FAST_VALUE = /^[A-Za-z0-9_\-,]{0,11}$/;

function fastPath(target: string, req: WebRequest): WebInspection | undefined {
  if (!FAST_TARGET.test(target) || target.indexOf('..') >= 0) return undefined;
  const q = target.indexOf('?');
  const log = new TransformLog();
  const kept: string[] = [];
  if (q >= 0) {
    const query = target.slice(q + 1);
    if (/classloader/i.test(query)) return undefined;
    for (const p of query.split('&')) {
      const eq = p.indexOf('=');
      const v = p.slice(eq + 1);
      if (!FAST_VALUE.test(v) || isSoloCommand(v)) return undefined;
      if (eq >= 0 && v.length > 0) kept.push(`${p.slice(0, eq)}=${lower(v, log)}`);
    }
  }
  const path = q >= 0 ? target.slice(0, q) : target;
  if (!PLAIN_PATH.test(path)) return undefined;
  const lp = lower(path, log);
  const normalised = kept.length ? `${lp}?${kept.join('&')}` : lp;
  const findings: WebFinding[] = [];
  const pv = pathView(path, log);
  const pt = judgePath(pv, { depth: 0, urlPath: true, encoded: false, hadNull: false });
  if (pt) findings.push({ category: 'path_traversal', where: 'path', fingerprint: pt.kind, evidence: `path path ${pt.kind} (${escapeEvidence(pt.detail, 32)}): ${snippet(pv, 0)}` });
  if (req.userAgent && HEADER_SUSPECT.test(req.userAgent)) return undefined;
  if (req.referer && HEADER_SUSPECT.test(req.referer)) return undefined;
  if (req.userAgent) {
    const sc = judgeUserAgent(req.userAgent);
    if (sc) findings.push({ category: 'scanner', where: 'user-agent', fingerprint: sc.tool, evidence: `user-agent ${escapeEvidence(sc.tool, 32)}: ${escapeEvidence(req.userAgent, 80)}` });
  }
  return { normalised, transforms: [...log.names], findings };
}

export function inspectRequest(req: WebRequest): WebInspection {
  const target = typeof req.target === 'string' ? req.target : '';
  return fastPath(target, req) ?? inspectRequestFully(req);
}

/** The full inspection without the fast path (the parity test compares the two). */
export function inspectRequestFully(req: WebRequest): WebInspection {
  let target = typeof req.target === 'string' ? req.target : '';
  if (target.length > MAX_TARGET) target = target.slice(0, MAX_TARGET);
  const log = new TransformLog();
  target = undoQuoteEscapes(target, log);
  const findings: WebFinding[] = [];
  const normalisedParts: string[] = [];
  for (const part of parts(target)) {
    const vlog = new TransformLog();
    // raw text with nothing to decode (no %, +, &, \, white space) is its own decoded form
    const plainRaw = RAW_PLAIN.test(part.raw);
    const decoded = plainRaw ? part.raw : decodeValue(part.raw, { form: part.form }, vlog);
    const canon = plainRaw ? lower(part.raw, vlog) : canonical(decoded, vlog);
    const pv = pathView(decoded, vlog);
    for (const t of vlog.names) log.add(t);
    if (part.where === 'path' || part.where.startsWith('query:')) normalisedParts.push(part.where === 'path' ? canon : `${part.where.slice(6)}=${canon}`);
    const hadNull = vlog.names.includes('null-byte' as Transform);
    const w = part.where;
    if (w !== 'path' && w !== 'query-name' && decoded.charCodeAt(0) !== 46 && PLAIN_VALUE.test(decoded) && !isSoloCommand(decoded) && base64Text(decoded) === undefined) continue;
    if (w === 'path' && PLAIN_PATH.test(decoded) && decoded.indexOf('..') < 0) {
      const pt = judgePath(pv, { depth: 0, urlPath: true, encoded: false, hadNull });
      if (pt) add(findings, { category: 'path_traversal', where: w, fingerprint: pt.kind, evidence: `path path ${pt.kind} (${escapeEvidence(pt.detail, 32)}): ${snippet(pv, 0)}` });
      continue;
    }
    if (w !== 'path') {
      const sql = judgeSql(decoded);
      if (sql) add(findings, { category: 'sqli', where: w, fingerprint: `${sql.context}:${sql.fingerprint}`, evidence: `${escapeEvidence(w, 40)} sql ${sql.pattern} [${sql.context}:${sql.fingerprint}]: ${snippet(canon, 0)}` });
    }
    const xss = judgeXss(foldWhitespace(decoded, vlog).toLowerCase()) ?? (vlog.names.includes('html-entity-markup') ? { kind: 'encoded-markup' as const, at: 0 } : undefined);
    if (xss) add(findings, { category: 'xss', where: w, fingerprint: xss.kind, evidence: `${escapeEvidence(w, 40)} xss ${xss.kind}: ${snippet(canon, xss.at)}` });
    const encoded = /%(?:25)*2e|%(?:25)*u/i.test(part.raw) || ['overlong-utf8', 'percent-u', 'percent-decode-nested', 'backslash', 'unicode-fold', 'hex-literal'].some((x) => vlog.names.includes(x as Transform));
    const b64 = base64Text(decoded);
    const pt = judgePath(pv, { depth: part.depth, urlPath: w === 'path', encoded, hadNull }) ?? (b64 !== undefined ? judgePath(pathView(b64, vlog), { depth: part.depth, urlPath: false, encoded: true, hadNull }) : undefined);
    if (pt && !(w === 'path-tail')) add(findings, { category: 'path_traversal', where: w, fingerprint: pt.kind, evidence: `${escapeEvidence(w, 40)} path ${pt.kind} (${escapeEvidence(pt.detail, 32)}): ${snippet(pv, 0)}` });
    if (w !== 'path') {
      const cmd = judgeCommand(decoded.toLowerCase());
      if (cmd) add(findings, { category: 'command_injection', where: w, fingerprint: cmd.kind, evidence: `${escapeEvidence(w, 40)} command ${cmd.kind} (${escapeEvidence(cmd.detail, 32)}): ${snippet(canon, 0)}` });
    }
    const code = judgeCode(canon, hadNull);
    if (code) add(findings, { category: 'code_injection', where: w, fingerprint: code.kind, evidence: `${escapeEvidence(w, 40)} code ${code.kind} (${escapeEvidence(code.detail, 32)}): ${snippet(canon, 0)}` });
  }
  if (req.userAgent) {
    const sc = judgeUserAgent(req.userAgent);
    if (sc) add(findings, { category: 'scanner', where: 'user-agent', fingerprint: sc.tool, evidence: `user-agent ${escapeEvidence(sc.tool, 32)}: ${escapeEvidence(req.userAgent, 80)}` });
  }
  // headers carry the attacks that need no parameter: Shellshock, log4j lookups, OGNL, stored XSS
  for (const [where, raw] of [['user-agent', req.userAgent], ['referer', req.referer]] as const) {
    if (!raw || raw === '-' || !HEADER_SUSPECT.test(raw)) continue;
    const hlog = new TransformLog();
    const text = canonical(decodeValue(undoQuoteEscapes(raw.slice(0, MAX_TARGET), hlog), { form: false }, hlog), hlog);
    if (/\(\)\s{0,4}\{/.test(text)) add(findings, { category: 'command_injection', where, fingerprint: 'shellshock', evidence: `${where} command shellshock: ${snippet(text, text.indexOf('()'))}` });
    const code = judgeCode(text, false);
    if (code && code.kind === 'expression-injection') add(findings, { category: 'code_injection', where, fingerprint: code.kind, evidence: `${where} code ${code.kind} (${escapeEvidence(code.detail, 40)}): ${snippet(text, 0)}` });
    const xss = judgeXss(text);
    if (xss && xss.kind !== 'js-call' && xss.kind !== 'template-expression') add(findings, { category: 'xss', where, fingerprint: xss.kind, evidence: `${where} xss ${xss.kind}: ${snippet(text, xss.at)}` });
    for (const t of hlog.names) log.add(t);
  }
  const [p, ...q] = normalisedParts;
  // parameter names are not decoded; keep raw control characters out of the text rules print
  // eslint-disable-next-line no-control-regex
  const normalised = (q.length ? `${p}?${q.join('&')}` : (p ?? '')).replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, ' ');
  return { normalised, transforms: [...log.names], findings };
}
