import { and, asc, eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { apiKeys, auditEvents, memberships } from "@/server/db/schema";
import { callerFor, clientError, clientFor, trpcError } from "@/server/trpc/testing";
import type { AppError } from "../errors";
import { createKey } from "../keys/create-key";
import { revokeKey } from "../keys/revoke-key";
import { clearKeyCache, KeyCache, verifyApiKey } from "../keys/verify-key";
import { appErrorOf, createTestUser, testContext } from "../testing";
import { changeMemberRole, leaveTeam, listMembers, removeMember, transferOwnership } from "./members";
import type { Role } from "./permissions";
import { enterTeam } from "./team-access";

const database = await openTestDatabase();
const { db } = database;

beforeEach(() => clearKeyCache());

const MINUTE = 60_000;

/** A clock a test moves by hand; every context of one team shares it. */
function clock(start = "2030-03-01T09:00:00.000Z") {
  const c = { now: new Date(start), advance: (ms: number) => (c.now = new Date(c.now.getTime() + ms)) };
  return c;
}

/**
 * A team made by its owner, plus one member per given role (named after the role unless `names`
 * says otherwise). `as(person)` enters the team as that person at the team's clock.
 */
async function team(roles: Role[] = [], names: string[] = []) {
  const time = clock();
  const owner = await createTestUser(db, "Olive Owner");
  const teamId = owner.team.id;
  const people = [];
  for (const [i, role] of roles.entries()) {
    const person = await createTestUser(db, names[i] ?? `${role[0]!.toUpperCase()}${role.slice(1)} Person`);
    await db.insert(memberships).values({ teamId, userId: person.userId, role, createdAt: new Date(time.now.getTime() + (i + 1) * MINUTE) });
    people.push({ ...person, role });
  }
  const as = (person: { userId: string }) => enterTeam(testContext(db, person.userId, () => time.now), { teamId });
  return { teamId, owner, people, time, as };
}

async function roleOf(teamId: string, userId: string): Promise<Role | undefined> {
  const [row] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.teamId, teamId), eq(memberships.userId, userId)));
  return row?.role;
}

/** Who is in the team with which role, by user id (sorted here: the database's collation may differ). */
async function rolesIn(teamId: string) {
  const rows = await db.select({ userId: memberships.userId, role: memberships.role }).from(memberships).where(eq(memberships.teamId, teamId));
  return rows.sort((a, b) => (a.userId < b.userId ? -1 : 1));
}

async function auditOf(teamId: string, action?: string) {
  return db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.teamId, teamId), action ? eq(auditEvents.action, action) : undefined))
    .orderBy(asc(auditEvents.createdAt), asc(auditEvents.id));
}

describe("last activity (enterTeam)", () => {
  it("is written on a member's first call, then at most once in five minutes", async () => {
    const t = await team(["developer"]);
    const dev = t.people[0]!;
    const lastActive = async () => (await listMembers(await t.as(t.owner))).find((m) => m.userId === dev.userId)?.lastActiveAt;

    const startedAt = t.time.now;
    expect(await lastActive()).toBeNull();
    await t.as(dev);
    expect(await lastActive()).toEqual(startedAt);

    t.time.advance(4 * MINUTE + 59_000);
    await t.as(dev);
    expect(await lastActive(), "a call within five minutes writes nothing").toEqual(startedAt);

    t.time.advance(1_000);
    await t.as(dev);
    expect(await lastActive()).toEqual(t.time.now);
  });

  it("keeps refusing a non-member with NOT_FOUND, writing nothing", async () => {
    const t = await team();
    const stranger = await createTestUser(db, "Stan Stranger");
    const error = await appErrorOf(t.as(stranger));
    expect(error).toMatchObject({ code: "NOT_FOUND", message: "Team not found." });
    const bySlug = await appErrorOf(enterTeam(stranger.ctx, { slug: t.owner.team.slug }));
    expect(bySlug).toMatchObject({ code: "NOT_FOUND", message: "Team not found." });
    expect(await rolesIn(t.teamId)).toEqual([{ userId: t.owner.userId, role: "owner" }]);
  });
});

describe("listMembers", () => {
  it("lists everyone with their role, dates and keys: owners first, then by role, then by name", async () => {
    const t = await team(["viewer", "admin", "developer", "owner", "admin"], ["Vera", "Zoe", "Dev", "Oscar", "Adam"]);
    const [vera, zoe, dev, oscar] = t.people;
    await createKey(await t.as(dev!), { name: "Dev's key", scopes: ["inference"] });
    const revoked = await createKey(await t.as(dev!), { name: "Dev's old key", scopes: ["inference"] });
    await revokeKey(await t.as(t.owner), { keyId: revoked.key.id });
    await t.as(vera!);

    const members = await listMembers(await t.as(zoe!));
    expect(members.map((m) => [m.name, m.role])).toEqual([
      ["Olive Owner", "owner"],
      ["Oscar", "owner"],
      ["Adam", "admin"],
      ["Zoe", "admin"],
      ["Dev", "developer"],
      ["Vera", "viewer"],
    ]);
    expect(members.find((m) => m.userId === dev!.userId)).toEqual({
      userId: dev!.userId,
      name: "Dev",
      email: dev!.email,
      image: null,
      role: "developer",
      joinedAt: new Date(t.time.now.getTime() + 3 * MINUTE),
      lastActiveAt: t.time.now,
      isYou: false,
      activeKeyCount: 1,
    });
    expect(members.filter((m) => m.isYou).map((m) => m.userId)).toEqual([zoe!.userId]);
    expect(members.find((m) => m.userId === oscar!.userId)?.lastActiveAt).toBeNull();
  });

  it("shows only the team's own members, to every role", async () => {
    const a = await team(["viewer"]);
    const b = await team(["developer"]);
    const listed = await listMembers(await a.as(a.people[0]!));
    expect(listed.map((m) => m.userId).sort()).toEqual([a.owner.userId, a.people[0]!.userId].sort());
    expect(listed.map((m) => m.userId)).not.toContain(b.people[0]!.userId);
  });
});

describe("changeMemberRole", () => {
  it("changes a role and records member.role_changed with from and to", async () => {
    const t = await team(["developer"], ["Dana Dev"]);
    const dana = t.people[0]!;
    const change = await changeMemberRole(await t.as(t.owner), { memberId: dana.userId, role: "admin" });
    expect(change).toEqual({ userId: dana.userId, name: "Dana Dev", email: dana.email, role: "admin", previousRole: "developer" });
    expect(await roleOf(t.teamId, dana.userId)).toBe("admin");
    const [event] = await auditOf(t.teamId, "member.role_changed");
    expect(event).toMatchObject({
      actorType: "user",
      actorId: t.owner.userId,
      targetType: "user",
      targetId: dana.userId,
      metadata: { from: "developer", to: "admin", name: "Dana Dev", email: dana.email },
    });
  });

  it("takes effect on the member's next call", async () => {
    const t = await team(["admin", "viewer"]);
    const [admin, viewer] = t.people;
    const caller = callerFor(db, admin!.userId);
    await expect(caller.members.changeRole({ teamId: t.teamId, memberId: viewer!.userId, role: "developer" })).resolves.toMatchObject({ role: "developer" });
    await changeMemberRole(await t.as(t.owner), { memberId: admin!.userId, role: "viewer" });
    const error = await trpcError(caller.members.changeRole({ teamId: t.teamId, memberId: viewer!.userId, role: "viewer" }));
    expect(error.code).toBe("FORBIDDEN");
    expect(await roleOf(t.teamId, viewer!.userId)).toBe("developer");
  });

  it("to the same role changes nothing and records nothing", async () => {
    const t = await team(["billing"]);
    const before = await auditOf(t.teamId);
    await expect(changeMemberRole(await t.as(t.owner), { memberId: t.people[0]!.userId, role: "billing" })).resolves.toMatchObject({
      role: "billing",
      previousRole: "billing",
    });
    expect(await auditOf(t.teamId)).toEqual(before);
  });

  it("never grants a role above the granter's own", async () => {
    const t = await team(["admin", "viewer", "developer"]);
    const [admin, viewer, developer] = t.people;
    const asAdmin = await t.as(admin!);
    const error = await appErrorOf(changeMemberRole(asAdmin, { memberId: viewer!.userId, role: "owner" }));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toBe("You can give roles up to Admin, your own role. Ask an owner to make someone Owner.");
    expect(error.details.fieldErrors?.role).toEqual([error.message]);
    expect(await roleOf(t.teamId, viewer!.userId)).toBe("viewer");

    for (const role of ["admin", "developer", "billing", "viewer"] as const) {
      await expect(changeMemberRole(asAdmin, { memberId: viewer!.userId, role })).resolves.toMatchObject({ role });
    }
    // An admin may change another admin (same rank), and their own role.
    await changeMemberRole(asAdmin, { memberId: developer!.userId, role: "admin" });
    await expect(changeMemberRole(asAdmin, { memberId: developer!.userId, role: "billing" })).resolves.toMatchObject({ role: "billing" });
    await expect(changeMemberRole(asAdmin, { memberId: admin!.userId, role: "developer" })).resolves.toMatchObject({ role: "developer" });
  });

  it("never changes the role of someone ranked above the caller", async () => {
    const t = await team(["admin"], ["Ada Admin"]);
    const asAdmin = await t.as(t.people[0]!);
    for (const role of ["owner", "admin", "viewer"] as const) {
      const error = await appErrorOf(changeMemberRole(asAdmin, { memberId: t.owner.userId, role }));
      expect(error.code).toBe("FORBIDDEN");
      expect(error.message).toBe("Olive Owner is an Owner, a role above yours (Admin). Only an owner can change their role.");
    }
    expect(await roleOf(t.teamId, t.owner.userId)).toBe("owner");
    expect(await auditOf(t.teamId, "member.role_changed")).toEqual([]);
  });

  it.each(["developer", "billing", "viewer"] as const)("is FORBIDDEN to a %s", async (role) => {
    const t = await team([role, "viewer"]);
    const error = await appErrorOf(changeMemberRole(await t.as(t.people[0]!), { memberId: t.people[1]!.userId, role: "viewer" }));
    expect(error.code).toBe("FORBIDDEN");
    expect(await roleOf(t.teamId, t.people[1]!.userId)).toBe("viewer");
  });

  it("refuses a caller whose role was lowered after the call entered the team", async () => {
    const t = await team(["admin", "viewer"]);
    const staleAdmin = await t.as(t.people[0]!);
    await db.update(memberships).set({ role: "viewer" }).where(and(eq(memberships.teamId, t.teamId), eq(memberships.userId, t.people[0]!.userId)));
    const error = await appErrorOf(changeMemberRole(staleAdmin, { memberId: t.people[1]!.userId, role: "developer" }));
    expect(error).toMatchObject({ code: "FORBIDDEN", message: "Your role (viewer) does not allow this. Ask a team owner or admin." });
    expect(await roleOf(t.teamId, t.people[1]!.userId)).toBe("viewer");
  });

  it("never demotes the last owner; with two owners, one may step down", async () => {
    const t = await team(["admin", "owner"], ["Ada Admin", "Otto Owner"]);
    const [, otto] = t.people;
    const asOlive = await t.as(t.owner);
    await expect(changeMemberRole(asOlive, { memberId: t.owner.userId, role: "admin" })).resolves.toMatchObject({ role: "admin" });

    const asOtto = await t.as(otto!);
    const self = await appErrorOf(changeMemberRole(asOtto, { memberId: otto!.userId, role: "admin" }));
    expect(self.code).toBe("CONFLICT");
    expect(self.message).toBe("You are this team's only owner. Make someone else owner first, then change this role.");
    expect(await roleOf(t.teamId, otto!.userId)).toBe("owner");
    expect((await auditOf(t.teamId, "member.role_changed")).map((e) => e.metadata)).toEqual([
      { from: "owner", to: "admin", name: "Olive Owner", email: t.owner.email },
    ]);
  });

  it("answers NOT_FOUND for another team's member and for someone in no team of the caller's", async () => {
    const a = await team(["viewer"]);
    const b = await team(["viewer"]);
    const stranger = await createTestUser(db, "Stan Stranger");
    const asOwner = await a.as(a.owner);
    for (const memberId of [b.people[0]!.userId, b.owner.userId, stranger.userId, "usr_doesNotExist0000000000"]) {
      const error = await appErrorOf(changeMemberRole(asOwner, { memberId, role: "admin" }));
      expect(error).toMatchObject({ code: "NOT_FOUND", message: "Member not found." });
      expect((await appErrorOf(removeMember(asOwner, { memberId }))).message).toBe("Member not found.");
      expect((await appErrorOf(transferOwnership(asOwner, { memberId }))).message).toBe("Member not found.");
    }
    expect(await roleOf(b.teamId, b.people[0]!.userId)).toBe("viewer");
    expect(await roleOf(b.teamId, b.owner.userId)).toBe("owner");
    expect(await auditOf(b.teamId, "member.role_changed")).toEqual([]);
  });

  it("reports a refused grant next to the role field through tRPC", async () => {
    const t = await team(["admin", "viewer"]);
    const error = await clientError(
      clientFor(db, t.people[0]!.userId).members.changeRole.mutate({ teamId: t.teamId, memberId: t.people[1]!.userId, role: "owner" }),
    );
    expect(error.data?.code).toBe("FORBIDDEN");
    expect(error.shape?.data.fieldErrors).toEqual({ role: [error.message] });
  });
});

describe("the last owner under concurrent requests", () => {
  it("of two owners stepping down at once, exactly one succeeds", async () => {
    for (let round = 0; round < 5; round++) {
      const t = await team(["owner"]);
      const [olive, otto] = [t.owner, t.people[0]!];
      const results = await Promise.allSettled(
        [olive, otto].map(async (o) => changeMemberRole(await t.as(o), { memberId: o.userId, role: "admin" })),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const refused = results.find((r) => r.status === "rejected")!.reason as AppError;
      expect(refused).toMatchObject({ code: "CONFLICT", message: expect.stringContaining("only owner") });
      expect((await rolesIn(t.teamId)).filter((m) => m.role === "owner")).toHaveLength(1);
    }
  });

  it("of two owners demoting each other at once, exactly one succeeds", async () => {
    for (let round = 0; round < 5; round++) {
      const t = await team(["owner"]);
      const [olive, otto] = [t.owner, t.people[0]!];
      const results = await Promise.allSettled([
        t.as(olive).then((ctx) => changeMemberRole(ctx, { memberId: otto.userId, role: "admin" })),
        t.as(otto).then((ctx) => changeMemberRole(ctx, { memberId: olive.userId, role: "admin" })),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      // The loser is no longer an owner when its turn comes, so it may not touch an owner at all.
      expect((results.find((r) => r.status === "rejected")!.reason as AppError).code).toBe("FORBIDDEN");
      expect((await rolesIn(t.teamId)).filter((m) => m.role === "owner")).toHaveLength(1);
    }
  });

  it("of two owners leaving at once, exactly one leaves", async () => {
    const t = await team(["owner"]);
    const results = await Promise.allSettled([t.owner, t.people[0]!].map(async (o) => leaveTeam(await t.as(o))));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((results.find((r) => r.status === "rejected")!.reason as AppError).code).toBe("CONFLICT");
    expect(await rolesIn(t.teamId)).toHaveLength(1);
  });

  it.runIf(database.driver === "postgres")(
    "PostgreSQL: a demotion waits for another change to the team's members, then counts the owners it left",
    async () => {
      const t = await team(["owner"]);
      const [olive, otto] = [t.owner, t.people[0]!];
      const asOtto = await t.as(otto);
      let releaseFirst!: () => void;
      const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
      let firstLocked!: () => void;
      const firstHasLocked = new Promise<void>((resolve) => (firstLocked = resolve));

      // Another request that has locked the team's members and demoted Olive, not yet committed.
      const first = db.transaction(async (tx) => {
        await tx.select().from(memberships).where(eq(memberships.teamId, t.teamId)).for("update");
        await tx.update(memberships).set({ role: "admin" }).where(and(eq(memberships.teamId, t.teamId), eq(memberships.userId, olive.userId)));
        firstLocked();
        await firstMayCommit;
      });
      await firstHasLocked;

      let secondSettled = false;
      const second = changeMemberRole(asOtto, { memberId: otto.userId, role: "admin" }).finally(() => (secondSettled = true));
      const waiting = async () => {
        const result = await db.execute(
          sql`select count(*)::int as n from pg_locks where not granted and pid in (select pid from pg_stat_activity where datname = current_database())`,
        );
        return (result as unknown as { rows: { n: number }[] }).rows[0]?.n ?? 0;
      };
      for (let i = 0; i < 200 && (await waiting()) === 0; i++) await new Promise((r) => setTimeout(r, 25));
      // Without the lock, the demotion would still see Olive as owner (not committed) and pass.
      expect(await waiting()).toBeGreaterThan(0);
      expect(secondSettled).toBe(false);

      releaseFirst();
      await first;
      const error = await appErrorOf(second);
      expect(error).toMatchObject({ code: "CONFLICT", message: expect.stringContaining("only owner") });
      expect(await roleOf(t.teamId, otto.userId)).toBe("owner");
    },
  );
});

describe("removeMember", () => {
  it("removes a member, revokes the keys they created here, and their next call is refused", async () => {
    const t = await team(["developer", "developer"], ["Rex Removed", "Kim Kept"]);
    const [rex, kim] = t.people;
    const asRex = await t.as(rex!);
    const mine = await createKey(asRex, { name: "Rex CI", scopes: ["inference"] });
    const mine2 = await createKey(asRex, { name: "Rex batch", scopes: ["inference"] });
    const alreadyRevoked = await createKey(asRex, { name: "Rex old", scopes: ["inference"] });
    await revokeKey(asRex, { keyId: alreadyRevoked.key.id });
    const kims = await createKey(await t.as(kim!), { name: "Kim's key", scopes: ["inference"] });
    // Rex's keys in another team are not this team's to revoke.
    const elsewhere = await createKey(await enterTeam(testContext(db, rex!.userId, () => t.time.now), { teamId: rex!.team.id }), {
      name: "Rex personal",
      scopes: ["inference"],
    });
    const rexCaller = callerFor(db, rex!.userId);
    await expect(rexCaller.keys.list({ teamId: t.teamId })).resolves.toHaveLength(4);
    // Cached as good in this process and in another replica's cache.
    const replica = new KeyCache();
    expect((await verifyApiKey(db, mine.secret, t.time.now)).ok).toBe(true);
    expect((await verifyApiKey(db, mine.secret, t.time.now, { cache: replica })).ok).toBe(true);

    const removed = await removeMember(await t.as(t.owner), { memberId: rex!.userId, revokeKeys: true });
    expect(removed).toEqual({ userId: rex!.userId, name: "Rex Removed", email: rex!.email, role: "developer", keysRevoked: 2 });

    expect(await roleOf(t.teamId, rex!.userId)).toBeUndefined();
    expect(await verifyApiKey(db, mine.secret, t.time.now)).toMatchObject({ ok: false, reason: "revoked" });
    expect(await verifyApiKey(db, mine2.secret, t.time.now)).toMatchObject({ ok: false, reason: "revoked" });
    expect((await verifyApiKey(db, mine.secret, new Date(t.time.now.getTime() + 1_000), { cache: replica })).ok).toBe(false);
    expect((await verifyApiKey(db, kims.secret, t.time.now)).ok).toBe(true);
    expect((await verifyApiKey(db, elsewhere.secret, t.time.now)).ok).toBe(true);

    const [event] = await auditOf(t.teamId, "member.removed");
    expect(event).toMatchObject({
      actorId: t.owner.userId,
      targetType: "user",
      targetId: rex!.userId,
      metadata: { name: "Rex Removed", email: rex!.email, role: "developer", keysRevoked: 2 },
    });
    const keyEvents = (await auditOf(t.teamId, "key.revoked")).filter((e) => e.actorId === t.owner.userId);
    expect(keyEvents.map((e) => e.targetId).sort()).toEqual([mine.key.id, mine2.key.id].sort());
    expect(keyEvents[0]?.metadata).toMatchObject({ reason: "member.removed", member: rex!.email });

    // Each call starts only when awaited: a refusal nobody is waiting for yet is an unhandled rejection.
    for (const call of [() => rexCaller.team.get({ teamId: t.teamId }), () => rexCaller.members.list({ teamId: t.teamId }), () => rexCaller.keys.list({ teamId: t.teamId })]) {
      const error = await trpcError(call());
      expect(error.code).toBe("NOT_FOUND");
      expect(error.message).toBe("Team not found.");
    }
    // Their own team is untouched.
    await expect(rexCaller.team.get({ teamId: rex!.team.id })).resolves.toMatchObject({ role: "owner" });
  });

  it("leaves the member's keys alone unless asked", async () => {
    const t = await team(["developer"]);
    const key = await createKey(await t.as(t.people[0]!), { name: "Survivor", scopes: ["inference"] });
    await expect(removeMember(await t.as(t.owner), { memberId: t.people[0]!.userId })).resolves.toMatchObject({ keysRevoked: 0 });
    expect((await verifyApiKey(db, key.secret, t.time.now)).ok).toBe(true);
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, key.key.id));
    expect(row?.revokedAt).toBeNull();
    expect((await auditOf(t.teamId, "member.removed"))[0]?.metadata).toMatchObject({ keysRevoked: 0 });
  });

  it("lets an admin remove admins and those below, never an owner", async () => {
    const t = await team(["admin", "admin", "viewer"], ["Ada Admin", "Abe Admin", "Val Viewer"]);
    const [ada, abe, val] = t.people;
    const asAda = await t.as(ada!);
    const error = await appErrorOf(removeMember(asAda, { memberId: t.owner.userId, revokeKeys: true }));
    expect(error).toMatchObject({
      code: "FORBIDDEN",
      message: "Olive Owner is an Owner, a role above yours (Admin). Only an owner can remove them.",
    });
    await removeMember(asAda, { memberId: abe!.userId });
    await removeMember(asAda, { memberId: val!.userId });
    expect((await rolesIn(t.teamId)).map((m) => m.userId).sort()).toEqual([t.owner.userId, ada!.userId].sort());
  });

  it("tells someone removing themselves to leave instead", async () => {
    const t = await team(["admin"]);
    const error = await appErrorOf(removeMember(await t.as(t.people[0]!), { memberId: t.people[0]!.userId }));
    expect(error).toMatchObject({ code: "BAD_REQUEST", message: "You cannot remove yourself. To leave this team, use Leave team." });
    expect(await roleOf(t.teamId, t.people[0]!.userId)).toBe("admin");
  });

  it.each(["developer", "billing", "viewer"] as const)("is FORBIDDEN to a %s", async (role) => {
    const t = await team([role, "viewer"]);
    const error = await appErrorOf(removeMember(await t.as(t.people[0]!), { memberId: t.people[1]!.userId }));
    expect(error.code).toBe("FORBIDDEN");
    expect(await roleOf(t.teamId, t.people[1]!.userId)).toBe("viewer");
  });
});

describe("leaveTeam", () => {
  it("takes the caller out of the team and records member.left", async () => {
    const t = await team(["billing"], ["Bea Billing"]);
    const bea = t.people[0]!;
    const caller = callerFor(db, bea.userId);
    await expect(caller.members.leave({ teamId: t.teamId })).resolves.toEqual({ team: { id: t.teamId, name: t.owner.team.name, slug: t.owner.team.slug } });
    expect(await roleOf(t.teamId, bea.userId)).toBeUndefined();
    const [event] = await auditOf(t.teamId, "member.left");
    expect(event).toMatchObject({
      actorId: bea.userId,
      targetType: "user",
      targetId: bea.userId,
      metadata: { name: "Bea Billing", email: bea.email, role: "billing" },
    });
    expect((await trpcError(caller.members.list({ teamId: t.teamId }))).code).toBe("NOT_FOUND");
  });

  it("refuses the last owner, who must make someone else owner first", async () => {
    const t = await team(["admin"]);
    const error = await appErrorOf(leaveTeam(await t.as(t.owner)));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe("You are this team's only owner. Make another member owner first (Make owner on the Members page), then leave.");
    expect(await roleOf(t.teamId, t.owner.userId)).toBe("owner");
    expect(await auditOf(t.teamId, "member.left")).toEqual([]);

    await transferOwnership(await t.as(t.owner), { memberId: t.people[0]!.userId });
    await expect(leaveTeam(await t.as(t.owner))).resolves.toBeDefined();
    expect(await rolesIn(t.teamId)).toEqual([{ userId: t.people[0]!.userId, role: "owner" }]);
  });
});

describe("transferOwnership", () => {
  it("makes the member owner and the caller admin at once, recording who from and to", async () => {
    const t = await team(["developer"], ["Nia New"]);
    const nia = t.people[0]!;
    const result = await transferOwnership(await t.as(t.owner), { memberId: nia.userId });
    expect(result).toEqual({ userId: nia.userId, name: "Nia New", email: nia.email, role: "owner", previousRole: "developer" });
    expect(await roleOf(t.teamId, nia.userId)).toBe("owner");
    expect(await roleOf(t.teamId, t.owner.userId)).toBe("admin");
    const [event] = await auditOf(t.teamId, "team.ownership_transferred");
    expect(event).toMatchObject({
      actorId: t.owner.userId,
      targetType: "user",
      targetId: nia.userId,
      metadata: {
        from: { userId: t.owner.userId, name: "Olive Owner", email: t.owner.email },
        to: { userId: nia.userId, name: "Nia New", email: nia.email, previousRole: "developer" },
      },
    });
    // The former owner is an admin now: no second transfer.
    const again = await trpcError(callerFor(db, t.owner.userId).members.transferOwnership({ teamId: t.teamId, memberId: nia.userId }));
    expect(again.code).toBe("FORBIDDEN");
  });

  it("is only for owners, to another member who is not an owner yet", async () => {
    const t = await team(["admin", "owner", "viewer"], ["Ada Admin", "Otto Owner", "Val Viewer"]);
    const [ada, otto, val] = t.people;
    expect((await appErrorOf(transferOwnership(await t.as(ada!), { memberId: val!.userId }))).code).toBe("FORBIDDEN");
    const toOwner = await appErrorOf(transferOwnership(await t.as(t.owner), { memberId: otto!.userId }));
    expect(toOwner).toMatchObject({ code: "CONFLICT", message: "Otto Owner is already an owner of this team. To step down yourself, change your own role to Admin." });
    const toSelf = await appErrorOf(transferOwnership(await t.as(t.owner), { memberId: t.owner.userId }));
    expect(toSelf.code).toBe("BAD_REQUEST");
    expect(await rolesIn(t.teamId)).toEqual(
      [
        { userId: t.owner.userId, role: "owner" },
        { userId: ada!.userId, role: "admin" },
        { userId: otto!.userId, role: "owner" },
        { userId: val!.userId, role: "viewer" },
      ].sort((a, b) => (a.userId < b.userId ? -1 : 1)),
    );
    expect(await auditOf(t.teamId, "team.ownership_transferred")).toEqual([]);
  });
});
