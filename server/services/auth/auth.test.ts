import { describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { AppError } from "../errors";
import { testContext, createTestUser } from "../testing";
import { signUp } from "./sign-up";
import { signInWithPassword, SignInRefused } from "./sign-in";

const { db } = await openTestDatabase();
const policy = { maxFailures: 3, lockoutMinutes: 15 };

describe("sign-up", () => {
  it("creates the person and a personal team they own", async () => {
    const result = await signUp(testContext(db), {
      name: "Ada Lovelace",
      email: "Ada@Example.com",
      password: "a long enough password",
    });
    expect(result.team.name).toBe("Ada's team");
    expect(result.team.slug).toBe("adas-team");
    expect(result.userId).toMatch(/^usr_[0-9A-Za-z]{20}$/);
  });

  it("refuses an email that is already registered, whatever its case", async () => {
    const { email } = await createTestUser(db);
    const error = await signUp(testContext(db), {
      name: "Someone",
      email: email.toUpperCase(),
      password: "a long enough password",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("CONFLICT");
    expect((error as AppError).details.fieldErrors?.email?.[0]).toMatch(/already exists/);
  });

  it("refuses passwords shorter than 12 characters", async () => {
    await expect(
      signUp(testContext(db), { name: "Short", email: "short@example.com", password: "elevenchars" }),
    ).rejects.toThrow(/at least 12 characters/);
  });

  it("gives a second person with the same name another slug", async () => {
    const a = await createTestUser(db, "Grace Hopper");
    const b = await createTestUser(db, "Grace Hopper");
    expect(a.team.slug).toBe("graces-team");
    expect(b.team.slug).toMatch(/^graces-team-[a-z0-9]{6}$/);
  });
});

describe("sign-in", () => {
  it("accepts the right password and names the field of each failure", async () => {
    const { email, password, userId } = await createTestUser(db);
    const ctx = testContext(db);
    await expect(signInWithPassword(ctx, { email, password }, policy)).resolves.toMatchObject({ id: userId });
    const wrong = await signInWithPassword(ctx, { email, password: "not the password" }, policy).catch((e) => e);
    expect(wrong).toBeInstanceOf(SignInRefused);
    expect((wrong as SignInRefused).reason).toBe("wrong_password");
    const unknown = await signInWithPassword(ctx, { email: "nobody@example.com", password }, policy).catch((e) => e);
    expect((unknown as SignInRefused).reason).toBe("unknown_email");
  });

  it("locks an email out after repeated failures, even for the right password", async () => {
    const { email, password } = await createTestUser(db);
    let now = new Date("2030-01-01T00:00:00Z");
    const ctx = testContext(db, undefined, () => now);
    for (let i = 0; i < policy.maxFailures; i++) {
      await expect(signInWithPassword(ctx, { email, password: "wrong password!" }, policy)).rejects.toThrow(/Wrong password/);
    }
    const locked = await signInWithPassword(ctx, { email, password }, policy).catch((e) => e);
    expect((locked as SignInRefused).reason).toBe("rate_limited");
    expect((locked as SignInRefused).message).toMatch(/Try again in 15 minutes/);
    now = new Date(now.getTime() + 16 * 60_000);
    await expect(signInWithPassword(ctx, { email, password }, policy)).resolves.toMatchObject({ email });
  });
});
