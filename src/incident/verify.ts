/**
 * `incident verify`: the journal's chain (every block's SM3 hash and link, via verifyArchive), then
 * every evidence item and written report re-hashed against what the journal recorded, the
 * playbook copy against its journaled hash, and any file in evidence/ the journal never recorded.
 * Read-only: verifying must not change what it checks.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { sm3 } from '../crypto/index.js';
import { verifyArchive } from '../journal/index.js';
import type { IncidentStore } from './store.js';

export interface IncidentProblem {
  kind: 'journal' | 'journal_tail' | 'evidence_modified' | 'evidence_missing' | 'evidence_unrecorded' | 'report_modified' | 'report_unrecorded' | 'report_missing' | 'playbook_modified' | 'unreadable';
  detail: string;
}

export interface IncidentVerifyResult {
  id: string;
  ok: boolean;
  problems: IncidentProblem[];
  records: number;
  head: string;
  evidenceChecked: number;
  reportsChecked: number;
}

export async function verifyIncident(store: IncidentStore, id: string): Promise<IncidentVerifyResult> {
  const problems: IncidentProblem[] = [];
  const jr = await verifyArchive(store.journalDir(id));
  // Every incident event is fsync'd before the runner moves on, so bytes after the last valid
  // record are either a write cut by a crash (resume cuts and quarantines them) or an insertion:
  // either way, not something to call intact.
  for (const n of jr.notes) if (/torn tail/.test(n)) problems.push({ kind: 'journal_tail', detail: n });
  for (const p of jr.problems) problems.push({ kind: 'journal', detail: `${p.kind}${p.segment ? ` in ${p.segment}` : ''}${p.seq !== undefined ? ` at seq ${p.seq}` : ''}: ${p.detail}` });
  let evidenceChecked = 0;
  let reportsChecked = 0;
  let state;
  try {
    state = await store.load(id);
  } catch (e) {
    problems.push({ kind: 'unreadable', detail: (e as Error).message });
  }
  if (state) {
    const recorded = new Set<string>();
    for (const ev of state.evidence) {
      recorded.add(ev.file);
      const data = await readFile(join(store.evidenceDir(id), ev.file)).catch(() => undefined);
      evidenceChecked++;
      if (!data) problems.push({ kind: 'evidence_missing', detail: `${ev.item} (${ev.file}) is missing` });
      else if (sm3(data).toString('hex') !== ev.sm3 || createHash('sha256').update(data).digest('hex') !== ev.sha256)
        problems.push({ kind: 'evidence_modified', detail: `${ev.item} (${ev.file}) differs from the SM3/SHA-256 recorded at collection` });
    }
    for (const f of await readdir(store.evidenceDir(id)).catch(() => [] as string[]))
      if (!recorded.has(f)) problems.push({ kind: 'evidence_unrecorded', detail: `evidence/${f} was never recorded in the journal` });
    // Every version ever written stays as written (a report is evidence once handed over); each file is journaled once.
    const written = new Set<string>();
    for (const r of state.reports) {
      written.add(basename(r.file));
      const data = await readFile(join(store.reportsDir(id), basename(r.file))).catch(() => undefined);
      reportsChecked++;
      if (!data || sm3(data).toString('hex') !== r.sm3) problems.push({ kind: 'report_modified', detail: `reports/${basename(r.file)} ${data ? 'differs from the hash journaled when it was written' : 'is missing'}` });
    }
    for (const f of await readdir(store.reportsDir(id)).catch(() => [] as string[]))
      if (!written.has(f)) problems.push({ kind: 'report_unrecorded', detail: `reports/${f} was never recorded in the journal` });
    for (const x of state.submissions)
      for (const f of x.files) if (!written.has(basename(f))) problems.push({ kind: 'report_missing', detail: `submitted ${x.kind} v${x.version} names reports/${f}, which was never written` });
    if (state.playbook) {
      const pb = await readFile(join(store.dir(id), 'playbook.yaml')).catch(() => undefined);
      if (!pb || createHash('sha256').update(pb).digest('hex') !== state.playbook.sha256)
        problems.push({ kind: 'playbook_modified', detail: `playbook.yaml ${pb ? 'differs from the flow journaled at start' : 'is missing'}` });
    }
  }
  return { id, ok: problems.length === 0, problems, records: jr.records, head: jr.head, evidenceChecked, reportsChecked };
}
