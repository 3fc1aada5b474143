/**
 * `gwsec agent enrol`: exchange a one-time token for a client certificate from the collector's CA.
 * The agent makes its own key (it never leaves the host) and a CSR with node-forge. Before the token
 * is sent, the collector is authenticated: its certificate must chain to a CA whose fingerprint is
 * in the token and must name the host we dialled. Afterwards every connection is mutual TLS.
 */
import { X509Certificate } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import { GwsecError } from '../../src/model/errors.js';
import { FrameConnection, decodeCollectorMessage, type AgentMessageBody, type CollectorMessage } from '../../src/protocol/index.js';
import { writeFileAtomic } from '../../src/util/fs.js';
import type { parseToken } from '../../src/protocol/enrolment.js';
import { ENROLMENT_FILE, type Endpoint, type Enrolment } from './enrolment-file.js';

export { loadEnrolment, parseEndpoints, type Endpoint, type Enrolment } from './enrolment-file.js';

const servername = (host: string) => (/^[\d.]+$/.test(host) || host.includes(':') ? undefined : host);

/** Enrol with the first endpoint that answers; writes the enrolment into `dir`. */
export async function enrol(o: { endpoints: Endpoint[]; token: string; name: string; dir: string; sm2PublicKeyPem: string; timeoutMs?: number; csr?: { keyPem: string; csrPem: string } }): Promise<Enrolment> {
  // node-forge (the CSR) is loaded here, not into the running agent's heap.
  const { makeCsr, parseToken } = await import('../../src/protocol/enrolment.js');
  const tok = parseToken(o.token);
  // `csr`: the benchmark's 100 simulated agents share one key (each still gets its own certificate).
  const { keyPem, csrPem } = o.csr ?? makeCsr(o.name);
  let last: Error | undefined;
  for (const ep of o.endpoints) {
    try {
      const r = await enrolAt(ep, tok, o, csrPem, o.timeoutMs ?? 15_000);
      mkdirSync(o.dir, { recursive: true, mode: 0o700 });
      writeFileAtomic(join(o.dir, 'client.key'), keyPem, 0o600);
      writeFileAtomic(join(o.dir, 'client.crt'), r.cert, 0o644);
      writeFileAtomic(join(o.dir, 'ca.crt'), r.ca, 0o644);
      const e: Enrolment = { agent_id: r.agent_id, endpoints: o.endpoints, enrolled_at: new Date().toISOString() };
      writeFileAtomic(join(o.dir, ENROLMENT_FILE), JSON.stringify(e, null, 2) + '\n', 0o600);
      return e;
    } catch (e) {
      // A refusal by the collector (bad token) or a wrong collector is final; a connection failure tries the next endpoint.
      if (e instanceof GwsecError && e.code !== 'enrol_unreachable') throw e;
      last = e as Error;
    }
  }
  throw new GwsecError('enrol_unreachable', { en: `no collector could be reached: ${last?.message ?? 'none given'}`, zh: `无法连接任何采集中心：${last instanceof GwsecError ? last.zh : (last?.message ?? '未指定采集中心')}` });
}

type Enrolled = Extract<CollectorMessage, { kind: 'enrolled' }>;

/**
 * Two connections: the first (unauthenticated, nothing secret sent) fetches the collector's CA, which
 * must match the token's fingerprint; the second verifies the collector against that CA and its
 * host name like any TLS client, and only then carries the token.
 */
async function enrolAt(ep: Endpoint, tok: ReturnType<typeof parseToken>, o: { token: string; name: string; sm2PublicKeyPem: string }, csr: string, timeoutMs: number): Promise<Enrolled> {
  const ca = await exchange(ep, { rejectUnauthorized: false }, { kind: 'ca_request' }, timeoutMs, (m) => (m.kind === 'ca' ? m.ca : undefined));
  const fp = new X509Certificate(ca).fingerprint256.replace(/:/g, '').toLowerCase();
  if (fp !== tok.caFingerprint) {
    throw new GwsecError('enrol_wrong_collector', {
      en: `${ep.host}:${ep.port}: the collector's CA is not the one named in the token (wrong collector, or intercepted)`,
      zh: `${ep.host}:${ep.port}：采集中心的 CA 证书与令牌所载不符（连错了采集中心，或连接被劫持）`,
    });
  }
  return exchange(ep, { ca: [ca] }, { kind: 'enrol', token: o.token, name: o.name, csr, sm2_public_key: o.sm2PublicKeyPem }, timeoutMs, (m) => (m.kind === 'enrolled' ? m : undefined));
}

function exchange<T>(ep: Endpoint, tlsOpts: tls.ConnectionOptions, msg: AgentMessageBody, timeoutMs: number, pick: (m: CollectorMessage) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (e: Error | null, v?: T) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (e) reject(e);
      else resolve(v!);
    };
    const timer = setTimeout(() => done(new GwsecError('enrol_unreachable', { en: `${ep.host}:${ep.port}: no answer in ${timeoutMs} ms`, zh: `${ep.host}:${ep.port}：${timeoutMs} 毫秒内无应答` })), timeoutMs);
    const socket = tls.connect({ host: ep.host, port: ep.port, servername: servername(ep.host), minVersion: 'TLSv1.2', ...tlsOpts });
    socket.on('error', (e) => {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      // A certificate that fails verification against the token's CA is not a reason to try elsewhere.
      const cert = /CERT|SELF_SIGNED|ERR_TLS_CERT_ALTNAME/.test(code);
      done(new GwsecError(cert ? 'enrol_wrong_collector' : 'enrol_unreachable', { en: `${ep.host}:${ep.port}: ${e.message}`, zh: `${ep.host}:${ep.port}：${cert ? '证书校验失败' : '连接失败'}：${e.message}` }));
    });
    socket.on('secureConnect', () => {
      const conn = new FrameConnection<CollectorMessage, AgentMessageBody>(socket, {
        decode: decodeCollectorMessage,
        onMessage: (m) => {
          const v = pick(m);
          if (v !== undefined) done(null, v);
          else if (m.kind === 'error') done(new GwsecError(`enrol_${m.code}`, { en: `the collector refused the enrolment: ${m.message} [${m.code}]`, zh: `采集中心拒绝注册：${m.message} [${m.code}]` }));
        },
        onProtocolError: (e) => done(new GwsecError('enrol_protocol_error', { en: e.message, zh: `注册协议出错：${e.message}` })),
        onClose: () => done(new GwsecError('enrol_unreachable', { en: `${ep.host}:${ep.port}: connection closed before an answer`, zh: `${ep.host}:${ep.port}：连接在应答前关闭` })),
      });
      conn.send(msg);
    });
  });
}
