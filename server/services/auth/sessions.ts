import { eq } from "drizzle-orm";
import type { Db } from "@/server/db";
import { users } from "@/server/db/schema";

/** A signed-in session as its cookie describes it. */
export interface SessionRef {
  userId: string;
  /** Null for a session from before sessions had ids. */
  sessionId: string | null;
  signedInAt: Date;
}

/**
 * Whether a session is over because the password was changed or reset after it began: someone who
 * knew the old password may hold it. A JWT cannot be revoked where it is stored, so each request
 * asks this instead, one lookup by primary key.
 */
export async function sessionEnded(db: Db, session: SessionRef): Promise<boolean> {
  const [user] = await db
    .select({ validAfter: users.sessionsValidAfter, keptSessionId: users.keptSessionId })
    .from(users)
    .where(eq(users.id, session.userId))
    .limit(1);
  if (!user?.validAfter || session.signedInAt.getTime() >= user.validAfter.getTime()) return false;
  return session.sessionId === null || session.sessionId !== user.keptSessionId;
}

/**
 * The columns of `users` that end every session begun before `at`, except `keep` (the session
 * that changed the password), for the update that changes it.
 */
export function endSessionsBefore(at: Date, keep: string | null = null): { sessionsValidAfter: Date; keptSessionId: string | null } {
  return { sessionsValidAfter: at, keptSessionId: keep };
}
