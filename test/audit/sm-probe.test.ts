import test from 'ava';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { probeSmSuites, smEndpoints } from '../../src/audit/sm-probe.js';
import { evaluateHosts, gatherHost } from '../../src/audit/audit.js';
import { resolveVariables } from '../../src/policy/load.js';
import { FixtureTransport } from '../../src/transport/fixture.js';
import type { HostFacts } from '../../src/model/facts.js';
import { geoLookup } from '../../src/geo/index.js';
import { embeddedPack } from '../helpers/audit.js';
import { scaled } from '../helpers/time.js';
import { FIXTURES, tempDir } from '../report/helpers.js';

// A TLCP / RFC 8998 responder the test starts on its own free loopback port. It answers the way a
// Tongsuo NTLS server does: ServerHello (0x0101, ECC_SM4_GCM_SM3), then Certificate with real SM2
// signing and encryption certificates (made here by OpenSSL 3), then ServerHelloDone; or a TLS 1.3
// ServerHello with TLS_SM4_GCM_SM3; or, as an ordinary server, a protocol_version alert.
const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const u24 = (n: number) => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
const u16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const RANDOM = '5f3c2a11' + '9b'.repeat(28);
const SID = '20' + 'a7'.repeat(32);
const TLCP_SERVER_HELLO = hex(`16 0101 0051  02 00004d  0101 ${RANDOM} ${SID}  e053 00  0005 ff01 0001 00`);
const RFC8998_SERVER_HELLO = hex(`16 0303 009b  02 000097  0303 ${RANDOM} ${SID}  00c6 00  004f 002b 0002 0304  0033 0045 0029 0041 04${'11'.repeat(64)}`);
const ALERT = hex('15 0301 0002 02 46');

function sm2Cert(dir: string, cn: string): Buffer {
  const key = join(dir, `${cn}.key`);
  const crt = join(dir, `${cn}.der`);
  execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2', '-out', key]);
  execFileSync('openssl', ['req', '-new', '-x509', '-key', key, '-sm3', '-subj', `/CN=${cn}`, '-days', '30', '-outform', 'DER', '-out', crt]);
  return readFileSync(crt);
}

function tlcpFlight(certs: Buffer[]): Buffer {
  const list = Buffer.concat(certs.map((c) => Buffer.concat([u24(c.length), c])));
  const certMsg = Buffer.concat([Buffer.from([11]), u24(list.length + 3), u24(list.length), list]);
  const done = Buffer.from([14, 0, 0, 0]);
  const hs = Buffer.concat([certMsg, done]);
  return Buffer.concat([TLCP_SERVER_HELLO, Buffer.from([0x16, 0x01, 0x01]), u16(hs.length), hs]);
}

async function responder(answer: (hello: Buffer) => Buffer): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('error', () => {});
    sock.once('data', (d) => {
      const reply = answer(d);
      // Sent in two TCP segments: the probe must reassemble.
      sock.write(reply.subarray(0, 40));
      setTimeout(() => sock.write(reply.subarray(40)), 20);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); srv.close(() => r()); }),
  };
}

const CHECK = 'a40-3-tls-sm-suites';

/** The openEuler fixture configures Tongsuo NTLS on 443: its facts, with the TLS listener moved to the responder's port. */
async function facts(port: number | undefined): Promise<HostFacts> {
  const pack = embeddedPack();
  const checks = pack.checks.filter((c) => c.id === CHECK);
  const host = await gatherHost({ name: 'sm-web', transport: FixtureTransport.fromDir(join(FIXTURES, 'openeuler-backend-sm')), roles: [], publicIps: [] }, checks, {});
  if (port !== undefined) {
    for (const s of (host.facts.web as { sites: Array<{ listens: Array<{ port: number; ssl: boolean }> }> }).sites) for (const l of s.listens) if (l.ssl) l.port = port;
  }
  return host;
}

function judge(host: HostFacts) {
  const pack = embeddedPack();
  const p = { ...pack, checks: pack.checks.filter((c) => c.id === CHECK) };
  return evaluateHosts(p, [host], { now: new Date(), variables: resolveVariables(pack, {}), geo: geoLookup() })[0]!;
}

test('endpoints: the TLS listeners the config shows (wildcards at the host address) and the inventory https: entries, both modes', (t) => {
  const web = { sites: [{ server_names: ['www.example.gov.cn'], listens: [{ address: '*', port: 443, ssl: true, loopback: false }, { address: '*', port: 80, ssl: false, loopback: false }, { address: '127.0.0.1', port: 8443, ssl: true, loopback: true }] }] };
  t.deepEqual(
    smEndpoints(web, '10.0.0.5', ['9443', 'admin.example.gov.cn:8443']).map((e) => `${e.address}:${e.port}/${e.mode}${e.serverName ? ` ${e.serverName}` : ''}`),
    ['10.0.0.5:443/tlcp www.example.gov.cn', '10.0.0.5:443/rfc8998 www.example.gov.cn', '10.0.0.5:9443/tlcp', '10.0.0.5:9443/rfc8998', 'admin.example.gov.cn:8443/tlcp', 'admin.example.gov.cn:8443/rfc8998'],
  );
});

test('a40-3-tls-sm-suites passes against a TLCP responder, with the suite and the SM2 certificates as evidence', async (t) => {
  const dir = await tempDir(t);
  const certs = [sm2Cert(dir, 'sign.example.gov.cn'), sm2Cert(dir, 'enc.example.gov.cn')];
  const srv = await responder((hello) => (hello.readUInt16BE(1) === 0x0101 ? tlcpFlight(certs) : ALERT));
  t.teardown(() => srv.close());
  const host = await facts(srv.port);
  await probeSmSuites([host], () => ({ address: '127.0.0.1', https: [] }), { timeoutMs: scaled(5000) });
  const probe = (host.facts.web as { sm_probe: { status: string; targets: Array<{ mode: string; status: string; suite?: string; certificates?: Array<{ key_alg: string; sig_alg: string; subject: string }> }> } }).sm_probe;
  t.is(probe.status, 'confirmed');
  const tlcp = probe.targets.find((x) => x.mode === 'tlcp')!;
  t.is(tlcp.suite, 'ECC_SM4_GCM_SM3');
  t.deepEqual(tlcp.certificates, [
    { subject: 'CN=sign.example.gov.cn', key_alg: 'SM2', sig_alg: 'SM2-with-SM3' },
    { subject: 'CN=enc.example.gov.cn', key_alg: 'SM2', sig_alg: 'SM2-with-SM3' },
  ]);
  t.is(probe.targets.find((x) => x.mode === 'rfc8998')!.status, 'refused');
  const r = judge(host);
  t.is(r.status, 'pass', JSON.stringify(r.evidence));
  t.true(host.sources.web!.some((s) => s.startsWith(`probe: TLCP/RFC 8998 ClientHello to 127.0.0.1:${srv.port}`)));
});

test('a40-3-tls-sm-suites passes against an RFC 8998 responder and fails against an ordinary TLS server', async (t) => {
  const sm13 = await responder((hello) => (hello.readUInt16BE(1) === 0x0301 ? RFC8998_SERVER_HELLO : ALERT));
  const plain = await responder(() => ALERT);
  t.teardown(() => Promise.all([sm13.close(), plain.close()]));
  const ok = await facts(sm13.port);
  await probeSmSuites([ok], () => ({ address: '127.0.0.1', https: [] }), { timeoutMs: scaled(5000) });
  t.is(judge(ok).status, 'pass');
  t.regex((ok.facts.web as { sm_probe: { reason: string } }).sm_probe.reason, /rfc8998: TLS 1\.3, TLS_SM4_GCM_SM3/);

  const bad = await facts(plain.port);
  await probeSmSuites([bad], () => ({ address: '127.0.0.1', https: [] }), { timeoutMs: scaled(5000) });
  const r = judge(bad);
  t.is(r.status, 'fail');
  const ev = r.evidence.find((e) => e.fact === 'web.sm_probe.confirmed')!;
  t.is(ev.actual, false);
});

test('a40-3-tls-sm-suites is manual only when no endpoint is known (fixture: no address), error when the endpoint does not answer', async (t) => {
  const offline = await facts(undefined);
  await probeSmSuites([offline], () => undefined);
  t.is(judge(offline).status, 'manual');
  // A closed port: nothing answered, so nothing was checked.
  const closed = await responder(() => ALERT);
  const port = closed.port;
  await closed.close();
  const dead = await facts(port);
  await probeSmSuites([dead], () => ({ address: '127.0.0.1', https: [] }), { timeoutMs: scaled(3000) });
  t.is(judge(dead).status, 'error');
});
