import test from 'ava';
import net from 'node:net';
import { buildRfc8998ClientHello, buildTlcpClientHello, parseServerReply, probeSm, runSmProbe, smProbeTargets } from '../../src/crypto/tlcp-probe.js';
import { scaled } from '../helpers/time.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const RANDOM = '5f3c2a11' + '9b'.repeat(28);
const SID = '20' + 'a7'.repeat(32);

// A TLCP (GB/T 38636) ServerHello as a Tongsuo NTLS server sends it: record and protocol version
// 0x0101, ECC_SM4_GCM_SM3 (0xE053), null compression, renegotiation_info.
const TLCP_SERVER_HELLO = hex(`16 0101 0051  02 00004d  0101 ${RANDOM} ${SID}  e053 00  0005 ff01 0001 00`);
// An RFC 8998 TLS 1.3 ServerHello: legacy 0x0303, TLS_SM4_GCM_SM3 (0x00C6), supported_versions 0x0304,
// key_share on curveSM2 (0x0029) with a 65-byte point.
const SM2_POINT = '04' + '11'.repeat(64);
const RFC8998_SERVER_HELLO = hex(`16 0303 009b  02 000097  0303 ${RANDOM} ${SID}  00c6 00  004f 002b 0002 0304  0033 0045 0029 0041 ${SM2_POINT}`);
// What an ordinary OpenSSL server answers to a 0x0101 ClientHello: alert(fatal, protocol_version).
const PROTOCOL_VERSION_ALERT = hex('15 0301 0002 02 46');

interface Server {
  port: number;
  received: Buffer[];
  close(): Promise<void>;
}

async function serve(onData: (sock: net.Socket, data: Buffer) => void): Promise<Server> {
  const received: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('error', () => {});
    sock.on('data', (d) => {
      received.push(d);
      onData(sock, d);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    received,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        srv.close(() => r());
      }),
  };
}

test('TLCP ClientHello: record 0x0101, version 0x0101, the four SM suites, SNI', (t) => {
  const h = buildTlcpClientHello({ serverName: 'admin.example.gov.cn' });
  t.deepEqual([...h.subarray(0, 3)], [0x16, 0x01, 0x01]);
  t.is(h.readUInt16BE(3), h.length - 5);
  t.is(h[5], 1); // ClientHello
  t.is(h.readUInt16BE(9), 0x0101);
  const suitesLen = h.readUInt16BE(9 + 2 + 32 + 1);
  const suites = [];
  for (let i = 0; i < suitesLen; i += 2) suites.push(h.readUInt16BE(9 + 2 + 32 + 1 + 2 + i));
  t.deepEqual(suites.sort(), [0xe011, 0xe013, 0xe051, 0xe053]);
  t.true(h.includes(Buffer.from('admin.example.gov.cn')));
});

test('RFC 8998 ClientHello offers TLS_SM4_GCM_SM3/CCM_SM3, TLS 1.3, curveSM2, sm2sig_sm3', (t) => {
  const h = buildRfc8998ClientHello();
  t.is(h.readUInt16BE(9), 0x0303);
  t.true(h.includes(hex('0004 00c6 00c7')));
  t.true(h.includes(hex('002b 0003 02 0304')));
  t.true(h.includes(hex('000a 0004 0002 0029')));
  t.true(h.includes(hex('000d 0004 0002 0708')));
  t.true(h.includes(hex('0033 0047 0045 0029 0041 04 32C4AE2C')));
});

test('parseServerReply reassembles fragmented records and reads alerts', (t) => {
  t.deepEqual(parseServerReply(TLCP_SERVER_HELLO.subarray(0, 20)), { kind: 'incomplete' });
  const r = parseServerReply(TLCP_SERVER_HELLO);
  t.like(r, { kind: 'server_hello', version: 0x0101, cipher: 0xe053 });
  t.like(parseServerReply(RFC8998_SERVER_HELLO), { kind: 'server_hello', cipher: 0x00c6, selectedVersion: 0x0304, helloRetry: false });
  t.like(parseServerReply(PROTOCOL_VERSION_ALERT), { kind: 'alert', level: 2, description: 70 });
  // a ServerHello whose lengths lie is data, not a crash
  t.like(parseServerReply(hex(`16 0101 0008  02 000004  0101 0000`)), { kind: 'unexpected' });
});

test('probe confirms TLCP against a server answering a recorded NTLS ServerHello (in two TCP segments)', async (t) => {
  const srv = await serve((sock, d) => {
    if (d[0] === 0x16 && d.readUInt16BE(1) === 0x0101) {
      sock.write(TLCP_SERVER_HELLO.subarray(0, 30));
      setTimeout(() => sock.write(TLCP_SERVER_HELLO.subarray(30)), 20);
    } else sock.end(PROTOCOL_VERSION_ALERT);
  });
  try {
    const r = await probeSm('127.0.0.1', srv.port, 'tlcp', { timeoutMs: scaled(2000), serverName: 'admin.example.gov.cn' });
    t.deepEqual(r, { port: srv.port, mode: 'tlcp', status: 'confirmed', detail: 'TLCP 1.1, ECC_SM4_GCM_SM3', suite: 'ECC_SM4_GCM_SM3' });
    t.is(srv.received[0]![5], 1, 'the server got a ClientHello');
  } finally {
    await srv.close();
  }
});

test('probe confirms RFC 8998 against a TLS 1.3 SM ServerHello', async (t) => {
  const srv = await serve((sock, d) => {
    if (d.includes(hex('0304')) && d.includes(hex('00c6'))) sock.write(RFC8998_SERVER_HELLO);
  });
  try {
    const r = await probeSm('127.0.0.1', srv.port, 'rfc8998', { timeoutMs: scaled(2000) });
    t.is(r.status, 'confirmed');
    t.is(r.detail, 'TLS 1.3, TLS_SM4_GCM_SM3');
  } finally {
    await srv.close();
  }
});

test('a plain OpenSSL server refuses: alert, wrong suite, or hang-up', async (t) => {
  const alert = await serve((sock) => sock.end(PROTOCOL_VERSION_ALERT));
  const rsa = await serve((sock) => sock.write(hex(`16 0303 0051  02 00004d  0303 ${RANDOM} ${SID}  c02f 00  0005 ff01 0001 00`)));
  const hangup = await serve((sock) => sock.destroy());
  try {
    t.like(await probeSm('127.0.0.1', alert.port, 'tlcp', { timeoutMs: scaled(2000) }), { status: 'refused', detail: 'alert 2/70 (record version 0x0301)' });
    t.like(await probeSm('127.0.0.1', rsa.port, 'rfc8998', { timeoutMs: scaled(2000) }), { status: 'refused' });
    t.like(await probeSm('127.0.0.1', hangup.port, 'tlcp', { timeoutMs: scaled(2000) }), { status: 'refused', detail: 'connection closed before a ServerHello' });
  } finally {
    await Promise.all([alert.close(), rsa.close(), hangup.close()]);
  }
});

test('unreachable or silent listeners are errors, and the host fact carries an error', async (t) => {
  const silent = await serve(() => {});
  const closed = await serve(() => {});
  const closedPort = closed.port;
  await closed.close();
  try {
    t.like(await probeSm('127.0.0.1', silent.port, 'tlcp', { timeoutMs: 200 }), { status: 'error', detail: 'timed out waiting for the server' });
    const fact = await runSmProbe('127.0.0.1', [{ port: closedPort, mode: 'tlcp' }], { timeoutMs: scaled(500) });
    t.is(fact.status, 'error');
    t.is(fact.confirmed, null);
    t.is(fact.error?.code, 'transport_error');
  } finally {
    await silent.close();
  }
});

test('targets come from the SM-configured TLS listeners; any confirmation confirms the host', async (t) => {
  const targets = smProbeTargets([
    { server_names: ['admin.example.gov.cn'], listens: [{ port: 443, ssl: true, loopback: false }, { port: 8443, ssl: true, loopback: true }], tls: { ntls: true, rfc8998_suites: [] } },
    { server_names: ['_'], listens: [{ port: 80, ssl: false, loopback: false }], tls: null },
    { server_names: ['www.example.gov.cn'], listens: [{ port: 443, ssl: true, loopback: false }], tls: { ntls: false, rfc8998_suites: ['TLS_SM4_GCM_SM3'] } },
  ]);
  t.deepEqual(targets, [
    { port: 443, mode: 'tlcp', serverName: 'admin.example.gov.cn' },
    { port: 443, mode: 'rfc8998', serverName: 'www.example.gov.cn' },
  ]);
  const srv = await serve((sock, d) => sock.write(d.readUInt16BE(1) === 0x0101 ? TLCP_SERVER_HELLO : PROTOCOL_VERSION_ALERT));
  try {
    const fact = await runSmProbe('127.0.0.1', [{ port: srv.port, mode: 'tlcp' }, { port: srv.port, mode: 'rfc8998' }], { timeoutMs: scaled(2000) });
    t.is(fact.status, 'confirmed');
    t.true(fact.confirmed);
    t.deepEqual(fact.targets.map((x) => x.status).sort(), ['confirmed', 'refused']);
    t.like(await runSmProbe('127.0.0.1', []), { status: 'refused', confirmed: false });
  } finally {
    await srv.close();
  }
});
