/**
 * Issue 20 rewrote the url.path patterns of data-bulk-download and sensitive-file-exposed for speed
 * (`(?<![^/])` in place of `(^|/)`, factored words, an url.ext lookup before the archive regex).
 * The rules must fire on exactly what they fired on before: the old conditions (copied here as they
 * were in 30db8a7) and the shipped ones give the same answer on every request of the web-attack
 * corpus, every line of the rules' cases and paths written to hit each alternative and its edges.
 */
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { compileWhere } from '../../src/detect/conditions.js';
import type { DetectEvent } from '../../src/detect/event.js';
import { lineEvent } from '../../src/detect/lines.js';
import { loadRules } from '../../src/detect/load.js';

const DIR = '/work/shared/corpus/web-attacks';

const OLD: Record<string, unknown> = {
  'data-bulk-download': {
    all: [
      { field: 'status', in: [200, 206] },
      {
        any: [
          { field: 'url.ext', in: ['pdf', 'doc', 'docx', 'xls', 'xlsx', 'csv', 'ppt', 'pptx', 'ofd', 'wps', 'et', 'dps', 'zip', 'rar', '7z', 'txt', 'json', 'xml'] },
          { field: 'url.path', matches: '(^|/)(attach|attachment|attachments|download|downloads|downfile|filedown)([/._]|$)' },
        ],
      },
    ],
  },
  'sensitive-file-exposed': {
    all: [
      { field: 'status', in: [200, 206] },
      { field: 'bytes', gt: 0 },
      {
        any: [
          { field: 'url.path', matches: '(^|/)\\.(git|svn|hg|bzr)(/|$)|(^|/)\\.(env|htpasswd|htaccess|ds_store|git-credentials|npmrc|bash_history)$|(^|/)(web-inf|meta-inf)/|(^|/)(web\\.config|id_rsa|id_dsa|id_ecdsa|id_ed25519)$' },
          { field: 'url.ext', in: ['sql', 'mdb', 'accdb', 'sqlite', 'sqlite3', 'dump', 'dmp', 'bak', 'old', 'orig', 'swp', 'save', 'backup', 'bkp'] },
          { field: 'url.path', matches: '(^|/)(www|wwwroot|web|website|site|backup|backups|back|bak|db|database|data|htdocs|html|public_html|src|code|1)\\.(zip|rar|7z|tar|tar\\.gz|tgz|gz|bz2)$' },
        ],
      },
    ],
  },
};

// Each alternative at the start, after a '/', glued to a word (must not match), with a suffix, in
// upper case and percent-encoded.
const WORDS = ['attach', 'attachment', 'attachments', 'download', 'downloads', 'downfile', 'filedown', 'attachmentss', 'xdownload', 'down', '.git', '.svn', '.hg', '.bzr', '.gitx', '.env', '.envx', '.htpasswd', '.htaccess', '.ds_store', '.git-credentials', '.npmrc', '.bash_history', 'web-inf', 'meta-inf', 'xweb-inf', 'web.config', 'webxconfig', 'id_rsa', 'id_dsa', 'id_ecdsa', 'id_ed25519', 'id_rsa.pub', 'www.zip', 'wwwroot.rar', 'backup.tar.gz', 'site.7z', 'db.tgz', '1.bz2', 'data.gz', 'html.tar', 'xwww.zip', 'www.zipx', 'public_html.zip', 'src.tar.gz.1', 'a.sql', 'x.bak', 'report.pdf'];
const SHAPES = (w: string) => [w, `/${w}`, `/a/${w}`, `/a/${w}/`, `/a/${w}/b.html`, `/a/${w}.php`, `/a/${w}_1`, `/a/x${w}`, `/${w.toUpperCase()}`, `/a/${encodeURIComponent(w).replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`)}`, `/a/${w}?x=1`, `/a/${w}#f`];

function events(): DetectEvent[] {
  const ctx = { year: 2026, fallbackTime: 0, web: false };
  const lines: string[] = [];
  for (const w of WORDS) for (const target of SHAPES(w)) for (const status of [200, 206, 404]) lines.push(`203.0.113.9 - - [01/Jun/2026:10:00:00 +0800] "GET ${target} HTTP/1.1" ${status} ${status === 404 ? 0 : 512} "-" "curl/8"`);
  const set = loadRules(undefined, { cases: true });
  for (const id of Object.keys(OLD)) {
    const c = set.cases.get(id)!.data as { fire?: { lines?: string }[]; no_fire?: { lines?: string }[] };
    for (const k of [...(c.fire ?? []), ...(c.no_fire ?? [])]) lines.push(...(k.lines ?? '').split('\n'));
  }
  if (existsSync(`${DIR}/attacks.log`)) lines.push(...readFileSync(`${DIR}/attacks.log`, 'utf8').split('\n'), ...gunzipSync(readFileSync(`${DIR}/benign.log.gz`)).toString('utf8').split('\n'));
  else if (process.env.CI) throw new Error(`${DIR} is missing`);
  return lines.map((l) => lineEvent('nginx', l, ctx)).filter((e): e is DetectEvent => e !== null);
}

test('the rewritten rules fire on exactly the requests the old ones did', (t) => {
  const evs = events();
  t.true(evs.length > (existsSync(`${DIR}/attacks.log`) ? 22_000 : 1_000), `only ${evs.length} events`);
  const shipped = new Map(loadRules().rules.map((r) => [r.id, r]));
  for (const [id, old] of Object.entries(OLD)) {
    const lg = shipped.get(id)!.logic;
    const where = lg.kind === 'sequence' ? lg.first.where : 'where' in lg ? lg.where : undefined;
    t.notDeepEqual(where, old, `${id}: the shipped rule is no longer the rewrite this test compares`);
    const a = compileWhere(old);
    const b = compileWhere(where);
    const diffs: string[] = [];
    let hits = 0;
    for (const e of evs) {
      const x = a(e);
      if (x) hits++;
      if (x !== b(e)) diffs.push(`${String(x)} before: ${String(e.fields['url.path'])}`);
    }
    t.deepEqual(diffs.slice(0, 10), [], id);
    t.true(hits > 50, `${id}: only ${hits} events matched, the comparison proves little`);
  }
});
