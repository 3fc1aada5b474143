/**
 * The web-root rules inside the real agent, with real files written, renamed over and deleted in a
 * temporary web root: fim-webroot-mass-change (a batch overwrite) and the page-content markers of
 * web-defacement-keyword-injected.
 */
import test from 'ava';
import { mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../agents/agent/config.js';
import { createEvents } from '../../../agents/agent/events.js';
import { runAgent } from '../../../agents/agent/runner.js';
import { readAlerts } from '../../../agents/agent/detect/store.js';
import { scaled, waitUntil } from '../../helpers/time.js';
import { rm, tmp, writeConfig } from './helpers.js';

function start(cfgPath: string) {
  const ev = createEvents({ silent: true });
  const ac = new AbortController();
  const run = runAgent(loadConfig(cfgPath), { signal: ac.signal, events: ev });
  return { ev, stop: async () => (ac.abort(), await run) };
}

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
  const a = start(cfgPath);
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
