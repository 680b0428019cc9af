import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { apiKeys } from "@/server/db/schema";
import { signInWithPassword } from "@/server/services/auth/sign-in";
import { computeContextOfKey } from "@/server/services/compute/context";
import { loadComputeCatalog, seedComputeCatalog } from "@/server/services/compute/fleet";
import { launchInstance } from "@/server/services/compute/instances";
import { testPurchaseInput } from "@/server/services/compute/reservations/testing";
import { insertTestSshKey } from "@/server/services/compute/ssh-keys/testing";
import { insertTestKey } from "@/server/services/keys/testing";
import { listMails, publicUrl } from "@/server/services/mail";
import { linkIn } from "@/server/services/mail/testing";
import { insertTestInvitation } from "@/server/services/teams/invitation-testing";
import { callerFor, TEST_REQUEST } from "@/server/trpc/testing";
import { createTestUser, testContext } from "../testing";
import { ACCOUNT_ACTIONS } from "./filters";
import { ACTION_GROUPS, KNOWN_ACTIONS } from "./labels";
import { listAuditEvents } from "./list-audit-events";

/**
 * The list of what the audit log covers, driven through the real doors once each: every
 * case does the thing, then finds its event — action, actor, target, address — in the team's log
 * as the audit page reads it (listAuditEvents), not just in the table.
 */

const { db } = await openTestDatabase();
await seedComputeCatalog(db, loadComputeCatalog());

const owner = await createTestUser(db, "Cody Coverage");
const teamId = owner.team.id;
const caller = callerFor(db, owner.userId);
const sshKeyId = (await insertTestSshKey(db, teamId, { name: "Coverage laptop" })).id;
const robot = await insertTestKey(db, teamId, { name: "Coverage robot", scopes: ["instances:read", "instances:write"] });
const SIGN_IN_REQUEST = { ip: "192.0.2.71", userAgent: "coverage-browser/1.0" };
/** Where the people the owner invites come from: their events must carry this address, not the owner's. */
const INVITEE_REQUEST = { ip: "203.0.113.88", userAgent: "invitee-browser/2.0" };
const policy = { maxFailures: 5, lockoutMinutes: 15 };
const anonymous = callerFor(db, null, { request: INVITEE_REQUEST });

interface Case {
  category: string;
  action: string;
  /** Does the thing through a real door; returns the id of what the event should be about. */
  drive: () => Promise<string>;
  /** Who the event names as having done it; "target" when that is the person it is about (their own account or membership). */
  actor: { type: "user" | "api_key" | "anonymous"; id: string | null } | "target";
  targetType: string;
  ip: string | null;
}

const member = { type: "user" as const, id: owner.userId };

/**
 * The token of the newest mail to `email` with a link under `path`. Without SMTP_URL (as in
 * tests) the tRPC doors leave their mails in the outbox, whole.
 */
async function mailedToken(email: string, path: string): Promise<string> {
  const base = `${publicUrl()}${path}`;
  const [mail] = await listMails(db, { to: email, limit: 1 });
  return linkIn({ text: mail?.text ?? "" }, base).slice(base.length);
}

let invitees = 0;
const freshEmail = () => `invitee${++invitees}.${Date.now()}@example.com`;

/**
 * Someone with an account of their own whom the owner invites from the console and who joins
 * through the mailed link: a member of the owner's team, with a caller acting as them.
 */
async function joinThroughInvitation(name: string) {
  const person = await createTestUser(db, name);
  await caller.invitations.create({ teamId, email: person.email, role: "developer" });
  const personCaller = callerFor(db, person.userId, { request: INVITEE_REQUEST });
  await personCaller.invitations.accept({ token: await mailedToken(person.email, "/invite/") });
  return { ...person, caller: personCaller };
}

const CASES: Case[] = [
  {
    category: "sign-ins",
    action: "auth.signed_in",
    drive: async () => (await signInWithPassword({ ...testContext(db), request: SIGN_IN_REQUEST }, { email: owner.email, password: owner.password }, policy)).id,
    actor: member,
    targetType: "user",
    ip: SIGN_IN_REQUEST.ip,
  },
  {
    category: "failed sign-ins",
    action: "auth.sign_in_failed",
    drive: async () => {
      await signInWithPassword({ ...testContext(db), request: SIGN_IN_REQUEST }, { email: owner.email, password: "somebody guessing" }, policy).catch(() => null);
      return owner.userId;
    },
    actor: member,
    targetType: "user",
    ip: SIGN_IN_REQUEST.ip,
  },
  {
    category: "team settings",
    action: "team.updated",
    drive: async () => (await caller.team.update({ teamId, name: "Coverage Co" })).id,
    actor: member,
    targetType: "team",
    ip: TEST_REQUEST.ip,
  },
  {
    category: "key creation",
    action: "key.created",
    drive: async () => (await caller.keys.create({ teamId, name: "Coverage key", scopes: ["inference"] })).key.id,
    actor: member,
    targetType: "api_key",
    ip: TEST_REQUEST.ip,
  },
  {
    category: "key rotation",
    action: "key.rotated",
    drive: async () => {
      const { id } = await insertTestKey(db, teamId, { name: "Rotate me" });
      await caller.keys.rotate({ teamId, keyId: id, gracePeriodMinutes: 15 });
      return id;
    },
    actor: member,
    targetType: "api_key",
    ip: TEST_REQUEST.ip,
  },
  {
    category: "key revocation",
    action: "key.revoked",
    drive: async () => {
      const { id } = await insertTestKey(db, teamId, { name: "Revoke me" });
      await caller.keys.revoke({ teamId, keyId: id });
      return id;
    },
    actor: member,
    targetType: "api_key",
    ip: TEST_REQUEST.ip,
  },
  {
    category: "instance launches (console)",
    action: "instance.launched",
    drive: async () =>
      (await caller.instances.launch({ teamId, name: "coverage-box", instanceTypeId: "gpu-1x-l40s", regionId: "us-east-1", image: "ubuntu-24.04-cuda-12.8", sshKeyIds: [sshKeyId] })).id,
    actor: member,
    targetType: "instance",
    ip: TEST_REQUEST.ip,
  },
  {
    category: "instance terminations",
    action: "instance.terminated",
    drive: async () => {
      const launched = await caller.instances.launch({ teamId, name: "coverage-short", instanceTypeId: "gpu-1x-l40s", regionId: "us-east-1", image: "ubuntu-24.04-cuda-12.8", sshKeyIds: [sshKeyId] });
      await caller.instances.terminate({ teamId, instanceId: launched.id });
      return launched.id;
    },
    actor: member,
    targetType: "instance",
    ip: TEST_REQUEST.ip,
  },
  {
    category: "instance launches (API key)",
    action: "instance.launched",
    drive: async () => {
      const [key] = await db.select().from(apiKeys).where(eq(apiKeys.id, robot.id));
      const ctx = computeContextOfKey({ ...testContext(db), request: { ip: "198.51.100.99", userAgent: "curl/8" } }, key!, owner.team);
      return (await launchInstance(ctx, { name: "robot-box", instanceTypeId: "gpu-1x-l40s", regionId: "us-east-1", image: "ubuntu-24.04-cuda-12.8", sshKeyIds: [sshKeyId] })).id;
    },
    actor: { type: "api_key", id: robot.id },
    targetType: "instance",
    ip: "198.51.100.99",
  },
  {
    category: "reservation purchases",
    action: "reservation.purchased",
    drive: async () => (await caller.reservations.purchase({ teamId, ...(await testPurchaseInput(db)) })).id,
    actor: member,
    targetType: "reservation",
    ip: TEST_REQUEST.ip,
  },
  {
    category: "budget changes",
    action: "budget.updated",
    drive: async () => {
      await caller.budgets.set({ teamId, amountUsd: "250", alertThresholds: [50, 100], hardCap: false });
      return teamId;
    },
    actor: member,
    targetType: "team",
    ip: TEST_REQUEST.ip,
  },
  {
    category: "budget removal",
    action: "budget.removed",
    drive: async () => {
      await caller.budgets.remove({ teamId });
      return teamId;
    },
    actor: member,
    targetType: "team",
    ip: TEST_REQUEST.ip,
  },
  {
    category: "invitations",
    action: "member.invited",
    drive: async () => (await caller.invitations.create({ teamId, email: freshEmail(), role: "developer" })).id,
    actor: member,
    targetType: "invitation",
    ip: TEST_REQUEST.ip,
  },
  {
    category: "invitation resends",
    action: "invitation.resent",
    drive: async () => {
      // Sent an hour ago, so that it may be resent at once.
      const { id } = await insertTestInvitation(db, teamId, { invitedBy: owner.userId });
      await caller.invitations.resend({ teamId, invitationId: id });
      return id;
    },
    actor: member,
    targetType: "invitation",
    ip: TEST_REQUEST.ip,
  },
  {
    category: "invitation revocations",
    action: "invitation.revoked",
    drive: async () => {
      const { id } = await caller.invitations.create({ teamId, email: freshEmail(), role: "viewer" });
      await caller.invitations.revoke({ teamId, invitationId: id });
      return id;
    },
    actor: member,
    targetType: "invitation",
    ip: TEST_REQUEST.ip,
  },
  {
    category: "invitation acceptances",
    action: "invitation.accepted",
    drive: async () => (await joinThroughInvitation("Ivy Accepting")).userId,
    actor: "target",
    targetType: "user",
    ip: INVITEE_REQUEST.ip,
  },
  {
    category: "role changes",
    action: "member.role_changed",
    drive: async () => {
      const { userId } = await joinThroughInvitation("Rolf Rerolled");
      await caller.members.changeRole({ teamId, memberId: userId, role: "viewer" });
      return userId;
    },
    actor: member,
    targetType: "user",
    ip: TEST_REQUEST.ip,
  },
  {
    category: "removals",
    action: "member.removed",
    drive: async () => {
      const { userId } = await joinThroughInvitation("Remy Removed");
      await caller.members.remove({ teamId, memberId: userId });
      return userId;
    },
    actor: member,
    targetType: "user",
    ip: TEST_REQUEST.ip,
  },
  {
    category: "members leaving",
    action: "member.left",
    drive: async () => {
      const leaver = await joinThroughInvitation("Lena Leaving");
      await leaver.caller.members.leave({ teamId });
      return leaver.userId;
    },
    actor: "target",
    targetType: "user",
    ip: INVITEE_REQUEST.ip,
  },
  {
    category: "ownership transfers",
    action: "team.ownership_transferred",
    drive: async () => {
      const heir = await joinThroughInvitation("Otto Owner");
      await caller.members.transferOwnership({ teamId, memberId: heir.userId });
      // Handed back, so that the owner keeps driving the other cases as owner.
      await heir.caller.members.transferOwnership({ teamId, memberId: owner.userId });
      return heir.userId;
    },
    actor: member,
    targetType: "user",
    ip: TEST_REQUEST.ip,
  },
  // Account events (recorded with no team) show in the log of each team the person belongs to.
  {
    category: "password reset requests",
    action: "user.password_reset_requested",
    drive: async () => {
      const { userId, email } = await joinThroughInvitation("Rita Requesting");
      await anonymous.auth.requestPasswordReset({ email });
      return userId;
    },
    // Nobody is signed in to ask for a reset link.
    actor: { type: "anonymous", id: null },
    targetType: "user",
    ip: INVITEE_REQUEST.ip,
  },
  {
    category: "password resets",
    action: "user.password_reset",
    drive: async () => {
      const { userId, email } = await joinThroughInvitation("Reese Resetting");
      await anonymous.auth.requestPasswordReset({ email });
      await anonymous.auth.resetPassword({ token: await mailedToken(email, "/reset-password/"), password: "chosen through the mailed link" });
      return userId;
    },
    actor: "target",
    targetType: "user",
    ip: INVITEE_REQUEST.ip,
  },
  {
    category: "email verification",
    action: "user.email_verified",
    drive: async () => {
      // Joining through an invitation proves the address on its own, so the one member here whose
      // address is unconfirmed is the owner (signed up without a confirmation step, the default).
      await anonymous.auth.resendVerification({ email: owner.email });
      await anonymous.auth.verifyEmail({ token: await mailedToken(owner.email, "/verify-email/") });
      return owner.userId;
    },
    actor: "target",
    targetType: "user",
    ip: INVITEE_REQUEST.ip,
  },
];

/**
 * A person's own account events that no team's log shows (see ACCOUNT_ACTIONS for those it does):
 * they are on the person's account, not the team's business.
 */
const PERSONAL_ONLY = new Set(["user.signed_up", "user.updated", "user.password_changed"]);

describe("the audit log covers what the issue lists", () => {
  it.each(CASES)("$category: $action", async ({ action, drive, actor, targetType, ip }) => {
    const targetId = await drive();
    const { type, id } = actor === "target" ? { type: "user", id: targetId } : actor;
    const { events } = await listAuditEvents(await owner.teamCtx(), { action, targetId, limit: 10 });
    expect(events.length, `${action} on ${targetId} is in the team's log`).toBeGreaterThan(0);
    expect(events[0]).toMatchObject({ action, actorType: type, actorId: id, targetType, targetId, ip });
  });
});

describe("the log has words for every action", () => {
  const root = path.resolve(import.meta.dirname, "../..");
  function files(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return files(full);
      return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [full] : [];
    });
  }
  /** Every action named in an `action:` field of code that records audit events. */
  const recorded = new Set(
    files(root)
      .map((file) => readFileSync(file, "utf8"))
      .filter((text) => text.includes("recordAuditEvent("))
      .flatMap((text) => [...text.matchAll(/\baction:\s*([^\n]*)/g)].flatMap((m) => [...m[1]!.matchAll(/"([a-z][a-z_]*\.[a-z][a-z_]*)"/g)].map((a) => a[1]!))),
  );

  it("finds the actions services record", () => {
    expect([...recorded]).toEqual(expect.arrayContaining(CASES.map((c) => c.action)));
  });

  it("drives every account action that a team's log shows", () => {
    expect(CASES.map((c) => c.action)).toEqual(expect.arrayContaining([...ACCOUNT_ACTIONS]));
  });

  it("lists personal-only actions that code records, and none that a team's log shows", () => {
    for (const action of PERSONAL_ONLY) {
      expect(recorded).toContain(action);
      expect(ACCOUNT_ACTIONS).not.toContain(action);
    }
  });

  it.each([...recorded].filter((action) => !PERSONAL_ONLY.has(action)).sort())("%s has a label and a filter group", (action) => {
    expect(KNOWN_ACTIONS).toContain(action);
    expect(ACTION_GROUPS.some((group) => group.actions.includes(action)), `${action} is in ACTION_GROUPS`).toBe(true);
  });
});
