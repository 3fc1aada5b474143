import test from 'ava';
import { collect } from '../../src/collectors/run.js';
import { FixtureTransport } from '../../src/transport/fixture.js';
import { agentStatus, AGENT_CONFIG_FILE, AGENT_STATUS_FILE } from '../../src/collectors/agent_status.js';

const ps = { stdout: 'bash\ncron\ngwsec-agent\nnginx\nsshd\nwazuh-agentd\n' };

test('unit state, last checkpoint, archive retention, archived log paths, process names', async (t) => {
  const fx = FixtureTransport.fromMemory({
    name: 'mem',
    files: {
      [AGENT_STATUS_FILE]: '{"last_checkpoint_at":"2026-11-25T03:45:00Z","outbox_pending":0}',
      [AGENT_CONFIG_FILE]: 'archive:\n  retention_days: 400\nsources:\n  - type: file\n    paths: [/var/log/nginx/access.log]\n  - type: fim\n    paths: [/var/www]\n',
    },
    cmds: { 'agent_status-active': { stdout: 'active\n' }, 'agent_status-processes': ps },
  });
  const { facts } = await collect(fx, [agentStatus]);
  t.deepEqual(facts.agent_status, {
    gwsec: { unit: 'active', status: { last_checkpoint: '2026-11-25T03:45:00Z' } },
    config: { present: true, retention_days: 400, log_paths: ['/var/log/nginx/access.log'] },
    processes: ['bash', 'cron', 'gwsec-agent', 'nginx', 'sshd', 'wazuh-agentd'],
  });
});

test('not installed: inactive unit, no status, no config; an unreadable status file is an error on status only', async (t) => {
  const fx = FixtureTransport.fromMemory({
    name: 'mem',
    files: { [AGENT_CONFIG_FILE]: 'archive: [unclosed\n' },
    denied: [AGENT_STATUS_FILE],
    cmds: { 'agent_status-active': { stdout: 'inactive\n', exitCode: 3 }, 'agent_status-processes': ps },
  });
  const { facts } = await collect(fx, [agentStatus]);
  t.like(facts.agent_status, { gwsec: { unit: 'inactive', status: { error: { code: 'permission_denied' } } }, config: { error: { code: 'parse_error' } } });
});
