import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { combineAll, combineAny, combineNone } from '../../src/engine/combine.js';
import { STATUSES, type Status } from '../../src/model/status.js';
import { packageRoot } from '../../src/util/paths.js';

const fns = { all: combineAll, any: combineAny, none: combineNone } as const;

/** The binary tables as written in docs/ENGINE.md. */
function docTable(name: keyof typeof fns): Map<string, Status> {
  const text = readFileSync(join(packageRoot(), 'docs', 'ENGINE.md'), 'utf8');
  const section = text.split(`### ${name}\n`)[1]!.split('\n## ')[0]!.split('\n### ')[0]!;
  const rows = section.split('\n').filter((l) => l.startsWith('| **'));
  const cells = new Map<string, Status>();
  for (const row of rows) {
    const parts = row.split('|').map((s) => s.trim()).filter(Boolean);
    const a = parts[0]!.replace(/\*/g, '');
    parts.slice(1).forEach((v, i) => cells.set(`${a},${STATUSES[i]}`, v as Status));
  }
  return cells;
}

for (const name of ['all', 'any', 'none'] as const) {
  test(`${name}: docs/ENGINE.md table matches the code in all 36 cells`, (t) => {
    const table = docTable(name);
    t.is(table.size, 36);
    for (const a of STATUSES) for (const b of STATUSES) t.is(fns[name]([a, b]), table.get(`${a},${b}`)!, `${name}(${a}, ${b})`);
  });

  test(`${name}: n-ary equals folding the binary table, every list up to length 4`, (t) => {
    const table = docTable(name);
    // none is not(any): fold with any's table, then negate.
    const foldTable = name === 'none' ? docTable('any') : table;
    const negate = (s: Status): Status => (s === 'pass' ? 'fail' : s === 'fail' ? 'pass' : s);
    let checked = 0;
    const lists: Status[][] = [[]];
    for (let len = 1; len <= 4; len++) {
      for (const prefix of lists.filter((l) => l.length === len - 1)) for (const s of STATUSES) lists.push([...prefix, s]);
    }
    for (const list of lists) {
      if (list.length < 2) continue;
      let acc = list[0]!;
      // a single waived child counts as pass; fold from the normalised first element
      if (acc === 'waived') acc = 'pass';
      for (const s of list.slice(1)) acc = foldTable.get(`${acc},${s}`)!;
      t.is(fns[name](list), name === 'none' ? negate(acc) : acc, `${name}(${list.join(', ')})`);
      checked++;
    }
    t.is(checked, 36 + 216 + 1296);
  });
}

test('single children and empty lists', (t) => {
  for (const s of STATUSES) {
    const n = s === 'waived' ? 'pass' : s;
    t.is(combineAll([s]), n);
    t.is(combineAny([s]), n);
    t.is(combineNone([s]), n === 'pass' ? 'fail' : n === 'fail' ? 'pass' : n);
  }
  t.is(combineAll([]), 'pass');
  t.is(combineAny([]), 'fail');
  t.is(combineNone([]), 'pass');
});
