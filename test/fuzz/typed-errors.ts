import { CollectError, GwsecError } from '../../src/model/errors.js';

/** The only exceptions a parser or loader may throw at hostile input: the project's typed errors. */
export function isTypedError(e: unknown): boolean {
  return e instanceof GwsecError || e instanceof CollectError;
}

/** Call f; a typed error is an acceptable answer, anything else is a crash the property reports. */
export function callTyped(f: () => unknown): { value?: unknown; typed?: Error } {
  try {
    return { value: f() };
  } catch (e) {
    if (isTypedError(e)) return { typed: e as Error };
    throw e;
  }
}
