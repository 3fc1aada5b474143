import type { Report } from '../model/result.js';
import type { Check } from '../model/check.js';
import type { Lang } from '../i18n/index.js';
import { formatJson } from './json.js';
import { formatText } from './text.js';

export interface FormatOptions {
  lang: Lang;
  color: boolean;
  verbose?: boolean;
  checks?: Map<string, Check>;
  /** Why the run exits as it does (`--fail-on`, unaudited hosts), for a closing line. */
  verdict?: Verdict;
}

export interface Verdict {
  failOn: string;
  /** hosts that could not be audited */
  unaudited: string[];
  /** fail/error results at or above the threshold */
  findings: number;
}

/** The formatter registry: (report, options) -> string. Later issues add junit, sarif, html, dengbao. */
export const formatters: Record<string, (r: Report, o: FormatOptions) => string> = {
  text: (r, o) => formatText(r, o),
  json: (r) => formatJson(r),
};
