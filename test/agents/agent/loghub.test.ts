import test from 'ava';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyArchive } from '../../../src/journal/index.js';
import { loadConfig } from '../../../agents/agent/config.js';
import { createEvents } from '../../../agents/agent/events.js';
import { parsers } from '../../../src/parsers/loglines.js';
import type { Detector } from '../../../agents/agent/pipeline.js';
import { archivedLines, rm, tmp, writeConfig } from './helpers.js';
import { waitUntil } from '../../helpers/time.js';
import { startAgent } from '../../helpers/agent.js';

/** Real logs from Loghub (logpai/loghub, ISSRE 2023), copied into a temp dir only. */
const CORPUS = '/work/shared/corpus/logs';
const read = (f: string) => readFileSync(join(CORPUS, f), 'utf8').split('\n');

test('format parsers on the Loghub Apache, Linux syslog and OpenSSH logs', (t) => {
  t.true(existsSync(CORPUS), `${CORPUS} holds the Loghub sample`);
  const apache = read('loghub__Apache_2k.log').map((l) => parsers.apache(l));
  t.is(apache.length, 2000);
  t.is(apache.filter(Boolean).length, 2000);
  t.is(apache.filter((p) => p?.level === 'notice').length, 1405);
  t.is(apache.filter((p) => p?.level === 'error').length, 595);
  t.is(apache.filter((p) => p?.client && /Directory index forbidden/.test(p.message ?? '')).length, 32);

  const linux = read('loghub__Linux_2k.log').map((l) => parsers.syslog(l));
  t.is(linux.filter(Boolean).length, 1999); // one login(1) line has no tag: "combo  -- root[2421]: ROOT LOGIN ON tty2"
  t.is(linux.filter((p) => p?.host === 'combo').length, 1999);
  const linuxAuth = read('loghub__Linux_2k.log').map((l) => parsers.auth(l));
  t.is(linuxAuth.filter((p) => p?.auth?.outcome === 'auth_failure' && p.program?.startsWith('sshd')).length, 489);

  const ssh = read('loghub__OpenSSH_2k.log').map((l) => parsers.auth(l));
  t.is(ssh.filter(Boolean).length, 2000);
  const failedPw = ssh.filter((p) => p?.auth?.outcome === 'failed' && /Failed password/.test(p.message ?? ''));
  t.is(failedPw.length, 520);
  t.is(failedPw.reduce((n, p) => n + (p?.auth?.repeated ?? 1), 0), 528);
  t.is(new Set(failedPw.map((p) => p?.auth?.from)).size, 23);
  t.deepEqual(ssh.filter((p) => p?.auth?.outcome === 'accepted').map((p) => [p?.auth?.user, p?.auth?.from]), [['fztu', '119.137.62.142']]);
  t.is(ssh.filter((p) => p?.auth?.outcome === 'invalid_user').length, 113);
});

test('the agent archives the three Loghub files whole (CRLF, no final newline) and detectors see them parsed', async (t) => {
  const d = tmp('loghub');
  mkdirSync(join(d, 'logs'));
  for (const f of ['Apache', 'Linux', 'OpenSSH']) copyFileSync(join(CORPUS, `loghub__${f}_2k.log`), join(d, 'logs', `${f.toLowerCase()}.log`));
  const cfg = loadConfig(
    writeConfig(d, {
      archive: { dir: join(d, 'archive') },
      sources: [
        { type: 'file', name: 'apache', path: join(d, 'logs', 'apache.log'), format: 'apache', flush_partial_after_s: 0.3 },
        { type: 'file', name: 'linux', path: join(d, 'logs', 'linux.log'), format: 'syslog', flush_partial_after_s: 0.3 },
        { type: 'file', name: 'ssh', path: join(d, 'logs', 'openssh.log'), format: 'auth', flush_partial_after_s: 0.3 },
      ],
      // Rules off: this test counts the archived log lines exactly (alerts would be archived too);
      // the rules on these files are test/detect/loghub.test.ts and test/agents/agent/detect.test.ts.
      detections: { enabled: false },
    }),
  );
  const seen: Record<string, { lines: number; parsed: number; failed: number }> = {};
  const counting: Detector = {
    name: 'count',
    formats: 'all',
    observe(lines) {
      for (const l of lines) {
        const s = (seen[l.source] ??= { lines: 0, parsed: 0, failed: 0 });
        s.lines++;
        if (l.parsed) s.parsed++;
        if (l.parsed?.auth?.outcome === 'failed' && /Failed password/.test(l.line)) s.failed++;
      }
    },
  };
  const ev = createEvents({ silent: true });
  const agent = startAgent(t, cfg, { events: ev, detectors: [counting] });
  await waitUntil(() => (ev.counters.RecordsArchived ?? 0) >= 6000, 6000, 100);
  await agent.stop();
  t.is(ev.counters.RecordsArchived, 6000);
  t.is(ev.counters.PartialLineFlushed, 3);
  t.deepEqual(seen.apache, { lines: 2000, parsed: 2000, failed: 0 });
  t.deepEqual(seen.linux, { lines: 2000, parsed: 1999, failed: 0 });
  t.deepEqual(seen.ssh, { lines: 2000, parsed: 2000, failed: 520 });
  t.is(ev.counters.LineParseError, 1);
  for (const [src, file] of [['apache', 'Apache'], ['linux', 'Linux'], ['ssh', 'OpenSSH']] as const) {
    // Byte for byte: the archive holds each original line (with its \r), and all of them.
    t.deepEqual(await archivedLines(join(d, 'archive'), src), read(`loghub__${file}_2k.log`), src);
  }
  const v = await verifyArchive(join(d, 'archive'));
  t.true(v.ok);
  t.is(v.records, 6000);
  rm(d);
});
