import test from 'ava';
import { cidrWithin, sshAccessDeriver } from '../../src/facts/ssh-access.js';
import type { SshdFacts } from '../../src/collectors/sshd.js';

const env = (mgmt: string[]) => ({ variables: { MGMT_CIDRS: mgmt }, geo: () => null, host: { name: 'h', roles: [], publicIps: [] } });
const sshd = (over: Partial<SshdFacts>): SshdFacts => ({ installed: true, multi: { listenaddress: ['[::]:22', '0.0.0.0:22'] }, match_blocks: [], ...over });

test('cidrWithin: contained ranges and addresses', (t) => {
  t.true(cidrWithin('10.10.0.0/24', ['10.0.0.0/8']));
  t.true(cidrWithin('10.1.2.3', ['10.0.0.0/8']));
  t.true(cidrWithin('10.1.*', ['10.0.0.0/8']));
  t.false(cidrWithin('10.0.0.0/7', ['10.0.0.0/8']), 'a wider range is not inside');
  t.false(cidrWithin('0.0.0.0', ['10.0.0.0/8']));
  t.false(cidrWithin('*', ['10.0.0.0/8']));
});

const rows: Array<{ name: string; s: SshdFacts; fw?: unknown; restricted: boolean; fwIn: boolean | null }> = [
  { name: 'listening on every address', s: sshd({}), restricted: false, fwIn: null },
  { name: 'ListenAddress on the management interface and loopback', s: sshd({ multi: { listenaddress: ['10.10.0.5:22', '127.0.0.1:22'] } }), restricted: true, fwIn: null },
  { name: 'every AllowUsers entry pinned to the management range', s: sshd({ multi: { listenaddress: ['0.0.0.0:22'], allowusers: ['ops@10.10.0.0/24', 'deploy@10.10.0.7'] } }), restricted: true, fwIn: null },
  { name: 'one AllowUsers entry from anywhere', s: sshd({ multi: { listenaddress: ['0.0.0.0:22'], allowusers: ['ops@10.10.0.0/24', 'deploy'] } }), restricted: false, fwIn: null },
  { name: 'Match Address *,!mgmt with DenyUsers *', s: sshd({ match_blocks: [{ criteria: 'Address *,!10.20.0.0/16', file: '/etc/ssh/sshd_config', line: 40, settings: { denyusers: '*' } }] }), restricted: true, fwIn: null },
  { name: 'Match Address without a deny', s: sshd({ match_blocks: [{ criteria: 'Address *,!10.20.0.0/16', file: '/etc/ssh/sshd_config', line: 40, settings: { permitrootlogin: 'no' } }] }), restricted: false, fwIn: null },
  { name: 'firewall sources inside MGMT_CIDRS', s: sshd({}), fw: { ssh_source_restricted: true, ssh_sources: ['10.10.0.0/24'] }, restricted: false, fwIn: true },
  { name: 'firewall admits an outside range', s: sshd({}), fw: { ssh_source_restricted: true, ssh_sources: ['10.10.0.0/24', '202.96.0.0/16'] }, restricted: false, fwIn: false },
  { name: 'firewall family failed', s: sshd({}), fw: { error: { code: 'permission_denied', message: 'x' } }, restricted: false, fwIn: null },
];
for (const r of rows) {
  test(`ssh_access: ${r.name}`, (t) => {
    const out = sshAccessDeriver.derive({ sshd: r.s, firewall: r.fw }, env(['10.0.0.0/8', 'not-a-cidr']));
    t.is(out.restricted_by_sshd, r.restricted);
    t.is(out.firewall_sources_in_mgmt, r.fwIn);
    t.deepEqual(out.mgmt_cidrs, ['10.0.0.0/8']);
  });
}
