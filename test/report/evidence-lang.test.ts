/**
 * Evidence messages are `{ zh, en }` data (issue 17): each report prints the language `--lang` chose
 * (both only with `--lang both`), JSON and SARIF's properties keep both, HTML carries both and
 * shows one, the 等保 record is Chinese.
 */
import test from 'ava';
import { join } from 'node:path';
import type { Report } from '../../src/model/result.js';
import { formatters } from '../../src/report/index.js';
import { migrateMessageV1, migrateReportV1 } from '../../src/report/wire.js';
import { gwsec } from '../helpers/cli.js';
import { FIXTURES, fixtureReport } from './helpers.js';

const HOST = join(FIXTURES, 'centos7-web-neglected');
const EN = 'no backup file was found in the backup directories';
const ZH = '在备份目录（BACKUP_PATHS）中没有找到任何备份文件';
/** The text report wraps: compare with whitespace removed. */
const flat = (s: string) => s.replace(/\s+/g, '');

test('text: --lang zh prints the Chinese message only, --lang en the English only, --lang both both (the reader\'s first)', (t) => {
  const run = (lang: string, env: Record<string, string> = {}) => flat(gwsec(['audit', '--fixture', HOST, '--check', 'a40-10-backup-recent', '--lang', lang], env).stdout);
  const zh = run('zh');
  t.true(zh.includes(flat(ZH)), zh);
  t.false(zh.includes(flat(EN)), 'no English in a zh report');
  const en = run('en');
  t.true(en.includes(flat(EN)), en);
  t.false(en.includes(flat(ZH)), 'no Chinese in an en report');
  const both = run('both', { LANG: 'zh_CN.UTF-8' });
  t.true(both.includes(flat(`${ZH}`)) && both.includes(flat(EN)), both);
  t.true(both.indexOf(flat(ZH)) < both.indexOf(flat(EN)), 'LANG zh: Chinese first');
  t.true(both.includes(flat('结论')), 'the rest of the report in the LANG language');
  const bothEn = run('both', { LANG: 'C' });
  t.true(bothEn.indexOf(flat(EN)) < bothEn.indexOf(flat(ZH)), 'LANG C: English first');
});

test('JSON keeps both languages of every message; junit and sarif text pick one, sarif properties keep both; html carries both; dengbao is Chinese', async (t) => {
  const { report } = await fixtureReport(t, ['centos7-web-neglected']);
  const backup = report.results.find((r) => r.check === 'a40-10-backup-recent')!;
  const m = backup.evidence.find((e) => e.message?.en.includes(EN))?.message;
  t.truthy(m, JSON.stringify(backup.evidence));
  t.true(m!.zh.includes(ZH));
  const one = { ...report, results: [backup] } as Report;
  for (const id of ['junit', 'sarif']) {
    const zh = formatters[id]!(one, { lang: 'zh', color: false });
    const en = formatters[id]!(one, { lang: 'en', color: false });
    t.true(zh.includes(ZH) && en.includes(EN), id);
    if (id === 'junit') t.false(zh.includes(EN) || en.includes(ZH), `${id}: one language`);
    const both = formatters[id]!(one, { lang: 'en', color: false, both: true });
    t.true(both.includes(`${EN}`) && both.includes(ZH), `${id} --lang both`);
  }
  const sarif = JSON.parse(formatters.sarif!(one, { lang: 'en', color: false })) as { runs: Array<{ results: Array<{ message: { text: string }; properties: { evidence: Report['results'][0]['evidence'] } }> }> };
  const res = sarif.runs[0]!.results[0]!;
  t.false(res.message.text.includes(ZH), 'SARIF message text in the chosen language');
  t.deepEqual(res.properties.evidence.find((e) => e.message?.en.includes(EN))?.message, m, 'SARIF properties keep both');
  const html = formatters.html!(one, { lang: 'zh', color: false });
  t.true(html.includes(`<span class="zh">${ZH}`) && html.includes(`<span class="en">${EN}`), 'HTML: both, CSS shows the page language');
  const dengbao = formatters.dengbao!(one, { lang: 'en', color: false });
  t.true(dengbao.includes(ZH));
  t.false(dengbao.includes(EN), 'the 等保 record is written in Chinese');
});

test('a report written before messages were { zh, en } (a baseline, a shard) loads with its messages split into the pair', async (t) => {
  t.deepEqual(migrateMessageV1('fact absent / 未采集到该事实'), { zh: '未采集到该事实', en: 'fact absent' });
  t.deepEqual(migrateMessageV1('partial merge: judged over shards 1/2 only / 部分合并：仅依据分片 1/2 判定'), { zh: '部分合并：仅依据分片 1/2 判定', en: 'partial merge: judged over shards 1/2 only' });
  t.deepEqual(migrateMessageV1('not a list'), { zh: 'not a list', en: 'not a list' }, 'one language only: the same text in both, as such reports printed it');
  t.deepEqual(migrateMessageV1('a / b'), { zh: 'a / b', en: 'a / b' }, 'a slash in English text is not a language boundary');
  t.deepEqual(migrateMessageV1('tighten ssl_ciphers / SSLCipherSuite / 请收紧 ssl_ciphers / SSLCipherSuite'), { zh: '请收紧 ssl_ciphers / SSLCipherSuite', en: 'tighten ssl_ciphers / SSLCipherSuite' }, 'slashes in both halves');
  t.deepEqual(migrateMessageV1('weak hash (sm3 国密 is fine) / 存在弱口令散列算法'), { zh: '存在弱口令散列算法', en: 'weak hash (sm3 国密 is fine)' }, 'a Chinese word in the English half');
  const { report } = await fixtureReport(t, ['centos7-web-neglected']);
  const old = JSON.parse(JSON.stringify(report).replace(/"message":\{"zh":"((?:[^"\\]|\\.)*)","en":"((?:[^"\\]|\\.)*)"\}/g, '"message":"$2 / $1"')) as Report;
  t.true(old.results.some((r) => r.evidence.some((e) => typeof e.message === 'string')), 'the old shape was written');
  const migrated = migrateReportV1(old);
  t.deepEqual(migrated.results.map((r) => r.evidence.map((e) => e.message)), report.results.map((r) => r.evidence.map((e) => e.message)));
  const zh = flat(formatters.text!(migrated, { lang: 'zh', color: false }));
  t.true(zh.includes(flat(ZH)) && !zh.includes(flat(EN)));
});

