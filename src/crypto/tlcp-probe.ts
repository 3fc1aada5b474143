/**
 * Auditor-side probes that tell whether a listener really speaks SM cryptography:
 *  - TLCP (GB/T 38636-2020, "NTLS" in Tongsuo): record/protocol version 0x0101 with the ECC/ECDHE
 *    SM4-SM3 suites;
 *  - RFC 8998: TLS 1.3 with TLS_SM4_GCM_SM3 / TLS_SM4_CCM_SM3, curveSM2 and sm2sig_sm3.
 * Node's TLS speaks neither, so we send a hand-built ClientHello and read only the ServerHello
 * (or the alert). No handshake is completed and nothing secret is involved.
 */
import { X509Certificate, randomBytes } from 'node:crypto';
import net from 'node:net';

export type SmProbeMode = 'tlcp' | 'rfc8998';

export const TLCP_SUITES: Record<number, string> = {
  0xe051: 'ECDHE_SM4_GCM_SM3',
  0xe053: 'ECC_SM4_GCM_SM3',
  0xe011: 'ECDHE_SM4_CBC_SM3',
  0xe013: 'ECC_SM4_CBC_SM3',
};
export const RFC8998_SUITES: Record<number, string> = { 0x00c6: 'TLS_SM4_GCM_SM3', 0x00c7: 'TLS_SM4_CCM_SM3' };

const CURVE_SM2 = 0x0029;
const SM2SIG_SM3 = 0x0708;
// The SM2 base point G (GB/T 32918.5): a valid key share; the probe never derives a secret.
const SM2_G = Buffer.from(
  '04' + '32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7' + 'BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0',
  'hex',
);
// RFC 8446 4.1.3: a ServerHello with this random is a HelloRetryRequest.
const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

const u8 = (n: number): Buffer => Buffer.from([n & 0xff]);
const u16 = (n: number): Buffer => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u24 = (n: number): Buffer => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
const vec16 = (b: Buffer): Buffer => Buffer.concat([u16(b.length), b]);
const ext = (type: number, body: Buffer): Buffer => Buffer.concat([u16(type), vec16(body)]);

function sniExt(name: string): Buffer {
  const host = Buffer.from(name, 'ascii');
  return ext(0x0000, vec16(Buffer.concat([u8(0), vec16(host)])));
}

function record(recordVersion: number, handshake: Buffer): Buffer {
  return Buffer.concat([u8(0x16), u16(recordVersion), vec16(handshake)]);
}

function clientHello(version: number, random: Buffer, sessionId: Buffer, suites: number[], extensions: Buffer): Buffer {
  const body = Buffer.concat([
    u16(version),
    random,
    u8(sessionId.length),
    sessionId,
    vec16(Buffer.concat(suites.map(u16))),
    Buffer.from([1, 0]), // compression: null
    ...(extensions.length ? [vec16(extensions)] : []),
  ]);
  return Buffer.concat([u8(1), u24(body.length), body]);
}

export function buildTlcpClientHello(o: { serverName?: string; random?: Buffer } = {}): Buffer {
  const random = o.random ?? Buffer.concat([Buffer.alloc(4), randomBytes(28)]);
  if (!o.random) random.writeUInt32BE(Math.floor(Date.now() / 1000) >>> 0, 0); // gmt_unix_time
  const exts = o.serverName ? sniExt(o.serverName) : Buffer.alloc(0);
  return record(0x0101, clientHello(0x0101, random, Buffer.alloc(0), Object.keys(TLCP_SUITES).map(Number), exts));
}

export function buildRfc8998ClientHello(o: { serverName?: string; random?: Buffer; sessionId?: Buffer } = {}): Buffer {
  const exts = Buffer.concat([
    ...(o.serverName ? [sniExt(o.serverName)] : []),
    ext(0x002b, Buffer.concat([u8(2), u16(0x0304)])), // supported_versions: TLS 1.3
    ext(0x000a, vec16(u16(CURVE_SM2))), // supported_groups
    ext(0x000d, vec16(u16(SM2SIG_SM3))), // signature_algorithms
    ext(0x0033, vec16(Buffer.concat([u16(CURVE_SM2), vec16(SM2_G)]))), // key_share
  ]);
  return record(0x0301, clientHello(0x0303, o.random ?? randomBytes(32), o.sessionId ?? randomBytes(32), Object.keys(RFC8998_SUITES).map(Number), exts));
}

export type ServerReply =
  | { kind: 'server_hello'; recordVersion: number; version: number; cipher: number; selectedVersion: number | null; helloRetry: boolean }
  | { kind: 'alert'; recordVersion: number; level: number; description: number }
  | { kind: 'incomplete' }
  | { kind: 'unexpected'; detail: string };

/** Parse what the server sent so far (records may be fragmented; only the first message matters). */
export function parseServerReply(buf: Buffer): ServerReply {
  let off = 0;
  const hs: Buffer[] = [];
  let recVer = 0;
  while (off + 5 <= buf.length) {
    const type = buf[off]!;
    const ver = buf.readUInt16BE(off + 1);
    const len = buf.readUInt16BE(off + 3);
    if (off + 5 + len > buf.length) break;
    const frag = buf.subarray(off + 5, off + 5 + len);
    off += 5 + len;
    if (type === 0x15 && frag.length >= 2 && hs.length === 0) return { kind: 'alert', recordVersion: ver, level: frag[0]!, description: frag[1]! };
    if (type !== 0x16) return { kind: 'unexpected', detail: `record type ${type}` };
    recVer ||= ver;
    hs.push(frag);
    const all = Buffer.concat(hs);
    if (all.length < 4) continue;
    if (all[0] !== 2) return { kind: 'unexpected', detail: `handshake type ${all[0]}` };
    const mlen = all.readUIntBE(1, 3);
    if (all.length < 4 + mlen) continue;
    try {
      return readServerHello(all.subarray(4, 4 + mlen), recVer);
    } catch {
      return { kind: 'unexpected', detail: 'malformed ServerHello' };
    }
  }
  return { kind: 'incomplete' };
}

function readServerHello(m: Buffer, recVer: number): ServerReply {
  if (m.length < 38) throw new RangeError('short ServerHello');
  const version = m.readUInt16BE(0);
  const random = m.subarray(2, 34).toString('hex');
  const sidLen = m[34]!;
  let p = 35 + sidLen;
  const cipher = m.readUInt16BE(p);
  p += 3; // cipher + compression
  let selected: number | null = null;
  if (p + 2 <= m.length) {
    const end = Math.min(m.length, p + 2 + m.readUInt16BE(p));
    p += 2;
    while (p + 4 <= end) {
      const et = m.readUInt16BE(p);
      const el = m.readUInt16BE(p + 2);
      if (et === 0x002b && el === 2) selected = m.readUInt16BE(p + 4);
      p += 4 + el;
    }
  }
  return { kind: 'server_hello', recordVersion: recVer, version, cipher, selectedVersion: selected, helloRetry: random === HRR_RANDOM };
}

export interface SmProbeResult {
  port: number;
  mode: SmProbeMode;
  status: 'confirmed' | 'refused' | 'error';
  detail: string;
  /** The suite the server chose from the SM suites offered (when it chose one). */
  suite?: string;
  /** TLCP only (its Certificate message is plaintext): the server's certificates, sign then enc. */
  certificates?: CertificateInfo[];
}

export interface CertificateInfo {
  subject: string;
  /** SM2, RSA, EC … from the public key. */
  key_alg: string;
  /** SM2-with-SM3 when signed so, else what the certificate says it is. */
  sig_alg: string;
}

// DER of the OIDs: SM2 curve 1.2.156.10197.1.301 and SM2-with-SM3 signature 1.2.156.10197.1.501.
const OID_SM2 = Buffer.from('06082a811ccf5501822d', 'hex');
const OID_SM2_SM3 = Buffer.from('06082a811ccf55018375', 'hex');

/** Node's X509Certificate reads SM2 certificates but names neither their key nor their signature: look for the OIDs. */
export function certificateInfo(der: Buffer): CertificateInfo {
  let subject = '';
  let keyType: string | undefined;
  try {
    const c = new X509Certificate(der);
    subject = c.subject.replace(/\n/g, ', ');
    keyType = c.publicKey.asymmetricKeyType;
  } catch {
    /* unparseable: the OIDs still speak */
  }
  const keyAlg = der.includes(OID_SM2) ? 'SM2' : (keyType ?? 'unknown').toUpperCase();
  return { subject, key_alg: keyAlg, sig_alg: der.includes(OID_SM2_SM3) ? 'SM2-with-SM3' : keyAlg === 'SM2' ? 'SM2' : 'other' };
}

/**
 * The certificate_list of a TLCP server flight (ServerHello, Certificate, …), once complete.
 * 'incomplete': read more; null: the flight has no Certificate message.
 */
export function parseCertificateList(buf: Buffer): Buffer[] | 'incomplete' | null {
  const hs: Buffer[] = [];
  let off = 0;
  while (off + 5 <= buf.length) {
    const len = buf.readUInt16BE(off + 3);
    if (off + 5 + len > buf.length) break;
    if (buf[off] === 0x16) hs.push(buf.subarray(off + 5, off + 5 + len));
    off += 5 + len;
  }
  const all = Buffer.concat(hs);
  let p = 0;
  while (p + 4 <= all.length) {
    const type = all[p]!;
    const len = all.readUIntBE(p + 1, 3);
    if (p + 4 + len > all.length) return 'incomplete';
    if (type === 11) {
      const body = all.subarray(p + 4, p + 4 + len);
      const certs: Buffer[] = [];
      for (let q = 3; q + 3 <= body.length; ) {
        const n = body.readUIntBE(q, 3);
        certs.push(body.subarray(q + 3, q + 3 + n));
        q += 3 + n;
      }
      return certs;
    }
    if (type === 14) return null; // ServerHelloDone without a Certificate
    p += 4 + len;
  }
  return 'incomplete';
}

const hex4 = (n: number): string => '0x' + n.toString(16).padStart(4, '0');

export function judge(mode: SmProbeMode, r: ServerReply): { status: 'confirmed' | 'refused'; detail: string; suite?: string } {
  if (r.kind === 'alert') return { status: 'refused', detail: `alert ${r.level}/${r.description} (record version ${hex4(r.recordVersion)})` };
  if (r.kind !== 'server_hello') return { status: 'refused', detail: r.kind === 'unexpected' ? r.detail : 'connection closed before a ServerHello' };
  if (mode === 'tlcp') {
    const name = TLCP_SUITES[r.cipher];
    if (r.version === 0x0101 && name) return { status: 'confirmed', detail: `TLCP 1.1, ${name}`, suite: name };
    return { status: 'refused', detail: `ServerHello version ${hex4(r.version)}, cipher ${hex4(r.cipher)}` };
  }
  const name = RFC8998_SUITES[r.cipher];
  if (r.selectedVersion === 0x0304 && name) return { status: 'confirmed', detail: `TLS 1.3, ${name}${r.helloRetry ? ' (HelloRetryRequest)' : ''}`, suite: name };
  return { status: 'refused', detail: `ServerHello selected ${r.selectedVersion === null ? 'no TLS 1.3' : hex4(r.selectedVersion)}, cipher ${hex4(r.cipher)}` };
}

/** Send one probe ClientHello to host:port and classify the reply (TLCP: and read its certificates). Never throws. */
export function probeSm(host: string, port: number, mode: SmProbeMode, o: { timeoutMs?: number; serverName?: string } = {}): Promise<SmProbeResult> {
  const hello = mode === 'tlcp' ? buildTlcpClientHello({ serverName: o.serverName }) : buildRfc8998ClientHello({ serverName: o.serverName });
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    let done = false;
    const sock = net.connect({ host, port });
    let verdict: ReturnType<typeof judge> | undefined;
    const finish = (r: Omit<SmProbeResult, 'port' | 'mode'>): void => {
      if (done) return;
      done = true;
      sock.destroy();
      resolve({ port, mode, ...r });
    };
    // A confirmed TLCP ServerHello is followed by the (plaintext) Certificate message: wait for it.
    const withCerts = (v: ReturnType<typeof judge>): void => {
      const list = parseCertificateList(buf);
      if (list === 'incomplete' && buf.length < 256 * 1024) return;
      finish({ ...v, ...(Array.isArray(list) ? { certificates: list.map(certificateInfo) } : {}) });
    };
    sock.setTimeout(o.timeoutMs ?? 5000, () => {
      if (verdict) return finish(verdict);
      const r = parseServerReply(buf);
      finish(r.kind === 'incomplete' && buf.length === 0 ? { status: 'error', detail: 'timed out waiting for the server' } : judge(mode, r));
    });
    sock.on('connect', () => sock.write(hello));
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (verdict) return withCerts(verdict);
      const r = parseServerReply(buf);
      if (r.kind === 'incomplete') return;
      const v = judge(mode, r);
      if (mode === 'tlcp' && v.status === 'confirmed') {
        verdict = v;
        withCerts(v);
      } else finish(v);
    });
    sock.on('error', (e: NodeJS.ErrnoException) => {
      if (verdict) return finish(verdict);
      if (buf.length || e.code === 'ECONNRESET') finish(judge(mode, parseServerReply(buf)));
      else finish({ status: 'error', detail: `${e.code ?? 'error'}: ${e.message}` });
    });
    sock.on('close', () => finish(verdict ?? judge(mode, parseServerReply(buf))));
  });
}

export interface SmProbeFact {
  status: 'confirmed' | 'refused' | 'not_run' | 'error';
  confirmed: boolean | null;
  reason: string;
  targets: Array<{ port: number; mode: string; status: string; detail: string; address?: string; suite?: string; certificates?: CertificateInfo[] }>;
  error?: { code: 'transport_error' | 'timeout'; message: string };
}

/** What to probe: the TLS ports of sites that configure SM, in the mode they configure. */
export function smProbeTargets(sites: Array<{ listens: Array<{ port: number; ssl: boolean; loopback: boolean }>; server_names: string[]; tls: { ntls: boolean; rfc8998_suites: string[] } | null }>): Array<{ port: number; mode: SmProbeMode; serverName?: string }> {
  const out = new Map<string, { port: number; mode: SmProbeMode; serverName?: string }>();
  for (const s of sites) {
    if (!s.tls) continue;
    const modes: SmProbeMode[] = [...(s.tls.ntls ? ['tlcp' as const] : []), ...(s.tls.rfc8998_suites.length ? ['rfc8998' as const] : [])];
    const name = s.server_names.find((n) => /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(n));
    for (const l of s.listens) if (l.ssl && !l.loopback) for (const m of modes) out.set(`${l.port}/${m}`, { port: l.port, mode: m, ...(name ? { serverName: name } : {}) });
  }
  return [...out.values()];
}

/** Probe every target; the host is confirmed when any target answers with an SM suite. */
export async function runSmProbe(host: string, targets: Array<{ port: number; mode: SmProbeMode; serverName?: string }>, o: { timeoutMs?: number } = {}): Promise<SmProbeFact> {
  if (!targets.length) return { status: 'refused', confirmed: false, reason: 'no TLS listener configures SM suites', targets: [] };
  const results = await Promise.all(targets.map((t) => probeSm(host, t.port, t.mode, { timeoutMs: o.timeoutMs, serverName: t.serverName })));
  const rows = results.map((r) => ({ port: r.port, mode: r.mode, status: r.status, detail: r.detail, ...(r.suite ? { suite: r.suite } : {}), ...(r.certificates ? { certificates: r.certificates } : {}) }));
  if (results.some((r) => r.status === 'confirmed')) return { status: 'confirmed', confirmed: true, reason: `probed ${host}`, targets: rows };
  // Unreachable is not a host state: the `error` key makes every check reading the fact `error`.
  if (results.every((r) => r.status === 'error')) return { status: 'error', confirmed: null, reason: `could not reach ${host}`, targets: rows, error: { code: 'transport_error', message: `could not reach ${host}: ${rows.map((r) => `${r.port}/${r.mode} ${r.detail}`).join('; ')}` } };
  return { status: 'refused', confirmed: false, reason: `${host} answered without an SM suite`, targets: rows };
}
