/**
 * What `gwsec fixture record` writes is shareable and still true: every Collector.redact entry keys
 * something its collector requests, removes the secret, and leaves parse() unchanged — on every
 * shipped fixture host, fact by fact.
 */
import test from 'ava';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { collectors } from '../../src/audit/registry.js';
import { collect } from '../../src/collectors/run.js';
import { identity, identityDigest } from '../../src/collectors/identity.js';
import { sharedForm } from '../../src/collectors/redact.js';
import { redactSecrets, redactCommand } from '../../src/parsers/backup.js';
import { parseGroup, redactGroup } from '../../src/parsers/group.js';
import { parsePasswd, redactPasswd } from '../../src/parsers/passwd.js';
import { classifyPassword, parseShadow, redactPasswordField, redactShadow } from '../../src/parsers/shadow.js';
import { FixtureTransport } from '../../src/transport/fixture.js';
import { packageRoot } from '../../src/util/paths.js';

const HOSTS = join(packageRoot(), 'test', 'fixtures', 'hosts');

test('every redact key names a file, glob or command its collector requests', (t) => {
  let n = 0;
  for (const c of collectors) {
    for (const key of Object.keys(c.redact ?? {})) {
      n++;
      const asked = c.requests.some((r) => (r.kind === 'cmd' ? key === `cmd:${r.name}` : r.kind === 'glob' ? key === r.pattern : key === r.path));
      t.true(asked, `${c.id}.redact['${key}'] reduces something ${c.id} never requests: fix the key or add the request`);
    }
  }
  t.true(n >= 10, `${n} redactors`);
});

test('a password field keeps its status and algorithm, and loses the hash, salt and cost', (t) => {
  const fields = [
    '$y$j9T$dbxRQj9VGco2yx9BnTgzU1$XFTj1WHLXPV75AMCBgrkYPoCPUuutlX5PQ9xg2vDQt8',
    '$6$rounds=5000$saltsalt$Xhash',
    '$5$salt$hash',
    '$1$salt$hash',
    '$2b$12$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234',
    'abJnggxhB/yWI',
    '_J9..rasmBYk8r9AiWNc',
    '$sm3$salt$hash',
    '$sm3y$j9T$salt$hash',
    '$gy$j9T$salt$hash',
    '$7$CU..../....$hash',
    '$md5,rounds=5000$salt$$hash',
    '!$6$salt$hash',
    '!!$y$j9T$salt$hash',
    '*',
    '!',
    '!!',
    '',
    'NP',
    '*LK*',
    'plain-text-oops',
  ];
  for (const f of fields) {
    const r = redactPasswordField(f);
    t.deepEqual(classifyPassword(r), classifyPassword(f), `${f} -> ${r}`);
    const hashy = f.replace(/^[!*]+/, '');
    if (hashy.length > 4) t.false(r.includes(hashy.slice(-4)), `${f} -> ${r} keeps part of the hash`);
  }
});

test('shadow, passwd and group keep every field the parsers read; hashes and GECOS go', (t) => {
  const shadow = 'root:$6$s4lt$H4shH4shH4sh:19700:1:90:7:::\n# comment\ndaemon:*:19700:0:99999:7:::\nold:!$1$x$y:19000::::::\r\n';
  const r = redactShadow(shadow);
  t.deepEqual(parseShadow(r), parseShadow(shadow));
  t.false(/H4sh|s4lt|\$x\$y/.test(r), r);
  t.true(r.includes('# comment') && r.endsWith('\r\n'), 'comments and line endings kept');
  const passwd = 'root:x:0:0:root:/root:/bin/bash\nalice:$6$salt$legacyhash:1000:1000:Alice Wang,Room 3,13800138000:/home/alice:/bin/bash\n+@netgroup::::::\n';
  const p = redactPasswd(passwd);
  t.deepEqual(parsePasswd(p), parsePasswd(passwd));
  t.false(/legacyhash|13800138000|Alice Wang/.test(p), p);
  const group = 'root:x:0:\nwheel:$1$salt$grouphash:10:alice,bob\n';
  const g = redactGroup(group);
  t.deepEqual(parseGroup(g), parseGroup(group));
  t.false(g.includes('grouphash'));
});

test('machine-id and product_uuid are recorded as the digests the facts carry', async (t) => {
  const mid = '3d1219c7c4c5404aaa1f6d2a48adfda4';
  const uuid = '4C4C4544-0048-3510-8052-B4C04F4E4B32';
  const share = sharedForm(collectors);
  const files = { '/etc/machine-id': share('/etc/machine-id')!(`${mid}\n`), '/sys/class/dmi/id/product_uuid': share('/sys/class/dmi/id/product_uuid')!(`${uuid}\n`) };
  t.false(JSON.stringify(files).toLowerCase().includes(mid) || JSON.stringify(files).toLowerCase().includes(uuid.toLowerCase()));
  const facts = (await collect(FixtureTransport.fromMemory({ name: 'm', files }), [identity])).facts.identity;
  t.deepEqual(facts, { machine_id: identityDigest('machine-id', mid), product_uuid: identityDigest('product_uuid', uuid.toLowerCase()) });
  t.is(share('/etc/machine-id')!('uninitialized\n'), '', 'no identity: nothing to keep');
});

test('cron lines lose their passwords and keep what the backup facts read', (t) => {
  const cron = [
    '30 2 * * * root mysqldump -uroot -pS3cret --all-databases | gzip > /srv/backup/db.gz',
    '0 3 * * * root PGPASSWORD=pgS3cret pg_dump -h db app > /srv/backup/app.sql',
    '0 4 * * * root rsync -a /srv/backup/ rsync://bk:rsyncS3cret@10.0.0.9/bk/',
    '0 5 * * * root openssl enc -sm4-cbc -pass pass:encS3cret -in a -out b',
  ].join('\n');
  const r = redactSecrets(cron);
  t.false(/S3cret/.test(r), r);
  t.is(r.split('\n').length, 4);
  for (const [a, b] of r.split('\n').map((l, i) => [l, cron.split('\n')[i]!])) t.is(redactCommand(a), redactCommand(b));
});

/** a copy of a fixture host folder, written as `gwsec fixture record` would write it */
function reducedCopy(src: string): string {
  const dst = mkdtempSync(join(tmpdir(), 'gwsec-reduced-'));
  cpSync(src, dst, { recursive: true });
  const share = sharedForm(collectors);
  const walk = (d: string): string[] => readdirSync(d).flatMap((e) => (statSync(join(d, e)).isDirectory() ? walk(join(d, e)) : [join(d, e)]));
  for (const f of walk(dst)) {
    const rel = relative(dst, f);
    const key = rel.startsWith('files/') ? rel.slice('files'.length) : rel.startsWith('cmd/') && rel.endsWith('.txt') ? `cmd:${rel.slice(4, -4)}` : null;
    const reduce = key === null ? undefined : share(key);
    if (reduce) writeFileSync(f, reduce(readFileSync(f, 'utf8')));
  }
  return dst;
}

for (const host of readdirSync(HOSTS)) {
  test(`${host}: the reduced recording gives the same facts as the full one`, async (t) => {
    const dst = reducedCopy(join(HOSTS, host));
    try {
      const [full, reduced] = await Promise.all([collect(FixtureTransport.fromDir(join(HOSTS, host)), collectors), collect(FixtureTransport.fromDir(dst), collectors)]);
      t.deepEqual(reduced.facts, full.facts);
      const shadow = join(dst, 'files', 'etc', 'shadow');
      const text = readFileSync(shadow, { encoding: 'utf8', flag: 'a+' });
      t.false(/\$[0-9a-z]+\$[^:]*[./0-9A-Za-z]{20}/.test(text), `${host}: a hash survived in shadow`);
    } finally {
      rmSync(dst, { recursive: true, force: true });
    }
  });
}
