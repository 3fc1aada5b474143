import test from 'ava';
import { scaled, timeScale, TIME_SCALE, waitUntil } from './time.js';

test('the time scale: default 1, a number ≥ 1 from GWSEC_TEST_TIME_SCALE, anything else is an error', (t) => {
  t.is(timeScale(undefined), 1);
  t.is(timeScale(''), 1);
  t.is(timeScale('2.5'), 2.5);
  t.throws(() => timeScale('0.5'), { message: /GWSEC_TEST_TIME_SCALE must be a number ≥ 1, got '0.5'/ });
  t.throws(() => timeScale('fast'), { message: /got 'fast'/ });
  t.is(scaled(1000), Math.ceil(1000 * TIME_SCALE));
});

test('waitUntil: true as soon as the condition holds, false once the (scaled) limit has passed', async (t) => {
  let n = 0;
  t.true(await waitUntil(() => ++n >= 3, 5000, 1));
  t.is(n, 3);
  const t0 = Date.now();
  t.false(await waitUntil(() => false, 100, 10));
  t.true(Date.now() - t0 >= scaled(100));
});
