import type { SQL } from "drizzle-orm";
import type { Db, Tx } from "@/server/db";

/** Rows of a raw query, on either driver (both put them in `rows`). */
export async function rowsOf<T>(db: Db | Tx, query: SQL): Promise<T[]> {
  const result = await db.execute(query);
  return (result as unknown as { rows: T[] }).rows;
}

/**
 * A timestamp as a query parameter. ISO text cast on the server, so that both drivers send the same
 * thing whatever their own Date handling, and the session time zone never matters.
 */
export function ts(date: Date): string {
  return date.toISOString();
}
