import { eq } from "drizzle-orm";
import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { usageEvents } from "@/server/db/schema";
import { keySpend } from "../../metering/key-spend";
import { monthKey, tokenCost } from "../../metering/cost";
import { getModel } from "../../catalog";
import { createTeamWithKey, startTestGateway } from "./testing";

const { db } = await openTestDatabase();
let gateway: Awaited<ReturnType<typeof startTestGateway>>;

beforeAll(async () => {
  gateway = await startTestGateway(db);
});
afterAll(() => gateway.close());

// The dearest model, so that the smallest limit a key can have ($0.01) covers about one request.
const MODEL = "meta-llama/llama-3.1-405b-instruct";

it("100 concurrent requests on a key whose limit covers about one stay within the limit", async () => {
  const model = (await getModel(db, MODEL))!;
  const messages = [{ role: "user" as const, content: "Explain capacity planning" }];
  const limitNano = 10_000_000n; // $0.01
  // The reservation of one request is its prompt plus max_tokens of output: about 2/3 of the limit.
  const promptTokens = gateway.gateway.tokenizer.countChatTokens(messages);
  const maxTokens = Number((limitNano * 2n) / 3n / model.outputNanoPerToken) - promptTokens;
  const oneRequestMax = tokenCost(promptTokens, maxTokens, model);
  expect(oneRequestMax * 2n).toBeGreaterThan(limitNano);
  const team = await createTeamWithKey(db, { monthlySpendLimitUsd: "0.01" } as never);
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: team.secret, maxRetries: 0 });

  const results = await Promise.allSettled(
    Array.from({ length: 100 }, () => client.chat.completions.create({ model: MODEL, messages, max_tokens: maxTokens })),
  );
  const accepted = results.filter((r) => r.status === "fulfilled");
  const refused = results.filter((r) => r.status === "rejected");
  expect(accepted.length).toBeGreaterThanOrEqual(1);
  for (const r of refused) {
    const error = (r as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).code).toBe("insufficient_quota");
  }

  await gateway.gateway.deps.usage.flush();
  const events = await db.select().from(usageEvents).where(eq(usageEvents.apiKeyId, team.keyId));
  const billed = events.reduce((sum, e) => sum + e.costNano, 0n);
  // The stated bound: accepted spend never exceeds the limit, since each request reserved its maximum.
  expect(billed).toBeLessThanOrEqual(limitNano);
  expect(events.filter((e) => e.status === "ok")).toHaveLength(accepted.length);
  const spend = await keySpend(db, team.keyId, monthKey(new Date()));
  expect(spend.reservedNano).toBe(0n);
  expect(spend.spentNano).toBe(billed);
});
