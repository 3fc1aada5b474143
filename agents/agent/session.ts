/**
 * One mutual-TLS session with a collector. The collector answers every message in order (welcome,
 * ack or error), so requests are matched to answers first-in first-out; an error answer or a closed
 * connection fails every request still waiting, and the caller keeps those items for redelivery.
 */
import tls from 'node:tls';
import { GwsecError } from '../../src/model/errors.js';
import { FrameConnection, decodeCollectorMessage, type AgentMessageBody, type CollectorMessage } from '../../src/protocol/index.js';
import type { Endpoint } from './enrolment-file.js';

export interface Credentials {
  key: string;
  cert: string;
  ca: string;
}

type Answer = Exclude<CollectorMessage, { kind: 'enrolled' | 'ca' }>;
interface Waiter {
  resolve: (m: Answer) => void;
  reject: (e: Error) => void;
}

const servername = (host: string) => (/^[\d.]+$/.test(host) || host.includes(':') ? undefined : host);

export class CollectorSession {
  private readonly waiting: Waiter[] = [];
  private conn!: FrameConnection<CollectorMessage, AgentMessageBody>;
  private failure: Error | null = null;

  private constructor(readonly endpoint: Endpoint) {}

  static connect(ep: Endpoint, creds: Credentials, o: { timeoutMs?: number } = {}): Promise<CollectorSession> {
    const s = new CollectorSession(ep);
    return new Promise((resolve, reject) => {
      const timeoutMs = o.timeoutMs ?? 10_000;
      const socket = tls.connect({ host: ep.host, port: ep.port, servername: servername(ep.host), key: creds.key, cert: creds.cert, ca: [creds.ca], minVersion: 'TLSv1.2' });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new GwsecError('collector_unreachable', { en: `${ep.host}:${ep.port}: no TLS handshake in ${timeoutMs} ms`, zh: `${ep.host}:${ep.port}：${timeoutMs} 毫秒内未完成 TLS 握手` }));
      }, timeoutMs);
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(new GwsecError('collector_unreachable', { en: `${ep.host}:${ep.port}: ${e.message}`, zh: `${ep.host}:${ep.port}：连接失败：${e.message}` }));
      });
      socket.once('secureConnect', () => {
        clearTimeout(timer);
        socket.setNoDelay(true);
        s.conn = new FrameConnection(socket, {
          decode: decodeCollectorMessage,
          onMessage: (m) => s.answer(m),
          onProtocolError: (e) => s.fail(new GwsecError('collector_protocol_error', { en: e.message, zh: `通信协议出错：${e.message}` })),
          onClose: (e) => s.fail(new GwsecError('collector_disconnected', { en: `${ep.host}:${ep.port}: connection closed${e ? `: ${e.message}` : ''}`, zh: `${ep.host}:${ep.port}：连接已关闭${e ? `：${e.message}` : ''}` })),
        });
        resolve(s);
      });
    });
  }

  get closed(): boolean {
    return this.failure !== null;
  }

  get inFlight(): number {
    return this.waiting.length;
  }

  /** Send one message (or a frame already encoded); resolves with the collector's answer to it. */
  request(m: AgentMessageBody | Buffer): Promise<Answer> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (Buffer.isBuffer(m)) this.conn.sendFrame(m);
      else this.conn.send(m);
    });
  }

  close(): void {
    this.conn?.close();
    this.fail(new GwsecError('collector_disconnected', { en: 'closed', zh: '连接已关闭' }));
  }

  /** Resolves when the socket can take more (backpressure for bulk senders). */
  drained(): Promise<void> {
    const sock = this.conn.socket as tls.TLSSocket;
    if (!sock.writableNeedDrain || this.failure) return Promise.resolve();
    // A socket that closes while full never drains: resolve on either.
    return new Promise((r) => {
      const done = () => {
        sock.off('drain', done);
        sock.off('close', done);
        r();
      };
      sock.once('drain', done);
      sock.once('close', done);
    });
  }

  private answer(m: CollectorMessage): void {
    if (m.kind === 'error') {
      return this.fail(new GwsecError(`collector_${m.code}`, { en: `the collector refused: ${m.message} [${m.code}]`, zh: `采集中心拒绝：${m.message} [${m.code}]` }));
    }
    if (m.kind === 'enrolled' || m.kind === 'ca') return;
    this.waiting.shift()?.resolve(m);
  }

  private fail(e: Error): void {
    if (!this.failure) this.failure = e;
    for (const w of this.waiting.splice(0)) w.reject(this.failure);
  }
}
