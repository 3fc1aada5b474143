/**
 * The collector's TLS server. A client that presents no certificate may only enrol (token → client
 * certificate); every other message needs mutual TLS with a certificate this collector's CA issued,
 * that the store knows (fingerprint) and that is not revoked. Each connection is handled on its
 * own: a protocol error, a bad certificate or a store failure closes that connection and nothing
 * else. An ack is sent only after the store has made the items durable.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { checkpointSignatureOk } from '../../src/journal/checkpoint.js';
import { GwsecError } from '../../src/model/errors.js';
import {
  ANCHORS_PAGE, FrameConnection, IntakeBudget, ProtocolError, decodeAgentMessage, type AgentMessage, type AlertPayload, type CollectorMessageBody,
} from '../../src/protocol/index.js';
import { VERSION } from '../../src/version.js';
import { fingerprint, signAgentCsr, type Ca } from './ca.js';
import type { CollectorConfig } from './config.js';
import type { AgentRecord, CollectorStore, StoredCheckpoint } from './store/types.js';
import { hashSecret } from '../../src/protocol/enrolment.js';

export type EmitFn = (event: string, fields: Record<string, unknown>) => void;

export interface ServerOptions {
  cfg: CollectorConfig;
  store: CollectorStore;
  now?: () => Date;
  emit?: EmitFn;
  /** Alerts newly stored (not duplicates): the forwarders' input. */
  onAlerts?: (agent: AgentRecord, alerts: AlertPayload[]) => void;
}

type Conn = FrameConnection<AgentMessage, CollectorMessageBody>;

export class CollectorServer {
  private readonly server: tls.Server;
  private readonly ca: Ca;
  private readonly now: () => Date;
  private readonly emit: EmitFn;
  private readonly agents = new Map<Conn, string>();
  private readonly sockets = new Set<tls.TLSSocket>();
  /** Checkpoint lists being paged out to agents verifying their archives (anchors_request). */
  private readonly anchorPages = new Map<Conn, { list: StoredCheckpoint[]; gaps: number }>();
  private sweep?: NodeJS.Timeout;
  private readonly intake: IntakeBudget;
  readonly counters = { connections: 0, refused: 0, protocolErrors: 0, alertsStored: 0, alertsDuplicate: 0 };

  constructor(private readonly o: ServerOptions) {
    const { cfg } = o;
    this.now = o.now ?? (() => new Date());
    this.intake = new IntakeBudget(cfg.intake_max_bytes);
    this.emit = o.emit ?? (() => undefined);
    const read = (f: string) => {
      try {
        return readFileSync(f, 'utf8');
      } catch (e) {
        throw new GwsecError('collector_config_error', { en: `cannot read ${f}: ${(e as Error).message}`, zh: `无法读取 ${f}：${(e as Error).message}` }, { file: cfg.file });
      }
    };
    this.ca = { certPem: read(cfg.tls.ca_cert), keyPem: read(cfg.tls.ca_key) };
    this.server = tls.createServer(
      {
        key: read(cfg.tls.key),
        cert: read(cfg.tls.cert) + this.ca.certPem,
        ca: [this.ca.certPem],
        requestCert: true,
        // Checked per connection below: no certificate means "enrol only", not "refused".
        rejectUnauthorized: false,
        minVersion: 'TLSv1.2',
        handshakeTimeout: 10_000,
      },
      (socket) => this.accept(socket),
    );
    this.server.on('tlsClientError', () => {
      this.counters.refused++;
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.o.cfg.listen.port, this.o.cfg.listen.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.sweep = setInterval(() => void this.sweepRevoked(), this.o.cfg.revocation_check_s * 1000);
    this.sweep.unref();
    const port = (this.server.address() as AddressInfo).port;
    this.emit('CollectorListening', { host: this.o.cfg.listen.host, port, store: this.o.store.kind, version: VERSION });
    return port;
  }

  /** Bytes received and not yet handled (bounded by intake_max_bytes plus one read per connection). */
  get intakeBytes(): number {
    return this.intake.bytes;
  }

  get connected(): number {
    return this.agents.size;
  }

  async close(): Promise<void> {
    clearInterval(this.sweep);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private accept(socket: tls.TLSSocket): void {
    this.counters.connections++;
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.setTimeout(this.o.cfg.idle_timeout_s * 1000, () => socket.destroy());
    socket.setNoDelay(true);
    let agent: AgentRecord | undefined;
    const peer = socket.getPeerCertificate();
    const presented = peer && Object.keys(peer).length > 0;
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    const conn: Conn = new FrameConnection(socket, {
      decode: decodeAgentMessage,
      maxFrameBytes: this.o.cfg.max_frame_bytes,
      // Memory stays bounded however many agents send at once: a few frames per connection, and
      // intake_max_bytes across all of them; the rest waits in the agents' TCP buffers and outboxes.
      maxQueued: 4,
      intake: this.intake,
      onMessage: async (m) => {
        await auth;
        if (conn.isClosed) return;
        await this.handle(conn, m, agent);
      },
      onProtocolError: (e) => {
        this.counters.protocolErrors++;
        this.emit('ProtocolErrorReceived', { remote, agent: agent?.id, error_type: e.code, message: e.message });
      },
      onClose: () => {
        this.agents.delete(conn);
        this.anchorPages.delete(conn);
      },
    });
    const refuse = (code: string, message: string) => {
      this.counters.refused++;
      this.emit('AgentRefused', { remote, agent: agent?.id, error_type: code, message });
      conn.fail(code, message);
    };
    const auth = (async () => {
      if (!presented) return; // enrol only
      if (!socket.authorized) return refuse('certificate_rejected', `client certificate not accepted: ${String(socket.authorizationError)}`);
      const id = peer.subject?.CN;
      const a = typeof id === 'string' ? await this.o.store.getAgent(id).catch(() => undefined) : undefined;
      const fp = peer.raw ? fingerprint(`-----BEGIN CERTIFICATE-----\n${peer.raw.toString('base64')}\n-----END CERTIFICATE-----\n`) : '';
      if (!a || a.cert_fingerprint !== fp) return refuse('unknown_certificate', 'this certificate was not issued to an enrolled agent');
      if (a.revoked_at) return refuse('revoked', `agent ${a.id} was revoked at ${a.revoked_at}`);
      agent = a;
      this.agents.set(conn, a.id);
    })();
  }

  private async handle(conn: Conn, m: AgentMessage, agent: AgentRecord | undefined): Promise<void> {
    if (m.kind === 'ca_request') {
      conn.send({ kind: 'ca', ca: this.ca.certPem });
      return;
    }
    if (m.kind === 'enrol') {
      if (agent) throw new ProtocolError('unexpected_message', 'already enrolled: this connection uses a client certificate');
      return this.enrol(conn, m);
    }
    if (!agent) throw new ProtocolError('not_enrolled', `"${m.kind}" needs a client certificate: enrol first (gwsec agent enrol)`);
    const now = this.now();
    try {
      switch (m.kind) {
        case 'hello': {
          const skew = Date.parse(m.time) - now.getTime();
          const flagged = Math.abs(skew) > this.o.cfg.clock_skew_max_s * 1000;
          if (flagged) this.emit('ClockSkewFlagged', { agent: agent.id, skew_ms: skew, max_s: this.o.cfg.clock_skew_max_s });
          await this.o.store.touchAgent(agent.id, now, skew);
          conn.send({ kind: 'welcome', agent_id: agent.id, collector: this.o.cfg.name, time: now.toISOString(), skew_ms: skew, skew_flagged: flagged });
          return;
        }
        case 'alerts': {
          const r = await this.o.store.putAlerts(agent.id, m.alerts, now);
          this.counters.alertsStored += r.stored;
          this.counters.alertsDuplicate += r.duplicate;
          conn.send({ kind: 'ack', ids: m.alerts.map((a) => a.id) });
          if (r.storedIds.length && this.o.onAlerts) {
            const fresh = new Set(r.storedIds);
            this.o.onAlerts(agent, m.alerts.filter((a) => fresh.has(a.id)));
          }
          return;
        }
        case 'checkpoint': {
          const c = m.checkpoint;
          const ok = checkpointSignatureOk({ seq: c.seq, hash: c.hash, time: c.time, keyId: c.key_id, signature: c.signature }, agent.sm2_public_key);
          if (!ok) this.emit('CheckpointSignatureInvalid', { agent: agent.id, seq: c.seq, key_id: c.key_id });
          await this.o.store.putCheckpoint(agent.id, c, ok, now);
          conn.send({ kind: 'ack', ids: [c.id], ...(ok ? {} : { rejected: [{ id: c.id, code: 'bad_signature' }] }) });
          return;
        }
        case 'health':
          await this.o.store.putHealth(agent.id, m.health, now);
          conn.send({ kind: 'ack', ids: [m.health.id] });
          return;
        case 'anchors_request': {
          // The list is read once per verify (the embedded store scans for it) and paged from here.
          let held = this.anchorPages.get(conn);
          if (!held || m.offset === 0) {
            held = { list: await this.o.store.checkpoints(agent.id), gaps: (await this.o.store.gaps(agent.id)).length };
            this.anchorPages.set(conn, held);
          }
          const page = held.list.slice(m.offset, m.offset + ANCHORS_PAGE).map(({ agent_id: _a, received_at: _r, ...c }) => c);
          if (m.offset + page.length >= held.list.length) this.anchorPages.delete(conn);
          conn.send({ kind: 'anchors', agent_id: agent.id, sm2_public_key: agent.sm2_public_key, offset: m.offset, total: held.list.length, checkpoints: page, gaps: held.gaps });
          return;
        }
        case 'gap':
          this.emit('AgentGapReported', { agent: agent.id, ...m.gap.dropped, from: m.gap.from, to: m.gap.to });
          await this.o.store.putGap(agent.id, m.gap, now);
          conn.send({ kind: 'ack', ids: [m.gap.id] });
          return;
      }
    } catch (e) {
      // Store down (PostgreSQL restarting, disk full): no ack, so the agent keeps the items and resends.
      this.emit('StoreWriteError', { agent: agent.id, kind: m.kind, error_type: (e as NodeJS.ErrnoException).code ?? 'store', message: (e as Error).message });
      conn.fail('store_unavailable', 'the collector cannot store this now; retry later');
    }
  }

  private async enrol(conn: Conn, m: Extract<AgentMessage, { kind: 'enrol' }>): Promise<void> {
    const now = this.now();
    const id = `${m.name.slice(0, 100)}-${randomBytes(4).toString('hex')}`;
    let issued;
    try {
      issued = signAgentCsr(this.ca, m.csr, id, now);
    } catch (e) {
      return conn.fail('bad_csr', (e as Error).message);
    }
    const use = await this.o.store.useToken(hashSecret(tokenSecret(m.token)), now);
    if (use !== 'ok') {
      this.counters.refused++;
      this.emit('EnrolRefused', { name: m.name, error_type: `token_${use}` });
      return conn.fail(`token_${use}`, { unknown: 'unknown enrolment token', expired: 'the enrolment token has expired', used: 'the enrolment token was already used' }[use]);
    }
    await this.o.store.addAgent({
      id, name: m.name, cert_fingerprint: issued.fingerprint, cert_serial: issued.serial, sm2_public_key: m.sm2_public_key,
      enrolled_at: now.toISOString(), revoked_at: null, last_seen: null, skew_ms: null,
    });
    this.emit('AgentEnrolled', { agent: id, name: m.name, serial: issued.serial });
    conn.send({ kind: 'enrolled', agent_id: id, cert: issued.certPem, ca: this.ca.certPem });
    conn.close();
  }

  private async sweepRevoked(): Promise<void> {
    for (const [conn, id] of this.agents) {
      const a = await this.o.store.getAgent(id).catch(() => undefined);
      if (a?.revoked_at) {
        this.emit('AgentRefused', { agent: id, error_type: 'revoked', message: 'revoked while connected' });
        conn.fail('revoked', `agent ${id} was revoked at ${a.revoked_at}`);
        this.agents.delete(conn);
      }
    }
  }
}

/** The token's secret part (the CA fingerprint in it is for the agent). */
function tokenSecret(token: string): string {
  return token.split('.')[1] ?? '';
}
