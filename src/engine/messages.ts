import { FACT_ERROR_ZH, TRANSPORT_ERROR_ZH, type FactError } from '../model/errors.js';
import type { Bilingual } from '../model/status.js';

/**
 * The evaluator's own evidence words, `{ zh, en }` as data (reports pick one by `--lang`; JSON keeps
 * both). Values that vary (an operator, a variable) are filled in by the functions below.
 */
export const ENGINE_WORDS = {
  factAbsent: { zh: '未采集到该事实', en: 'fact absent' },
  notAList: { zh: '该事实不是列表', en: 'not a list' },
  tooFew: { zh: '符合条件的元素数量不足', en: 'too few matching elements' },
  truncated: { zh: '证据过多，其余从略', en: 'evidence truncated' },
} satisfies Record<string, Bilingual>;

/** `fact absent — what a person must declare` (an attestation not given: `missing: manual`). */
export function absentBecause(note: Bilingual): Bilingual {
  return { zh: `${ENGINE_WORDS.factAbsent.zh}——${note.zh}`, en: `${ENGINE_WORDS.factAbsent.en} — ${note.en}` };
}

export function unknownOperator(op: string): Bilingual {
  return { zh: `未知的运算符 ${op}`, en: `unknown operator ${op}` };
}

export function noValue(variable: string | undefined): Bilingual {
  return variable === undefined ? { zh: '运算符缺少比较值', en: 'no value for operator' } : { zh: `变量 ${variable} 没有取值`, en: `no value for ${variable}` };
}

/**
 * A fact that could not be collected, as evidence: the code (stable, greppable) and the producer's
 * detail. English keeps `code: detail`; Chinese names the code in words and keeps the detail as the
 * system wrote it, unless the producer also wrote it in Chinese (`zh`).
 */
export function factErrorMessage(e: FactError): Bilingual {
  const words = (FACT_ERROR_ZH as Record<string, string | undefined>)[e.code] ?? TRANSPORT_ERROR_ZH[e.code] ?? '采集失败';
  return { zh: `${words}（${e.code}）：${e.zh ?? e.message}`, en: `${e.code}: ${e.message}` };
}
