/** The SQL tokenizer, its fingerprints, and the injected-syntax judgement. */
import test from 'ava';
import { fingerprint, judgeSql, SQL_HEAD_PATTERNS, SQL_PATTERNS, tokenizeSql, type QuoteContext } from '../../../src/detect/web/sql.js';

const fp = (s: string, ctx: 'none' | 'single' | 'double' = 'none'): string => fingerprint(tokenizeSql(s, ctx));

test('tokens: strings in each quote context, numbers, operators, keywords, functions, comments', (t) => {
  t.deepEqual(
    tokenizeSql("1 UNION ALL SELECT @@version, sleep(5), 'a''b' -- x", 'none').map((k) => k.t).join(''),
    '1UkEv,f(1),sc',
  );
  t.is(fp("admin' or '1'='1", 'single'), 's&sos');
  t.is(fp('admin" or "1"="1', 'double'), 's&sos');
  t.is(fp("admin' or '1'='1", 'double'), 's', 'no closing double quote: the whole value stays inside the string');
  t.is(fp('x = 0x1F and y <> 1.5e3'), 'no1&no1');
  t.is(fp("'abc"), 's', 'an unterminated string runs to the end');
  t.is(fp('a /* c */ b # rest'), 'ncnc');
  t.is(fp('/*!50000select*/ 1'), 'E1', 'a MySQL versioned comment is code');
  t.is(fp('drop-off'), 'n', 'a hyphenated word is one bareword');
  t.is(fp('-1 union select 1'), '1UE1', 'a leading sign belongs to the number');
});

test('folding: lists and arithmetic fold to one value', (t) => {
  t.is(fp('1,NULL,NULL,NULL) waitfor delay'), '1)Ek');
  t.is(fp('1-1 union select 1,2,3,4'), '1UE1');
  t.is(fp("'a' 'b'"), 's');
});

test('injections are found, in the context that breaks out', (t) => {
  const cases: Array<[string, QuoteContext]> = [
    ["1' or '1'='1", 'single'],
    ['1" or "1"="1', 'double'],
    ["admin'--", 'single'],
    ["admin'#", 'single'],
    ['1 and 1=1', 'none'],
    ['1 or sleep(5)', 'none'],
    ['1 union all select 1,2,3', 'none'],
    ["1') or ('1'='1", 'single'],
    ["1'; drop table users; --", 'single'],
    ["1',NULL,NULL) waitfor delay '0:0:5'--", 'single'],
    ['1 order by 3', 'none'],
    ['1),(select if(1,sleep(5),0))', 'none'],
    ['select * from users', 'none'],
    ['select @@version', 'none'],
    ['(select(sleep(10)))', 'none'],
    ['1 where 1=1 and 1=1', 'none'],
    ['1 /*!50000union*/ /*!50000select*/ 1,2', 'none'],
    ["' and extractvalue(1,concat(0x7e,version()))--", 'single'],
    // arithmetic on a numeric value with an injection's call: no break-out needed
    ['1-sleep(5)', 'none'],
    ['1+if(benchmark(3000000,MD5(1)),NULL,NULL),NULL)', 'none'],
    ['1*updatexml(1,concat(0x7e,user()),1)', 'none'],
    ["1'-sleep(5)-'", 'single'],
    // a keyword whose operand is a subquery (sqlmap's boolean RLIKE/REGEXP probes)
    ['1 rlike (select (case when (1=1) then 1 else 0x28 end))', 'none'],
    ['1 regexp (select 1)', 'none'],
  ];
  for (const [v, ctx] of cases) {
    const r = judgeSql(v);
    t.truthy(r, v);
    t.is(r?.context, ctx, `${v}: ${JSON.stringify(r)}`);
  }
});

test('ordinary text with SQL words or apostrophes is not an injection', (t) => {
  for (const v of [
    "Xi'an",
    "people's congress",
    "O'Brien",
    "Côte d'Ivoire 签证",
    "children's hospital 挂号",
    'European Union select committee report',
    'how to select a school 学区',
    'select committee',
    '社保 update',
    'trade union',
    'drop-off 快递 网点',
    'sleep 睡眠 健康 讲座',
    'black and white',
    'rock and roll',
    '月收入>5000 个税',
    'x<5',
    '3 < 5 > 2',
    '50%',
    'C++',
    'A&B',
    '"乡村振兴"',
    '#1',
    '2024-left(a)', // arithmetic with an ordinary function name is text
    'rock regexp (selected works)',
    '1+min(3)',
    'c++ if(x)',
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc',
    'ST-12345-abcdef-cas',
    'https://www.example.gov.cn/art/2025/3/8/art_1243_942074.html',
  ]) {
    t.is(judgeSql(v), undefined, v);
  }
});

test('every pattern id is unique and names its reason', (t) => {
  const ids = [...SQL_PATTERNS, ...SQL_HEAD_PATTERNS].map((p) => p.id);
  t.is(new Set(ids).size, ids.length);
  for (const p of [...SQL_PATTERNS, ...SQL_HEAD_PATTERNS]) t.true(p.why.length > 10, p.id);
});
