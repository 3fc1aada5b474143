import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSshConfig, resolveHost } from '../../src/inventory/ssh-config.js';

test('first value wins, patterns and negation, IdentityFile accumulates, Match skipped', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-sshcfg-'));
  writeFileSync(join(dir, 'extra.conf'), 'Host db-*\n  User dba\n');
  const blocks = parseSshConfig(
    `Include extra.conf
Host web-* !web-bastion
  HostName %h.site.gov.cn
  User ops
  IdentityFile ~/.ssh/web_ed25519
  ProxyJump bastion
Host web-01
  Port 2200
  User ignored-already-set
Match user root
  Port 1
Host *
  IdentityFile ~/.ssh/id_ed25519
  Port 22
`,
    dir,
  );
  const w = resolveHost(blocks, 'web-01');
  t.is(w.hostName, 'web-01.site.gov.cn');
  t.is(w.user, 'ops');
  t.is(w.port, 2200);
  t.is(w.proxyJump, 'bastion');
  t.is(w.identityFiles.length, 2);
  t.is(resolveHost(blocks, 'web-bastion').user, undefined);
  t.is(resolveHost(blocks, 'db-1').user, 'dba');
  t.is(resolveHost(blocks, 'other').port, 22);
});
