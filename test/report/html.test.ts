import test from 'ava';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { formatHtml } from '../../src/report/html.js';
import { packageRoot } from '../../src/util/paths.js';
import { gwsec } from '../helpers/cli.js';
import { scaled } from '../helpers/time.js';
import { FIXTURES, HOSTILE, haveBinary, hostileReport, tempDir } from './helpers.js';
import { reportJson } from '../helpers/wire.js';

// The report is opened in real headless Chromium (Debian `chromium`, installed by .ci/run) driven
// by playwright-core, and checked as a reader sees it. Screenshots go to test-results/report/.
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const OUT = join(packageRoot(), 'test-results', 'report');

async function openInChromium(dir: string, file: string) {
  const ctx = await chromium.launchPersistentContext(await mkdtemp(join(dir, 'profile-')), { executablePath: CHROMIUM, headless: true, args: ARGS, timeout: scaled(60_000) });
  const page = await ctx.newPage();
  page.setDefaultTimeout(scaled(20_000));
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href);
  return { ctx, page, problems, requests };
}

test('covers format: html — the report opens offline in real headless Chromium: counts, filters, expandable evidence, waivers, both languages, no console errors', async (t) => {
  if (!haveBinary(t, CHROMIUM, 'chromium')) return;
  const dir = await tempDir(t);
  const waivers = join(dir, 'waivers.yaml');
  await writeFile(waivers, 'waivers:\n  - check: a40-2-os-supported\n    hosts: [centos7-*]\n    justification: 计划于 2027 年一季度迁移\n    owner: 张伟\n    approver: 李娜\n    expires: 2999-03-31\n  - check: a40-7-ssh-root-login-disabled\n    hosts: [no-such-host]\n    justification: j\n    owner: o\n    expires: 2999-03-31\n');
  const [html, json] = [join(dir, 'r.html'), join(dir, 'r.json')];
  const r = gwsec(['audit', '--fixture', join(FIXTURES, 'centos7-web-neglected'), '--fixture', join(FIXTURES, 'debian12-web-hardened'), '--waivers', waivers, '--lang', 'zh', '--report', `html:${html},json:${json}`]);
  t.is(r.code, 1, r.stderr);
  const report = reportJson(await readFile(json, 'utf8'));
  t.is(report.summary.waived, 1);

  const { ctx, page, problems, requests } = await openInChromium(dir, html);
  t.teardown(() => ctx.close());
  // Offline: the page asked for nothing but itself.
  t.deepEqual(requests, [pathToFileURL(html).href]);
  t.is(await page.title(), '网站安全基线核查报告 — article40');
  t.true(await page.locator('h1 .zh').isVisible());
  t.false(await page.locator('h1 .en').isVisible(), 'English hidden in the zh report');

  // The counts a reader sees are the report's.
  for (const s of ['pass', 'fail', 'not_applicable', 'error', 'manual', 'waived'] as const) t.is(await page.locator(`#count-${s}`).innerText(), String(report.summary[s]), s);
  const host = page.locator('#by-host tr[data-host="centos7-web-neglected"] td[data-count="fail"]');
  t.is(await host.innerText(), String(report.results.filter((x) => x.host === 'centos7-web-neglected' && x.status === 'fail').length));
  t.true(await page.locator('#by-article tr[data-article="40.7"]').isVisible());
  const rows = page.locator('tr.result');
  t.is(await rows.count(), report.results.length);

  // Filter: hide passes.
  const visible = () => page.locator('tr.result:visible');
  t.is(await visible().count(), report.results.length);
  await page.locator('input[name=state][value=pass]').uncheck();
  t.is(await visible().count(), report.results.length - report.summary.pass);
  t.is(await page.locator('tr.result[data-state=pass]:visible').count(), 0);
  t.is(await page.locator('#shown').innerText(), String(report.results.length - report.summary.pass));
  // Filter by article.
  await page.locator('#article').selectOption('40.7');
  const in407 = report.results.filter((x) => x.article === '40.7' && x.status !== 'pass').length;
  t.is(await visible().count(), in407);

  // Expand the evidence of a failing result.
  await page.locator('#article').selectOption('');
  const row = page.locator('tr.result[data-host="centos7-web-neglected"][data-check="a40-3-certificates-strong"]');
  const evidence = row.locator('pre.evidence');
  t.false(await evidence.isVisible(), 'evidence is folded at first');
  await row.locator('details > summary').click();
  t.true(await evidence.isVisible());
  t.regex(await evidence.innerText(), /web\.certificates\[0\]\.key_bits = 1024 \(expected ge 2048\)/);

  // Waivers: the waived result says who and until when; the unmatched waiver is listed.
  const waived = page.locator('tr.result[data-state=waived]');
  t.is(await waived.count(), 1);
  t.regex(await waived.innerText(), /豁免：计划于 2027 年一季度迁移（责任人 张伟，批准人 李娜，有效期至 2999-03-31）/);
  t.regex(await waived.innerText(), /真实结论: 不通过/);
  t.regex(await page.locator('#waivers').innerText(), /a40-7-ssh-root-login-disabled — 未匹配任何结果/);

  // The other language, one click away.
  await page.locator('#lang').click();
  t.true(await page.locator('h1 .en').isVisible());
  t.is(await page.locator('h1').innerText(), 'Website security baseline audit');

  await mkdir(OUT, { recursive: true });
  const png = join(OUT, 'html-report.png');
  await page.locator('#lang').click();
  await page.screenshot({ path: png, fullPage: false });
  t.true(existsSync(png) && statSync(png).size > 20 * 1024, `screenshot ${png}`);
  t.deepEqual(problems, [], 'no console errors or warnings');
});

test('html escapes hostile strings: they are shown as text, no element or script is injected', async (t) => {
  if (!haveBinary(t, CHROMIUM, 'chromium')) return;
  const dir = await tempDir(t);
  const file = join(dir, 'h.html');
  await writeFile(file, formatHtml(hostileReport(), { lang: 'en', color: false }));
  const { ctx, page, problems } = await openInChromium(dir, file);
  t.teardown(() => ctx.close());
  t.is(await page.locator('script').count(), 1, 'only the report’s own script');
  t.is(await page.locator('tr.result').count(), 1);
  const host = await page.locator('tr.result td').first().innerText();
  // The markup arrives as text (control characters are the browser's business to show or drop).
  t.true(host.startsWith(`web-01<script>alert(1)</script> & "quotes" 'apos' ]]> <!-- --> | pipe`), host);
  t.true(host.endsWith('网站 🔒'), host);
  t.true(HOSTILE.includes('<script>'));
  t.deepEqual(problems, []);
});
