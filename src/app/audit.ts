import { readFileSync } from 'node:fs';
import type { Pack } from '../model/check.js';
import type { FactsFile, HostFacts } from '../model/facts.js';
import { GwsecError } from '../model/errors.js';
import { loadPack, resolveVariables } from '../policy/load.js';
import { lintPack } from '../policy/lint.js';
import { collectors, derivers } from '../collectors/index.js';
import { buildReport, evaluateHosts, gatherHost, type AuditTarget } from '../audit/audit.js';
import { formatters } from '../report/index.js';
import { detectLang } from '../i18n/index.js';
import { defaultPackDir } from '../util/paths.js';
import { VERSION } from '../version.js';
import { FixtureTransport } from '../transport/fixture.js';
import { translator } from '../i18n/index.js';
import { assertSomethingToAudit, parseVarOverrides, targetsFrom, type TargetOptions } from './targets.js';
import { writeFileAtomic, type Io } from './io.js';
import { GwsecErrorList } from '../model/errors.js';

export interface AuditOptions extends TargetOptions {
  pack?: string;
  format: string;
  output?: string;
  lang?: string;
  color?: boolean;
  vars?: string[];
  sudo?: boolean;
  timeoutS?: number;
  checks?: string[];
  verbose?: boolean;
}

/** Load, validate and lint the pack before any host is touched (exit 2 on any problem). */
export function preparePack(dir: string | undefined, only?: string[]): Pack {
  const pack = loadPack(dir ?? defaultPackDir());
  const problems = lintPack(pack, collectors, derivers);
  if (problems.length) throw problems.length === 1 ? problems[0]! : new GwsecErrorList(problems);
  if (only?.length) {
    const unknown = only.filter((id) => !pack.checks.some((c) => c.id === id));
    if (unknown.length) throw new GwsecError('usage_error', `unknown check id(s): ${unknown.join(', ')}`);
    pack.checks = pack.checks.filter((c) => only.includes(c.id));
  }
  return pack;
}

/** The geolocation data (~8 MB) is only read when a deriver first asks for a country. */
async function loadGeo(): Promise<(ip: string) => string | null> {
  const geo = await import('../geo/index.js');
  let lookup: ((ip: string) => string | null) | undefined;
  return (ip) => (lookup ??= geo.geoLookup())(ip);
}

export async function gatherAll(pack: Pack, targets: AuditTarget[], o: AuditOptions, io: Io): Promise<HostFacts[]> {
  const hosts: HostFacts[] = [];
  for (const t of targets) {
    try {
      hosts.push(await gatherHost(t, pack.checks, { sudo: o.sudo, timeoutMs: (o.timeoutS ?? 120) * 1000 }));
      if (t.transport instanceof FixtureTransport && t.transport.unrecorded().length) {
        io.err(translator(detectLang(o.lang, io.env))('cli.unrecorded', { host: t.name, what: t.transport.unrecorded().join(', ') }) + '\n');
      }
    } finally {
      await t.transport.close();
    }
  }
  return hosts;
}

export function emit(pack: Pack, hosts: HostFacts[], o: AuditOptions, io: Io, geo: (ip: string) => string | null): number {
  const now = io.now();
  const variables = resolveVariables(pack, parseVarOverrides(o.vars));
  const results = evaluateHosts(pack, hosts, { now, variables, geo });
  const report = buildReport(pack, hosts, results, now);
  const fmt = formatters[o.format];
  if (!fmt) throw new GwsecError('usage_error', `unknown format ${o.format} (known: ${Object.keys(formatters).join(', ')})`);
  const text = fmt(report, {
    lang: detectLang(o.lang, io.env),
    color: o.color ?? (io.isTTY && !o.output && !io.env.NO_COLOR),
    verbose: o.verbose,
    checks: new Map(pack.checks.map((c) => [c.id, c])),
  });
  if (o.output) writeFileAtomic(o.output, text);
  else io.out(text);
  return report.summary.fail > 0 ? 1 : 0;
}

export async function auditRun(o: AuditOptions, io: Io): Promise<number> {
  assertSomethingToAudit(o);
  const pack = preparePack(o.pack, o.checks);
  resolveVariables(pack, parseVarOverrides(o.vars)); // bad --var is a usage error before any host is touched
  const targets = targetsFrom(o);
  const hosts = await gatherAll(pack, targets, o, io);
  return emit(pack, hosts, o, io, await loadGeo());
}

export async function factsRun(o: AuditOptions & { save?: string }, io: Io): Promise<number> {
  assertSomethingToAudit(o);
  const pack = preparePack(o.pack, o.checks);
  const hosts = await gatherAll(pack, targetsFrom(o), o, io);
  const file: FactsFile = { schemaVersion: 1, tool: { name: 'gwsec', version: VERSION }, hosts };
  const text = JSON.stringify(file, null, 2) + '\n';
  if (o.save) writeFileAtomic(o.save, text);
  else io.out(text);
  return 0;
}

export async function evaluateRun(o: AuditOptions & { files: string[] }, io: Io): Promise<number> {
  const pack = preparePack(o.pack, o.checks);
  const hosts = o.files.flatMap((f) => readFactsFile(f).hosts);
  return emit(pack, hosts, o, io, await loadGeo());
}

function readFactsFile(file: string): FactsFile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new GwsecError('facts_file_error', `cannot read facts: ${(e as Error).message}`, { file });
  }
  const f = data as FactsFile;
  if (f?.schemaVersion !== 1 || !Array.isArray(f.hosts)) throw new GwsecError('facts_file_error', 'not a gwsec facts file (schemaVersion 1 with hosts[])', { file });
  return f;
}
