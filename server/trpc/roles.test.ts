import { and, count, desc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { apiKeys, auditEvents, instances, memberships, playgroundPresets, sshKeys, teams, usageEvents } from "@/server/db/schema";
import { newId } from "@/server/db/ids";
import { insertTestKey } from "@/server/services/keys/testing";
import { insertTestPreset } from "@/server/services/playground/testing";
import { insertTestSshKey, newTestPublicKey } from "@/server/services/compute/ssh-keys/testing";
import { ALL_SCOPES, hasScope, ROLE_SCOPES, ROLES, type Role, type Scope } from "@/server/services/teams/permissions";
import { loadCatalog, seedCatalog } from "@/server/services/catalog";
import { insertTestReservation, testPurchaseInput } from "@/server/services/compute/reservations/testing";
import { loadComputeCatalog, seedComputeCatalog } from "@/server/services/compute/fleet";
import { insertTestInstance } from "@/server/services/compute/instances/testing";
import { issueInvoice } from "@/server/services/billing";
import { insertUsageEvents } from "@/server/services/metering/usage-writer";
import { createTestUser } from "@/server/services/testing";
import { insertTestInvitation } from "@/server/services/teams/invitation-testing";
import { callerFor, callPath, listProcedures, TEST_REQUEST, trpcError } from "./testing";

const { db } = await openTestDatabase();
// The catalog is global; seeded so that models.get has a model to return.
await seedCatalog(db, loadCatalog(), new Date());
await seedComputeCatalog(db, loadComputeCatalog());

interface Guard {
  /** The scope the procedure declares with requires(); the expected outcome follows from hasScope. */
  scope: Scope;
  input: (teamId: string, role: Role) => unknown;
  /** For mutations: the audit action a successful call must record; null: records none, by design. */
  audit?: string | null;
  /** What that audit event is about; the team itself unless said otherwise. */
  target?: (teamId: string, role: Role) => { type: string; id: string | RegExp };
  /** The team the call acts in, when not the shared one: for calls that change who the role's member is. */
  team?: (role: Role) => string;
}

const owner = await createTestUser(db, "Olive Owner");
const teamId = owner.team.id;

/** Keys in the shared team: one to read, and one per role to rotate and to revoke. */
const sharedKeyId = (await insertTestKey(db, teamId, { name: "Shared key" })).id;
const keysOf = Object.fromEntries(
  await Promise.all(
    ROLES.map(async (role) => {
      const rotate = (await insertTestKey(db, teamId, { name: `Rotated by ${role}` })).id;
      const revoke = (await insertTestKey(db, teamId, { name: `Revoked by ${role}` })).id;
      return [role, { rotate, revoke }] as const;
    }),
  ),
) as Record<Role, { rotate: string; revoke: string }>;

/** A preset per role to delete, and one playground run in the shared team whose usage roles may read. */
const presetsOf = Object.fromEntries(
  await Promise.all(ROLES.map(async (role) => [role, (await insertTestPreset(db, teamId, { name: `Deleted by ${role}` })).id] as const)),
) as Record<Role, string>;
/** Pending invitations per role to resend and to revoke. */
const invitationsOf = Object.fromEntries(
  await Promise.all(
    ROLES.map(async (role) => {
      const resend = (await insertTestInvitation(db, teamId, { email: `resent-by-${role}@example.com` })).id;
      const revoke = (await insertTestInvitation(db, teamId, { email: `revoked-by-${role}@example.com` })).id;
      return [role, { resend, revoke }] as const;
    }),
  ),
) as Record<Role, { resend: string; revoke: string }>;
/** Developers of the shared team, per role: one to change to viewer and one to remove. */
const memberTargetsOf = Object.fromEntries(
  await Promise.all(
    ROLES.map(async (role) => {
      const [change, remove] = await Promise.all(
        ["Changed", "Removed"].map(async (verb) => {
          const person = await createTestUser(db, `${verb} by ${role}`);
          await db.insert(memberships).values({ teamId, userId: person.userId, role: "developer", createdAt: new Date() });
          return person.userId;
        }),
      );
      return [role, { change: change!, remove: remove! }] as const;
    }),
  ),
) as Record<Role, { change: string; remove: string }>;
/** An SSH key per role to delete. */
const sshKeysOf = Object.fromEntries(
  await Promise.all(ROLES.map(async (role) => [role, (await insertTestSshKey(db, teamId, { name: `Deleted by ${role}` })).id] as const)),
) as Record<Role, string>;
/** A key every launch uses, one instance to read, and one per role to terminate. */
const launchSshKeyId = (await insertTestSshKey(db, teamId, { name: "Launch key" })).id;
const sharedInstanceId = (await insertTestInstance(db, teamId, { name: "shared" })).id;
const instancesOf = Object.fromEntries(
  await Promise.all(ROLES.map(async (role) => [role, (await insertTestInstance(db, teamId, { name: `terminated-by-${role}` })).id] as const)),
) as Record<Role, string>;
const runRequestId = newId("req");
/** Reservations of the shared team: one to read, and one per role to cancel and to extend; a purchase per role. */
const sharedReservationId = (await insertTestReservation(db, teamId)).id;
const reservationsOf = Object.fromEntries(
  await Promise.all(
    ROLES.map(async (role) => {
      const cancel = (await insertTestReservation(db, teamId)).id;
      const extend = (await insertTestReservation(db, teamId)).id;
      return [role, { cancel, extend, purchase: await testPurchaseInput(db) }] as const;
    }),
  ),
) as Record<Role, { cancel: string; extend: string; purchase: Awaited<ReturnType<typeof testPurchaseInput>> }>;
await db.insert(usageEvents).values({
  id: runRequestId,
  teamId,
  userId: owner.userId,
  model: "meta-llama/llama-3.1-8b-instruct",
  endpoint: "chat",
  source: "playground",
  inputTokens: 10,
  outputTokens: 20,
  costNano: 300n,
  status: "ok",
  httpStatus: 200,
  requestId: runRequestId,
  createdAt: new Date(),
});

/** An invoice of the shared team, for January 2025: one usage event, then the month's close. */
await insertUsageEvents(db, [{ id: "use_roles_invoice", teamId, model: "meta-llama/llama-3.1-8b-instruct", source: "api", inputTokens: 10, costNano: 1800n, status: "ok", createdAt: new Date("2025-01-15T00:00:00Z") }]);
const sharedInvoiceId = (await issueInvoice(db, teamId, "2025-01-01", new Date("2025-02-01T01:00:00Z"), { info() {}, warn() {}, error() {} }))!.invoice.id;

const GUARDS: Record<string, Guard> = {
  "team.get": { scope: "team:read", input: (teamId) => ({ teamId }) },
  "team.update": {
    scope: "team:write",
    input: (teamId, role) => ({ teamId, name: `Renamed by ${role}` }),
    audit: "team.updated",
  },
  "audit.list": { scope: "audit:read", input: (teamId) => ({ teamId, limit: 5 }) },
  "audit.facets": { scope: "audit:read", input: (teamId) => ({ teamId }) },
  "models.list": { scope: "models:read", input: (teamId) => ({ teamId }) },
  "models.get": { scope: "models:read", input: (teamId) => ({ teamId, modelId: "meta-llama/llama-3.1-8b-instruct" }) },
  "keys.list": { scope: "keys:read", input: (teamId) => ({ teamId }) },
  "keys.get": { scope: "keys:read", input: (teamId) => ({ teamId, keyId: sharedKeyId }) },
  "keys.usage": { scope: "usage:read", input: (teamId) => ({ teamId, keyId: sharedKeyId }) },
  "keys.create": {
    scope: "keys:write",
    input: (teamId, role) => ({ teamId, name: `Created by ${role}`, scopes: ["inference"] }),
    audit: "key.created",
    target: () => ({ type: "api_key", id: /^key_/ }),
  },
  "keys.rotate": {
    scope: "keys:write",
    input: (teamId, role) => ({ teamId, keyId: keysOf[role].rotate, gracePeriodMinutes: 15 }),
    audit: "key.rotated",
    target: (_teamId, role) => ({ type: "api_key", id: keysOf[role].rotate }),
  },
  "keys.revoke": {
    scope: "keys:write",
    input: (teamId, role) => ({ teamId, keyId: keysOf[role].revoke }),
    audit: "key.revoked",
    target: (_teamId, role) => ({ type: "api_key", id: keysOf[role].revoke }),
  },
  "playground.presets": { scope: "models:read", input: (teamId) => ({ teamId }) },
  "playground.savePreset": {
    scope: "inference",
    input: (teamId, role) => ({
      teamId,
      name: `Saved by ${role}`,
      modelId: "meta-llama/llama-3.1-8b-instruct",
      params: { temperature: 1 },
    }),
    audit: "playground.preset_saved",
    target: () => ({ type: "playground_preset", id: /^pre_/ }),
  },
  "playground.deletePreset": {
    scope: "inference",
    input: (teamId, role) => ({ teamId, presetId: presetsOf[role] }),
    audit: "playground.preset_deleted",
    target: (_teamId, role) => ({ type: "playground_preset", id: presetsOf[role] }),
  },
  "playground.runUsage": { scope: "inference", input: (teamId) => ({ teamId, requestId: runRequestId }) },
  "compute.catalog": { scope: "compute:read", input: (teamId) => ({ teamId }) },
  "compute.freeNow": { scope: "compute:read", input: (teamId) => ({ teamId, instanceTypeId: "gpu-1x-h100-sxm" }) },
  "compute.availability": { scope: "compute:read", input: (teamId) => ({ teamId, instanceTypeId: "gpu-1x-h100-sxm" }) },
  "reservations.search": {
    scope: "compute:read",
    input: (teamId) => ({ teamId, instanceTypeId: "gpu-1x-h100-sxm", instanceCount: 1, durationHours: 1, earliestStart: new Date(), latestEnd: new Date(Date.now() + 3 * 86_400_000) }),
  },
  "reservations.list": { scope: "compute:read", input: (teamId) => ({ teamId }) },
  "reservations.get": { scope: "compute:read", input: (teamId) => ({ teamId, reservationId: sharedReservationId }) },
  "reservations.purchase": {
    scope: "compute:write",
    input: (teamId, role) => ({ teamId, ...reservationsOf[role].purchase }),
    audit: "reservation.purchased",
    target: () => ({ type: "reservation", id: /^res_/ }),
  },
  "reservations.cancel": {
    scope: "compute:write",
    input: (teamId, role) => ({ teamId, reservationId: reservationsOf[role].cancel }),
    audit: "reservation.cancelled",
    target: (_teamId, role) => ({ type: "reservation", id: reservationsOf[role].cancel }),
  },
  "reservations.extend": {
    scope: "compute:write",
    input: (teamId, role) => ({ teamId, reservationId: reservationsOf[role].extend, hours: 1 }),
    audit: "reservation.extended",
    target: (_teamId, role) => ({ type: "reservation", id: reservationsOf[role].extend }),
  },
  "sshKeys.list": { scope: "compute:read", input: (teamId) => ({ teamId }) },
  "sshKeys.add": {
    scope: "compute:write",
    input: (teamId, role) => ({ teamId, name: `Added by ${role}`, publicKey: newTestPublicKey() }),
    audit: "ssh_key.added",
    target: () => ({ type: "ssh_key", id: /^ssh_/ }),
  },
  "sshKeys.delete": {
    scope: "compute:write",
    input: (teamId, role) => ({ teamId, sshKeyId: sshKeysOf[role] }),
    audit: "ssh_key.deleted",
    target: (_teamId, role) => ({ type: "ssh_key", id: sshKeysOf[role] }),
  },
  "quotas.usage": { scope: "compute:read", input: (teamId) => ({ teamId }) },
  "billing.credits": { scope: "usage:read", input: (teamId) => ({ teamId }) },
  "billing.invoices": { scope: "usage:read", input: (teamId) => ({ teamId }) },
  "billing.invoice": { scope: "usage:read", input: (teamId) => ({ teamId, invoiceId: sharedInvoiceId }) },
  "budgets.status": { scope: "usage:read", input: (teamId) => ({ teamId }) },
  "budgets.set": {
    scope: "billing:write",
    input: (teamId) => ({ teamId, amountUsd: "750", alertThresholds: [50, 100], hardCap: false }),
    audit: "budget.updated",
  },
  // Runs right after budgets.set for the same role, so there is a budget to remove.
  "budgets.remove": { scope: "billing:write", input: (teamId) => ({ teamId }), audit: "budget.removed" },
  "notifications.list": { scope: "team:read", input: (teamId) => ({ teamId }) },
  // Reading one's own notifications changes nothing of the team's: not audited.
  "notifications.markRead": { scope: "team:read", input: (teamId) => ({ teamId }), audit: null },
  "instances.list": { scope: "compute:read", input: (teamId) => ({ teamId }) },
  "instances.get": { scope: "compute:read", input: (teamId) => ({ teamId, instanceId: sharedInstanceId }) },
  "instances.images": { scope: "compute:read", input: (teamId) => ({ teamId }) },
  "instances.launch": {
    scope: "compute:write",
    input: (teamId, role) => ({
      teamId,
      name: `launched-by-${role}`,
      instanceTypeId: "gpu-1x-l40s",
      regionId: "us-east-1",
      image: "ubuntu-24.04-cuda-12.8",
      sshKeyIds: [launchSshKeyId],
    }),
    audit: "instance.launched",
    target: () => ({ type: "instance", id: /^ins_/ }),
  },
  "instances.terminate": {
    scope: "compute:write",
    input: (teamId, role) => ({ teamId, instanceId: instancesOf[role] }),
    audit: "instance.terminated",
    target: (_teamId, role) => ({ type: "instance", id: instancesOf[role] }),
  },
  "spend.report": { scope: "usage:read", input: (teamId) => ({ teamId, range: { preset: "7d" }, filter: { dimension: "product", value: "model_tokens" } }) },
  "members.list": { scope: "team:read", input: (teamId) => ({ teamId }) },
  // Viewer: a role every caller with members:write may grant, given to a developer of the role's own.
  "members.changeRole": {
    scope: "members:write",
    input: (teamId, role) => ({ teamId, memberId: memberTargetsOf[role].change, role: "viewer" }),
    audit: "member.role_changed",
    target: (_teamId, role) => ({ type: "user", id: memberTargetsOf[role].change }),
  },
  "members.remove": {
    scope: "members:write",
    input: (teamId, role) => ({ teamId, memberId: memberTargetsOf[role].remove }),
    audit: "member.removed",
    target: (_teamId, role) => ({ type: "user", id: memberTargetsOf[role].remove }),
  },
  // Leaving and handing over ownership would change the role's member of the shared team, which
  // later calls rely on: these act in a team of the role's own (sideTeamsOf), same role there.
  "members.leave": {
    scope: "team:read",
    team: (role) => sideTeamsOf[role].leave,
    input: (teamId) => ({ teamId }),
    audit: "member.left",
    target: (_teamId, role) => ({ type: "user", id: members[role] }),
  },
  "members.transferOwnership": {
    scope: "ownership:transfer",
    team: (role) => sideTeamsOf[role].transfer,
    input: (teamId, role) => ({ teamId, memberId: sideTeamsOf[role].heir }),
    audit: "team.ownership_transferred",
    target: (_teamId, role) => ({ type: "user", id: sideTeamsOf[role].heir }),
  },
  "invitations.list": { scope: "members:write", input: (teamId) => ({ teamId }) },
  // Viewer: a role every caller with members:write may grant; one address per role, so none collide.
  "invitations.create": {
    scope: "members:write",
    input: (teamId, role) => ({ teamId, email: `invited-by-${role}@example.com`, role: "viewer" }),
    audit: "member.invited",
    target: () => ({ type: "invitation", id: /^ivt_/ }),
  },
  "invitations.resend": {
    scope: "members:write",
    input: (teamId, role) => ({ teamId, invitationId: invitationsOf[role].resend }),
    audit: "invitation.resent",
    target: (_teamId, role) => ({ type: "invitation", id: invitationsOf[role].resend }),
  },
  "invitations.revoke": {
    scope: "members:write",
    input: (teamId, role) => ({ teamId, invitationId: invitationsOf[role].revoke }),
    audit: "invitation.revoked",
    target: (_teamId, role) => ({ type: "invitation", id: invitationsOf[role].revoke }),
  },
};

const teamProcedures = listProcedures().filter((p) => p.team);

/** One member per role in the shared team, added straight to `memberships`. */
const members = Object.fromEntries(
  await Promise.all(
    ROLES.map(async (role) => {
      const person = await createTestUser(db, `Member ${role}`);
      await db.insert(memberships).values({ teamId, userId: person.userId, role, createdAt: new Date() });
      return [role, person.userId] as const;
    }),
  ),
) as Record<Role, string>;

/**
 * Per role, two teams of someone else's where the role's member holds that role: one to leave,
 * and one to hand over to its heir (a developer there). The team's own owner stays an owner, so
 * an owner leaving is not the last one.
 */
const sideTeamsOf = Object.fromEntries(
  await Promise.all(
    ROLES.map(async (role) => {
      const join = async (label: string) => {
        const host = await createTestUser(db, `${label} host for ${role}`);
        await db.insert(memberships).values({ teamId: host.team.id, userId: members[role], role, createdAt: new Date() });
        return host.team.id;
      };
      const [leave, transfer] = await Promise.all([join("Leave"), join("Transfer")]);
      const heir = await createTestUser(db, `Heir of ${role}`);
      await db.insert(memberships).values({ teamId: transfer!, userId: heir.userId, role: "developer", createdAt: new Date() });
      return [role, { leave: leave!, transfer: transfer!, heir: heir.userId }] as const;
    }),
  ),
) as Record<Role, { leave: string; transfer: string; heir: string }>;

async function auditCount(team = teamId) {
  const [row] = await db.select({ n: count() }).from(auditEvents).where(eq(auditEvents.teamId, team));
  return row?.n ?? 0;
}

/** The team and the rows its procedures can change, to prove a refused call changed nothing. */
async function teamRow(team = teamId) {
  const [row] = await db.select().from(teams).where(eq(teams.id, team));
  const keys = await db.select().from(apiKeys).where(eq(apiKeys.teamId, team)).orderBy(apiKeys.id);
  const presets = await db.select().from(playgroundPresets).where(eq(playgroundPresets.teamId, team)).orderBy(playgroundPresets.id);
  const ssh = await db.select().from(sshKeys).where(eq(sshKeys.teamId, team)).orderBy(sshKeys.id);
  const instanceRows = await db.select().from(instances).where(eq(instances.teamId, team)).orderBy(instances.id);
  // Who holds which role; not last activity, which every call may refresh.
  const memberRoles = await db
    .select({ userId: memberships.userId, role: memberships.role })
    .from(memberships)
    .where(eq(memberships.teamId, team))
    .orderBy(memberships.userId);
  return { ...row, keys, presets, ssh, instanceRows, memberRoles };
}

describe("the permission table", () => {
  it("covers every team procedure, and only those", () => {
    const paths = teamProcedures.map((p) => p.path);
    expect(paths.filter((p) => !(p in GUARDS)), "add these procedures to GUARDS in roles.test.ts").toEqual([]);
    expect(Object.keys(GUARDS).filter((p) => !paths.includes(p))).toEqual([]);
  });

  it("each GUARDS scope is the one the procedure checks with requires()", () => {
    const declared = teamProcedures.filter((p) => p.path in GUARDS).map((p) => ({ path: p.path, scope: p.scopes[0] }));
    expect(declared).toEqual(declared.map((p) => ({ path: p.path, scope: GUARDS[p.path]!.scope })));
  });

  it("every mutation declares the audit action it records", () => {
    for (const p of teamProcedures.filter((p) => p.type === "mutation")) {
      expect(GUARDS[p.path]?.audit, `${p.path} needs an audit action in GUARDS`).not.toBeUndefined();
    }
  });

  it("orders roles from most to least powerful, owner holding every scope", () => {
    expect(ROLES).toEqual(["owner", "admin", "developer", "billing", "viewer"]);
    expect([...ROLE_SCOPES.owner].sort()).toEqual([...ALL_SCOPES].sort());
    for (const role of ROLES) expect(hasScope(role, "team:read")).toBe(true);
    expect(ROLES.filter((r) => hasScope(r, "team:write"))).toEqual(["owner", "admin"]);
  });
});

const matrix = ROLES.flatMap((role) =>
  Object.entries(GUARDS).map(([path, guard]) => ({ role, path, guard, allowed: hasScope(role, guard.scope) })),
);

describe.each(matrix)("$role calling $path", ({ role, path, guard, allowed }) => {
  it(allowed ? "is allowed" : "is FORBIDDEN", async () => {
    const userId = members[role];
    const caller = callerFor(db, userId);
    const actsIn = guard.team?.(role) ?? teamId;
    const auditBefore = await auditCount(actsIn);
    const teamBefore = await teamRow(actsIn);
    const call = callPath(caller, path, guard.input(actsIn, role));

    if (!allowed) {
      const error = await trpcError(call);
      expect(error.code).toBe("FORBIDDEN");
      expect(error.message).toContain(`(${role})`);
      expect(await auditCount(actsIn)).toBe(auditBefore);
      expect(await teamRow(actsIn)).toEqual(teamBefore);
      return;
    }

    await expect(call).resolves.toBeDefined();
    if (!guard.audit) {
      expect(await auditCount(actsIn)).toBe(auditBefore);
      return;
    }
    expect(await auditCount(actsIn)).toBe(auditBefore + 1);
    const [event] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.teamId, actsIn), eq(auditEvents.actorId, userId)))
      .orderBy(desc(auditEvents.createdAt))
      .limit(1);
    const target = guard.target?.(actsIn, role) ?? { type: "team", id: actsIn };
    expect(event).toMatchObject({
      teamId: actsIn,
      actorType: "user",
      actorId: userId,
      action: guard.audit,
      targetType: target.type,
      targetId: target.id instanceof RegExp ? expect.stringMatching(target.id) : target.id,
      ip: TEST_REQUEST.ip,
      userAgent: TEST_REQUEST.userAgent,
    });
  });
});

describe("what an allowed call returns", () => {
  it.each(ROLES)("team.get tells a %s their role and scopes", async (role) => {
    const got = await callerFor(db, members[role]).team.get({ teamId });
    expect(got).toMatchObject({ id: teamId, role, scopes: [...ROLE_SCOPES[role]] });
  });

  it("playground.runUsage gives a role with inference the run's usage, cost as an exact string", async () => {
    const usage = await callerFor(db, members.developer).playground.runUsage({ teamId, requestId: runRequestId });
    expect(usage).toMatchObject({ requestId: runRequestId, inputTokens: 10, outputTokens: 20, costNano: "300", status: "ok" });
  });

  it("team.update changes the team and audit.list shows who did it", async () => {
    const admin = callerFor(db, members.admin);
    const updated = await admin.team.update({ teamId, name: "Admin's rename", slug: "admins-rename" });
    expect(updated).toEqual({ id: teamId, name: "Admin's rename", slug: "admins-rename" });
    const { events } = await callerFor(db, members.owner).audit.list({ teamId, limit: 1 });
    expect(events[0]).toMatchObject({
      action: "team.updated",
      actorId: members.admin,
      actorName: "Member admin",
      metadata: { name: { to: "Admin's rename" }, slug: { to: "admins-rename" } },
    });
  });

  it("audit.list pages through every event once, newest first, even with equal timestamps", async () => {
    const pager = await createTestUser(db, "Pat Pager");
    const caller = callerFor(db, pager.userId, { now: () => new Date("2031-01-01T00:00:00.000Z") });
    for (let i = 0; i < 7; i++) await caller.team.update({ teamId: pager.team.id, name: `Page ${i}` });
    const stored = await db.select({ id: auditEvents.id }).from(auditEvents).where(eq(auditEvents.teamId, pager.team.id));
    const seen: { id: string; createdAt: Date }[] = [];
    const pageSizes: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await caller.audit.list({ teamId: pager.team.id, limit: 3, cursor });
      seen.push(...page.events);
      pageSizes.push(page.events.length);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && pageSizes.length < 10);
    expect(stored).toHaveLength(8);
    expect(pageSizes).toEqual([3, 3, 2]);
    expect(seen.map((e) => e.id).sort()).toEqual(stored.map((e) => e.id).sort());
    const times = seen.map((e) => e.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it("a role change in the database takes effect on the next call", async () => {
    const userId = members.viewer;
    const update = () => callerFor(db, userId).team.update({ teamId, name: "Viewer promoted" });
    expect((await trpcError(update())).code).toBe("FORBIDDEN");
    await db
      .update(memberships)
      .set({ role: "admin" })
      .where(and(eq(memberships.teamId, teamId), eq(memberships.userId, userId)));
    await expect(update()).resolves.toMatchObject({ name: "Viewer promoted" });
    await db
      .update(memberships)
      .set({ role: "viewer" })
      .where(and(eq(memberships.teamId, teamId), eq(memberships.userId, userId)));
    expect((await trpcError(update())).code).toBe("FORBIDDEN");
  });
});
