import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IncidentStore } from '../../src/incident/store.js';
import { playbookRun } from '../../src/app/playbook.js';
import { timeText } from '../../src/incident/report.js';
import { captureIo, drillFile, runOptions, tempDir } from './helpers.js';
import { scaled } from '../helpers/time.js';

// The standards ask for "a real Chromium for HTML output": the report a drill writes is opened
// in headless Chromium (Debian package `chromium`, installed by .ci/run), and the DOM Chromium
// built and a screenshot of it are checked. CJK glyphs come from fonts-noto-cjk (also .ci/run).
const CHROMIUM = '/usr/bin/chromium';
const TIMEOUT_MS = scaled(30_000);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Run {
  code: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/** Runs headless Chromium with its own profile; on timeout its whole process group is killed. */
async function chromium(profile: string, args: string[]): Promise<Run> {
  const base = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`];
  // detached: Chromium gets its own process group, so a timeout can kill its helpers too.
  const options = { timeout: TIMEOUT_MS, killSignal: 'SIGKILL' as const, detached: true, encoding: 'utf8' as const, maxBuffer: 64 * 1024 * 1024 };
  return new Promise((resolve) => {
    const child = execFile(CHROMIUM, [...base, ...args], options, (err, stdout, stderr) => {
      const timedOut = Boolean(err?.killed);
      // Chromium's helpers (zygote, renderer, GPU) share the group: reap any still around.
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* the group has already exited */
      }
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, timedOut, stdout, stderr });
    });
  });
}

test('a drill\'s zh HTML report renders in real headless Chromium: DOM has title, grade, deadline, SM3 evidence; screenshot is a real PNG', async (t) => {
  const dir = await tempDir(t, 'gwsec-chromium-');
  const inc = join(dir, 'inc');
  const io = captureIo();
  t.is(await playbookRun(runOptions({ ref: 'webshell-intrusion', answers: drillFile('webshell-intrusion'), incidents: inc }), io), 0, io.stdout.join('').slice(-2000));
  const store = new IncidentStore(inc);
  const [s] = await store.list();
  t.truthy(s);
  const html = await readFile(join(store.reportsDir(s!.id), 'final-v1.zh.html'), 'utf8');
  const page = join(dir, 'report.html');
  await writeFile(page, html);
  const url = pathToFileURL(page).href;

  // What the report must show, taken from the incident itself.
  t.is(s!.grade, 'major');
  const final = s!.deadlines.get('final_report');
  t.truthy(final?.due);
  const due = timeText(final!.due, s!, 'zh');
  t.true(s!.evidence.length > 0);
  for (const e of s!.evidence) t.regex(e.sm3, /^[0-9a-f]{64}$/, e.item);

  // --dump-dom prints the DOM after Chromium parsed (and would have run) the page.
  const dom = await chromium(await mkdtemp(join(dir, 'profile-')), ['--dump-dom', url]);
  t.false(dom.timedOut, `chromium --dump-dom timed out after ${TIMEOUT_MS} ms`);
  t.is(dom.code, 0, dom.stderr.slice(-2000));
  t.regex(dom.stdout, /^<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>【演练】网络安全事件总结报告：[^<]+<\/title>/);
  // The parser's work, not the file echoed back: Chromium adds the implied <tbody> to key/value tables.
  t.false(html.includes('<table><tbody><tr><td class="k">'));
  t.true(dom.stdout.includes('<table><tbody><tr><td class="k">'), 'Chromium-built DOM');
  t.regex(dom.stdout, /<h1>【演练】网络安全事件总结报告：[^<]+<\/h1>/);
  t.regex(dom.stdout, /<p class="drill">【演练】本报告由应急演练生成，不是真实事件报告<\/p>/);
  t.true(dom.stdout.includes(`<td class="k">事件编号</td><td>${s!.id}</td>`), 'incident id');
  t.true(dom.stdout.includes('<td class="k">事件级别</td><td>重大</td>'), 'grade');
  t.true(dom.stdout.includes('<td>事件定级为重大。</td>'), 'grade in the timeline');
  t.regex(dom.stdout, /<h2>报告时限<\/h2>/);
  const deadlineRow = dom.stdout.match(/<tr><td>总结报告[^<]*<\/td><td>([^<]*)<\/td>/);
  t.truthy(deadlineRow, 'final report deadline row');
  t.is(deadlineRow?.[1], due);
  t.regex(dom.stdout, /<h2>证据清单（SM3 \/ SHA-256）<\/h2>\n<table><thead><tr><th>编号<\/th><th>文件<\/th><th>大小（字节）<\/th><th>SM3<\/th><th>SHA-256<\/th>/);
  for (const e of s!.evidence) t.true(dom.stdout.includes(`<tr><td>${e.item}</td><td>${e.file}</td><td>${e.size}</td><td>${e.sm3}</td><td>${e.sha256}</td>`), `evidence row ${e.item}`);
  t.false(/<script/i.test(dom.stdout), 'no script in the DOM');

  // --screenshot writes a PNG of the rendered page at the given window size.
  const png = join(dir, 'r.png');
  const shot = await chromium(await mkdtemp(join(dir, 'profile-')), [`--screenshot=${png}`, '--window-size=1200,1600', '--hide-scrollbars', url]);
  t.false(shot.timedOut, `chromium --screenshot timed out after ${TIMEOUT_MS} ms`);
  t.is(shot.code, 0, shot.stderr.slice(-2000));
  const info = await stat(png);
  t.true(info.size > 20 * 1024, `screenshot is only ${info.size} bytes`);
  const buf = await readFile(png);
  t.deepEqual(buf.subarray(0, 8), PNG_SIGNATURE);
  t.is(buf.toString('latin1', 12, 16), 'IHDR');
  t.is(buf.readUInt32BE(16), 1200, 'width');
  t.is(buf.readUInt32BE(20), 1600, 'height');
});

test('Chinese text renders with real glyphs in headless Chromium (a CJK font is installed), not tofu boxes', async (t) => {
  // Without a CJK font every Chinese character is drawn as the same .notdef box, so two different
  // characters in the report's font stack give identical screenshots; with real glyphs they differ.
  const dir = await tempDir(t, 'gwsec-chromium-');
  const shots: Buffer[] = [];
  for (const ch of ['网', '报']) {
    const page = join(dir, `${ch.codePointAt(0)!.toString(16)}.html`);
    await writeFile(page, `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>body{margin:0;font:160px "Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif}</style></head><body>${ch}</body></html>`);
    const png = `${page}.png`;
    const r = await chromium(await mkdtemp(join(dir, 'profile-')), [`--screenshot=${png}`, '--window-size=240,240', '--hide-scrollbars', pathToFileURL(page).href]);
    t.false(r.timedOut, `chromium --screenshot timed out after ${TIMEOUT_MS} ms`);
    t.is(r.code, 0, r.stderr.slice(-2000));
    shots.push(await readFile(png));
  }
  t.deepEqual(shots[0]!.subarray(0, 8), PNG_SIGNATURE);
  t.false(shots[0]!.equals(shots[1]!), '网 and 报 render identically: no CJK font (install fonts-noto-cjk)');
});
