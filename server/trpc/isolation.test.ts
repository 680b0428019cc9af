import { and, count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { apiKeys, auditEvents, instances, invitations, memberships, notifications, playgroundPresets, sshKeys, teamBudgets, teams, usageEvents } from "@/server/db/schema";
import { newId } from "@/server/db/ids";
import { insertTestKey } from "@/server/services/keys/testing";
import { insertTestPreset } from "@/server/services/playground/testing";
import { insertTestSshKey, newTestPublicKey } from "@/server/services/compute/ssh-keys/testing";
import { loadCatalog, seedCatalog } from "@/server/services/catalog";
import { insertTestReservation, testPurchaseInput } from "@/server/services/compute/reservations/testing";
import { loadComputeCatalog, seedComputeCatalog } from "@/server/services/compute/fleet";
import { insertTestInstance } from "@/server/services/compute/instances/testing";
import { issueInvoice } from "@/server/services/billing";
import { insertUsageEvents } from "@/server/services/metering/usage-writer";
import { createTestUser } from "@/server/services/testing";
import type { Role } from "@/server/services/teams/permissions";
import { insertTestInvitation } from "@/server/services/teams/invitation-testing";
import { callerFor, callPath, listProcedures, trpcError } from "./testing";

const { db } = await openTestDatabase();
// The catalog is global; seeded so that models.get has a model to return.
await seedCatalog(db, loadCatalog(), new Date());
await seedComputeCatalog(db, loadComputeCatalog());

/** A key in the team (inserted directly, no audit event), or a made-up id when the team does not exist. */
async function keyIn(teamId: string): Promise<string> {
  const [team] = await db.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId));
  return team ? (await insertTestKey(db, teamId, { name: "Isolation key" })).id : "key_doesNotExist00000000";
}

/** A preset in the team (inserted directly, no audit event), or a made-up id when the team does not exist. */
async function presetIn(teamId: string): Promise<string> {
  const [team] = await db.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId));
  return team ? (await insertTestPreset(db, teamId)).id : "pre_doesNotExist00000000";
}

/** An SSH key in the team (inserted directly, no audit event), or a made-up id when the team does not exist. */
async function sshKeyIn(teamId: string): Promise<string> {
  const [team] = await db.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId));
  return team ? (await insertTestSshKey(db, teamId)).id : "ssh_doesNotExist00000000";
}

/** A reservation bought by the team's owner, or a made-up id when the team does not exist. */
async function reservationIn(teamId: string): Promise<string> {
  const [team] = await db.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId));
  return team ? (await insertTestReservation(db, teamId)).id : "res_doesNotExist00000000";
}

/** An instance in the team (inserted directly, no audit event), or a made-up id when the team does not exist. */
async function instanceIn(teamId: string): Promise<string> {
  const [team] = await db.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId));
  return team ? (await insertTestInstance(db, teamId)).id : "ins_doesNotExist00000000";
}

/** The team's invoice for January 2025 (one usage event, then the month's close), or a made-up id when the team does not exist. */
async function invoiceIn(teamId: string): Promise<string> {
  const [team] = await db.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId));
  if (!team) return "inv_doesNotExist00000000";
  const at = new Date("2025-01-15T00:00:00Z");
  await insertUsageEvents(db, [{ id: `use_isolation_${teamId}`, teamId, model: "meta-llama/llama-3.1-8b-instruct", source: "api", inputTokens: 10, costNano: 1800n, status: "ok", createdAt: at }]);
  const issued = await issueInvoice(db, teamId, "2025-01-01", new Date("2025-02-01T01:00:00Z"), { info() {}, warn() {}, error() {} });
  return issued!.invoice.id;
}

/** A pending invitation of the team (inserted directly, no audit event), or a made-up id when the team does not exist. */
async function invitationIn(teamId: string): Promise<string> {
  const [team] = await db.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId));
  return team ? (await insertTestInvitation(db, teamId)).id : "ivt_doesNotExist00000000";
}

/** A new member of the team with this role (inserted directly, no audit event), or a made-up id when the team does not exist. */
async function memberIn(teamId: string, role: Role = "viewer"): Promise<string> {
  const [team] = await db.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId));
  if (!team) return "usr_doesNotExist0000000000";
  const person = await createTestUser(db, `Isolation ${role}`);
  await db.insert(memberships).values({ teamId, userId: person.userId, role, createdAt: new Date() });
  return person.userId;
}

/**
 * A valid input for every authed procedure. Team procedures get the team id to aim at; the
 * others ignore it. Inputs may be async, to make the team's resource they act on. A procedure
 * missing here fails the coverage test below.
 */
const INPUTS: Record<string, (teamId: string) => unknown> = {
  "audit.list": (teamId) => ({ teamId, limit: 10 }),
  "audit.facets": (teamId) => ({ teamId }),
  "models.list": (teamId) => ({ teamId }),
  "models.get": (teamId) => ({ teamId, modelId: "meta-llama/llama-3.1-8b-instruct" }),
  "team.get": (teamId) => ({ teamId }),
  "team.update": (teamId) => ({ teamId, name: "Taken over", slug: `taken-${teamId.slice(-8).toLowerCase()}` }),
  "team.list": () => undefined,
  "team.create": () => ({ name: "Another team" }),
  "user.me": () => undefined,
  "user.updateProfile": () => ({ name: "New Name" }),
  "user.changePassword": () => ({ currentPassword: "correct horse battery staple", newPassword: "a brand new password" }),
  "user.mailPreferences": () => undefined,
  "user.setMailPreferences": () => ({ mailed: ["reservation_ending"] }),
  "keys.list": (teamId) => ({ teamId }),
  "keys.get": async (teamId) => ({ teamId, keyId: await keyIn(teamId) }),
  "keys.create": (teamId) => ({ teamId, name: "Isolation key", scopes: ["inference"] }),
  "keys.rotate": async (teamId) => ({ teamId, keyId: await keyIn(teamId), gracePeriodMinutes: 60 }),
  "keys.revoke": async (teamId) => ({ teamId, keyId: await keyIn(teamId) }),
  "keys.usage": async (teamId) => ({ teamId, keyId: await keyIn(teamId) }),
  "playground.presets": (teamId) => ({ teamId }),
  "playground.savePreset": (teamId) => ({
    teamId,
    name: "Isolation preset",
    modelId: "meta-llama/llama-3.1-8b-instruct",
    systemPrompt: "Be brief.",
    params: { temperature: 0.2 },
  }),
  "playground.deletePreset": async (teamId) => ({ teamId, presetId: await presetIn(teamId) }),
  // A run id is not a resource that can be refused: another team's looks like one not yet metered (null).
  "playground.runUsage": (teamId) => ({ teamId, requestId: "req_isolationRun0000000000000" }),
  "compute.catalog": (teamId) => ({ teamId }),
  "compute.freeNow": (teamId) => ({ teamId, instanceTypeId: "gpu-1x-h100-sxm" }),
  "compute.availability": (teamId) => ({ teamId, instanceTypeId: "gpu-1x-h100-sxm", days: 14, bucket: "day" }),
  "reservations.search": (teamId) => ({
    teamId,
    instanceTypeId: "gpu-1x-h100-sxm",
    instanceCount: 1,
    durationHours: 2,
    earliestStart: new Date(),
    latestEnd: new Date(Date.now() + 7 * 86_400_000),
  }),
  "reservations.purchase": async (teamId) => ({ teamId, ...(await testPurchaseInput(db)) }),
  "reservations.cancel": async (teamId) => ({ teamId, reservationId: await reservationIn(teamId) }),
  "reservations.extend": async (teamId) => ({ teamId, reservationId: await reservationIn(teamId), hours: 1 }),
  "reservations.list": (teamId) => ({ teamId }),
  "reservations.get": async (teamId) => ({ teamId, reservationId: await reservationIn(teamId) }),
  "sshKeys.list": (teamId) => ({ teamId }),
  "sshKeys.add": (teamId) => ({ teamId, name: "Isolation key", publicKey: newTestPublicKey() }),
  "sshKeys.delete": async (teamId) => ({ teamId, sshKeyId: await sshKeyIn(teamId) }),
  "quotas.usage": (teamId) => ({ teamId }),
  "billing.credits": (teamId) => ({ teamId }),
  "billing.invoices": (teamId) => ({ teamId }),
  "billing.invoice": async (teamId) => ({ teamId, invoiceId: await invoiceIn(teamId) }),
  "budgets.status": (teamId) => ({ teamId }),
  "budgets.set": (teamId) => ({ teamId, amountUsd: "500", alertThresholds: [50, 80, 100], hardCap: true }),
  "budgets.remove": (teamId) => ({ teamId }),
  "notifications.list": (teamId) => ({ teamId }),
  "notifications.markRead": (teamId) => ({ teamId }),
  "instances.list": (teamId) => ({ teamId }),
  "instances.get": async (teamId) => ({ teamId, instanceId: await instanceIn(teamId) }),
  "instances.images": (teamId) => ({ teamId }),
  "instances.launch": async (teamId) => ({
    teamId,
    name: "isolation-box",
    instanceTypeId: "gpu-1x-l40s",
    regionId: "us-east-1",
    image: "ubuntu-24.04-cuda-12.8",
    sshKeyIds: [await sshKeyIn(teamId)],
  }),
  "instances.terminate": async (teamId) => ({ teamId, instanceId: await instanceIn(teamId) }),
  "spend.report": (teamId) => ({ teamId, range: { preset: "30d" } }),
  "invitations.list": (teamId) => ({ teamId }),
  "invitations.create": (teamId) => ({ teamId, email: `isolation-${teamId.slice(-8).toLowerCase()}@example.com`, role: "developer" }),
  "invitations.resend": async (teamId) => ({ teamId, invitationId: await invitationIn(teamId) }),
  "invitations.revoke": async (teamId) => ({ teamId, invitationId: await invitationIn(teamId) }),
  // Names no team: a link's token (well-formed, of no invitation).
  "invitations.accept": () => ({ token: "isolationToken".padEnd(43, "0") }),
  "members.list": (teamId) => ({ teamId }),
  "members.changeRole": async (teamId) => ({ teamId, memberId: await memberIn(teamId), role: "developer" }),
  "members.remove": async (teamId) => ({ teamId, memberId: await memberIn(teamId), revokeKeys: true }),
  // A second owner joins first, so that the team's owner (the caller in the control test) may leave.
  "members.leave": async (teamId) => {
    await memberIn(teamId, "owner");
    return { teamId };
  },
  "members.transferOwnership": async (teamId) => ({ teamId, memberId: await memberIn(teamId) }),
};

/** Input fields naming a resource that belongs to one team. */
const TEAM_RESOURCE_ID_FIELDS = ["keyId", "presetId", "sshKeyId", "reservationId", "instanceId", "invoiceId", "invitationId", "memberId"];

/** Procedures acting on one resource of the team, named by a TEAM_RESOURCE_ID_FIELDS id in their input. */
const RESOURCE_PROCEDURES = ["keys.get", "keys.revoke", "keys.rotate", "keys.usage", "playground.deletePreset", "sshKeys.delete", "reservations.cancel", "reservations.extend", "reservations.get", "instances.get", "instances.terminate", "billing.invoice", "invitations.resend", "invitations.revoke", "members.changeRole", "members.remove", "members.transferOwnership"];

/** Procedures that anyone may call. Adding one here is a deliberate, reviewable decision. */
const PUBLIC = new Set(["auth.signUp", "auth.requestPasswordReset", "auth.resetPassword", "auth.verifyEmail", "auth.resendVerification", "invitations.preview"]);

const procedures = listProcedures();
const teamIdProcedures = procedures.filter((p) => p.takesTeamId);
const authedProcedures = procedures.filter((p) => p.authed);

const alice = await createTestUser(db, "Alice Anders");
const bob = await createTestUser(db, "Bob Brown");
const aliceCaller = callerFor(db, alice.userId);

async function snapshot(teamId: string) {
  const [team] = await db.select().from(teams).where(eq(teams.id, teamId));
  const [audit] = await db.select({ n: count() }).from(auditEvents).where(eq(auditEvents.teamId, teamId));
  const members = await db.select().from(memberships).where(eq(memberships.teamId, teamId));
  const keys = await db.select().from(apiKeys).where(eq(apiKeys.teamId, teamId)).orderBy(apiKeys.id);
  const presets = await db.select().from(playgroundPresets).where(eq(playgroundPresets.teamId, teamId)).orderBy(playgroundPresets.id);
  const ssh = await db.select().from(sshKeys).where(eq(sshKeys.teamId, teamId)).orderBy(sshKeys.id);
  const instanceRows = await db.select().from(instances).where(eq(instances.teamId, teamId)).orderBy(instances.id);
  const budget = await db.select().from(teamBudgets).where(eq(teamBudgets.teamId, teamId));
  const notes = await db.select().from(notifications).where(eq(notifications.teamId, teamId)).orderBy(notifications.id);
  const invites = await db.select().from(invitations).where(eq(invitations.teamId, teamId)).orderBy(invitations.id);
  return { team, auditRows: audit?.n, members, keys, presets, ssh, instanceRows, budget, notes, invites };
}

describe("procedure inventory", () => {
  it("every procedure that takes a teamId is built on teamProcedure, and vice versa", () => {
    expect(teamIdProcedures.length).toBeGreaterThanOrEqual(3);
    for (const p of procedures) expect({ path: p.path, takesTeamId: p.takesTeamId }).toEqual({ path: p.path, takesTeamId: p.team });
  });

  it("has an input for every authed procedure", () => {
    const missing = authedProcedures.map((p) => p.path).filter((path) => !(path in INPUTS));
    expect(missing, "add these procedures to INPUTS in isolation.test.ts").toEqual([]);
    const stale = Object.keys(INPUTS).filter((path) => !authedProcedures.some((p) => p.path === path));
    expect(stale).toEqual([]);
  });

  it("refuses anonymous callers everywhere except the declared public procedures", () => {
    const open = procedures.filter((p) => !p.authed).map((p) => p.path);
    expect(open).toEqual([...PUBLIC].sort());
  });
});

describe("team isolation", () => {
  it.each(teamIdProcedures.map((p) => p.path))("%s works for a member of the team (control)", async (path) => {
    const owner = await createTestUser(db, "Control Owner");
    await expect(callPath(callerFor(db, owner.userId), path, await INPUTS[path]!(owner.team.id))).resolves.toBeDefined();
  });

  it.each(teamIdProcedures.map((p) => p.path))("%s with another team's id is NOT_FOUND and changes nothing", async (path) => {
    const input = await INPUTS[path]!(bob.team.id);
    const before = await snapshot(bob.team.id);
    const error = await trpcError(callPath(aliceCaller, path, input));
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toBe("Team not found.");
    expect(await snapshot(bob.team.id)).toEqual(before);
  });

  it("RESOURCE_PROCEDURES lists every procedure whose input names a team's resource", async () => {
    const found: string[] = [];
    for (const p of teamIdProcedures) {
      const input = await INPUTS[p.path]?.(alice.team.id);
      if (input && typeof input === "object" && TEAM_RESOURCE_ID_FIELDS.some((f) => f in input)) found.push(p.path);
    }
    expect(found.sort()).toEqual([...RESOURCE_PROCEDURES].sort());
  });

  it.each(RESOURCE_PROCEDURES)(
    "%s with another team's resource id, inside the caller's own team, is NOT_FOUND and changes nothing",
    async (path) => {
      const input = (await INPUTS[path]!(bob.team.id)) as Record<string, unknown>;
      expect(TEAM_RESOURCE_ID_FIELDS.some((field) => field in input), `${path} names a resource`).toBe(true);
      const before = await snapshot(bob.team.id);
      const error = await trpcError(callPath(aliceCaller, path, { ...input, teamId: alice.team.id }));
      expect(error.code).toBe("NOT_FOUND");
      expect(error.message).not.toContain(bob.team.id);
      expect(await snapshot(bob.team.id)).toEqual(before);
    },
  );

  it.each(teamIdProcedures.map((p) => p.path))("%s with a nonexistent team id is NOT_FOUND, same message", async (path) => {
    const error = await trpcError(callPath(aliceCaller, path, await INPUTS[path]!("team_doesNotExist0000000")));
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toBe("Team not found.");
  });

  it("a member removed from a team is refused at once", async () => {
    const carol = await createTestUser(db, "Carol Clark");
    const now = new Date();
    await db.insert(memberships).values({ teamId: bob.team.id, userId: carol.userId, role: "admin", createdAt: now });
    const carolCaller = callerFor(db, carol.userId);
    await expect(carolCaller.team.get({ teamId: bob.team.id })).resolves.toMatchObject({ id: bob.team.id, role: "admin" });
    await db.delete(memberships).where(and(eq(memberships.teamId, bob.team.id), eq(memberships.userId, carol.userId)));
    expect((await trpcError(carolCaller.team.get({ teamId: bob.team.id }))).code).toBe("NOT_FOUND");
  });

  it("team.list and audit.list only show the caller's own team data", async () => {
    const listed = await aliceCaller.team.list();
    expect(listed.map((t) => t.id)).toEqual([alice.team.id]);
    const { events } = await aliceCaller.audit.list({ teamId: alice.team.id, limit: 100 });
    expect(events.length).toBeGreaterThan(0);
    const rows = await db.select({ id: auditEvents.id, teamId: auditEvents.teamId }).from(auditEvents);
    const aliceTeamRows = rows.filter((r) => r.teamId === alice.team.id).map((r) => r.id);
    expect(events.map((e) => e.id).sort()).toEqual(aliceTeamRows.sort());
  });
});

describe("playground run usage", () => {
  it("shows a run's usage to its own team only; for any other team it is as if not yet metered", async () => {
    const requestId = newId("req");
    await db.insert(usageEvents).values({
      id: requestId,
      teamId: bob.team.id,
      userId: bob.userId,
      model: "meta-llama/llama-3.1-8b-instruct",
      endpoint: "chat",
      source: "playground",
      inputTokens: 12,
      outputTokens: 34,
      costNano: 5678n,
      status: "ok",
      httpStatus: 200,
      requestId,
      createdAt: new Date(),
    });
    await expect(callerFor(db, bob.userId).playground.runUsage({ teamId: bob.team.id, requestId })).resolves.toMatchObject({
      requestId,
      costNano: "5678",
    });
    await expect(aliceCaller.playground.runUsage({ teamId: alice.team.id, requestId })).resolves.toBeNull();
  });
});

describe("anonymous callers", () => {
  const anonymous = callerFor(db, null);

  it.each(authedProcedures.map((p) => p.path))("%s is UNAUTHORIZED without a session", async (path) => {
    const error = await trpcError(callPath(anonymous, path, await INPUTS[path]!(alice.team.id)));
    expect(error.code).toBe("UNAUTHORIZED");
  });

  it("a session whose user no longer exists is refused everywhere", async () => {
    const ghost = callerFor(db, "usr_deleted00000000000000");
    for (const p of authedProcedures) {
      expect((await trpcError(callPath(ghost, p.path, await INPUTS[p.path]!(alice.team.id)))).code).toBe("UNAUTHORIZED");
    }
  });
});
