import { diffReports } from '../audit/diff.js';
import { formatDiffText } from '../report/diff.js';
import { toWire } from '../report/wire.js';
import { detectLang } from '../i18n/index.js';
import { readReport } from './audit.js';
import { writeFileAtomic, type Io } from './io.js';

export interface DiffOptions {
  old: string;
  new: string;
  format: string;
  output?: string;
  lang?: string;
  /** `new`: exit 1 when something fails now that did not before; `none`: always 0. */
  failOn: string;
}

export function diffRun(o: DiffOptions, io: Io): number {
  const d = diffReports(readReport(o.old), readReport(o.new));
  const text = o.format === 'json' ? JSON.stringify(toWire(d), null, 2) + '\n' : formatDiffText(d, detectLang(o.lang, io.env));
  if (o.output) writeFileAtomic(o.output, text);
  else io.out(text);
  return o.failOn === 'new' && d.newFailures.length > 0 ? 1 : 0;
}
