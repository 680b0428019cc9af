import { newId } from "@/server/db/ids";
import type { Db, Tx } from "@/server/db";
import { auditEvents } from "@/server/db/schema";
import type { ServiceContext } from "../context";

export interface AuditInput {
  teamId: string | null;
  action: string;
  target?: { type: string; id: string };
  metadata?: Record<string, unknown>;
  /** Overrides the context's actor, e.g. for a failed sign-in where nobody is signed in yet. */
  actorId?: string | null;
}

/** Writes one audit event. Pass the transaction that makes the change so both commit or neither. */
export async function recordAuditEvent(db: Db | Tx, ctx: ServiceContext, input: AuditInput): Promise<void> {
  const overridden = input.actorId !== undefined;
  const actorId = overridden ? input.actorId : ctx.actor.type === "user" ? ctx.actor.userId : ctx.actor.type === "api_key" ? ctx.actor.keyId : null;
  const actorType = overridden ? (input.actorId ? "user" : "anonymous") : ctx.actor.type;
  await db.insert(auditEvents).values({
    id: newId("aud"),
    teamId: input.teamId,
    actorType,
    actorId,
    action: input.action,
    targetType: input.target?.type ?? null,
    targetId: input.target?.id ?? null,
    ip: ctx.request.ip,
    userAgent: ctx.request.userAgent?.slice(0, 512) ?? null,
    metadata: input.metadata ?? {},
    createdAt: ctx.now(),
  });
}
