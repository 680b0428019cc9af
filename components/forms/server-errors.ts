import { TRPCClientError } from "@trpc/client";
import type { FieldValues, Path, UseFormSetError } from "react-hook-form";

/**
 * Puts a server error where a person will see it: each field error next to its field (when the
 * form has that field), anything else into the form-level message that is returned.
 */
export function applyServerError<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: readonly Path<T>[],
): string | null {
  if (!(error instanceof TRPCClientError)) return "Could not reach the server. Check your connection and try again.";
  const fieldErrors = (error.data?.fieldErrors ?? null) as Record<string, string[]> | null;
  let placed = false;
  for (const [field, messages] of Object.entries(fieldErrors ?? {})) {
    if ((fields as readonly string[]).includes(field) && messages[0]) {
      setError(field as Path<T>, { type: "server", message: messages[0] }, { shouldFocus: !placed });
      placed = true;
    }
  }
  return placed ? null : error.message;
}
