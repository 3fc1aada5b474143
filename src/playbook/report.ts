import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncidentStore } from '../incident/store.js';
import { writeReport, type WrittenReport } from '../incident/report.js';
import type { Lang } from '../incident/clock.js';
import type { ReportKindAll } from '../incident/vocab.js';
import { parsePlaybook } from './load.js';
import type { Playbook } from './schema.js';

/** The incident's own playbook copy (for step titles); absent or unreadable: titles come from the journal. */
export async function incidentPlaybook(store: IncidentStore, id: string): Promise<Playbook | undefined> {
  try {
    return parsePlaybook('<incident playbook.yaml>', await readFile(join(store.dir(id), 'playbook.yaml'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** An incident report (src/incident/report.ts) with the step titles of the playbook that ran the incident. */
export async function writeReportWithPlaybook(store: IncidentStore, id: string, o: { kind: ReportKindAll; lang: Lang; formats: Array<'md' | 'html'>; now: Date }): Promise<WrittenReport> {
  return writeReport(store, id, { ...o, playbook: await incidentPlaybook(store, id) });
}
