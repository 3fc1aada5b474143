import test from 'ava';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { packageRoot } from '../../src/util/paths.js';
import { join } from 'node:path';
import { STATUSES } from '../../src/model/status.js';
import { conformity, controlConformity, controlPoint, dengbaoRecord, formatDengbaoHtml, formatDengbaoMarkdown } from '../../src/report/dengbao.js';
import { embeddedPack } from '../helpers/audit.js';
import { gwsec } from '../helpers/cli.js';
import { FIXTURES, hostileReport, tempDir } from './helpers.js';
import { reportJson } from '../helpers/wire.js';

test('符合情况 from result states: error, manual and waived are never 符合; a control point mixing 符合 and 不符合 is 部分符合', (t) => {
  const got = Object.fromEntries(STATUSES.map((s) => [s, conformity({ status: s })]));
  t.deepEqual(got, { pass: '符合', fail: '不符合', not_applicable: '不适用', error: '不符合', manual: '不符合', waived: '不符合' });
  t.is(conformity({ status: 'waived', outcome: 'pass' }), '不符合');
  t.is(controlConformity(['符合', '不适用', '符合']), '符合');
  t.is(controlConformity(['符合', '不符合']), '部分符合');
  t.is(controlConformity(['不符合', '不适用']), '不符合');
  t.is(controlConformity(['不适用']), '不适用');
  // The docs state the same mapping.
  const doc = readFileSync(join(packageRoot(), 'docs', 'DENGBAO.md'), 'utf8');
  for (const [s, c] of Object.entries(got)) t.regex(doc, new RegExp(`\\| \`${s}\` [^|]+ \\| (\\*\\*)?${c}(\\*\\*)? \\|`), `docs/DENGBAO.md maps ${s} to ${c}`);
});

test('every check of the embedded pack maps to a GB/T 22239-2019 control point', (t) => {
  for (const c of embeddedPack().checks) t.truthy(controlPoint(c), `${c.id} cites no GB/T 22239-2019 8.1.x.y clause`);
  t.deepEqual(controlPoint({ references: ['CIS x', 'GB/T 22239-2019 8.1.4.4 c) (关闭不需要的服务和高危端口)'] } as never), { id: '8.1.4.4', note: '关闭不需要的服务和高危端口' });
});

test('covers format: dengbao, dengbao-html — the record per host from a real audit: every result is a row, counts and wording in Chinese', async (t) => {
  const dir = await tempDir(t);
  const [mdFile, htmlFile, json] = ['d.md', 'd.html', 'r.json'].map((f) => join(dir, f));
  const r = gwsec(['audit', '--fixture', join(FIXTURES, 'centos7-web-neglected'), '--fixture', join(FIXTURES, 'debian12-web-hardened'), '--report', `dengbao:${mdFile},dengbao-html:${htmlFile},json:${json}`]);
  t.is(r.code, 1, r.stderr);
  const report = reportJson(await readFile(json, 'utf8'));
  const md = await readFile(mdFile, 'utf8');
  t.regex(md, /^# 网络安全等级保护测评记录（技术核查部分）/);
  t.regex(md, /## 主机：centos7-web-neglected\n\n核查状态：已核查；指标统计：符合 \d+，部分符合 0，不符合 \d+，不适用 \d+/);
  t.true(md.includes('| 序号 | 测评项 | 测评指标 | 结果记录 | 符合情况 |'));
  const rows = md.split('\n').filter((l) => /^\| \d+ \|/.test(l));
  t.is(rows.length, report.results.length, 'one row per result');
  for (const l of rows) t.is(l.split(/(?<!\\)\|/).length, 7, `a row has five cells: ${l.slice(0, 80)}`);
  const fails = report.results.filter((x) => x.status === 'fail').length;
  t.is(rows.filter((l) => l.endsWith('| 不符合 |')).length, fails + report.summary.error + report.summary.manual + report.summary.waived);
  t.is(rows.filter((l) => l.endsWith('| 符合 |')).length, report.summary.pass);
  t.true(md.includes('| 安全计算环境 / 访问控制（GB/T 22239-2019 8.1.4.2） | 禁止 root 用户通过 SSH 直接登录（第四十条第（七）项；a40-7-ssh-root-login-disabled） | 核查不通过：<br>sshd.effective.permitrootlogin = "yes"（期望 eq "no"）：PermitRootLogin 不是 no'));
  // The HTML record: same rows, one table per host.
  const html = await readFile(htmlFile, 'utf8');
  t.is(html.match(/<tr data-check=/g)?.length, report.results.length);
  t.is(html.match(/<section data-host=/g)?.length, new Set(report.results.map((x) => x.host)).size);
  t.regex(html, /<html lang="zh-CN">/);
  const model = dengbaoRecord(report, new Map(embeddedPack().checks.map((c) => [c.id, c])));
  t.true(model.some((h) => h.items.some((i) => i.conformity === '部分符合')), 'some control point is partly met');
});

test('dengbao escapes hostile text: Markdown cells keep their count, HTML carries no markup', (t) => {
  const rep = hostileReport();
  const md = formatDengbaoMarkdown(rep, { lang: 'zh', color: false });
  const row = md.split('\n').find((l) => /^\| 1 \|/.test(l))!;
  t.is(row.split(/(?<!\\)\|/).length, 7, row);
  t.false(md.includes('<script>'));
  const html = formatDengbaoHtml(rep, { lang: 'zh', color: false });
  t.false(html.includes('<script>'));
  t.true(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
});
