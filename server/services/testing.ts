import { expect } from "vitest";
import type { Db } from "@/server/db";
import type { Logger, ServiceContext } from "./context";
import { signUp } from "./auth/sign-up";
import { AppError } from "./errors";
import { enterTeam } from "./teams/team-access";

const quietLogger: Logger = { info() {}, warn() {}, error() {} };

export function testContext(db: Db, userId?: string, now: () => Date = () => new Date()): ServiceContext {
  return {
    db,
    actor: userId ? { type: "user", userId } : { type: "anonymous" },
    request: { ip: "203.0.113.7", userAgent: "vitest" },
    now,
    log: quietLogger,
  };
}

let counter = 0;

/** Signs up a new person with a personal team; returns ids and a context acting as them. */
export async function createTestUser(db: Db, name = "Test User") {
  counter += 1;
  const email = `user${counter}.${Date.now()}@example.com`;
  const password = "correct horse battery staple";
  const { userId, team } = await signUp(testContext(db), { name, email, password });
  const ctx = testContext(db, userId);
  return { userId, email, password, team, ctx, teamCtx: () => enterTeam(ctx, { teamId: team.id }) };
}

/** The AppError a call fails with; the test fails if the call succeeds or fails any other way. */
export async function appErrorOf(call: Promise<unknown>): Promise<AppError> {
  const error = await call.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}
