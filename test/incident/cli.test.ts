import test from 'ava';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gwsec } from '../helpers/cli.js';
import { tempDir } from '../playbook/helpers.js';

test('incident open → show → correct → report (md, html, en) → evidence → close → list → timeline → verify, through the CLI', async (t) => {
  const dir = await tempDir(t);
  const inc = join(dir, 'inc');
  const o = gwsec(['incident', 'open', '--incidents', inc, '--title', '首页被篡改 <script>alert(1)</script>', '--type', 'web_defacement', '--unit', '某州政府办公室', '--operator-class', 'state_organ', '--discovered=-30m', '--tz', 'Asia/Urumqi', '--format', 'json']);
  t.is(o.code, 0, o.stderr);
  const { id } = JSON.parse(o.stdout) as { id: string };

  const show = gwsec(['incident', 'show', id, '--incidents', inc, '--lang', 'zh']);
  t.is(show.code, 0, show.stderr);
  t.regex(show.stdout, /初次报告.*（如定级为较大及以上）：剩余 1小时29分/);
  t.regex(show.stdout, /UTC\+06:00/);

  const bad = gwsec(['incident', 'correct', id, '--incidents', inc, '--discovered=-50m']);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /--reason is required/);
  const c = gwsec(['incident', 'correct', id, '--incidents', inc, '--discovered=-50m', '--reason', 'monitoring alert was earlier', '--lang', 'en']);
  t.is(c.code, 0, c.stderr);
  t.regex(c.stdout, /left 1 h 09 min/);

  const md = gwsec(['incident', 'report', id, '--incidents', inc, '--kind', 'initial']);
  t.is(md.code, 0, md.stderr);
  t.regex(md.stdout, /# 网络安全事件初次报告/);
  t.regex(md.stdout, /\| 报告单位 \| 某州政府办公室 \|/);
  t.regex(md.stdout, /发现时间更正记录/);
  const html = gwsec(['incident', 'report', id, '--incidents', inc, '--kind', 'initial', '--format', 'html']);
  t.is(html.code, 0, html.stderr);
  t.true(html.stdout.startsWith('<!DOCTYPE html>'));
  t.false(html.stdout.includes('<script>alert(1)</script>'));
  t.regex(html.stdout, /@media print/);
  t.notRegex(html.stdout, /<link|src=|https?:\/\//, 'self-contained: nothing fetched');
  const en = gwsec(['incident', 'report', id, '--incidents', inc, '--kind', 'timeline', '--lang', 'en']);
  t.regex(en.stdout, /# Incident timeline: /);
  t.regex(en.stdout, /Discovery time corrected from 20\d\d-.* to 20\d\d-.*: monitoring alert was earlier\./);

  const ev = gwsec(['incident', 'evidence', id, '--incidents', inc]);
  t.is(ev.code, 0);
  t.is(ev.stdout, '');

  const close = gwsec(['incident', 'close', id, '--incidents', inc, '--summary', 'restored', '--lang', 'en']);
  t.is(close.code, 0, close.stderr);
  t.regex(close.stdout, /closed/);
  const list = gwsec(['incident', 'list', '--incidents', inc, '--format', 'json']);
  const [row] = JSON.parse(list.stdout) as Array<{ id: string; closed_at?: string }>;
  t.is(row!.id, id);
  t.truthy(row!.closed_at);
  const tl = gwsec(['incident', 'timeline', id, '--incidents', inc, '--lang', 'en']);
  t.regex(tl.stdout, /Incident "首页被篡改 .*" opened/);
  t.regex(tl.stdout, /Incident closed: restored/);

  t.is(gwsec(['incident', 'verify', id, '--incidents', inc]).code, 0);
  // Edit a written report: verify names it.
  const rep = join(inc, id, 'reports', 'initial-v1.zh.md');
  await writeFile(rep, (await readFile(rep, 'utf8')).replace('某州政府办公室', '另一单位'));
  const v = gwsec(['incident', 'verify', id, '--incidents', inc]);
  t.is(v.code, 1);
  t.regex(v.stdout, /report_modified: reports\/initial-v1\.zh\.md/);
});

test('playbook list / show / validate through the CLI; unknown ids and broken files are usage errors', async (t) => {
  const l = gwsec(['playbook', 'list', '--lang', 'zh']);
  t.is(l.code, 0, l.stderr);
  t.is(l.stdout.trim().split('\n').length, 8);
  t.regex(l.stdout, /web-defacement\s+网页篡改处置\s+\[web-defacement-homepage-changed/);
  const s = gwsec(['playbook', 'show', 'emergency-shutdown', '--lang', 'en']);
  t.regex(s.stdout, /shutdown \[command\] Shut the site down/);
  t.is(gwsec(['playbook', 'validate']).code, 0);
  const nf = gwsec(['playbook', 'show', 'nope']);
  t.is(nf.code, 2);
  t.regex(nf.stderr, /no playbook 'nope'/);
  const dir = await tempDir(t);
  await writeFile(join(dir, 'x.yaml'), 'id: x\nversion: one\n');
  const bad = gwsec(['playbook', 'validate', join(dir, 'x.yaml')]);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /x\.yaml:2:\d+: version/);
});
