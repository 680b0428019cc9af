import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { auditEvents, creditGrants, teams } from "@/server/db/schema";
import { parseEnv } from "@/server/env";
import { signUp } from "../auth/sign-up";
import { appErrorOf, createTestUser, testContext } from "../testing";
import { creditBalance, creditHistory, MAX_GRANT_NANO } from "./credits";
import { teamCredits } from "./team-billing";
import { grantAt } from "./testing";

const { db } = await openTestDatabase();
const USD = 1_000_000_000n;
const NOW = new Date("2026-11-20T12:00:00Z");

describe("granting credit", () => {
  it("records the grant and an audit event by the system, with the amount exact", async () => {
    const { team } = await createTestUser(db, "Gina Grant");
    const grant = await grantAt(db, NOW, { teamId: team.id, amountNano: 100n * USD + 1n, reason: "  Startup program  ", expiresAt: new Date("2027-03-01T00:00:00Z") });
    expect(grant).toMatchObject({ id: expect.stringMatching(/^crd_/), amountNano: 100_000_000_001n, reason: "Startup program", grantedBy: "operator", createdAt: NOW });
    const [event] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.teamId, team.id), eq(auditEvents.action, "credit.granted")));
    expect(event).toMatchObject({
      actorType: "system",
      actorId: null,
      targetType: "credit_grant",
      targetId: grant.id,
      metadata: { name: "Startup program", amountUsd: "100.000000001", expiresAt: "2027-03-01T00:00:00.000Z", grantedBy: "operator" },
    });
    expect(await creditBalance(db, team.id, NOW)).toBe(100n * USD + 1n);
  });

  it.each([
    ["a zero amount", { amountNano: 0n }, "amountNano", "The amount must be more than $0."],
    ["a negative amount", { amountNano: -5n }, "amountNano", "The amount must be more than $0."],
    ["an amount over the limit", { amountNano: MAX_GRANT_NANO + 1n }, "amountNano", "The amount must be at most $10000000.00."],
    ["a blank reason", { reason: "   " }, "reason", "Give a reason, e.g. “Startup program”."],
    ["a reason over 200 characters", { reason: "x".repeat(201) }, "reason", "Keep the reason to 200 characters."],
    ["an expiry in the past", { expiresAt: new Date("2026-11-20T11:59:59Z") }, "expiresAt", "The expiry must be in the future."],
    ["an expiry of right now", { expiresAt: NOW }, "expiresAt", "The expiry must be in the future."],
    ["a team that does not exist", { teamId: "team_doesNotExist0000000" }, "teamId", "Team not found."],
  ])("refuses %s, naming the field", async (_what, change, field, message) => {
    const { team } = await createTestUser(db, "Rita Refused");
    const error = await appErrorOf(grantAt(db, NOW, { teamId: team.id, amountNano: 10n * USD, reason: "Fine", expiresAt: null, ...change }));
    expect(error.message).toBe(message);
    expect(error.details.fieldErrors).toEqual({ [field]: [message] });
    expect(await db.select().from(creditGrants).where(eq(creditGrants.teamId, team.id))).toEqual([]);
  });

  it("a reason of exactly 200 characters is fine", async () => {
    const { team } = await createTestUser(db, "Rex Reason");
    await expect(grantAt(db, NOW, { teamId: team.id, amountNano: 1n, reason: "y".repeat(200), expiresAt: null })).resolves.toMatchObject({ amountNano: 1n });
  });
});

describe("balance and history", () => {
  it("expired grants leave the balance but stay in the history, marked expired", async () => {
    const { team, teamCtx } = await createTestUser(db, "Hal History");
    const soon = await grantAt(db, new Date("2026-11-01T00:00:00Z"), { teamId: team.id, amountNano: 20n * USD, reason: "Soon gone", expiresAt: new Date("2026-11-10T00:00:00Z") });
    const lasting = await grantAt(db, new Date("2026-11-02T00:00:00Z"), { teamId: team.id, amountNano: 30n * USD, reason: "Lasting", expiresAt: null });
    expect(await creditBalance(db, team.id, new Date("2026-11-05T00:00:00Z"))).toBe(50n * USD);
    // Expiry is the first instant the grant is no longer usable.
    expect(await creditBalance(db, team.id, new Date("2026-11-09T23:59:59.999Z"))).toBe(50n * USD);
    expect(await creditBalance(db, team.id, new Date("2026-11-10T00:00:00Z"))).toBe(30n * USD);
    // Before a grant was made it is not there.
    expect(await creditBalance(db, team.id, new Date("2026-11-01T12:00:00Z"))).toBe(20n * USD);

    const history = await creditHistory(db, team.id, NOW);
    expect(history.map((g) => [g.id, g.status, g.usedNano, g.remainingNano, g.applications])).toEqual([
      [lasting.id, "active", 0n, 30n * USD, []],
      [soon.id, "expired", 0n, 20n * USD, []],
    ]);

    const ctx = { ...(await teamCtx()), now: () => NOW };
    await expect(teamCredits(ctx)).resolves.toMatchObject({
      balanceNano: 30n * USD,
      monthToDateNano: 0n,
      month: "2026-11-01",
      closesAt: new Date("2026-12-01T01:00:00Z"),
      grants: history,
    });
  });

  it("another team's grants are not in the balance or the history", async () => {
    const mine = await createTestUser(db, "Mia Mine");
    const theirs = await createTestUser(db, "Theo Theirs");
    await grantAt(db, NOW, { teamId: theirs.team.id, amountNano: 99n * USD, reason: "Theirs", expiresAt: null });
    expect(await creditBalance(db, mine.team.id, NOW)).toBe(0n);
    expect(await creditHistory(db, mine.team.id, NOW)).toEqual([]);
  });
});

describe("sign-up credit", () => {
  const signUpAs = (name: string, credit?: { amountNano: bigint; days: number } | null) =>
    signUp(
      testContext(db, undefined, () => NOW),
      { name, email: `${name.toLowerCase().replace(/\W/g, "")}.${Date.now()}@example.com`, password: "correct horse battery staple" },
      credit === undefined ? {} : { signUpCredit: credit },
    );

  it("grants the configured amount to the new personal team, expiring after the configured days", async () => {
    const { team } = await signUpAs("Sunny Signup", { amountNano: 25n * USD, days: 90 });
    const [grant] = await creditHistory(db, team.id, NOW);
    expect(grant).toMatchObject({ amountNano: 25n * USD, reason: "Sign-up credit", grantedBy: "sign-up", expiresAt: new Date("2027-02-18T12:00:00Z"), status: "active" });
    const [event] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.teamId, team.id), eq(auditEvents.action, "credit.granted")));
    expect(event).toMatchObject({ actorType: "system", targetId: grant!.id });
  });

  it("grants nothing when none is configured (the default)", async () => {
    const { team } = await signUpAs("Nora None");
    expect(await creditHistory(db, team.id, NOW)).toEqual([]);
    const { team: other } = await signUpAs("Ned Null", null);
    expect(await creditHistory(db, other.id, NOW)).toEqual([]);
  });

  it("a sign-up that fails leaves no grant behind", async () => {
    const email = `twice.${Date.now()}@example.com`;
    const ctx = testContext(db, undefined, () => NOW);
    const credit = { signUpCredit: { amountNano: 5n * USD, days: 30 } };
    await signUp(ctx, { name: "Tess Twice", email, password: "correct horse battery staple" }, credit);
    const before = await db.select({ id: creditGrants.id }).from(creditGrants);
    expect((await appErrorOf(signUp(ctx, { name: "Tess Again", email, password: "correct horse battery staple" }, credit))).code).toBe("CONFLICT");
    expect(await db.select({ id: creditGrants.id }).from(creditGrants)).toEqual(before);
    expect(await db.select({ id: teams.id }).from(teams).where(eq(teams.name, "Tess's team"))).toHaveLength(1);
  });

  it("is read from SIGNUP_CREDIT_USD (exact USD) and SIGNUP_CREDIT_DAYS, validated at start-up", () => {
    expect(parseEnv({})).toMatchObject({ SIGNUP_CREDIT_USD: 0n, SIGNUP_CREDIT_DAYS: 90 });
    expect(parseEnv({ SIGNUP_CREDIT_USD: "12.50", SIGNUP_CREDIT_DAYS: "30" })).toMatchObject({ SIGNUP_CREDIT_USD: 12_500_000_000n, SIGNUP_CREDIT_DAYS: 30 });
    expect(parseEnv({ SIGNUP_CREDIT_USD: "" })).toMatchObject({ SIGNUP_CREDIT_USD: 0n });
    for (const bad of ["-5", "ten", "0.0000000001", "1000000.01"]) {
      expect(() => parseEnv({ SIGNUP_CREDIT_USD: bad })).toThrow(/SIGNUP_CREDIT_USD must be an amount in US dollars/);
    }
    expect(() => parseEnv({ SIGNUP_CREDIT_DAYS: "0" })).toThrow(/SIGNUP_CREDIT_DAYS/);
    expect(() => parseEnv({ SIGNUP_CREDIT_DAYS: "1.5" })).toThrow(/SIGNUP_CREDIT_DAYS/);
  });
});
