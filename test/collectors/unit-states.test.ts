import test from 'ava';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildScript, parseSections } from '../../src/collectors/script.js';
import { agentStatus } from '../../src/collectors/agent_status.js';
import { logging } from '../../src/collectors/logging.js';
import { LocalTransport } from '../../src/transport/local.js';
import { scaled } from '../helpers/time.js';

// One systemctl answers both collectors: a stand-in systemctl (first on PATH) counts its runs and
// answers is-active as systemd does, one state per unit in order, exit 0 when any is active.
test('one systemctl is-active answers the log services and the agent unit, each collector its own lines', async (t) => {
  const bin = mkdtempSync(join(tmpdir(), 'gwsec-units-'));
  const count = join(bin, 'count');
  writeFileSync(join(bin, 'systemctl'), `#!/bin/sh\necho run >>'${count}'\n[ "$1" = is-active ] || exit 1; shift; rc=3\nfor u; do case "$u" in auditd.service|gwsec-agent.service) echo active; rc=0;; *) echo inactive;; esac; done\necho note >&2; exit $rc\n`);
  chmodSync(join(bin, 'systemctl'), 0o755);
  try {
    const requests = [...logging.requests, ...agentStatus.requests].filter((r) => r.kind === 'cmd' && /systemctl/.test(r.script));
    t.is(requests.length, 2);
    const b = buildScript(requests);
    const script = b.script.replace(/^PATH=/m, `PATH=${bin}:`);
    const a = parseSections((await new LocalTransport().run(script, { timeoutMs: scaled(20_000) })).stdout, b.marker).cmds;
    t.is(a.get('logging-services')!.stdout, 'inactive\ninactive\nactive\ninactive\nactive\n');
    t.deepEqual(a.get('agent_status-active'), { stdout: 'active\n', stderr: 'note\n', exitCode: 0, truncated: false });
    t.is(a.get('logging-services')!.stderr, 'note\n');
    t.is(readFileSync(count, 'utf8'), 'run\n', 'systemctl ran once');
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});
