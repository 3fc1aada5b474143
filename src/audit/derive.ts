import { isFactError, factError } from '../model/errors.js';
import type { Deriver, DeriveEnv } from '../collectors/types.js';

/** Run derivers in order over a host's facts (pure). A deriver that throws yields an error family. */
export function deriveAll(facts: Record<string, unknown>, derivers: Deriver[], env: DeriveEnv): Record<string, unknown> {
  const out = { ...facts };
  for (const d of derivers) {
    const failed = d.needs.map((n) => out[n]).find((v) => isFactError(v));
    if (failed && isFactError(failed)) {
      out[d.id] = { error: failed.error };
      continue;
    }
    try {
      out[d.id] = d.derive(out, env);
    } catch (e) {
      out[d.id] = factError('parse_error', `deriver ${d.id} failed: ${(e as Error).message}`, `派生事实 ${d.id} 计算失败：${(e as Error).message}`);
    }
  }
  return out;
}
