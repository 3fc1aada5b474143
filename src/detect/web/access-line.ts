/**
 * The request fields of one nginx/apache `combined` line, with nginx's log escaping (`\xHH`, `\"`,
 * `\\`) undone — what the web inspection needs from a log line. Used by the corpus regression test
 * and the bench; the agent's own parser hands inspectRequest the same fields.
 */
export interface AccessRequest {
  method: string;
  target: string;
  userAgent: string;
  referer: string;
  status: number;
}

/** Undo ngx_http_log_escape(): `\xHH` bytes (UTF-8 when they form it) and `\"` `\\`. */
export function unescapeLogField(s: string): string {
  if (s.indexOf('\\') < 0) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 && (s[i + 1] === 'x' || s[i + 1] === 'X') && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) {
      bytes.push(parseInt(s.slice(i + 2, i + 4), 16));
      i += 3;
    } else if (c === 92 && (s[i + 1] === '"' || s[i + 1] === '\\')) {
      bytes.push(s.charCodeAt(i + 1));
      i += 1;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      for (const b of Buffer.from(s[i]!, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('latin1') === s ? s : new TextDecoder('utf-8').decode(Uint8Array.from(bytes));
}

/** Quoted field starting at `i` (on the quote); nginx escapes `"` inside, so the next bare `"` ends it. */
function quoted(line: string, i: number): { value: string; next: number } | undefined {
  if (line[i] !== '"') return undefined;
  let k = i + 1;
  while (k < line.length && line[k] !== '"') k += line[k] === '\\' ? 2 : 1;
  return { value: line.slice(i + 1, k), next: k + 1 };
}

export function parseCombinedLine(line: string): AccessRequest | undefined {
  const lb = line.indexOf('] "');
  if (lb < 0) return undefined;
  const req = quoted(line, lb + 2);
  if (!req) return undefined;
  const rest = line.slice(req.next).trimStart();
  const sp = rest.split(' ', 2);
  const status = Number(sp[0]);
  const refStart = rest.indexOf('"');
  const ref = refStart >= 0 ? quoted(rest, refStart) : undefined;
  const uaStart = ref ? rest.indexOf('"', ref.next) : -1;
  const ua = uaStart >= 0 ? quoted(rest, uaStart) : undefined;
  const r = req.value;
  const s1 = r.indexOf(' ');
  const s2 = r.lastIndexOf(' ');
  const method = s1 > 0 ? r.slice(0, s1) : '';
  const target = s1 > 0 ? (s2 > s1 && /^HTTP\/\d/.test(r.slice(s2 + 1)) ? r.slice(s1 + 1, s2) : r.slice(s1 + 1)) : r;
  return { method, target: unescapeLogField(target), userAgent: unescapeLogField(ua?.value ?? ''), referer: unescapeLogField(ref?.value ?? ''), status };
}
