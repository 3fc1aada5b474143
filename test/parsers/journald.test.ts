import test from 'ava';
import { parseJournaldConf, parseSize, parseTimespan } from '../../src/parsers/journald.js';

const STOCK = `#  This file is part of systemd.
[Journal]
#Storage=auto
#Compress=yes
#SystemMaxUse=
#MaxRetentionSec=
`;

test('stock file: auto, no limits', (t) => {
  t.deepEqual(parseJournaldConf([{ path: '/etc/systemd/journald.conf', content: STOCK }]), { storage: 'auto', max_retention_sec: null, system_max_use_bytes: null });
});

test('drop-ins in name order; /etc masks a same-named /usr/lib file', (t) => {
  const s = parseJournaldConf([
    { path: '/etc/systemd/journald.conf', content: STOCK },
    { path: '/usr/lib/systemd/journald.conf.d/50-x.conf', content: '[Journal]\nStorage=volatile\n' },
    { path: '/usr/lib/systemd/journald.conf.d/60-y.conf', content: '[Journal]\nMaxRetentionSec=1month\n' },
    { path: '/etc/systemd/journald.conf.d/50-x.conf', content: '[Journal]\nStorage=persistent\nSystemMaxUse=4G\n' },
  ]);
  t.deepEqual(s, { storage: 'persistent', max_retention_sec: 2629800, system_max_use_bytes: 4 * 1024 ** 3 });
});

test('time spans and sizes', (t) => {
  t.is(parseTimespan('180d'), 180 * 86400);
  t.is(parseTimespan('6month'), 6 * 2629800);
  t.is(parseTimespan('1y 2w'), 31557600 + 2 * 604800);
  t.is(parseTimespan('30m'), 1800);
  t.is(parseTimespan('3600'), 3600);
  t.is(parseTimespan('soon'), null);
  t.is(parseSize('512M'), 512 * 1024 ** 2);
  t.is(parseSize('lots'), null);
});
