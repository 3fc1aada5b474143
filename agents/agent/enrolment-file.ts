/**
 * The agent's enrolment as kept in its collector dir (enrolment.json + client.key/.crt + ca.crt), and
 * the endpoint syntax. No TLS or CSR code here: the running agent reads its enrolment through this
 * module without loading node-forge or the wire protocol (enrol.ts does the enrolling).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GwsecError } from '../../src/model/errors.js';

export interface Endpoint {
  host: string;
  port: number;
}

/** The enrolment as kept in the agent's collector dir (enrolment.json + client.key/.crt + ca.crt). */
export interface Enrolment {
  agent_id: string;
  endpoints: Endpoint[];
  enrolled_at: string;
}

export const ENROLMENT_FILE = 'enrolment.json';

export function parseEndpoints(s: string): Endpoint[] {
  const out = s.split(',').map((x) => x.trim()).filter(Boolean).map((x) => {
    const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(x);
    const port = m ? Number(m[2]) : 0;
    if (!m || port < 1 || port > 65535) throw new GwsecError('usage_error', { en: `--collector ${x}: expected HOST:PORT[,HOST:PORT...]`, zh: `--collector ${x}：应为 主机:端口[,主机:端口...]` });
    return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
  });
  if (!out.length) throw new GwsecError('usage_error', { en: '--collector needs at least one HOST:PORT', zh: '--collector 至少需要一个 主机:端口' });
  return out;
}

export function loadEnrolment(dir: string): { enrolment: Enrolment; key: string; cert: string; ca: string } | null {
  let enrolment: Enrolment;
  try {
    enrolment = JSON.parse(readFileSync(join(dir, ENROLMENT_FILE), 'utf8')) as Enrolment;
  } catch {
    return null;
  }
  return { enrolment, key: readFileSync(join(dir, 'client.key'), 'utf8'), cert: readFileSync(join(dir, 'client.crt'), 'utf8'), ca: readFileSync(join(dir, 'ca.crt'), 'utf8') };
}
