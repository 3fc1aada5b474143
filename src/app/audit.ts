import { readFileSync } from 'node:fs';
import type { Check, Pack } from '../model/check.js';
import type { FactsFile, HostFacts } from '../model/facts.js';
import type { Report } from '../model/result.js';
import { GwsecError, GwsecErrorList } from '../model/errors.js';
import { loadPack, resolveVariables } from '../policy/load.js';
import { lintPack } from '../policy/lint.js';
import { collectors, derivers } from '../audit/registry.js';
import { buildReport, evaluateHosts, gatherAll, type AuditTarget } from '../audit/audit.js';
import { parseReportTargets, reportFormat, type ReportTarget } from '../report/index.js';
import { selectChecks, type CheckSelection } from '../audit/select.js';
import { checkShards, markPartial, packDigest, parseShard, sha256 } from '../audit/shards.js';
import { DEFAULT_FAIL_ON, exitStatus, parseFailOn, runFailures } from '../audit/fail-on.js';
import { detectLang, translator } from '../i18n/index.js';
import { defaultPackDir } from '../util/paths.js';
import { VERSION } from '../version.js';
import type { Transport } from '../transport/types.js';
import { loadInventory } from '../inventory/load.js';
import type { Inventory } from '../inventory/schema.js';
import { resolveSite } from '../audit/site.js';
import type { SiteFacts } from '../engine/fleet.js';
import { assertSomethingToAudit, parseVarOverrides, targetsFrom, type TargetOptions } from './targets.js';
import { progressReporter } from './progress.js';
import { writeFileAtomic, type Io } from './io.js';
import { loadWaiverFile, tellWaivers } from './waivers.js';
import { localDate, type WaiverFile } from '../policy/waivers.js';
import { applyWaivers } from '../audit/waive.js';
import { probeSmSuites } from '../audit/sm-probe.js';
import { diffReports } from '../audit/diff.js';
import { formatDiffText } from '../report/diff.js';
import { fromWire, toWire } from '../report/wire.js';

export interface AuditOptions extends TargetOptions {
  pack?: string;
  format: string;
  output?: string;
  /** `--report FORMAT[:FILE][,…]` (repeatable): several reports from one run. */
  reports?: string[];
  lang?: string;
  color?: boolean;
  vars?: string[];
  sudo?: boolean;
  timeoutS?: number;
  concurrency?: number;
  checks?: string[];
  verbose?: boolean;
  /** `--waivers FILE`: accepted exceptions, validated before any host is touched. */
  waivers?: string;
  /** `--baseline OLD.json`: compare with an earlier JSON report (and allow `--fail-on new`). */
  baseline?: string;
  /** Keep going when a waiver has expired (it then waives nothing and the report says so). */
  allowExpiredWaivers?: boolean;
  /** `--fail-on`: which findings fail the run (src/audit/fail-on.ts). */
  failOn?: string;
  /** `--skip` (ids, globs, comma lists) and `--severity` (minimum severity evaluated): src/audit/select.ts */
  skip?: string[];
  severity?: string;
  /** merge: accept a missing, duplicated or mismatched shard, marking the fleet results partial */
  partial?: boolean;
}

/** Every check id of a prepared pack, including those --check left out (waivers may name them). */
const allIds = new WeakMap<Pack, string[]>();

/** Load, validate and lint the pack before any host is touched (exit 2 on any problem). */
export function preparePack(dir: string | undefined, sel: CheckSelection = {}): Pack {
  const pack = loadPack(dir ?? defaultPackDir(), { cases: false });
  allIds.set(pack, pack.checks.map((c) => c.id));
  const problems = lintPack(pack, collectors, derivers);
  if (problems.length) throw problems.length === 1 ? problems[0]! : new GwsecErrorList(problems);
  pack.checks = selectChecks(pack.checks, sel);
  return pack;
}

/** The geolocation data (~8 MB) is only read when a deriver first asks for a country. */
async function loadGeo(): Promise<(ip: string) => string | null> {
  const geo = await import('../geo/index.js');
  let lookup: ((ip: string) => string | null) | undefined;
  return (ip) => (lookup ??= geo.geoLookup())(ip);
}

/** Everything that can be wrong with the input is found before any host is touched. */
async function prepare(o: AuditOptions, io: Io): Promise<{ pack: Pack; inventory?: Inventory; cliVars: Record<string, unknown>; waivers?: WaiverFile; baseline?: Report }> {
  assertSomethingToAudit(o);
  const baseline = readBaseline(o.baseline);
  parseFailOn(o.failOn, baseline); // a bad threshold is a usage error before any host is touched
  reportTargets(o);
  const pack = preparePack(o.pack, { check: o.checks, skip: o.skip, severity: o.severity });
  const cliVars = parseVarOverrides(o.vars);
  resolveVariables(pack, cliVars);
  const inventory = o.inventory ? await loadInventory(o.inventory) : undefined;
  for (const h of inventory?.hosts ?? []) resolveVariables(pack, h.vars, { file: `${inventory!.file}:${h.line} (host ${h.name})` });
  const waivers = loadWaiverFile(o.waivers, allIds.get(pack) ?? [], io.now(), o.allowExpiredWaivers);
  return { pack, inventory, cliVars, waivers, baseline };
}

async function gather(pack: Pack, targets: AuditTarget[], o: AuditOptions, io: Io): Promise<HostFacts[]> {
  const progress = progressReporter(io, targets.length, detectLang(o.lang, io.env));
  try {
    const hosts = await gatherAll(targets, pack.checks, {
      timeoutMs: (o.timeoutS ?? 120) * 1000,
      sudo: o.sudo,
      concurrency: o.concurrency,
      onHostStart: (name) => progress.hostStart(name),
      onHostDone: (h, done, total) => progress.hostDone(h, done, total),
    });
    // TLCP / RFC 8998: the auditor probes the hosts' HTTPS listeners (I/O at the edge, not in the engine).
    await probeSmSuites(hosts, (name) => targets.find((t) => t.name === name)?.probe, { timeoutMs: 5000 });
    for (const t of targets) {
      const missing = typeof t.transport === 'function' ? [] : (t.transport.requests?.unanswered?.() ?? []);
      if (missing.length) io.err(translator(detectLang(o.lang, io.env))('cli.unrecorded', { host: t.name, what: missing.join(', ') }) + '\n');
    }
    return hosts;
  } finally {
    progress.stop();
  }
}

/** `--report …` when given, else the single `--format`/`-o` pair (validated before any host is touched). */
export function reportTargets(o: Pick<AuditOptions, 'reports' | 'format' | 'output'>): ReportTarget[] {
  if (!o.reports?.length) return [{ format: reportFormat(o.format).id, ...(o.output ? { path: o.output } : {}) }];
  if (o.output) throw new GwsecError('usage_error', { en: '--report and -o/--output do not mix: give each report its file as FORMAT:FILE', zh: '--report 不能与 -o/--output 同时使用：请按 格式:文件 为每份报告指定文件' });
  return parseReportTargets(o.reports);
}

export function emit(report: Report, pack: Pack | undefined, o: AuditOptions, io: Io, baseline?: Report): number {
  const failures = runFailures(report, parseFailOn(o.failOn, baseline));
  if (baseline) report.diff = diffReports(baseline, report);
  const checks = pack ? new Map(pack.checks.map((c) => [c.id, c])) : undefined;
  for (const t of reportTargets(o)) {
    const text = reportFormat(t.format).render(report, {
      lang: detectLang(o.lang, io.env),
      both: o.lang === 'both',
      color: o.color ?? (io.isTTY && !t.path && !io.env.NO_COLOR),
      verbose: o.verbose,
      checks,
      verdict: { failOn: o.failOn ?? DEFAULT_FAIL_ON, unaudited: failures.unaudited, findings: failures.findings.length },
      ...(t.path || !io.columns ? {} : { columns: io.columns }),
    });
    if (t.path) writeFileAtomic(t.path, text);
    else io.out(text);
  }
  tellWaivers(report, io, detectLang(o.lang, io.env));
  if (report.diff) io.err(formatDiffText(report.diff, detectLang(o.lang, io.env)));
  // A host that could not be audited at all, or a finding at or above --fail-on, fails the run.
  return exitStatus(failures);
}

interface Judging {
  waivers?: WaiverFile;
  inventory?: Inventory;
}

function evaluateAndReport(pack: Pack, hosts: HostFacts[], cliVars: Record<string, unknown>, site: SiteFacts | undefined, geo: (ip: string) => string | null, o: AuditOptions, io: Io, j: Judging = {}): Report {
  const now = io.now();
  const results = evaluateHosts(pack, hosts, {
    now,
    variables: resolveVariables(pack, cliVars),
    hostVariables: (h) => resolveVariables(pack, { ...(h.vars ?? {}), ...cliVars }),
    geo,
    site,
  });
  // A shard cannot judge the whole fleet: its fleet results are left to `gwsec merge`.
  const kept = o.shard ? results.filter((r) => r.host !== '*') : results;
  let report = buildReport(pack, hosts, kept, now);
  // Waivers: a pure step between evaluation and the reports.
  if (j.waivers) report = applyWaivers(report, j.waivers, { today: localDate(now), hostTags: (h) => j.inventory?.hosts.find((x) => x.name === h)?.tags ?? [] });
  if (o.shard) {
    report.shard = { ...parseShard(o.shard), packDigest: packDigest(pack, cliVars), inventoryDigest: j.inventory ? sha256(readFileSync(j.inventory.file)) : '', startedAt: now.toISOString() };
    report.fleetInput = { hosts, site };
  }
  return report;
}

/**
 * Wraps each host's transport once it is open (it then sees every exec and may answer the collection
 * requests itself): how a caller adds behaviour around a user's run (recording, counting, spending
 * execs another way) through the one Transport interface, without the run knowing. It is told which
 * checks the run audits.
 */
export type TransportDecorator = (t: Transport, run: { checks: readonly Check[] }) => Transport;

export async function auditRun(o: AuditOptions, io: Io, decorate?: TransportDecorator): Promise<number> {
  const { pack, inventory, cliVars, waivers, baseline } = await prepare(o, io);
  const geo = await loadGeo();
  const targets = (await targetsFrom(o, io, inventory)).map((t) => (decorate ? decorated(t, (x) => decorate(x, { checks: pack.checks })) : t));
  const site = inventory ? await resolveSite(inventory.site, geo) : undefined;
  const hosts = await gather(pack, targets, o, io);
  return emit(evaluateAndReport(pack, hosts, cliVars, site, geo, o, io, { waivers, inventory }), pack, o, io, baseline);
}

function decorated(t: AuditTarget, decorate: (t: Transport) => Transport): AuditTarget {
  const open = t.transport;
  return { ...t, transport: typeof open === 'function' ? async (hooks) => decorate(await open(hooks)) : decorate(open) };
}

export async function factsRun(o: AuditOptions & { save?: string }, io: Io): Promise<number> {
  const { pack, inventory } = await prepare(o, io);
  const hosts = await gather(pack, await targetsFrom(o, io, inventory), o, io);
  const file: FactsFile = { schemaVersion: 2, tool: { name: 'gwsec', version: VERSION }, hosts };
  const text = JSON.stringify(toWire(file), null, 2) + '\n';
  if (o.save) writeFileAtomic(o.save, text);
  else io.out(text);
  return 0;
}

export async function evaluateRun(o: AuditOptions & { files: string[] }, io: Io): Promise<number> {
  reportTargets(o);
  const pack = preparePack(o.pack, { check: o.checks, skip: o.skip, severity: o.severity });
  const cliVars = parseVarOverrides(o.vars);
  const waivers = loadWaiverFile(o.waivers, allIds.get(pack) ?? [], io.now(), o.allowExpiredWaivers);
  const baseline = readBaseline(o.baseline);
  parseFailOn(o.failOn, baseline);
  const hosts = o.files.flatMap((f) => fromWire(readJson(f), 'facts', f).hosts);
  const geo = await loadGeo();
  return emit(evaluateAndReport(pack, hosts, cliVars, undefined, geo, o, io, { waivers }), pack, o, io, baseline);
}

/**
 * Combine sharded JSON reports: host results are concatenated (a host in two shards is an error),
 * and fleet checks, which no shard could judge alone, are evaluated over every shard's hosts.
 */
export async function mergeRun(o: AuditOptions & { files: string[] }, io: Io): Promise<number> {
  reportTargets(o);
  const pack = preparePack(o.pack, { check: o.checks, skip: o.skip, severity: o.severity });
  const cliVars = parseVarOverrides(o.vars);
  const given = o.files.map((file) => ({ file, report: readReport(file) }));
  // A complete set of shards of one audit, or --partial: fleet checks must not judge half a fleet unawares.
  const set = checkShards(given);
  const digest = packDigest(pack, cliVars);
  const shardDigest = set.use.find((g) => g.report.shard)?.report.shard?.packDigest;
  if (shardDigest && shardDigest !== digest) set.problems.push({ en: 'the shards were judged with another pack, --check or --var than this merge', zh: '各分片所用的策略包、--check 或 --var 与本次合并不同' });
  if (set.problems.length && !o.partial) {
    throw new GwsecError('merge_shards_error', {
      en: `refusing to merge: ${set.problems.map((p) => p.en).join('; ')} (--partial merges what is there and marks the fleet results partial)`,
      zh: `拒绝合并：${set.problems.map((p) => p.zh).join('；')}（如需合并现有分片，请加 --partial，集群检查结果将标注为不完整）`,
    });
  }
  const partial = set.problems.length > 0;
  const reports = set.use.map((g) => g.report);
  const seen = new Map<string, string>();
  for (const { file, report: r } of set.use) {
    for (const h of r.hosts) {
      if (seen.has(h.name)) throw new GwsecError('merge_duplicate_host', { en: `host ${h.name} is in both ${seen.get(h.name)} and ${file}`, zh: `主机 ${h.name} 同时出现在 ${seen.get(h.name)} 和 ${file} 中` });
      seen.set(h.name, file);
    }
  }
  const hostResults = reports.flatMap((r) => r.results.filter((x) => x.host !== '*'));
  const fleetHosts = reports.flatMap((r) => r.fleetInput?.hosts ?? []);
  const site = reports.find((r) => r.fleetInput?.site)?.fleetInput?.site;
  const geo = await loadGeo();
  const fleetPack = { ...pack, checks: pack.checks.filter((c) => c.scope === 'fleet') };
  const fleetResults = fleetHosts.length
    ? evaluateHosts(fleetPack, fleetHosts, { now: io.now(), variables: resolveVariables(pack, cliVars), geo, site })
        .filter((r) => r.host === '*')
        .map((r) => (partial ? markPartial(r, set) : r))
    : [];
  const merged = buildReport(pack, [], [...hostResults, ...fleetResults], io.now());
  merged.hosts = reports.flatMap((r) => r.hosts);
  const accepted = reports.flatMap((r) => r.acceptedHostKeys ?? []);
  if (accepted.length) merged.acceptedHostKeys = accepted;
  merged.merge = {
    count: set.count,
    shards: set.use.flatMap((g) => (g.report.shard ? [{ index: g.report.shard.index, file: g.file }] : [])),
    partial,
    // { zh, en } like every message of the report; the refusal above speaks both languages too
    ...(partial ? { problems: set.problems } : {}),
  };
  return emit(merged, pack, o, io);
}

/** A gwsec JSON report given as a baseline, read and checked before any host is touched. */
export function readBaseline(file: string | undefined): Report | undefined {
  return file ? readReport(file) : undefined;
}

export function readReport(file: string): Report {
  return fromWire(readJson(file), 'report', file);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (e) {
    throw new GwsecError('input_file_error', { en: `cannot read: ${(e as Error).message}`, zh: `无法读取：${(e as Error).message}` }, { file });
  }
}
