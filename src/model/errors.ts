import type { Bilingual } from './status.js';

/**
 * Errors carry a stable layered code, a message and, where known, a location.
 * Only cli/main.ts maps them to exit codes (see EXIT_CODE_BY_KIND).
 */
export interface Location {
  file: string;
  line?: number;
  column?: number;
}

/** user: bad input (exit 2). internal: a bug (exit 3). */
export type ErrorKind = 'user' | 'internal';

/** Which language an error is printed in: `--lang zh|en`, or both (`--lang both`). */
export type ErrorLang = 'zh' | 'en' | 'both';

/**
 * A coded error whose message is `{ zh, en }` data, as evidence and host notices are: the type
 * requires both, so no error reaches a user in one language only. `message` is the English (stacks,
 * logs, tests); `say(lang)` and `format(lang)` give what a person reads.
 */
export class GwsecError extends Error {
  readonly zh: string;
  readonly en: string;

  constructor(
    readonly code: string,
    message: Bilingual,
    readonly location?: Location,
    readonly kind: ErrorKind = 'user',
    /** further lines (sample inputs, paths): data, not words, so one language serves */
    readonly details?: string[],
  ) {
    super(message.en);
    this.en = message.en;
    this.zh = message.zh;
    this.name = 'GwsecError';
  }

  /** The pair, to carry into another error, a report or a host failure. */
  get text(): Bilingual {
    return { zh: this.zh, en: this.en };
  }

  /** The message in the chosen language; both as `en / zh`. */
  say(lang: ErrorLang): string {
    return lang === 'zh' ? this.zh : lang === 'en' ? this.en : `${this.en} / ${this.zh}`;
  }

  /** One clear line: `file:line:col: message [code]`, plus detail lines (English unless told: the CLI passes --lang). */
  format(lang: ErrorLang = 'en'): string {
    const where = this.location ? `${formatLocation(this.location)}: ` : '';
    const more = this.details?.length ? '\n' + this.details.map((d) => `  ${d}`).join('\n') : '';
    return `${where}${this.say(lang)} [${this.code}]${more}`;
  }
}

export function formatLocation(l: Location): string {
  return [l.file, l.line, l.column].filter((x) => x !== undefined).join(':');
}

/** Several located problems found in one validation pass (all reported, not just the first). */
export class GwsecErrorList extends GwsecError {
  readonly errors: GwsecError[];
  /** Nested lists are flattened, so every problem is one line with its location and code once. */
  constructor(errors: GwsecError[]) {
    const flat = errors.flatMap((e) => (e instanceof GwsecErrorList ? e.errors : [e]));
    super(flat[0]?.code ?? 'error_list', { en: `${flat.length} problem(s) found`, zh: `发现 ${flat.length} 个问题` }, flat[0]?.location);
    this.errors = flat;
  }
  override format(lang: ErrorLang = 'en'): string {
    return this.errors.map((e) => e.format(lang)).join('\n');
  }
}

/** A fact that could not be collected. Stored in facts as `{ error: FactError }`. */
export interface FactError {
  code: 'permission_denied' | 'not_found' | 'timeout' | 'command_failed' | 'parse_error' | 'not_recorded' | 'transport_error' | 'unsupported_platform' | 'too_large' | 'unsafe_file';
  message: string;
  /** The detail in Chinese, when its producer wrote it in words (a deriver); a command's stderr has none. */
  zh?: string;
}

/**
 * Each fact error code in Chinese words. The `message` of a fact error is the system's own detail (a
 * command's stderr, a path); evidence shows it after these words unless the producer gave `zh`.
 */
export const FACT_ERROR_ZH: Record<FactError['code'], string> = {
  permission_denied: '权限不足，无法读取',
  not_found: '未找到',
  timeout: '采集超时',
  command_failed: '命令执行失败',
  parse_error: '无法解析',
  not_recorded: '样本中未录制',
  transport_error: '连接或执行出错',
  unsupported_platform: '不支持该平台',
  too_large: '内容过大，未读取',
  unsafe_file: '文件不安全，未读取',
};

/** Transport error codes (a host that could not be audited: every family carries it) in Chinese words. */
export const TRANSPORT_ERROR_ZH: Readonly<Record<string, string>> = {
  transport_connect_error: '无法连接',
  transport_hostkey_unknown: '主机密钥未知',
  transport_hostkey_changed: '主机密钥已变化',
  transport_hostkey_revoked: '主机密钥已吊销',
  transport_auth_error: '认证失败',
  transport_sudo_error: 'sudo 失败',
  transport_timeout: '超时',
  transport_exec_error: '命令无法执行',
};

/** A fact error a producer wrote in words, in both languages (a deriver; a command's stderr has no `zh`). */
export function factError(code: FactError['code'], message: string, zh: string): { error: FactError } {
  return { error: { code, message, zh } };
}

/** The fact family a deriver reads was not collected. */
export function notCollected(family: string): { error: FactError } {
  return factError('not_found', `${family} facts were not collected`, `未采集到 ${family} 事实`);
}

export class CollectError extends Error {
  constructor(readonly code: FactError['code'], message: string) {
    super(message);
    this.name = 'CollectError';
  }
}

export function isFactError(v: unknown): v is { error: FactError } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { error?: { code?: unknown } }).error?.code === 'string';
}
