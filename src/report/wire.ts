/**
 * Saved data from before fact keys were snake_case (report and facts schema version 1) still loads:
 * the fact keys version 1 spelled in camelCase are renamed on load, in facts files, in a report's
 * `fleetInput` facts, and in its evidence (the fact paths and the values), so an old baseline diffs
 * cleanly against a new report and `gwsec evaluate` judges last month's facts as today's would be.
 * Pure; the renames are listed here once.
 */
import type { FactsFile, HostFacts } from '../model/facts.js';
import type { Report } from '../model/result.js';
import type { Bilingual } from '../model/status.js';

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

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

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
  return isObj(h.facts) ? { ...h, facts: migrateFactsV1(h.facts) } : h;
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
  return { ...report, results, ...(fleetInput ? { fleetInput } : {}) };
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
