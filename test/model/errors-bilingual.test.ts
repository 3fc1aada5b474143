/**
 * Every GwsecError speaks both languages (the constructor takes `{ zh, en }` only: the type checker
 * is the parity test), the Chinese half is Chinese, and stderr carries the language the user chose
 * — `--lang zh|en|both`, else LANG — with the location, code and exit status unchanged.
 */
import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { GwsecError, GwsecErrorList } from '../../src/model/errors.js';
import { parseConfig } from '../../agents/agent/config.js';
import { errorLang } from '../../src/i18n/index.js';
import { packageRoot } from '../../src/util/paths.js';
import { gwsec } from '../helpers/cli.js';

const ROOT = packageRoot();
const CJK = /[\u4e00-\u9fff]/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The text of each `new GwsecError(…)` call: from the name to its balanced closing parenthesis. */
function calls(text: string): Array<{ at: number; text: string }> {
  const out: Array<{ at: number; text: string }> = [];
  for (let i = text.indexOf('new GwsecError('); i >= 0; i = text.indexOf('new GwsecError(', i + 1)) {
    let depth = 0;
    let j = i + 'new GwsecError'.length;
    for (; j < text.length; j++) {
      const c = text[j];
      if (c === '(' || c === '{' || c === '[') depth++;
      else if (c === ')' || c === '}' || c === ']') depth--;
      if (depth === 0) break;
    }
    out.push({ at: text.slice(0, i).split('\n').length, text: text.slice(i, j + 1) });
  }
  return out;
}

test('every GwsecError written in the code has a Chinese half in Chinese words (or built from another pair\'s .zh)', (t) => {
  const problems: string[] = [];
  let n = 0;
  for (const file of ['src', 'cli', 'agents'].flatMap((d) => sources(join(ROOT, d)))) {
    for (const c of calls(readFileSync(file, 'utf8'))) {
      n++;
      const where = `${relative(ROOT, file)}:${c.at}`;
      const second = c.text.replace(/^new GwsecError\(\s*[^,]+,\s*/, '');
      if (/^['"`]/.test(second)) problems.push(`${where}: a plain string message; give { en, zh }`);
      for (const m of c.text.matchAll(/\bzh:\s*(['"`])((?:\\.|(?!\1).)*)\1/gs)) if (!CJK.test(m[2]!) && !/\.zh\b/.test(m[2]!)) problems.push(`${where}: zh has no Chinese: ${m[2]!.slice(0, 60)}`);
      if (/\ben:\s*['"`]/.test(c.text) && !/\bzh:/.test(c.text)) problems.push(`${where}: en without zh`);
    }
  }
  t.true(n >= 200, `${n} GwsecError constructions found: the scan lost its way`);
  t.deepEqual(problems, []);
});

test('format() prints the chosen language, keeps the location and code', (t) => {
  const e = new GwsecError('usage_error', { en: 'bad thing', zh: '出错了' }, { file: 'inv.yaml', line: 3, column: 5 });
  t.is(e.message, 'bad thing', 'message stays English (stacks, logs)');
  t.is(e.format('en'), 'inv.yaml:3:5: bad thing [usage_error]');
  t.is(e.format('zh'), 'inv.yaml:3:5: 出错了 [usage_error]');
  t.is(e.format('both'), 'inv.yaml:3:5: bad thing / 出错了 [usage_error]');
  t.deepEqual(e.text, { en: 'bad thing', zh: '出错了' });
});

test('errorLang: --lang as given (both forms), else LC_ALL / LC_MESSAGES / LANG', (t) => {
  t.is(errorLang(['audit', '--lang', 'zh'], { LANG: 'C' }), 'zh');
  t.is(errorLang(['audit', '--lang=en'], { LANG: 'zh_CN.UTF-8' }), 'en');
  t.is(errorLang(['--lang', 'both', 'audit'], {}), 'both');
  t.is(errorLang(['audit'], { LANG: 'zh_CN.UTF-8' }), 'zh');
  t.is(errorLang(['audit'], { LC_ALL: 'en_US.UTF-8', LANG: 'zh_CN.UTF-8' }), 'en');
  t.is(errorLang(['audit'], {}), 'en');
});

test('stderr of the real CLI: English under LANG=C, Chinese under zh_CN, both with --lang both; exit 2 and [code] each time', (t) => {
  const env = { LC_ALL: '', LC_MESSAGES: '' };
  const en = gwsec(['audit'], { ...env, LANG: 'C' });
  const zh = gwsec(['audit'], { ...env, LANG: 'zh_CN.UTF-8' });
  const both = gwsec(['audit', '--lang', 'both'], { ...env, LANG: 'C' });
  const zhFlag = gwsec(['audit', '--lang', 'zh'], { ...env, LANG: 'C' });
  for (const r of [en, zh, both, zhFlag]) {
    t.is(r.code, 2, r.stderr);
    t.regex(r.stderr, /\[usage_error\]/);
  }
  t.regex(en.stderr, /nothing to audit/);
  t.false(CJK.test(en.stderr), en.stderr);
  t.regex(zh.stderr, /未指定核查对象/);
  t.notRegex(zh.stderr, /nothing to audit/);
  t.is(zhFlag.stderr, zh.stderr);
  t.regex(both.stderr, /nothing to audit.* \/ 未指定核查对象/);
});

test('a located error keeps file:line in either language', (t) => {
  const env = { LC_ALL: '', LC_MESSAGES: '', LANG: 'C' };
  const bad = join(ROOT, 'package.json'); // JSON is YAML, but not an inventory
  const en = gwsec(['inventory', 'check', bad], env);
  const zh = gwsec(['inventory', 'check', bad, '--lang', 'zh'], env);
  t.is(en.code, 2);
  t.is(zh.code, 2);
  const loc = (s: string) => [...s.matchAll(/package\.json:\d+(?::\d+)?/g)].map((m) => m[0]);
  t.true(loc(en.stderr).length > 0, en.stderr);
  t.deepEqual(loc(zh.stderr), loc(en.stderr));
  t.true(CJK.test(zh.stderr), zh.stderr);
});

test('validators word their details in both languages: agent config (as zod and its zh-CN locale do)', (t) => {
  const e = t.throws(() => parseConfig('a.yaml', 'archive: { dir: /a, segment_max_bytes: 10 }\nretention_days: 180\nsources: [{ type: journald, colour: red }]\n')) as GwsecErrorList;
  const texts = e.errors.map((x) => [x.en, x.zh]);
  t.true(texts.some(([en, zh]) => /segment_max_bytes: Too small/.test(en!) && /segment_max_bytes：数值过小/.test(zh!)), JSON.stringify(texts));
  t.true(texts.some(([en, zh]) => /Unrecognized key: "colour"/.test(en!) && /未知的键\(key\): "colour"/.test(zh!)), JSON.stringify(texts));
});
