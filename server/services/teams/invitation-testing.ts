import type { Db } from "@/server/db";
import { newId } from "@/server/db/ids";
import { invitations } from "@/server/db/schema";
import { newMailToken } from "../auth/mail-tokens";

let counter = 0;

/**
 * Test-only: puts a pending invitation straight into `invitations` (no audit event, no mail), sent
 * an hour ago so that it may be resent at once. Returns its id and the token of its link.
 */
export async function insertTestInvitation(
  db: Db,
  teamId: string,
  overrides: Partial<typeof invitations.$inferInsert> = {},
): Promise<{ id: string; token: string; email: string }> {
  counter += 1;
  const { token, hash } = newMailToken();
  const id = newId("ivt");
  const sentAt = new Date(Date.now() - 3_600_000);
  const email = overrides.email ?? `invitee${counter}.${Date.now()}@example.com`;
  await db.insert(invitations).values({
    id,
    teamId,
    email,
    role: "developer",
    tokenHash: hash,
    createdAt: sentAt,
    lastSentAt: sentAt,
    expiresAt: new Date(sentAt.getTime() + 7 * 86_400_000),
    ...overrides,
  });
  return { id, token, email };
}
