import type { Report } from '../model/result.js';
import { toWire } from './wire.js';

/** The stable machine format (schema: docs/report-schema.md): snake_case keys, emitted in a fixed order. */
export function formatJson(report: Report): string {
  return JSON.stringify(toWire(report), null, 2) + '\n';
}
