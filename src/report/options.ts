import type { Check } from '../model/check.js';
import type { Lang } from '../i18n/index.js';

/** What every formatter of the registry (index.ts) is given besides the report. Its own module, so a formatter never imports the registry that imports it. */
export interface FormatOptions {
  lang: Lang;
  /** `--lang both`: evidence messages in both languages, `lang` first (the rest of the report stays in `lang`). */
  both?: boolean;
  color: boolean;
  verbose?: boolean;
  checks?: Map<string, Check>;
  /** Why the run exits as it does (`--fail-on`, unaudited hosts), for a closing line. */
  verdict?: Verdict;
  /** Terminal width for the text report (stdout on a terminal); 80 otherwise. */
  columns?: number;
}

export interface Verdict {
  failOn: string;
  /** hosts that could not be audited */
  unaudited: string[];
  /** fail/error results at or above the threshold */
  findings: number;
}
