/**
 * The text report at a terminal's width (issue 16): wrapped to the width in display columns (a Chinese
 * character takes two), columns aligned in Chinese, expectations in words; the raw form only with
 * --verbose (and in JSON).
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { displayWidth, padDisplay, wrap } from '../../src/report/width.js';
import { expectationWords } from '../../src/report/expect-words.js';
import { packageRoot } from '../../src/util/paths.js';
import { BIN, gwsec } from '../helpers/cli.js';
import { tmuxRun } from '../helpers/tmux.js';

const HOST = join(packageRoot(), 'test', 'fixtures', 'hosts', 'centos7-web-neglected');
const IDS = Array.from({ length: 12 }, (_, i) => ['kylin', 'uos', 'openeuler', 'anolis'][i] ?? `os${i}`);

test('display width: Chinese and fullwidth take two columns, colour codes none', (t) => {
  t.is(displayWidth('通过'), 4);
  t.is(displayWidth('a（b）'), 6);
  t.is(displayWidth('\x1b[31mFAIL\x1b[0m'), 4);
  t.is(displayWidth(padDisplay('不通过', 8)), 8);
  t.is(padDisplay('通过', 6), '通过  ');
});

test('wrap: no line wider than the width; Chinese breaks between characters, never before closing punctuation', (t) => {
  const text = '制定迁移计划，升级到仍受支持的版本：CentOS 7/8 可迁移到 openEuler 22.03/24.03 LTS、Anolis OS 8、Rocky Linux 9 等（openEuler 提供 x2openEuler 迁移工具，龙蜥提供 centos2anolis）；Ubuntu 20.04 升级到 22.04/24.04 LTS。';
  for (const width of [40, 57, 80]) {
    const lines = wrap(text, width, 4, 10);
    t.true(displayWidth(lines[0]!) <= width - 10, lines[0]);
    for (const l of lines.slice(1)) t.true(displayWidth(l) <= width - 4, `${width}: ${l}`);
    for (const l of lines) t.notRegex(l, /^[，。、；：）]/u, `${width}: ${l}`);
    t.is(lines.join('').replace(/\s+/g, ''), text.replace(/\s+/g, ''), 'nothing lost');
  }
  t.deepEqual(wrap('expected one of: kylin, uos', 20, 2, 0), ['expected one of:', 'kylin, uos']);
});

test('expectations in words, in the chosen language', (t) => {
  const v = { var: 'DOMESTIC_OS_IDS', value: IDS };
  t.is(expectationWords('in', v, 'zh'), '应为以下之一：kylin、uos、openeuler…（共 12 项）');
  t.is(expectationWords('in', v, 'en'), 'expected one of: kylin, uos, openeuler, … (12 in all)');
  t.is(expectationWords('eq', 'no', 'zh'), '应为 no');
  t.is(expectationWords('length_le', 0, 'en'), 'expected at most 0 element(s)');
  t.is(expectationWords('exists', false, 'zh'), '不应存在');
  t.is(expectationWords('ge', 2048, 'zh'), '应不小于 2048');
});

test('the report off a terminal: 80 columns, Chinese columns aligned, no raw JSON; --verbose keeps the raw form', (t) => {
  for (const lang of ['zh', 'en']) {
    const r = gwsec(['audit', '--fixture', HOST, '--lang', lang]);
    const lines = r.stdout.split('\n');
    for (const l of lines) t.true(displayWidth(l) <= 80, `${lang}: ${displayWidth(l)} columns: ${l}`);
    t.notRegex(r.stdout, /\{"var":/, 'no pack-variable JSON in the plain report');
    // result lines: the check id starts in the same display column whatever the status and severity words
    const cols = lines.filter((l) => / a4[01]-\d+-[a-z0-9-]+/.test(l) && /^ {4}\S/.test(l)).map((l) => displayWidth(l.slice(0, l.search(/a4[01]-\d+-/))));
    t.true(cols.length > 20);
    t.is(new Set(cols).size, 1, `${lang}: check ids start at columns ${[...new Set(cols)].join(', ')}`);
  }
  const zh = gwsec(['audit', '--fixture', HOST, '--lang', 'zh', '--check', 'a40-2-os-domestic']).stdout;
  t.regex(zh.replace(/\n\s+/g, ''), /os\.id = centos（应为以下之一：kylin、neokylin、uos…（共 \d+ ?项））/);
  const verbose = gwsec(['audit', '--fixture', HOST, '--lang', 'en', '--check', 'a40-2-os-domestic', '--verbose']).stdout;
  t.regex(verbose.replace(/\n\s+/g, ''), /\(expected in ?\{"var":"DOMESTIC_OS_IDS","value":\["kylin",/);
  const json = JSON.parse(gwsec(['audit', '--fixture', HOST, '--check', 'a40-2-os-domestic', '--format', 'json']).stdout) as { results: Array<{ evidence: Array<{ expected: unknown }> }> };
  t.like(json.results[0]!.evidence[0]!.expected, { var: 'DOMESTIC_OS_IDS' });
});

test('on a terminal the report wraps to its width (100 columns here)', (t) => {
  if (spawnSync('tmux', ['-V']).status !== 0) {
    if (process.env.CI) t.fail('tmux is not installed');
    else t.pass('tmux is not installed: skipped');
    return;
  }
  const { screen } = tmuxRun(t, 'width', `${process.execPath} ${BIN} audit --fixture ${HOST} --lang zh --check a40-2-os-supported --check a40-2-os-domestic --check a40-3-certificates-strong; echo EXIT=$?; sleep 60`, { cols: 100, rows: 60 });
  const deadline = Date.now() + 30_000;
  let out = '';
  while (Date.now() < deadline && !out.includes('EXIT=')) {
    spawnSync('sleep', ['0.2']);
    out = screen();
  }
  t.true(out.includes('EXIT='), out);
  const lines = out.split('\n');
  t.true(lines.some((l) => displayWidth(l) > 80), 'uses the terminal width, not 80');
  for (const l of lines) t.true(displayWidth(l) <= 100, `${displayWidth(l)}: ${l}`);
});
