import { createHash } from "node:crypto";
import type { SQL } from "drizzle-orm";
import type { PgDialect, PgSession } from "drizzle-orm/pg-core";
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

/** Statement names by query text, so that a hot call hashes nothing. */
const statementNames = new Map<string, string>();

/**
 * Rows of a raw query sent as a named prepared statement: on node-postgres it is parsed once per
 * connection and PostgreSQL may keep its plan, instead of both on every call. For the few hot
 * statements of the purchase path, where parsing and planning were up to half of a statement's
 * time (bench:capacity). The name is a hash of the text, so a query whose shape varies (a list of
 * n rows) becomes one statement per shape: keep such shapes few, since each connection keeps every
 * statement it has prepared for its whole life. PGlite runs the query as it would any other.
 */
export async function preparedRowsOf<T>(db: Db | Tx, query: SQL): Promise<T[]> {
  // drizzle's execute() has no way to name a statement; its session's prepareQuery has.
  const { dialect, session } = db as unknown as { dialect: PgDialect; session: PgSession };
  const compiled = dialect.sqlToQuery(query);
  let name = statementNames.get(compiled.sql);
  if (!name) statementNames.set(compiled.sql, (name = `cc_${createHash("sha1").update(compiled.sql).digest("base64url").slice(0, 24)}`));
  const result = await session.prepareQuery(compiled, undefined, name, false).execute();
  return (result as { rows: T[] }).rows;
}
