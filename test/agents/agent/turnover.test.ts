import test from 'ava';
import { TurnoverWatch } from '../../../agents/agent/sources/turnover.js';

const f = (id: string, path: string) => ({ id, path });

test('rename rotation within the kept files: the old live file continues as .1, no alarm', (t) => {
  const w = new TurnoverWatch();
  w.saw([f('1', 'a.log'), f('2', 'a.log.1'), f('3', 'a.log.2')]);
  t.is(w.end(), null, 'first scan has nothing to compare');
  w.saw([f('4', 'a.log'), f('1', 'a.log.1'), f('2', 'a.log.2')]); // 3 deleted, 1 and 2 moved
  t.is(w.end(), null);
});

test('every rotated file of the last scan gone, new files instead: loss possible', (t) => {
  const w = new TurnoverWatch();
  w.saw([f('1', 'a.log'), f('2', 'a.log.1'), f('3', 'a.log.2')]);
  w.end();
  w.saw([f('7', 'a.log'), f('6', 'a.log.1'), f('5', 'a.log.2')]);
  t.deepEqual(w.end(), { gone: 3, listed: 3 });
});

test('copytruncate: the live file keeps its name; a recognised copy is continuity, none is an alarm', (t) => {
  const w = new TurnoverWatch();
  w.saw([f('1', 'a.log'), f('2', 'a.log.1')]);
  w.end();
  w.saw([f('1', 'a.log'), f('3', 'a.log.1')]);
  w.continued(); // the copy of a.log's old content was found
  t.is(w.end(), null);
  w.saw([f('1', 'a.log'), f('9', 'a.log.1')]);
  t.deepEqual(w.end(), { gone: 1, listed: 2 });
});

test('no alarm for a single listed file, for deletions without new files, or for quiet scans', (t) => {
  const w = new TurnoverWatch();
  w.saw([f('1', 'a.log')]);
  w.end();
  w.saw([f('2', 'a.log')]); // rotated out of a glob that only matches the live name
  t.is(w.end(), null);
  w.saw([f('2', 'a.log'), f('3', 'a.log.1'), f('4', 'a.log.2')]);
  w.end();
  w.saw([f('2', 'a.log'), f('3', 'a.log.1')]); // someone deleted .2
  t.is(w.end(), null);
  w.saw([f('2', 'a.log'), f('3', 'a.log.1')]);
  t.is(w.end(), null);
});

test('a file seen under two names during one racing scan counts as moved', (t) => {
  const w = new TurnoverWatch();
  w.saw([f('1', 'a.log'), f('2', 'a.log.1')]);
  w.end();
  w.saw([f('1', 'a.log'), f('5', 'a.log.1')]);
  w.saw([f('1', 'a.log.1'), f('6', 'a.log')]); // relisted after a rotation in the middle of the scan
  t.is(w.end(), null);
});
