/**
 * The web inspection's regular expressions built at run time are checked by recheck (a ReDoS
 * checker) as the values they are. Every literal, here and everywhere else, is checked by the
 * source scan (test/redos/source-regexes.test.ts, with its verdict cache and allowlist); this file
 * used to rescan the literals of src/detect/web/ without either, which was slow and, for bounded
 * patterns recheck cannot decide in time, flaky.
 */
import test from 'ava';
import { CODE_CALL_RE } from '../../../src/detect/web/code.js';
import { SENSITIVE_GATE, STRONG_GATE } from '../../../src/detect/web/path.js';
import { UA_RE } from '../../../src/detect/web/scanners.js';
import { checkRedos } from '../../../src/util/redos.js';
import { scaled } from '../../helpers/time.js';

test('the regexes the web inspection builds at run time cannot backtrack catastrophically (recheck)', (t) => {
  t.timeout(scaled(110_000));
  const built = { CODE_CALL_RE, UA_RE, SENSITIVE_GATE, STRONG_GATE };
  const bad: string[] = [];
  for (const [name, re] of Object.entries(built)) {
    t.true(re.source.length > 20, `${name} is built from its list`);
    // recheck's own time limit is generous so a loaded machine gives `safe`/`vulnerable`, not `unknown`
    const res = checkRedos(re.source, re.flags.replace(/[gy]/g, ''), scaled(60_000));
    if (res.status !== 'safe') bad.push(`${name} /${re.source.slice(0, 80)}…/${re.flags}: ${res.status}${res.status === 'vulnerable' ? ` (attack ${JSON.stringify(res.attack.slice(0, 40))})` : ` (${res.reason})`}`);
  }
  t.deepEqual(bad, []);
});
