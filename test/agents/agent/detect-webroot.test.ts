/**
 * The web-root rules inside the real agent, with real files written, renamed over and deleted in a
 * temporary web root: fim-webroot-mass-change (a batch overwrite) and the page-content markers of
 * web-defacement-keyword-injected.
 */
import test from 'ava';
import { mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../agents/agent/config.js';
import { readAlerts } from '../../../agents/agent/detect/store.js';
import type { DetectEvent } from '../../../src/detect/event.js';
import { scaled, waitUntil } from '../../helpers/time.js';
import { rm, tmp, writeConfig } from './helpers.js';
import { startAgent } from '../../helpers/agent.js';

function webRoot(d: string, dirs: number, perDir: number): { root: string; pages: string[] } {
  const root = join(d, 'www');
  const pages: string[] = [];
  for (let i = 0; i < dirs; i++) {
    mkdirSync(join(root, `col${i}`), { recursive: true });
    for (let j = 0; j < perDir; j++) {
      const p = join(root, `col${i}`, `t2026060${j % 9}_${j}.html`);
      writeFileSync(p, `<html><head><title>政务公开 ${i}-${j}</title></head><body><p>第 ${j} 号通知</p></body></html>\n`);
      pages.push(p);
    }
  }
  return { root, pages };
}

test('fim-webroot-mass-change: 130 pages rewritten, renamed over or deleted in a real web root raise one alert for the root', async (t) => {
  const d = tmp('detect-mass');
  const { root, pages } = webRoot(d, 13, 12);
  mkdirSync(join(root, 'runtime', 'cache'), { recursive: true });
  const log = join(d, 'a.log');
  writeFileSync(log, '');
  const cfgPath = writeConfig(d, { archive: { dir: join(d, 'archive') }, sources: [{ type: 'file', path: log, format: 'auth' }], detections: { web_roots: [root], baseline_interval_s: 3600 } });
  const cfg = loadConfig(cfgPath);
  const a = startAgent(t, loadConfig(cfgPath));
  try {
    t.true(await waitUntil(() => (a.ev.counters.FimStarted ?? 0) >= 1, scaled(10000)));
    const alerts = () => readAlerts(cfg.detections.alerts_file).map((s) => s.alert);
    // An ordinary publish first: a new article, its list page and the home page. Not a mass change.
    writeFileSync(join(root, 'col0', 'new.html'), '<p>新文章</p>');
    writeFileSync(pages[0]!, '<p>列表页</p>');
    // Cache churn does not count either.
    for (let i = 0; i < 150; i++) writeFileSync(join(root, 'runtime', 'cache', `${i}.php`), `<?php return ${i};`);
    await new Promise((r) => setTimeout(r, 1500));
    t.false(alerts().some((x) => x.rule === 'fim-webroot-mass-change'), 'no alert for a publish and cache churn');
    // The batch: 70 overwritten in place, 30 replaced by rename (a temp file moved over it), 30 deleted.
    for (const p of pages.slice(1, 71)) writeFileSync(p, '<h1>hacked</h1>');
    for (const p of pages.slice(71, 101)) {
      writeFileSync(`${p}.tmp`, '<h1>encrypted</h1>');
      renameSync(`${p}.tmp`, p);
    }
    for (const p of pages.slice(101, 131)) unlinkSync(p);
    t.true(await waitUntil(() => alerts().some((x) => x.rule === 'fim-webroot-mass-change' && x.count >= 120), scaled(30000)), 'mass-change alert');
    const got = alerts().filter((x) => x.rule === 'fim-webroot-mass-change');
    t.is(new Set(got.map((x) => x.id)).size, 1, 'one alert, its count raised');
    t.is(got[0]!.groupKey, root);
    t.is(got[0]!.playbook, 'web-defacement');
    t.true(got[0]!.samples.length > 0 && got[0]!.samples.every((s) => s.includes(root)));
  } finally {
    await a.stop();
  }
  t.is(a.ev.counters.DetectorError ?? 0, 0);
  rm(d);
});

test('web-defacement-keyword-injected: markers new in a page raise it (tail of a big page, a page renamed into place); old spam, notices, binary pages do not', async (t) => {
  const d = tmp('detect-keyword');
  const root = join(d, 'www');
  mkdirSync(join(root, 'tzgg'), { recursive: true });
  const big = join(root, 'tzgg', 'big.html');
  const filler = '<p>' + '政务公开信息。'.repeat(20_000) + '</p>\n'; // ~420 KB: the spam lands past the head
  writeFileSync(big, `<html><body>${filler}</body></html>\n`);
  writeFileSync(join(root, 'old.html'), '<p>真人荷官 注册送彩金</p>');
  writeFileSync(join(root, 'tzgg', 'notice.html'), '<p>关于依法严厉打击六合彩、百家乐等赌博违法犯罪活动的通告</p>');
  const log = join(d, 'a.log');
  writeFileSync(log, '');
  const cfgPath = writeConfig(d, { archive: { dir: join(d, 'archive') }, sources: [{ type: 'file', path: log, format: 'auth' }], detections: { web_roots: [root], baseline_interval_s: 3600 } });
  const cfg = loadConfig(cfgPath);
  const injected = () => readAlerts(cfg.detections.alerts_file).map((s) => s.alert).filter((x) => x.rule === 'web-defacement-keyword-injected');
  let a = startAgent(t, loadConfig(cfgPath));
  try {
    t.true(await waitUntil(() => (a.ev.counters.FimStarted ?? 0) >= 1, scaled(10000)));
    // Not injections: a page that already carried its spam changes; a notice is edited; a binary "page".
    writeFileSync(join(root, 'old.html'), '<p>真人荷官 注册送彩金</p><p>更新</p>');
    writeFileSync(join(root, 'tzgg', 'notice.html'), '<p>关于依法严厉打击六合彩、百家乐等赌博违法犯罪活动的通告（修订）</p>');
    writeFileSync(join(root, 'x.php'), Buffer.concat([Buffer.from('<?php\u0000\u0000'), Buffer.from('hacked by nobody 真人荷官 注册送彩金')]));
    t.true(await waitUntil(() => (a.ev.counters.FimContentSkipped ?? 0) >= 1, scaled(10000)), 'the binary page is counted, not read');
    // Injections: spam appended to the end of a 420 KB page; a defacement page renamed over a page.
    writeFileSync(big, `<html><body>${filler}<div style="display:none">澳门新葡京 真人荷官 注册送彩金</div></body></html>\n`);
    writeFileSync(join(d, 'tmp.html'), '<h1>Hacked by team x</h1>');
    renameSync(join(d, 'tmp.html'), join(root, 'tzgg', 'notice.html'));
    t.true(await waitUntil(() => injected().length >= 2, scaled(15000)), 'two injection alerts');
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    await a.stop();
  }
  const got = injected();
  t.deepEqual(got.map((x) => x.groupKey).sort(), [big, join(root, 'tzgg', 'notice.html')].sort());
  const bigAlert = got.find((x) => x.groupKey === big)!;
  t.deepEqual(bigAlert.evidence['file.markers_new'], ['gambling-spam']);
  t.regex(String((bigAlert.evidence['file.evidence'] as string[])[0]), /真人荷官/);
  t.is(bigAlert.severity, 'critical');
  t.is(bigAlert.evidence['file.root'], root, 'playbook run --from-alert fills webroot from it');
  // Across a restart the markers seen are remembered: the big page changing again, spam kept, is not new.
  a = startAgent(t, loadConfig(cfgPath));
  try {
    t.true(await waitUntil(() => (a.ev.counters.FimStarted ?? 0) >= 1, scaled(10000)));
    const { fimObservedPath } = await import('../../../agents/agent/detect/index.js');
    const { loadFileState } = await import('../../../agents/agent/detect/fim.js');
    const before = loadFileState(fimObservedPath(cfg))?.get(big);
    writeFileSync(big, `<html><body>${filler}<p>x</p><div style="display:none">澳门新葡京 真人荷官 注册送彩金</div></body></html>\n`);
    t.true(await waitUntil(() => loadFileState(fimObservedPath(cfg))?.get(big) !== before, scaled(15000)), 'the change was seen');
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    await a.stop();
  }
  t.is(injected().length, 2, 'no new alert for spam the page already had');
  t.is(a.ev.counters.DetectorError ?? 0, 0);
  rm(d);
});

test('page content is read only when a rule reads it; a missed page change is judged by the periodic scan', async (t) => {
  const { rulesReadPageContent } = await import('../../../agents/agent/detect/index.js');
  const { loadRules } = await import('../../../src/detect/load.js');
  const { FileWatch, scanRoots } = await import('../../../agents/agent/detect/fim.js');
  const rules = loadRules(undefined, { cases: false }).rules;
  t.true(rulesReadPageContent(rules));
  t.false(rulesReadPageContent(rules.filter((r) => r.id !== 'web-defacement-keyword-injected')));
  const d = tmp('detect-keyword-scan');
  const root = join(d, 'www');
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'index.html'), '<p>首页</p>');
  writeFileSync(join(root, 'spam.html'), '<p>百家乐官网 皇冠体育</p>');
  const pages = new Map<string, string[]>();
  const observed = await scanRoots([root], { pages });
  t.deepEqual([...pages], [[join(root, 'spam.html'), ['gambling-spam']]]);
  const got: DetectEvent[] = [];
  // Never started: every event is missed, as on an inotify overflow.
  const w = new FileWatch([root], observed, (e) => got.push(...e), () => new Date(), undefined, { pages });
  writeFileSync(join(root, 'index.html'), '<p>首页</p><script>location.replace("http://bad.example.com/")</script>');
  writeFileSync(join(root, 'spam.html'), '<p>百家乐官网 皇冠体育 更新</p>');
  await w.rescan();
  const byPath = new Map(got.map((e) => [e.fields['file.path'], e.fields]));
  t.deepEqual(byPath.get(join(root, 'index.html'))?.['file.markers_new'], ['script-redirect']);
  t.is(byPath.get(join(root, 'index.html'))?.['file.seen_by'], 'baseline');
  t.deepEqual(byPath.get(join(root, 'spam.html'))?.['file.markers_new'], []);
  t.deepEqual(pages.get(join(root, 'index.html')), ['script-redirect']);
  // Emptied, the spam page forgets its markers: spam written back later is new again.
  writeFileSync(join(root, 'spam.html'), '');
  await w.rescan();
  t.false(pages.has(join(root, 'spam.html')));
  writeFileSync(join(root, 'spam.html'), '<p>百家乐官网 皇冠体育</p>');
  got.length = 0;
  await w.rescan();
  t.deepEqual(got.map((e) => e.fields['file.markers_new']), [['gambling-spam']]);
  rm(d);
});

/** Text in GBK (the encoding of many older .gov.cn pages), from ICU's own GB18030 table: every two-byte code decoded once. */
function gbk(text: string): Buffer {
  const table = new Map<string, number[]>();
  const dec = new TextDecoder('gb18030');
  for (let a = 0x81; a <= 0xfe; a++) for (let b = 0x40; b <= 0xfe; b++) if (b !== 0x7f) table.set(dec.decode(Uint8Array.of(a, b)), [a, b]);
  const out: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) out.push(ch.charCodeAt(0));
    else out.push(...(table.get(ch) ?? [0x3f]));
  }
  return Buffer.from(out);
}

test('web-defacement-keyword-injected: a GBK/GB2312 page (older .gov.cn sites) is read in its encoding — spam found, an anti-gambling notice not', async (t) => {
  const { FileWatch, scanRoots } = await import('../../../agents/agent/detect/fim.js');
  const d = tmp('detect-keyword-gbk');
  const root = join(d, 'www');
  mkdirSync(root, { recursive: true });
  const head = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>某某县人民政府</title></head><body>';
  const notice = `${head}<p>关于开展打击赌博违法犯罪专项行动的通告：严禁参与网络赌博，举报电话 110。</p></body></html>`;
  writeFileSync(join(root, 'index.html'), gbk(notice));
  writeFileSync(join(root, 'tzgg.html'), gbk(notice));
  // A long page: the spam lands in its last 32 KiB, after 70 KiB of ordinary GBK text.
  const filler = '<p>政务公开 信息公开目录 依申请公开</p>\n'.repeat(2500);
  writeFileSync(join(root, 'list.html'), gbk(`${head}${filler}</body></html>`));
  t.true(gbk(filler).length > 64 * 1024);
  const pages = new Map<string, string[]>();
  const observed = await scanRoots([root], { pages });
  t.deepEqual([...pages], [], 'the notice mentions 赌博 but carries no marker');
  const got: DetectEvent[] = [];
  const w = new FileWatch([root], observed, (e) => got.push(...e), () => new Date(), undefined, { pages });
  writeFileSync(join(root, 'index.html'), gbk(`${head}<div>澳门新葡京 真人荷官 注册送彩金</div></body></html>`));
  writeFileSync(join(root, 'list.html'), gbk(`${head}${filler}<div>百家乐官网 皇冠体育 开户送</div></body></html>`));
  writeFileSync(join(root, 'tzgg.html'), gbk(`${notice}<p>二〇二六年十二月七日</p>`));
  await w.rescan();
  const byPath = new Map(got.map((e) => [e.fields['file.path'], e.fields]));
  t.deepEqual(byPath.get(join(root, 'index.html'))?.['file.markers_new'], ['gambling-spam']);
  t.deepEqual(byPath.get(join(root, 'list.html'))?.['file.markers_new'], ['gambling-spam'], 'spam at the tail of a long GBK page');
  t.deepEqual(byPath.get(join(root, 'tzgg.html'))?.['file.markers_new'], []);
  rm(d);
});
