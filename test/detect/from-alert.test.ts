/** `gwsec playbook run --from-alert`: the suggested playbook starts with the alert's facts filled in. */
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { huntFile } from '../../src/app/detect.js';
import { IncidentStore } from '../../src/incident/store.js';
import { packageRoot } from '../../src/util/paths.js';
import { gwsec } from '../helpers/cli.js';

test('an account-compromise alert starts its playbook with the account, the window, the times and the alert named', async (t) => {
  const d = mkdtempSync(join(tmpdir(), 'gwsec-from-alert-'));
  const log = join(d, 'auth.log');
  writeFileSync(
    log,
    [
      'Dec 10 09:30:00 web sshd[1]: Failed password for fztu from 203.0.113.7 port 1 ssh2',
      'Dec 10 09:30:05 web sshd[2]: Failed password for fztu from 203.0.113.7 port 2 ssh2',
      'Dec 10 09:31:05 web sshd[3]: Failed password for fztu from 203.0.113.7 port 3 ssh2',
      'Dec 10 09:32:20 web sshd[4]: Accepted password for fztu from 203.0.113.7 port 4 ssh2',
    ].join('\n') + '\n',
  );
  const r = huntFile({ file: log, source: 'auth', year: 2025, host: 'web-01' });
  const a = r.alerts.find((x) => x.rule === 'ssh-bruteforce-success-after-failures')!;
  t.truthy(a);
  const store = join(d, 'alerts.jsonl');
  writeFileSync(store, JSON.stringify({ storedAt: '2025-12-10T01:33:00.000Z', alert: a }) + '\n');
  const inc = join(d, 'inc');
  const drill = join(packageRoot(), 'playbooks', 'drills', 'account-compromise.yaml');
  const run = gwsec(['playbook', 'run', '--from-alert', a.id.slice(0, 10), '--alerts', store, '--answers', drill, '--incidents', inc, '--drill', '--lang', 'en']);
  t.is(run.code, 0, run.stdout.slice(-1500) + run.stderr);
  const [s] = await new IncidentStore(inc).list();
  t.truthy(s);
  const started = s!.events.find((e) => e.event.type === 'playbook.started')!.event as unknown as { playbook: string; vars: Record<string, string> };
  t.is(started.playbook, 'account-compromise');
  t.is(started.vars.account, 'fztu');
  t.true(Number(started.vars.window_minutes) >= 60);
  t.regex(JSON.stringify(s!.events.map((e) => e.event)), new RegExp(`alert ${a.id.slice(0, 12)}, web-01`));
  // The store found through a non-default agent's config (detections.alerts_file), as the agent writes it.
  const agentYaml = join(d, 'agent.yaml');
  writeFileSync(agentYaml, `archive: { dir: ${d}/archive }\nstate_dir: ${d}/state\nretention_days: 180\nsources: [{ type: file, path: ${log}, format: auth }]\ndetections: { alerts_file: ${store} }\n`);
  const viaConfig = gwsec(['playbook', 'run', '--from-alert', a.id.slice(0, 10), '--agent-config', agentYaml, '--answers', drill, '--incidents', inc, '--drill', '--lang', 'en']);
  t.is(viaConfig.code, 0, viaConfig.stdout.slice(-1500) + viaConfig.stderr);
  t.is((await new IncidentStore(inc).list()).length, 2);
  // An unknown alert, or one that is not an alert file: exit 2, said plainly.
  t.is(gwsec(['playbook', 'run', '--from-alert', 'ffffffffffff', '--alerts', store, '--incidents', inc]).code, 2);
  t.is(gwsec(['playbook', 'run', '--from-alert', log, '--incidents', inc]).code, 2);
});
