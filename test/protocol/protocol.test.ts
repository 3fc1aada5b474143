import test from 'ava';
import { FrameDecoder, ProtocolError, decodeAgentMessage, decodeCollectorMessage, encodeFrame, encodeSplicedFrame, makeToken, parseToken, parseTtl } from '../../src/protocol/index.js';

const hello = { v: 1, kind: 'hello', version: '0.1.0', time: '2026-12-01T08:00:00.000Z' };
const alert = {
  id: 'a-1', rule: 'web-sqli', kind: 'detection', title: { zh: '注入', en: 'injection' }, severity: 'high', technique: 'T1190', playbook: 'web-attack', host: 'web-01', groupKey: '203.0.113.7',
  firstSeen: '2026-12-01T08:00:00Z', lastSeen: '2026-12-01T08:00:01+08:00', count: 2, samples: ['GET /'], refs: [{ source: 'nginx', seq: 1 }], evidence: { n: 1 },
};
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof ProtocolError ? e.code : `not a ProtocolError: ${String(e)}`;
  }
  return 'no error';
};

test('frames round-trip however the stream is cut (byte by byte, several per chunk)', (t) => {
  const frames = [encodeFrame(hello), encodeFrame({ v: 1, kind: 'alerts', alerts: [alert] }), encodeFrame({ x: 'ü中文' })];
  const all = Buffer.concat(frames);
  const d1 = new FrameDecoder();
  const out1: Buffer[] = [];
  for (const b of all) out1.push(...d1.push(Buffer.from([b])));
  const out2 = new FrameDecoder().push(all);
  for (const out of [out1, out2]) {
    t.is(out.length, 3);
    t.deepEqual(JSON.parse(out[2]!.toString()), { x: 'ü中文' });
    t.is(decodeAgentMessage(out[1]!).kind, 'alerts');
  }
  t.is(d1.pending, 0);
});

test('a frame spliced from serialised items is byte for byte the frame of the parsed message', (t) => {
  const other = { ...alert, id: 'a-2', title: { zh: '网页篡改 ü', en: 'defacement' } };
  const js = (v: unknown) => Buffer.from(JSON.stringify(v));
  t.deepEqual(encodeSplicedFrame('alerts', 'alerts', [js(alert), js(other)]), encodeFrame({ v: 1, kind: 'alerts', alerts: [alert, other] }));
  t.deepEqual(encodeSplicedFrame('alerts', 'alerts', [js(alert)]), encodeFrame({ v: 1, kind: 'alerts', alerts: [alert] }));
  const cp = { id: 'cp-1', seq: 7, hash: 'a'.repeat(64), time: '2026-12-01T08:00:00Z', key_id: 'k', signature: 'c2ln' };
  const f = encodeSplicedFrame('checkpoint', 'checkpoint', js(cp));
  t.deepEqual(f, encodeFrame({ v: 1, kind: 'checkpoint', checkpoint: cp }));
  t.is(decodeAgentMessage(new FrameDecoder().push(f)[0]!).kind, 'checkpoint');
  t.is(code(() => encodeSplicedFrame('alerts', 'alerts', [js({ s: 'x'.repeat(2000) })], 1024)), 'frame_too_large');
});

test('an oversized frame is refused at its header, before its body is buffered', (t) => {
  const d = new FrameDecoder(1024);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(1025);
  t.is(code(() => d.push(head)), 'frame_too_large');
  const huge = Buffer.alloc(4);
  huge.writeUInt32BE(0xffffffff);
  t.is(code(() => new FrameDecoder().push(huge)), 'frame_too_large');
  t.is(code(() => new FrameDecoder().push(Buffer.alloc(4))), 'frame_empty');
  t.is(code(() => encodeFrame({ s: 'x'.repeat(2000) }, 1024)), 'frame_too_large');
});

test('malformed, wrong-version and invalid messages get distinct codes', (t) => {
  t.is(code(() => decodeAgentMessage(Buffer.from('{not json'))), 'malformed_json');
  t.is(code(() => decodeAgentMessage(Buffer.from(JSON.stringify({ ...hello, v: 2 })))), 'unsupported_version');
  t.is(code(() => decodeAgentMessage(Buffer.from(JSON.stringify({ ...hello, extra: 1 })))), 'invalid_message');
  t.is(code(() => decodeAgentMessage(Buffer.from(JSON.stringify({ v: 1, kind: 'nope' })))), 'invalid_message');
  t.is(code(() => decodeAgentMessage(Buffer.from('null'))), 'invalid_message');
  t.is(code(() => decodeAgentMessage(Buffer.from('[]'))), 'invalid_message');
  const bad = (a: object) => code(() => decodeAgentMessage(Buffer.from(JSON.stringify({ v: 1, kind: 'alerts', alerts: [{ ...alert, ...a }] }))));
  t.is(bad({ severity: 'urgent' }), 'invalid_message');
  t.is(bad({ count: 0 }), 'invalid_message');
  t.is(bad({ count: 1.5 }), 'invalid_message');
  t.is(bad({ firstSeen: 'yesterday' }), 'invalid_message');
  t.is(bad({ id: 'has space' }), 'invalid_message');
  t.is(bad({ id: 'x'.repeat(129) }), 'invalid_message');
  t.is(bad({ unknown_field: true }), 'invalid_message');
  t.is(bad({ evidence: { path: '/admin', list: ['a'] } }), 'no error');
  t.is(bad({ samples: ['1', '2', '3', '4', '5', '6'] }), 'invalid_message');
  t.is(bad({ evidence: { nested: { x: 1 } } }), 'invalid_message');
  t.is(code(() => decodeAgentMessage(Buffer.from(JSON.stringify({ v: 1, kind: 'alerts', alerts: [] })))), 'invalid_message');
  t.is(code(() => decodeAgentMessage(Buffer.from(JSON.stringify({ v: 1, kind: 'alerts', alerts: Array(1001).fill(alert) })))), 'invalid_message');
  const cp = { id: 'cp-1', seq: 5, hash: 'a'.repeat(64), time: '2026-12-01T08:00:00Z', key_id: 'k', signature: 'AAAA' };
  t.is(code(() => decodeAgentMessage(Buffer.from(JSON.stringify({ v: 1, kind: 'checkpoint', checkpoint: cp })))), 'no error');
  t.is(code(() => decodeAgentMessage(Buffer.from(JSON.stringify({ v: 1, kind: 'checkpoint', checkpoint: { ...cp, hash: 'A'.repeat(64) } })))), 'invalid_message');
  t.is(code(() => decodeAgentMessage(Buffer.from(JSON.stringify({ v: 1, kind: 'checkpoint', checkpoint: { ...cp, seq: -1 } })))), 'invalid_message');
  // The message names where it went wrong.
  const e = t.throws(() => decodeAgentMessage(Buffer.from(JSON.stringify({ v: 1, kind: 'alerts', alerts: [{ ...alert, severity: 'urgent' }] }))));
  t.regex(e!.message, /alerts\.0\.severity/);
  t.is(code(() => decodeCollectorMessage(Buffer.from(JSON.stringify({ v: 1, kind: 'ack', ids: ['a', 'b'] })))), 'no error');
  t.is(code(() => decodeCollectorMessage(Buffer.from(JSON.stringify({ v: 1, kind: 'hello', version: 'x', time: hello.time })))), 'invalid_message');
});

test('enrolment tokens: secret + CA fingerprint; only a hash is kept; TTLs', (t) => {
  const fp = 'ab'.repeat(32);
  const a = makeToken(fp);
  const b = makeToken(fp);
  t.not(a.token, b.token);
  t.regex(a.token, /^gwsec1\.[A-Za-z0-9_-]{43}\.[0-9a-f]{64}$/);
  t.false(a.token.includes(a.hash));
  const p = parseToken(a.token);
  t.is(p.hash, a.hash);
  t.is(p.caFingerprint, fp);
  t.throws(() => parseToken('gwsec1.short.' + fp), { code: 'enrol_bad_token' } as never);
  t.is(parseTtl('1h'), 3600);
  t.is(parseTtl('30m'), 1800);
  t.is(parseTtl('90'), 90);
  t.throws(() => parseTtl('1y'), { code: 'usage_error' } as never);
  t.throws(() => parseTtl('0s'), { code: 'usage_error' } as never);
});
