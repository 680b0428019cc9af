import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { auditEvents, teams } from "@/server/db/schema";
import { createTestUser, testContext } from "../testing";
import { recordAuditEvent } from "./record-audit-event";

const { db } = await openTestDatabase();

/** PostgreSQL's error under whatever drizzle wraps it in (drizzle keeps the original as `cause`). */
function databaseError(error: unknown): { code?: string; message?: string } | null {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    if (typeof (e as { code?: unknown }).code === "string") return e as { code: string; message: string };
  }
  return null;
}

async function refusal(call: Promise<unknown>): Promise<{ code?: string; message?: string }> {
  const error = await call.then(
    () => {
      throw new Error("the database accepted a change to the audit log");
    },
    (e: unknown) => e,
  );
  const cause = databaseError(error);
  expect(cause, String(error)).not.toBeNull();
  return cause!;
}

describe("the database keeps the audit log append-only", async () => {
  const owner = await createTestUser(db, "Ada Append");
  const teamId = owner.team.id;
  await recordAuditEvent(db, testContext(db, owner.userId), { teamId, action: "team.updated", target: { type: "team", id: teamId }, metadata: { name: { from: "A", to: "B" } } });
  const [event] = await db.select().from(auditEvents).where(eq(auditEvents.teamId, teamId)).orderBy(auditEvents.createdAt);
  const before = await db.select().from(auditEvents).orderBy(auditEvents.id);

  it.each([
    ["an update through drizzle", "UPDATE", () => db.update(auditEvents).set({ action: "team.renamed" }).where(eq(auditEvents.id, event!.id))],
    ["a delete through drizzle", "DELETE", () => db.delete(auditEvents).where(eq(auditEvents.id, event!.id))],
    ["an upsert onto an existing entry", "UPDATE", () => db.insert(auditEvents).values({ ...event!, action: "rewritten" }).onConflictDoUpdate({ target: auditEvents.id, set: { action: "rewritten" } })],
    ["a raw UPDATE", "UPDATE", () => db.execute(sql`update audit_events set ip = null`)],
    ["a raw DELETE", "DELETE", () => db.execute(sql`delete from audit_events`)],
    ["TRUNCATE", "TRUNCATE", () => db.execute(sql`truncate audit_events`)],
  ])("refuses %s", async (_name, operation, change) => {
    const cause = await refusal(change());
    expect(cause.code).toBe("42501");
    expect(cause.message).toBe(`audit_events is append-only: ${operation} is not allowed`);
    expect(await db.select().from(auditEvents).orderBy(auditEvents.id)).toEqual(before);
  });

  it("rolls back the whole transaction that tried, not just the statement", async () => {
    await refusal(
      db.transaction(async (tx) => {
        await tx.update(teams).set({ name: "Covered tracks" }).where(eq(teams.id, teamId));
        await tx.delete(auditEvents).where(eq(auditEvents.teamId, teamId));
      }),
    );
    const [team] = await db.select({ name: teams.name }).from(teams).where(eq(teams.id, teamId));
    expect(team?.name).toBe(owner.team.name);
    expect(await db.select().from(auditEvents).orderBy(auditEvents.id)).toEqual(before);
  });

  it("still takes new entries", async () => {
    await recordAuditEvent(db, testContext(db, owner.userId), { teamId, action: "team.updated", target: { type: "team", id: teamId } });
    expect(await db.$count(auditEvents, eq(auditEvents.teamId, teamId))).toBe(before.filter((e) => e.teamId === teamId).length + 1);
  });
});

/**
 * Code that would change or remove audit entries: drizzle's update()/delete() on the table, and SQL
 * (in templates or migrations) that updates, deletes from or truncates it, by name or `${auditEvents}`.
 */
const CHANGES_AUDIT_LOG = [
  /\.\s*(update|delete)\s*\(\s*auditEvents\s*\)/,
  /\b(update|delete\s+from|truncate(\s+table)?)\s+(only\s+)?("?audit_events"?|\$\{\s*auditEvents\s*\})/i,
];

const ROOT = path.resolve(import.meta.dirname, "../../..");
const SCANNED = ["server", "app", "scripts", "bench"];
const SOURCE = /\.(ts|tsx|js|mjs|cjs|sql|sh)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" || entry.name.startsWith(".") ? [] : sourceFiles(full);
    // Tests may try; the database refuses them (above). Production code may not.
    return SOURCE.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

function offences(text: string): string[] {
  return text.split("\n").filter((line) => CHANGES_AUDIT_LOG.some((pattern) => pattern.test(line)));
}

describe("no code changes or removes audit entries", () => {
  it("recognises the ways code could do it", () => {
    for (const line of [
      "await tx.update(auditEvents).set({ action })",
      "await db . delete( auditEvents ).where(eq(auditEvents.id, id))",
      'UPDATE "audit_events" SET "ip" = NULL;',
      "sql`delete from audit_events where team_id = ${teamId}`",
      "sql`DELETE FROM ${auditEvents} WHERE id = ${id}`",
      "TRUNCATE TABLE audit_events;",
      "truncate only audit_events",
    ]) {
      expect(offences(line), line).toEqual([line]);
    }
    for (const line of [
      "await db.insert(auditEvents).values(row)",
      "await db.select().from(auditEvents).where(eq(auditEvents.teamId, teamId))",
      'CREATE TRIGGER "audit_events_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_events" FOR EACH ROW',
      "await tx.update(auditEventsArchive).set({})",
    ]) {
      expect(offences(line), line).toEqual([]);
    }
  });

  it("finds none in the app, the server, its migrations, scripts or benchmarks", () => {
    const files = SCANNED.flatMap((dir) => sourceFiles(path.join(ROOT, dir)));
    const relative = files.map((f) => path.relative(ROOT, f));
    // The scan reads what it should: the writer, the reader and the migration that installs the trigger.
    expect(relative).toEqual(expect.arrayContaining(["server/services/audit/record-audit-event.ts", "server/services/audit/list-audit-events.ts", "server/db/migrations/0006_team_admin.sql"]));
    const found = files.flatMap((file) => offences(readFileSync(file, "utf8")).map((line) => `${path.relative(ROOT, file)}: ${line.trim()}`));
    expect(found).toEqual([]);
  });
});
