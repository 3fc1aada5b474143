/**
 * The JSON wire form of what gwsec saves and prints for machines: reports (`--format json`, shards,
 * baselines), facts files (`gwsec facts --save`) and diffs (`gwsec diff --format json`). Since schema
 * version 2 every key a consumer sees is snake_case, the envelope (`generated_at`, `duration_ms`,
 * `host_key` …) as well as the fact trees, so one style holds from `facts.web.certificates[].key_bits`
 * to `diff.new_failures`. Inside the process the TypeScript shapes keep their camelCase names: the
 * renames happen here, at the edge, in both directions, from one table.
 *
 * Saved data of version 1 (camelCase envelope, some camelCase fact keys, evidence messages as one
 * "English / 中文" string) still loads: it is migrated on load, so last month's baseline diffs cleanly
 * against today's report and `gwsec evaluate` judges last month's facts as today's would be judged.
 * A version this gwsec does not know (a newer gwsec wrote it) is a located error naming the version.
 * Pure.
 */
import { GwsecError } from '../model/errors.js';
import type { FactsFile, HostFacts } from '../model/facts.js';
import type { ReportDiff } from '../model/diff.js';
import type { Report } from '../model/result.js';
import type { Bilingual } from '../model/status.js';
import { invertKeys, renameKeys as renameTree } from '../util/keys.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The schema version gwsec writes (reports, facts files, diffs). */
export const WIRE_SCHEMA_VERSION = 2;

/** In-process (TypeScript) key -> wire key, for every camelCase key of an envelope. */
export const WIRE_KEYS: Readonly<Record<string, string>> = {
  schemaVersion: 'schema_version',
  generatedAt: 'generated_at',
  acceptedHostKeys: 'accepted_host_keys',
  fleetInput: 'fleet_input',
  durationMs: 'duration_ms',
  hostKey: 'host_key',
  collectedAt: 'collected_at',
  packDigest: 'pack_digest',
  inventoryDigest: 'inventory_digest',
  startedAt: 'started_at',
  hostsAdded: 'hosts_added',
  hostsRemoved: 'hosts_removed',
  newFailures: 'new_failures',
  stillFailing: 'still_failing',
  evidenceChanged: 'evidence_changed',
};
const FROM_WIRE = invertKeys(WIRE_KEYS);

/**
 * Values that are data, not envelope: fact trees (their keys are snake_case at the source, and map
 * keys are the host's own names), where facts came from, pack variables, evidence values, texts.
 * Their keys are never renamed.
 */
export const WIRE_DATA_KEYS: ReadonlySet<string> = new Set(['facts', 'sources', 'vars', 'actual', 'expected', 'title', 'message']);

function rename(v: unknown, table: Readonly<Record<string, string>>): unknown {
  return renameTree(v, table, WIRE_DATA_KEYS);
}

/** A report, facts file or diff as it is written: snake_case keys, `schema_version: 2` where it has a version. */
export function toWire(v: Report | FactsFile | ReportDiff): Record<string, unknown> {
  return setVersions(rename(v, WIRE_KEYS) as Obj, 'schema_version', WIRE_SCHEMA_VERSION);
}

function setVersions(o: Obj, key: string, version: number): Obj {
  const fix = (x: unknown) => (isObj(x) && key in x ? { ...x, [key]: version } : x);
  const out = fix(o) as Obj;
  if (Array.isArray(out.hosts)) out.hosts = out.hosts.map(fix);
  return out;
}

export type WireKind = 'report' | 'facts';

/**
 * Read parsed JSON as a report or a facts file of any version this gwsec knows, into today's
 * in-process shape. `file` only locates errors.
 */
export function fromWire(data: unknown, kind: 'report', file: string): Report;
export function fromWire(data: unknown, kind: 'facts', file: string): FactsFile;
export function fromWire(data: unknown, kind: WireKind, file: string): Report | FactsFile {
  const what =
    kind === 'report'
      ? { en: 'a gwsec JSON report (gwsec audit --report json:FILE)', zh: 'gwsec JSON 报告（gwsec audit --report json:FILE 生成）' }
      : { en: 'a gwsec facts file (gwsec facts --save FILE)', zh: 'gwsec 事实文件（gwsec facts --save FILE 生成）' };
  if (!isObj(data)) throw new GwsecError('input_file_error', { en: `not ${what.en}`, zh: `不是${what.zh}` }, { file });
  const version = data.schema_version ?? data.schemaVersion;
  if (typeof version === 'number' && version > WIRE_SCHEMA_VERSION) {
    throw new GwsecError(
      'input_schema_version',
      {
        en: `schema version ${version} was written by a newer gwsec; this one reads versions 1 and ${WIRE_SCHEMA_VERSION}: upgrade gwsec to read it`,
        zh: `格式版本 ${version} 由更新版本的 gwsec 写入，本版本只能读取版本 1 和 ${WIRE_SCHEMA_VERSION}：请升级 gwsec 后再读取`,
      },
      { file },
    );
  }
  let out: Obj;
  if (data.schema_version === WIRE_SCHEMA_VERSION) out = rename(data, FROM_WIRE) as Obj;
  else if (data.schemaVersion === 1) out = setVersions(kind === 'report' ? (migrateReportV1(data as unknown as Report) as unknown as Obj) : (migrateFactsFileV1(data as unknown as FactsFile) as unknown as Obj), 'schemaVersion', WIRE_SCHEMA_VERSION);
  else throw new GwsecError('input_file_error', { en: `not ${what.en}: no schema_version (2) or schemaVersion (1)`, zh: `不是${what.zh}：缺少 schema_version（2）或 schemaVersion（1）` }, { file });
  const ok = kind === 'report' ? Array.isArray(out.results) && Array.isArray(out.hosts) : Array.isArray(out.hosts);
  if (!ok) throw new GwsecError(
      'input_file_error',
      { en: `not ${what.en}: ${kind === 'report' ? 'results and hosts must be lists' : 'hosts must be a list'}`, zh: `不是${what.zh}：${kind === 'report' ? 'results 和 hosts 须为列表' : 'hosts 须为列表'}` },
      { file },
    );
  return out as unknown as Report | FactsFile;
}

/** Where version 1 had camelCase fact keys: `web.certificates[]` and `web.sm_probe.targets[].certificates[]`. */
export const V1_FACT_KEYS: Readonly<Record<string, string>> = {
  notBefore: 'not_before',
  notAfter: 'not_after',
  keyType: 'key_type',
  keyBits: 'key_bits',
  sigAlg: 'sig_alg',
  keyAlg: 'key_alg',
  sha256Fingerprint: 'sha256_fingerprint',
  selfSigned: 'self_signed',
};


/** An object with version 1's camelCase keys renamed (the order of keys kept); anything else as is. */
function renameKeys(v: unknown): unknown {
  if (!isObj(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [V1_FACT_KEYS[k] ?? k, x]));
}

/** Version 1 host facts (one host's `facts`) in today's spelling. Returns a new object; the input is not changed. */
export function migrateFactsV1(facts: Obj): Obj {
  const web = facts.web;
  if (!isObj(web)) return facts;
  const out: Obj = { ...web };
  if (Array.isArray(web.certificates)) out.certificates = web.certificates.map(renameKeys);
  if (isObj(web.sm_probe) && Array.isArray(web.sm_probe.targets)) {
    out.sm_probe = {
      ...web.sm_probe,
      targets: web.sm_probe.targets.map((t) => (isObj(t) && Array.isArray(t.certificates) ? { ...t, certificates: t.certificates.map(renameKeys) } : t)),
    };
  }
  return { ...facts, web: out };
}

/** A version 1 evidence fact path (`web.certificates[0].keyBits`) in today's spelling. */
export function migrateFactPathV1(path: string): string {
  return path.replace(/(?<=\.)[A-Za-z0-9]+(?=$|[.[])/g, (seg) => V1_FACT_KEYS[seg] ?? seg);
}

/** A version 1 evidence value: objects and lists of objects get today's keys (certificate summaries). */
export function migrateValueV1(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(migrateValueV1);
  if (!isObj(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [V1_FACT_KEYS[k] ?? k, migrateValueV1(x)]));
}

/** A facts file of version 1 with every host's facts in today's spelling. */
export function migrateFactsFileV1(file: FactsFile): FactsFile {
  return { ...file, hosts: file.hosts.map((h) => migrateHostFactsV1(h)) };
}

function migrateHostFactsV1(h: HostFacts): HostFacts {
  const notices = migrateNoticesV1(h.notices);
  return { ...h, ...(isObj(h.facts) ? { facts: migrateFactsV1(h.facts) } : {}), ...(notices ? { notices } : {}) };
}

/** Host notices (sudo refused) were `English / 中文` strings in version 1, as evidence messages were. */
function migrateNoticesV1(notices: unknown[] | undefined): Bilingual[] | undefined {
  return notices?.map(migrateMessageV1);
}

/** A JSON report of version 1 (a baseline, a shard) with its evidence and fleet facts in today's spelling. */
export function migrateReportV1(report: Report): Report {
  const results = report.results.map((r) => ({
    ...r,
    evidence: (r.evidence ?? []).map((e) => ({
      ...e,
      fact: typeof e.fact === 'string' ? migrateFactPathV1(e.fact) : e.fact,
      actual: migrateValueV1(e.actual),
      ...(e.message === undefined ? {} : { message: migrateMessageV1(e.message) }),
    })),
  }));
  const fleetInput = report.fleetInput ? { ...report.fleetInput, hosts: (report.fleetInput.hosts ?? []).map(migrateHostFactsV1) } : undefined;
  const hosts = report.hosts.map((h) => {
    const notices = migrateNoticesV1(h.notices);
    return notices ? { ...h, notices } : h;
  });
  return { ...report, results, hosts, ...(fleetInput ? { fleetInput } : {}) };
}

/**
 * An evidence message of a report written before messages were `{ zh, en }`: one string, `English /
 * 中文` when it had both. Either half may hold ` / ` itself (`ssl_ciphers / SSLCipherSuite`) and the
 * English a Chinese word (国密), so the join is the ` / ` with the most Chinese after it and the least
 * before (the last such); a string with no Chinese after any ` / ` is the same text in both languages,
 * as such reports printed it.
 */
export function migrateMessageV1(m: unknown): Bilingual {
  if (typeof m !== 'string') return m as Bilingual;
  const cjk = (x: string) => (x.match(/[\u4e00-\u9fff]/g) ?? []).length;
  let best: { at: number; score: number } | undefined;
  for (let i = m.indexOf(' / '); i >= 0; i = m.indexOf(' / ', i + 1)) {
    const after = cjk(m.slice(i + 3));
    const score = after - cjk(m.slice(0, i));
    if (after > 0 && (!best || score >= best.score)) best = { at: i, score };
  }
  return best ? { zh: m.slice(best.at + 3), en: m.slice(0, best.at) } : { zh: m, en: m };
}
