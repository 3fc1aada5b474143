import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from '../../helpers/cli.js';
import { join } from 'node:path';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { AlertPayload, Severity } from '../../../src/protocol/index.js';
import type { CollectorStore } from '../../../agents/collector/store/types.js';
import type { Io } from '../../../src/app/io.js';
import { CollectorServer, type ServerOptions } from '../../../agents/collector/server.js';
import { CollectorSession, type Credentials } from '../../../agents/agent/session.js';
import { collectorInit } from '../../../agents/collector/commands.js';
import { enrol, loadEnrolment, type Enrolment } from '../../../agents/agent/enrol.js';
import { fingerprint } from '../../../agents/collector/ca.js';
import { generateSm2KeyPair } from '../../../src/crypto/index.js';
import { loadCollectorConfig, type CollectorConfig } from '../../../agents/collector/config.js';
import { makeToken } from '../../../src/protocol/index.js';
import { openStore } from '../../../agents/collector/store/index.js';
export const tmp = (name: string): string => mkdtempSync(join(tmpdir(), `gwsec-collector-${name}-`));

export function alert(id: string, o: { severity?: Severity; rule?: string; first?: string; last?: string; count?: number } = {}): AlertPayload {
  return {
    id,
    rule: o.rule ?? 'web-sqli-probe',
    severity: o.severity ?? 'high',
    host: 'web-01',
    kind: 'detection',
    title: { zh: 'SQL 注入探测', en: 'SQL injection probe' },
    technique: 'T1190',
    playbook: 'web-attack',
    groupKey: '203.0.113.7',
    firstSeen: o.first ?? '2026-12-01T08:00:00.000Z',
    lastSeen: o.last ?? o.first ?? '2026-12-01T08:00:00.000Z',
    count: o.count ?? 1,
    samples: ["GET /?id=1' OR 1=1-- HTTP/1.1"],
    refs: [{ source: 'nginx', seq: 42 }],
    evidence: { transforms: ['urldecode'], status: 200 },
  };
}


export function quietIo(now = () => new Date()): Io & { text: () => string } {
  let out = '';
  return { out: (s) => void (out += s), err: (s) => void (out += s), env: {}, isTTY: false, now, text: () => out };
}

/** A collector dir from `collector init` (listening on an ephemeral loopback port), config tweaks appended. */
export function initCollector(name: string, extraYaml = '', o: { caFrom?: string } = {}): string {
  const dir = tmp(name);
  collectorInit({ dir, name, listen: '127.0.0.1:0', serverNames: ['localhost', '127.0.0.1'], caFrom: o.caFrom }, quietIo());
  if (extraYaml) writeFileSync(join(dir, 'collector.yaml'), readFileSync(join(dir, 'collector.yaml'), 'utf8') + extraYaml);
  return join(dir, 'collector.yaml');
}

export interface Running {
  cfg: CollectorConfig;
  store: CollectorStore;
  server: CollectorServer;
  port: number;
  events: Array<{ event: string } & Record<string, unknown>>;
  token(ttlS?: number): Promise<string>;
  stop(): Promise<void>;
}

export async function startCollector(configPath: string, o: Partial<ServerOptions> = {}): Promise<Running> {
  const cfg = loadCollectorConfig(configPath);
  const store = o.store ?? (await openStore(cfg));
  const events: Running['events'] = [];
  const server = new CollectorServer({ cfg, store, emit: (event, f) => events.push({ event, ...f }), ...o });
  const port = await server.listen();
  let stopping: Promise<void> | undefined;
  return {
    cfg, store, server, port, events,
    async token(ttlS = 3600) {
      const t = makeToken(fingerprint(readFileSync(cfg.tls.ca_cert, 'utf8')));
      await store.addToken(t.hash, new Date(), new Date(Date.now() + ttlS * 1000));
      return t.token;
    },
    // idempotent: a test's own stop and its teardown's may both run
    stop() {
      return (stopping ??= (async () => {
        await server.close();
        await store.close();
      })());
    },
  };
}

export interface TestAgent {
  dir: string;
  enrolment: Enrolment;
  creds: Credentials;
  sm2: { privateKeyPem: string; publicKeyPem: string };
}

export async function enrolAgent(port: number, token: string, name = 'web01'): Promise<TestAgent> {
  const dir = tmp(`agent-${name}`);
  const sm2 = generateSm2KeyPair();
  const enrolment = await enrol({ endpoints: [{ host: '127.0.0.1', port }], token, name, dir, sm2PublicKeyPem: sm2.publicKeyPem });
  const l = loadEnrolment(dir)!;
  return { dir, enrolment, creds: { key: l.key, cert: l.cert, ca: l.ca }, sm2 };
}

export const connect = (port: number, creds: Credentials): Promise<CollectorSession> => CollectorSession.connect({ host: '127.0.0.1', port }, creds);

/** The real collector, as systemd runs it: `gwsec collector run -c FILE` in its own process. */
export function spawnCollector(config: string, o: { nodeFlags?: string[]; env?: Record<string, string> } = {}): { child: ChildProcess; out: () => string; port: Promise<number>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [...(o.nodeFlags ?? []), BIN, 'collector', 'run', '-c', config], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...o.env } });
  let out = '';
  let onPort: (p: number) => void = () => {};
  let onFail: (e: Error) => void = () => {};
  const port = new Promise<number>((res, rej) => {
    onPort = res;
    onFail = rej;
  });
  const take = (d: Buffer) => {
    out += d.toString();
    const m = /"event":"CollectorListening"[^\n]*"port":(\d+)/.exec(out);
    if (m) onPort(Number(m[1]));
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => {
    onFail(new Error(`collector exited (${code}) before listening: ${out}`));
    r(code);
  }));
  return { child, out: () => out, port, exited };
}
