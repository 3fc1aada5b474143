import test from 'ava';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseReportTargets, reportFormats } from '../../src/report/index.js';
import { packageRoot } from '../../src/util/paths.js';
import { gwsec } from '../helpers/cli.js';
import { FIXTURES, tempDir } from './helpers.js';

const root = packageRoot();

test('every registered report format has a test under test/report and a section in both user guides', (t) => {
  const dir = join(root, 'test', 'report');
  const covered = new Set(
    readdirSync(dir)
      .filter((f) => f.endsWith('.test.ts'))
      .flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/covers format: ([\w, -]+)/g)].flatMap((m) => m[1]!.split(',').map((s) => s.trim()))),
  );
  const guides = ['GUIDE.en.md', 'GUIDE.zh.md'].map((g) => [g, readFileSync(join(root, 'docs', g), 'utf8')] as const);
  for (const f of reportFormats) {
    t.true(covered.has(f.id), `format ${f.id}: add a test in test/report/ whose title says "covers format: ${f.id}"`);
    for (const [g, text] of guides) t.true(text.includes(`--report ${f.id}`) || text.includes(`${f.id}:`), `format ${f.id}: show it in docs/${g} (e.g. "--report ${f.id}:out")`);
    t.truthy(f.describe.zh && f.describe.en, `format ${f.id}: describe it in zh and en`);
  }
  t.true(existsSync(join(dir, 'helpers.ts')));
});

test('report targets: comma lists and repeats, one stdout at most, no file twice, unknown formats named', (t) => {
  t.deepEqual(parseReportTargets(['text,json:a.json', 'sarif:b.sarif']), [{ format: 'text' }, { format: 'json', path: 'a.json' }, { format: 'sarif', path: 'b.sarif' }]);
  t.deepEqual(parseReportTargets(['json:-']), [{ format: 'json' }]);
  t.throws(() => parseReportTargets(['text,json']), { message: /only one report can go to standard output/ });
  t.throws(() => parseReportTargets(['json:a,sarif:a']), { message: /a is given twice/ });
  t.throws(() => parseReportTargets(['pdf:x.pdf']), { message: /unknown report format "pdf" \(known: text, json/ });
  t.throws(() => parseReportTargets(['json:']), { message: /give a file after the colon/ });
});

test('covers format: text, json — one run writes several reports; each file matches what that format alone gives', async (t) => {
  const dir = await tempDir(t);
  const host = join(FIXTURES, 'centos7-web-neglected');
  const [json, xml, sarif] = ['r.json', 'r.xml', 'r.sarif'].map((f) => join(dir, f));
  const r = gwsec(['audit', '--fixture', host, '--lang', 'en', '--report', `text,json:${json}`, '--report', `junit:${xml},sarif:${sarif}`]);
  t.is(r.code, 1, r.stderr);
  t.regex(r.stdout, /^gwsec audit — article40/);
  t.regex(r.stdout, /Summary: PASS \d+ {2}FAIL \d+/);
  const report = JSON.parse(await readFile(json, 'utf8')) as { summary: { fail: number }; results: unknown[] };
  t.true(report.summary.fail > 0);
  t.regex(await readFile(xml, 'utf8'), /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
  t.is((JSON.parse(await readFile(sarif, 'utf8')) as { version: string }).version, '2.1.0');
  // The old single-report options still work and give the same JSON (apart from the time stamp).
  const old = join(dir, 'old.json');
  t.is(gwsec(['audit', '--fixture', host, '--format', 'json', '-o', old]).code, 1);
  const strip = (s: string) => s.replace(/"(generated_at|collected_at)": "[^"]+"/g, '').replace(/"duration_ms": \d+/g, '');
  t.is(strip(await readFile(old, 'utf8')), strip(await readFile(json, 'utf8')));
});

test('a bad --report stops the run before any host is touched (exit 2, nothing written)', async (t) => {
  const dir = await tempDir(t);
  const out = join(dir, 'r.json');
  const r = gwsec(['audit', '--fixture', join(FIXTURES, 'centos7-web-neglected'), '--report', `json:${out},text,junit`]);
  t.is(r.code, 2);
  t.regex(r.stderr, /only one report can go to standard output \(text, junit\)/);
  t.false(existsSync(out));
  t.notRegex(r.stderr, /centos7-web-neglected ok/, 'no host was audited');
  const mixed = gwsec(['audit', '--fixture', join(FIXTURES, 'centos7-web-neglected'), '--report', `json:${out}`, '-o', out]);
  t.is(mixed.code, 2);
  t.regex(mixed.stderr, /--report and -o\/--output do not mix/);
});
