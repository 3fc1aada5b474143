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

export class GwsecError extends Error {
  /** The message in Chinese, when it was given as `{ zh, en }` (`message` is then the English). Declared, so an error without one has no such key. */
  declare readonly zh?: string;

  constructor(
    readonly code: string,
    message: string | { zh: string; en: string },
    readonly location?: Location,
    readonly kind: ErrorKind = 'user',
    readonly details?: string[],
  ) {
    super(typeof message === 'string' ? message : message.en);
    if (typeof message !== 'string') this.zh = message.zh;
    this.name = 'GwsecError';
  }

  /** One clear line: `file:line:col: message [code]` (both languages when it has both). */
  format(): string {
    const where = this.location ? `${formatLocation(this.location)}: ` : '';
    const more = this.details?.length ? '\n' + this.details.map((d) => `  ${d}`).join('\n') : '';
    return `${where}${this.message}${this.zh ? ` / ${this.zh}` : ''} [${this.code}]${more}`;
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
    super(flat[0]?.code ?? 'error_list', `${flat.length} problem(s) found`, flat[0]?.location);
    this.errors = flat;
  }
  override format(): string {
    return this.errors.map((e) => e.format()).join('\n');
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
