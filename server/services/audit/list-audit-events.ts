import { and, desc, eq, lt, or } from "drizzle-orm";
import { z } from "zod";
import { auditEvents, users } from "@/server/db/schema";
import { requireScope, type TeamContext } from "../context";

export const listAuditEventsInput = z.object({
  limit: z.number().int().min(1).max(100).default(25),
  /** Opaque cursor from the previous page. */
  cursor: z.string().max(200).optional(),
});
export type ListAuditEventsInput = z.input<typeof listAuditEventsInput>;

export interface AuditEventRow {
  id: string;
  action: string;
  actorType: string;
  actorId: string | null;
  actorName: string | null;
  actorEmail: string | null;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  metadata: Record<string, unknown>;
  createdAt: Date;
}

/** The team's audit events, newest first, paged by (created_at, id). */
export async function listAuditEvents(
  ctx: TeamContext,
  rawInput: ListAuditEventsInput,
): Promise<{ events: AuditEventRow[]; nextCursor: string | null }> {
  requireScope(ctx, "audit:read");
  const input = listAuditEventsInput.parse(rawInput);
  const cursor = decodeCursor(input.cursor);
  const rows = await ctx.db
    .select({
      id: auditEvents.id,
      action: auditEvents.action,
      actorType: auditEvents.actorType,
      actorId: auditEvents.actorId,
      actorName: users.name,
      actorEmail: users.email,
      targetType: auditEvents.targetType,
      targetId: auditEvents.targetId,
      ip: auditEvents.ip,
      userAgent: auditEvents.userAgent,
      metadata: auditEvents.metadata,
      createdAt: auditEvents.createdAt,
    })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorId))
    .where(
      and(
        eq(auditEvents.teamId, ctx.team.id),
        cursor
          ? or(
              lt(auditEvents.createdAt, cursor.createdAt),
              and(eq(auditEvents.createdAt, cursor.createdAt), lt(auditEvents.id, cursor.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(input.limit + 1);
  const events = rows.slice(0, input.limit);
  const last = events.at(-1);
  const nextCursor = rows.length > input.limit && last ? encodeCursor(last.createdAt, last.id) : null;
  return { events, nextCursor };
}

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString("base64url");
}

function decodeCursor(cursor: string | undefined): { createdAt: Date; id: string } | null {
  if (!cursor) return null;
  try {
    const [iso, id] = JSON.parse(Buffer.from(cursor, "base64url").toString()) as [string, string];
    const createdAt = new Date(iso);
    if (Number.isNaN(createdAt.getTime()) || typeof id !== "string") return null;
    return { createdAt, id };
  } catch {
    return null;
  }
}
