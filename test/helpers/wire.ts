import type { Report } from '../../src/model/result.js';
import { fromWire } from '../../src/report/wire.js';

/** A JSON report as gwsec printed or wrote it (snake_case wire form), read the way gwsec reads one: into the in-process shape. */
export function reportJson(text: string): Report {
  return fromWire(JSON.parse(text), 'report', '(test)');
}
