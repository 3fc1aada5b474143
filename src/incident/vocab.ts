/**
 * Words for internal values in reports and timelines (a supervising unit reads 网页篡改, not
 * web_defacement). Labels and report titles come from playbooks/templates/reports.yaml.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../util/paths.js';
import type { Bilingual, Lang, OfflineKind } from './clock.js';

export type ReportKindAll = 'initial' | 'followup' | 'final' | 'shutdown' | 'timeline' | 'evidence';
export const REPORT_KINDS: readonly ReportKindAll[] = ['initial', 'followup', 'final', 'shutdown', 'timeline', 'evidence'];

export interface Templates {
  kinds: Record<ReportKindAll, { title: Bilingual; short: Bilingual; sections: string[] }>;
  labels: Record<string, Bilingual>;
  incident_types: Record<string, Bilingual>;
}

let templates: Templates | undefined;
export function loadTemplates(): Templates {
  templates ??= parse(readFileSync(join(packageRoot(), 'playbooks', 'templates', 'reports.yaml'), 'utf8')) as Templates;
  return templates;
}

export const label = (key: string, lang: Lang): string => loadTemplates().labels[key]?.[lang] ?? key;

/** A report field's label (field.set events, manual steps' `field:`). */
export const fieldLabel = (field: string, lang: Lang): string => label(field === 'status' ? 'status_text' : field, lang);

export const kindTitle = (kind: string, lang: Lang): string => loadTemplates().kinds[kind as ReportKindAll]?.short[lang] ?? kind;

/** Incident types in words; an unknown type is shown as "其他（value）" so nothing raw reads as a term. */
export function incidentTypeText(types: readonly string[], lang: Lang): string {
  const T = loadTemplates().incident_types;
  return types.map((t) => T[t]?.[lang] ?? (lang === 'zh' ? `其他（${t}）` : `other (${t})`)).join(lang === 'zh' ? '、' : ', ');
}

const OFFLINE: Record<OfflineKind, Bilingual> = {
  temporary: { zh: '临时下线', en: 'temporarily offline' },
  emergency: { zh: '紧急关停', en: 'shut down in an emergency' },
  migration: { zh: '下线迁移', en: 'taken offline for migration' },
};
export const offlineText = (k: OfflineKind, lang: Lang): string => OFFLINE[k][lang];
