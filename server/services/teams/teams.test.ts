import { and, count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { openTestDatabase } from "@/server/db/testing";
import { auditEvents, memberships, teams } from "@/server/db/schema";
import { callerFor, clientError, clientFor } from "@/server/trpc/testing";
import { AppError } from "../errors";
import { createTestUser, testContext } from "../testing";
import { createTeam } from "./create-team";
import { RESERVED_SLUGS, slugify, slugSchema } from "./schemas";
import { enterTeam, listMyTeams } from "./team-access";
import { updateTeam } from "./update-team";

const { db } = await openTestDatabase();

async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error,
  );
}

async function auditRows(teamId: string) {
  const [row] = await db.select({ n: count() }).from(auditEvents).where(eq(auditEvents.teamId, teamId));
  return row?.n ?? 0;
}

function expectConflictOnSlug(error: unknown) {
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe("CONFLICT");
  expect((error as AppError).details.fieldErrors?.slug).toEqual(["This URL is taken. Choose another."]);
}

describe("slug validation", () => {
  it.each([
    ["ab", "Use at least 3 characters."],
    ["a".repeat(41), "Use at most 40 characters."],
    ["Acme", "Use only lowercase letters, digits and hyphens."],
    ["acme labs", "Use only lowercase letters, digits and hyphens."],
    ["acme_labs", "Use only lowercase letters, digits and hyphens."],
    ["café", "Use only lowercase letters, digits and hyphens."],
    ["-acme", "Start and end with a letter or digit."],
    ["acme-", "Start and end with a letter or digit."],
    ["ac--me", "Do not use two hyphens in a row."],
    ["api", "This URL is reserved. Choose another."],
    ["sign-in", "This URL is reserved. Choose another."],
    ["settings", "This URL is reserved. Choose another."],
    ["v1", "Use at least 3 characters."],
  ])("refuses %j: %s", (slug, message) => {
    const result = slugSchema.safeParse(slug);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toContain(message);
  });

  it.each([
    ["abc", "abc"],
    ["a".repeat(40), "a".repeat(40)],
    ["acme-labs-2", "acme-labs-2"],
    ["123", "123"],
    ["  acme  ", "acme"],
    ["api-team", "api-team"],
  ])("accepts %j as %j", (slug, parsed) => {
    expect(slugSchema.parse(slug)).toBe(parsed);
  });

  it("is enforced by the service and reported per field through tRPC", async () => {
    const { ctx, userId } = await createTestUser(db);
    expect(await failure(createTeam(ctx, { name: "Team", slug: "Bad Slug" }))).toBeInstanceOf(ZodError);
    const error = await clientError(clientFor(db, userId).team.create.mutate({ name: "Team", slug: "sign-in" }));
    expect(error.data?.code).toBe("BAD_REQUEST");
    expect(error.shape?.data.fieldErrors).toEqual({ slug: ["This URL is reserved. Choose another."] });
    const teamCount = await db.select({ n: count() }).from(teams).where(eq(teams.slug, "sign-in"));
    expect(teamCount[0]?.n).toBe(0);
  });
});

describe("slugify", () => {
  it.each([
    ["Ada's Lab!", "adas-lab"],
    ["  Hello   World  ", "hello-world"],
    ["Café Crème", "cafe-creme"],
    ["Ünïcödé", "unicode"],
    ["GPU/Cluster #1", "gpu-cluster-1"],
    ["a b", "a-b"],
    ["AB", "team-ab"],
    ["x", "team-x"],
    ["!!!", "team"],
    ["", "team"],
    ["a".repeat(100), "a".repeat(33)],
    [`${"a".repeat(32)}-bcd`, "a".repeat(32)],
  ])("%j → %j", (text, slug) => {
    expect(slugify(text)).toBe(slug);
  });

  it("always yields a valid slug or a reserved word, leaving room for a 7-character suffix", () => {
    for (const text of ["API", "Settings", "Ada's Lab!", "x", "", "—", "a".repeat(100), "9 lives", "Été 2024"]) {
      const slug = slugify(text);
      expect(slug.length).toBeLessThanOrEqual(33);
      if (!RESERVED_SLUGS.has(slug)) expect(slugSchema.safeParse(slug).success, slug).toBe(true);
      expect(slugSchema.safeParse(`${slug}-abc123`).success).toBe(true);
    }
  });
});

describe("createTeam", () => {
  it("makes the caller its owner and records team.created", async () => {
    const { ctx, userId } = await createTestUser(db);
    const team = await createTeam(ctx, { name: "  Research Lab  ", slug: "research-lab" });
    expect(team).toMatchObject({ name: "Research Lab", slug: "research-lab" });
    expect(team.id).toMatch(/^team_[0-9A-Za-z]{20}$/);
    expect((await enterTeam(ctx, { teamId: team.id })).role).toBe("owner");
    expect(await db.select().from(memberships).where(eq(memberships.teamId, team.id))).toEqual([
      expect.objectContaining({ userId, role: "owner" }),
    ]);
    const [event] = await db.select().from(auditEvents).where(eq(auditEvents.teamId, team.id));
    expect(event).toMatchObject({ action: "team.created", actorId: userId, ip: "203.0.113.7", userAgent: "vitest" });
  });

  it("derives a slug from the name, with a suffix when it is taken or reserved", async () => {
    const { ctx } = await createTestUser(db);
    expect((await createTeam(ctx, { name: "Derived Name" })).slug).toBe("derived-name");
    expect((await createTeam(ctx, { name: "Derived Name" })).slug).toMatch(/^derived-name-[a-z0-9]{6}$/);
    expect((await createTeam(ctx, { name: "API" })).slug).toMatch(/^api-[a-z0-9]{6}$/);
  });

  it("refuses a duplicate explicit slug with CONFLICT on the slug field", async () => {
    const { ctx } = await createTestUser(db);
    await createTeam(ctx, { name: "First", slug: "dupe-on-create" });
    expectConflictOnSlug(await failure(createTeam(ctx, { name: "Second", slug: "dupe-on-create" })));
    expect(await db.select().from(teams).where(eq(teams.name, "Second"))).toEqual([]);
  });

  it("refuses anonymous callers", async () => {
    const error = await failure(createTeam(testContext(db), { name: "Nobody's" }));
    expect((error as AppError).code).toBe("UNAUTHORIZED");
  });

  it("writes team, membership and audit event in one transaction", async () => {
    const { userId } = await createTestUser(db);
    let calls = 0;
    const clock = () => {
      calls += 1;
      if (calls === 2) throw new Error("clock failed while writing the audit event");
      return new Date();
    };
    await expect(createTeam(testContext(db, userId, clock), { name: "Atomic", slug: "atomic-team" })).rejects.toThrow(/clock failed/);
    expect(calls).toBe(2);
    expect(await db.select().from(teams).where(eq(teams.slug, "atomic-team"))).toEqual([]);
  });
});

describe("updateTeam", () => {
  it("renames, records from/to, and leaves the slug alone", async () => {
    const user = await createTestUser(db, "Rena Renamer");
    const before = await auditRows(user.team.id);
    const updated = await updateTeam(await user.teamCtx(), { name: "Renamed Team" });
    expect(updated).toEqual({ id: user.team.id, name: "Renamed Team", slug: user.team.slug });
    expect(await auditRows(user.team.id)).toBe(before + 1);
    const [event] = await db.select().from(auditEvents).where(and(eq(auditEvents.teamId, user.team.id), eq(auditEvents.action, "team.updated")));
    expect(event?.metadata).toEqual({ name: { from: user.team.name, to: "Renamed Team" } });
  });

  it("changes the slug, after which the team is found by the new one only", async () => {
    const user = await createTestUser(db);
    await updateTeam(await user.teamCtx(), { slug: "brand-new-slug" });
    await expect(enterTeam(user.ctx, { slug: "brand-new-slug" })).resolves.toMatchObject({ team: { id: user.team.id } });
    await expect(enterTeam(user.ctx, { slug: user.team.slug })).rejects.toThrow("Team not found.");
  });

  it("does nothing and records nothing when nothing changes", async () => {
    const user = await createTestUser(db);
    const before = await auditRows(user.team.id);
    expect(await updateTeam(await user.teamCtx(), { name: user.team.name, slug: user.team.slug })).toEqual(user.team);
    expect(await auditRows(user.team.id)).toBe(before);
    await expect(updateTeam(await user.teamCtx(), {})).rejects.toThrow("Nothing to change.");
  });

  it("refuses a slug another team has with CONFLICT, changing nothing", async () => {
    const a = await createTestUser(db);
    const b = await createTestUser(db);
    const before = await auditRows(b.team.id);
    expectConflictOnSlug(await failure(updateTeam(await b.teamCtx(), { name: "Would Change", slug: a.team.slug })));
    const [row] = await db.select().from(teams).where(eq(teams.id, b.team.id));
    expect(row).toMatchObject({ name: b.team.name, slug: b.team.slug });
    expect(await auditRows(b.team.id)).toBe(before);
  });

  it("rolls the change back when the audit event cannot be written", async () => {
    const user = await createTestUser(db);
    let calls = 0;
    const clock = () => {
      calls += 1;
      if (calls === 2) throw new Error("clock failed while writing the audit event");
      return new Date();
    };
    const teamCtx = await enterTeam(testContext(db, user.userId, clock), { teamId: user.team.id });
    const before = await auditRows(user.team.id);
    await expect(updateTeam(teamCtx, { name: "Half Done" })).rejects.toThrow(/clock failed/);
    const [row] = await db.select().from(teams).where(eq(teams.id, user.team.id));
    expect(row?.name).toBe(user.team.name);
    expect(await auditRows(user.team.id)).toBe(before);
  });

  it("is refused by the service itself for a role without team:write", async () => {
    const owner = await createTestUser(db);
    const viewer = await createTestUser(db);
    await db.insert(memberships).values({ teamId: owner.team.id, userId: viewer.userId, role: "viewer", createdAt: new Date() });
    const error = await failure(updateTeam(await enterTeam(viewer.ctx, { teamId: owner.team.id }), { name: "Nope" }));
    expect((error as AppError).code).toBe("FORBIDDEN");
  });
});

describe("listing teams", () => {
  it("returns only the caller's teams, oldest membership first, with their role", async () => {
    const me = await createTestUser(db, "Lister");
    const other = await createTestUser(db, "Other");
    const second = await createTeam(me.ctx, { name: "Second Team" });
    await db.insert(memberships).values({ teamId: other.team.id, userId: me.userId, role: "billing", createdAt: new Date(Date.now() + 1000) });
    const mine = await listMyTeams(me.ctx);
    expect(mine).toEqual([
      { ...me.team, role: "owner" },
      { ...second, role: "owner" },
      { ...other.team, role: "billing" },
    ]);
    expect(await callerFor(db, me.userId).team.list()).toEqual(mine);
    expect((await listMyTeams(other.ctx)).map((t) => t.id)).toEqual([other.team.id]);
  });
});
