import { hostname } from 'node:os';
import { LocalTransport } from '../transport/local.js';
import { FixtureTransport } from '../transport/fixture.js';
import { GwsecError } from '../model/errors.js';
import type { AuditTarget } from '../audit/audit.js';

export interface TargetOptions {
  local?: boolean;
  fixture?: string[];
  roles?: string[];
  publicIps?: string[];
}

/** --local and --fixture DIR (repeatable) become audit targets. SSH inventories come in a later issue. */
export function targetsFrom(o: TargetOptions): AuditTarget[] {
  assertSomethingToAudit(o);
  const targets: AuditTarget[] = [];
  if (o.local) targets.push({ name: hostname(), transport: new LocalTransport(), roles: o.roles ?? [], publicIps: o.publicIps ?? [] });
  for (const dir of o.fixture ?? []) {
    const t = FixtureTransport.fromDir(dir);
    targets.push({ name: t.id.slice('fixture:'.length), transport: t, roles: o.roles?.length ? o.roles : t.roles, publicIps: o.publicIps?.length ? o.publicIps : t.publicIp ? [t.publicIp] : [] });
  }
  return targets;
}

/** A usage error is reported before the pack is even read. */
export function assertSomethingToAudit(o: TargetOptions): void {
  if (!o.local && !o.fixture?.length) throw new GwsecError('usage_error', 'nothing to audit: give --local or --fixture DIR');
}

/** `--var NAME=VALUE`: VALUE is JSON when it parses as JSON (numbers, lists), else a string. */
export function parseVarOverrides(list: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new GwsecError('usage_error', `--var takes NAME=VALUE, got '${item}'`);
    const v = item.slice(eq + 1);
    try {
      out[item.slice(0, eq)] = JSON.parse(v);
    } catch {
      out[item.slice(0, eq)] = v;
    }
  }
  return out;
}
