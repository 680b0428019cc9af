import { and, eq, inArray } from "drizzle-orm";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { openTestDatabase } from "@/server/db/testing";
import { auditEvents, budgetAlerts, memberships, notifications, usageEvents, users } from "@/server/db/schema";
import { deliverMails, publicUrl, smtpTransport } from "../mail";
import { linkIn, startTestSmtpServer } from "../mail/testing";
import { appErrorOf, createTestUser } from "../testing";
import { formatUsd } from "@/components/ui/format";
import { getModel } from "../catalog";
import { nanoToUsd } from "../compute/capacity";
import { monthKey, tokenCost } from "../metering/cost";
import { teamSpendOf } from "../metering/team-spend";
import { insertUsageEvents } from "../metering/usage-writer";
import { createTeamWithKey, startTestGateway } from "../inference/gateway/testing";
import { launchInstance } from "../compute/instances/launch-instance";
import { finishTermination, pollInstance, provisionInstance } from "../compute/instances/lifecycle";
import { getInstance } from "../compute/instances/list-instances";
import { computeMember, seedTestFleet, simulatedDeps, testClock } from "../compute/instances/testing";
import { purchaseReservation } from "../compute/reservations/purchase";
import { testPurchaseInput } from "../compute/reservations/testing";
import { listNotifications, markNotificationsRead } from "../notifications/notifications";
import { enterTeam } from "../teams/team-access";
import { testContext } from "../testing";
import { checkBudgetAlerts } from "./alerts";
import { budgetStatus, removeBudget, setBudget } from "./budgets";
import { BUDGET_CAP_REACHED } from "./cap";
import { STOPPED_AT_CAP, stopInstancesAtCap } from "./enforce";

const { db } = await openTestDatabase();
await seedTestFleet(db);
let gateway: Awaited<ReturnType<typeof startTestGateway>>;

beforeAll(async () => {
  gateway = await startTestGateway(db);
});
afterAll(() => gateway.close());

/** A charge straight into the ledger, through the same statement the metering writer uses. */
async function charge(teamId: string, costNano: bigint, at = new Date()) {
  await insertUsageEvents(db, [
    {
      id: `use_test_${Math.random().toString(36).slice(2)}`,
      teamId,
      product: "model_tokens",
      model: "meta-llama/llama-3.1-8b-instruct",
      source: "api",
      inputTokens: 10,
      outputTokens: 10,
      costNano,
      status: "ok",
      createdAt: at,
    },
  ]);
}

async function addMember(teamId: string, role: "admin" | "developer" | "billing" | "viewer") {
  const person = await createTestUser(db, `${role} member`);
  await db.insert(memberships).values({ teamId, userId: person.userId, role });
  return person;
}

describe("setting a budget", () => {
  it("validates, is audited, and can be removed", async () => {
    const owner = await createTestUser(db);
    const ctx = await owner.teamCtx();
    const bad = await setBudget(ctx, { amountUsd: "twelve", alertThresholds: [50, 50] }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ZodError);
    expect((bad as ZodError).issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["amountUsd", "Enter an amount in US dollars, e.g. 500 or 1250.50."],
      ["alertThresholds", "Each threshold once."],
    ]);
    const stopWithoutCap = await setBudget(ctx, { amountUsd: "100", stopInstancesAtCap: true }).catch((e: unknown) => e);
    expect((stopWithoutCap as ZodError).issues[0]).toMatchObject({ path: ["stopInstancesAtCap"], message: "Stopping instances at the cap needs the hard cap on." });

    const status = await setBudget(ctx, { amountUsd: "250.50", alertThresholds: [100, 50], hardCap: true });
    expect(status.budget).toMatchObject({ amountNano: 250_500_000_000n, alertThresholds: [50, 100], hardCap: true, stopInstancesAtCap: false });
    await removeBudget(ctx);
    expect((await budgetStatus(db, owner.team.id, new Date())).budget).toBeNull();
    const actions = await db.select({ action: auditEvents.action, metadata: auditEvents.metadata }).from(auditEvents).where(eq(auditEvents.teamId, owner.team.id));
    expect(actions.map((a) => a.action).filter((a) => a.startsWith("budget.")).sort()).toEqual(["budget.removed", "budget.updated"]);
    expect(actions.find((a) => a.action === "budget.updated")?.metadata).toMatchObject({ from: null, to: { amountNano: "250500000000", hardCap: true } });
  });

  it("a developer cannot change it", async () => {
    const owner = await createTestUser(db);
    const dev = await addMember(owner.team.id, "developer");
    const devCtx = await enterTeam(testContext(db, dev.userId), { teamId: owner.team.id });
    expect((await appErrorOf(setBudget(devCtx, { amountUsd: "10" }))).code).toBe("FORBIDDEN");
  });
});

describe("alerts", () => {
  it("go once per threshold to owners, admins and billing members, even when checked concurrently", async () => {
    const owner = await createTestUser(db);
    const admin = await addMember(owner.team.id, "admin");
    const billing = await addMember(owner.team.id, "billing");
    const developer = await addMember(owner.team.id, "developer");
    const ctx = await owner.teamCtx();
    await setBudget(ctx, { amountUsd: "100", alertThresholds: [50, 80, 100] });

    await charge(owner.team.id, 55_000_000_000n);
    await Promise.all(Array.from({ length: 8 }, () => checkBudgetAlerts(db, new Date(), { teamIds: [owner.team.id] })));
    await charge(owner.team.id, 30_000_000_000n);
    await Promise.all(Array.from({ length: 8 }, () => checkBudgetAlerts(db, new Date())));

    const alerts = await db.select().from(budgetAlerts).where(eq(budgetAlerts.teamId, owner.team.id));
    expect(alerts.map((a) => a.threshold).sort()).toEqual([50, 80]);
    const sent = await db.select().from(notifications).where(eq(notifications.teamId, owner.team.id));
    expect(sent).toHaveLength(6);
    for (const person of [owner, admin, billing]) {
      expect(sent.filter((n) => n.userId === person.userId).map((n) => n.title).sort()).toEqual([
        "50% of the monthly budget used",
        "80% of the monthly budget used",
      ]);
    }
    expect(sent.some((n) => n.userId === developer.userId)).toBe(false);

    const bell = await listNotifications(ctx);
    expect(bell.unread).toBe(2);
    expect(bell.items[0]).toMatchObject({ kind: "budget_threshold", href: `/${owner.team.slug}/spend`, read: false });
    expect(bell.items[0]!.body).toContain("$85.00 spent of the $100.00 budget");
    expect(await markNotificationsRead(ctx, [bell.items[0]!.id])).toEqual({ unread: 1 });
    expect(await markNotificationsRead(ctx)).toEqual({ unread: 0 });
  });

  it("are mailed to the same people over SMTP, once each, with a link to the spend page", async () => {
    const smtp = await startTestSmtpServer();
    try {
      const owner = await createTestUser(db);
      const billing = await addMember(owner.team.id, "billing");
      const developer = await addMember(owner.team.id, "developer");
      await setBudget(await owner.teamCtx(), { amountUsd: "10", alertThresholds: [50] });
      await charge(owner.team.id, 6_000_000_000n);
      await Promise.all([1, 2, 3].map(() => checkBudgetAlerts(db, new Date(), { teamIds: [owner.team.id] })));
      await deliverMails(db, smtpTransport(smtp.url, "no-reply@console.test"), { now: new Date(), log: { info() {}, warn() {}, error() {} } });

      const emails = await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, [owner.userId, billing.userId, developer.userId]));
      const emailOf = (id: string) => emails.find((e) => e.id === id)!.email;
      for (const person of [owner, billing]) {
        const mail = await smtp.waitFor(emailOf(person.userId), /50% of the monthly budget used/);
        expect(mail.text).toContain("$6.00 spent of the $10.00 budget");
        expect(linkIn(mail, publicUrl())).toBe(`${publicUrl()}/${owner.team.slug}/spend`);
      }
      expect(smtp.received.filter((m) => m.to.includes(emailOf(owner.userId)))).toHaveLength(1);
      expect(smtp.received.some((m) => m.to.includes(emailOf(developer.userId)))).toBe(false);
    } finally {
      await smtp.close();
    }
  });
});

describe("the hard cap", () => {
  it("100 concurrent gateway requests against a cap that covers about one: spend stays within the cap", async () => {
    const MODEL = "meta-llama/llama-3.1-405b-instruct";
    const model = (await getModel(db, MODEL))!;
    const messages = [{ role: "user" as const, content: "Explain capacity planning" }];
    const capNano = 10_000_000n; // $0.01
    const promptTokens = gateway.gateway.tokenizer.countChatTokens(messages);
    const maxTokens = Number((capNano * 2n) / 3n / model.outputNanoPerToken) - promptTokens;
    const oneRequestMax = tokenCost(promptTokens, maxTokens, model);
    expect(oneRequestMax * 2n).toBeGreaterThan(capNano);
    const team = await createTeamWithKey(db);
    await setBudget(team.teamCtx, { amountUsd: "0.01", alertThresholds: [10, 20, 50, 100], hardCap: true });
    // The gateway reads caps through a cache of up to a second.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: team.secret, maxRetries: 0 });

    const results = await Promise.allSettled(
      Array.from({ length: 100 }, () => client.chat.completions.create({ model: MODEL, messages, max_tokens: maxTokens })),
    );
    const accepted = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeGreaterThan(50);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(OpenAI.RateLimitError);
      expect((r.reason as InstanceType<typeof OpenAI.RateLimitError>).code).toBe("insufficient_quota");
      expect((r.reason as Error).message).toMatch(/monthly budget cap of \$0\.01/);
    }

    await gateway.gateway.deps.usage.flush();
    const events = await db.select().from(usageEvents).where(eq(usageEvents.teamId, team.team.id));
    const billed = events.reduce((sum, e) => sum + e.costNano, 0n);
    // The stated bound: every accepted request held its maximum cost, so the total is within the cap.
    expect(billed).toBeLessThanOrEqual(capNano);
    expect(events.filter((e) => e.status === "ok")).toHaveLength(accepted.length);
    const spend = await teamSpendOf(db, team.team.id, monthKey(new Date()));
    expect(spend).toEqual({ spentNano: billed, reservedNano: 0n });

    // The alerts of the thresholds crossed went out once each, to the only recipient (the owner).
    const crossed = [10, 20, 50, 100].filter((t) => billed * 100n >= capNano * BigInt(t));
    expect(crossed.length).toBeGreaterThanOrEqual(1);
    await checkBudgetAlerts(db, new Date(), { teamIds: [team.team.id] });
    const alerts = await db.select().from(budgetAlerts).where(eq(budgetAlerts.teamId, team.team.id));
    expect(alerts.map((a) => a.threshold).sort((a, b) => a - b)).toEqual(crossed);
    const sent = await db.select().from(notifications).where(eq(notifications.teamId, team.team.id));
    expect(sent).toHaveLength(crossed.length);
  });

  it("refuses reservations past the cap and on-demand launches once reached, with a clear message; launches into a block go on", async () => {
    const clock = testClock(new Date());
    const alice = await computeMember(db, "Alice", clock.now);
    const teamCtx = await alice.teamCtx();
    const dear = await testPurchaseInput(db, { instanceTypeId: "x1", regionId: "r1", hours: 6 });
    const cheap = await testPurchaseInput(db, { instanceTypeId: "x1", regionId: "r1", hours: 4, startsInHours: 0 });
    // A cap of the cheaper block plus $1: the dearer one does not fit.
    const [dearNano, cheapNano] = [BigInt(dear.priceNano), BigInt(cheap.priceNano)];
    const capNano = cheapNano + 1_000_000_000n;
    expect(dearNano).toBeGreaterThan(capNano);
    await setBudget(teamCtx, { amountUsd: nanoToUsd(capNano), hardCap: true });

    const refused = await appErrorOf(purchaseReservation(alice.ctx, dear));
    expect(refused).toMatchObject({ code: "TOO_MANY_REQUESTS", details: { reason: BUDGET_CAP_REACHED } });
    expect(refused.message).toBe(
      `This reservation costs ${formatUsd(dearNano)}, more than the ${formatUsd(capNano)} left of your team's monthly budget cap of ${formatUsd(capNano)}. ` +
        "An owner, admin or billing member can raise the budget on the Spend page; otherwise new spend resumes next month.",
    );
    const block = await purchaseReservation(alice.ctx, cheap);
    expect(await teamSpendOf(db, alice.team.id, monthKey(new Date()))).toEqual({ spentNano: cheapNano, reservedNano: 0n });

    await charge(alice.team.id, 1_000_000_000n);
    const launch = await appErrorOf(launchInstance(alice.ctx, alice.launch()));
    expect(launch).toMatchObject({ code: "TOO_MANY_REQUESTS", details: { reason: BUDGET_CAP_REACHED } });
    expect(launch.message.startsWith(
      `Your team has reached its monthly budget cap of ${formatUsd(capNano)} (${formatUsd(capNano)} spent or held this month), so new launches are refused.`,
    )).toBe(true);
    clock.advance((block.startsAt.getTime() - clock.now().getTime()) / 1000 + 1);
    const inBlock = await launchInstance(alice.ctx, alice.launch({ reservationId: block.id }));
    expect(inBlock.state).toBe("pending");
    expect((await budgetStatus(db, alice.team.id, new Date())).capReached).toBe(true);
  });

  it("stops on-demand instances when the team chose so, and notifies", async () => {
    const clock = testClock(new Date());
    const { deps } = simulatedDeps(db, clock.now, { bootSeconds: 1 });
    const bo = await computeMember(db, "Bo", clock.now);
    const teamCtx = await bo.teamCtx();
    await setBudget(teamCtx, { amountUsd: "1", hardCap: true, stopInstancesAtCap: true });
    const launched = await launchInstance(bo.ctx, bo.launch());
    await provisionInstance(deps, launched.id);
    clock.advance(1);
    await pollInstance(deps, launched.id, { reschedule: false });
    expect(await stopInstancesAtCap(deps)).toBe(0);

    // Half an hour at $2/h: the cap is reached by running time not yet in the ledger.
    clock.advance(1800);
    expect(await stopInstancesAtCap(deps)).toBe(1);
    await finishTermination(deps, launched.id);
    const ended = await getInstance(bo.ctx, { instanceId: launched.id });
    expect(ended).toMatchObject({ state: "terminated", stateReason: STOPPED_AT_CAP });
    const sent = await db.select().from(notifications).where(and(eq(notifications.teamId, bo.team.id), eq(notifications.kind, "instances_stopped_at_cap")));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.title).toBe("1 instance stopped at the budget cap");
  });
});
