import type { Report } from '../model/result.js';

/** The stable machine format (schema: docs/report-schema.md). Keys are emitted in a fixed order. */
export function formatJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}
