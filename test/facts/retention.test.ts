/* eslint-disable @typescript-eslint/no-explicit-any -- the assertions walk derived families (unions with {error}) loosely; every value is still checked */
import test from 'ava';
import { retention } from '../../src/facts/retention.js';
import { env, logging } from './ops-fixtures.js';

const agent = (unit: string, retention_days: number | null, log_paths: string[]) => ({ gwsec: { unit, status: { last_checkpoint: null } }, config: { present: retention_days !== null, retention_days, log_paths }, processes: [] });

test('retention: each kind kept by its longest mechanism; a starved journal is not credited', (t) => {
  const r = retention.derive({ logging: logging(), agent_status: agent('inactive', null, []) }, env()) as any;
  t.deepEqual(r.categories.map((c: any) => [c.name, c.retention_days, c.unlimited]), [['web', 14, false], ['auth', 28, true], ['system', 28, true]]);
  t.deepEqual(r.agent_archive, { configured: false, retention_days: null });
  const starved = retention.derive({ logging: logging({ journald: { configured: true, storage: 'persistent', max_retention_sec: null, system_max_use_bytes: 256 * 1024 ** 2, journal_dir: true, persistent: true } }), agent_status: agent('active', 400, ['/var/log/nginx/access.log']) }, env()) as any;
  t.deepEqual(starved.categories.map((c: any) => [c.name, c.retention_days, c.unlimited]), [['web', 400, false], ['auth', 28, false], ['system', 28, false]]);
  t.deepEqual(starved.agent_archive, { configured: true, retention_days: 400 });
});

test('retention: a log no rule covers is never rotated; an unreadable logrotate config errs unless something else keeps it forever', (t) => {
  const r = retention.derive({ logging: logging({ logrotate: { installed: true, rules: [] }, journald: { configured: true, storage: 'auto', max_retention_sec: 90 * 86400, system_max_use_bytes: null, journal_dir: true, persistent: true } }), agent_status: agent('inactive', null, []) }, env()) as any;
  t.deepEqual(r.categories.map((c: any) => [c.name, c.unlimited]), [['web', true], ['auth', true], ['system', true]]);
  const e = retention.derive({ logging: logging({ logrotate: { error: { code: 'permission_denied', message: 'x' } } }), agent_status: agent('inactive', null, []) }, env()) as any;
  t.like(e.categories[0], { name: 'web', error: { code: 'permission_denied' } });
  t.like(e.categories[1], { name: 'auth', unlimited: true });
});
