/** True when the error (or one it wraps) is PostgreSQL's unique_violation, optionally on one constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const pgError = e as { code?: string; constraint?: string; message?: string };
    if (pgError.code === "23505") {
      return !constraint || pgError.constraint === constraint || Boolean(pgError.message?.includes(constraint));
    }
  }
  return false;
}

/**
 * True when the error (or one it wraps) is PostgreSQL's exclusion_violation (23P01), optionally on
 * one constraint: the capacity ledger's EXCLUDE constraint refusing an overlapping allocation.
 */
export function isExclusionViolation(error: unknown, constraint?: string): boolean {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const pgError = e as { code?: string; constraint?: string; message?: string };
    if (pgError.code === "23P01") {
      return !constraint || pgError.constraint === constraint || Boolean(pgError.message?.includes(constraint));
    }
  }
  return false;
}
