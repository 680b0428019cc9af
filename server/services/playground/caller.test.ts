import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memberships, usageEvents } from "@/server/db/schema";
import { openTestDatabase } from "@/server/db/testing";
import { AppError } from "../errors";
import { startTestGateway } from "../inference/gateway/testing";
import type { Role } from "../teams/permissions";
import { createTestUser } from "../testing";
import { playgroundCaller } from "./caller";

const { db } = await openTestDatabase();
const MODEL = "meta-llama/llama-3.1-8b-instruct";
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let paced: Awaited<ReturnType<typeof startTestGateway>>;

beforeAll(async () => {
  gateway = await startTestGateway(db, { limits: { teamRequestsPerMinute: 3 } });
  // 100 tokens per second: slow enough to stop a run half-way.
  paced = await startTestGateway(db, { tokensPerSecond: 100 });
});
afterAll(async () => {
  await gateway.close();
  await paced.close();
});

function chatRequest(body: Record<string, unknown>, signal?: AbortSignal) {
  return new Request("http://console.test/api/teams/x/playground/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "Tell me about GPUs" }], ...body }),
    signal,
  });
}

async function eventFor(g: typeof gateway, requestId: string | null) {
  await g.gateway.deps.usage.flush();
  const [event] = await db.select().from(usageEvents).where(eq(usageEvents.requestId, requestId ?? ""));
  return event;
}

async function memberWithRole(role: Role) {
  const owner = await createTestUser(db);
  const person = await createTestUser(db);
  await db.insert(memberships).values({ teamId: owner.team.id, userId: person.userId, role, createdAt: new Date() });
  return { owner, person };
}

describe("who may run the playground", () => {
  it.each(["owner", "admin", "developer"] as const)("a member whose role is %s runs, billed to the team as themselves", async (role) => {
    const { owner, person } = await memberWithRole(role);
    await expect(playgroundCaller(person.ctx, owner.team.id)).resolves.toEqual({
      teamId: owner.team.id,
      source: "playground",
      apiKey: null,
      userId: person.userId,
    });
  });

  it.each(["billing", "viewer"] as const)("a %s is refused: their role lacks the inference scope", async (role) => {
    const { owner, person } = await memberWithRole(role);
    const refusal = await playgroundCaller(person.ctx, owner.team.id).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: "FORBIDDEN" });
  });

  it("someone outside the team gets NOT_FOUND, as if the team did not exist", async () => {
    const owner = await createTestUser(db);
    const stranger = await createTestUser(db);
    await expect(playgroundCaller(stranger.ctx, owner.team.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("a playground run goes through the gateway", () => {
  it("streams, and its usage event is the team's, source playground, with the member and no key", async () => {
    const user = await createTestUser(db);
    const caller = await playgroundCaller(user.ctx, user.team.id);
    const response = await gateway.gateway.chatAs(caller, chatRequest({ stream: true, stream_options: { include_usage: true }, max_tokens: 20 }));
    expect(response.status).toBe(200);
    const text = await response.text();
    const usage = text
      .split("\n\n")
      .map((event) => event.replace(/^data: /, ""))
      .filter((data) => data && data !== "[DONE]")
      .map((data) => JSON.parse(data) as { usage?: { prompt_tokens: number; completion_tokens: number } })
      .find((chunk) => chunk.usage)?.usage;
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    const event = await eventFor(gateway, response.headers.get("x-request-id"));
    expect(event).toMatchObject({
      teamId: user.team.id,
      userId: user.userId,
      apiKeyId: null,
      source: "playground",
      status: "ok",
      model: MODEL,
      inputTokens: usage!.prompt_tokens,
      outputTokens: usage!.completion_tokens,
    });
    expect(event!.costNano).toBeGreaterThan(0n);
  });

  it("the team's rate limit applies, with OpenAI's 429 and Retry-After", async () => {
    const user = await createTestUser(db);
    const caller = await playgroundCaller(user.ctx, user.team.id);
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 4; i++) {
      const response = await gateway.gateway.chatAs(caller, chatRequest({ max_tokens: 1 }));
      statuses.push(response.status);
      if (response.status === 429) limited = response;
      else await response.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = (await limited!.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("rate_limit_exceeded");
    expect(body.error.message).toMatch(/your team/);
  });

  it("a bad parameter is a 400 naming it, metered at no cost", async () => {
    const user = await createTestUser(db);
    const caller = await playgroundCaller(user.ctx, user.team.id);
    const response = await gateway.gateway.chatAs(caller, chatRequest({ temperature: 3 }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe("temperature");
    const event = await eventFor(gateway, response.headers.get("x-request-id"));
    expect(event).toMatchObject({ source: "playground", status: "error", costNano: 0n, httpStatus: 400 });
  });

  it("Stop cancels the generation; the tokens delivered before it are billed", async () => {
    const user = await createTestUser(db);
    const caller = await playgroundCaller(user.ctx, user.team.id);
    const controller = new AbortController();
    const response = await paced.gateway.chatAs(caller, chatRequest({ stream: true, max_tokens: 400, seed: 3 }, controller.signal));
    const reader = response.body!.getReader();
    let received = "";
    while (!received.includes('"content":"') || received.split('"content":"').length < 4) {
      const { value } = await reader.read();
      received += new TextDecoder().decode(value);
    }
    controller.abort();
    await reader.cancel();
    await expect.poll(async () => (await eventFor(paced, response.headers.get("x-request-id")))?.status, { timeout: 5_000 }).toBe("cancelled");
    const event = await eventFor(paced, response.headers.get("x-request-id"));
    expect(event!.outputTokens).toBeGreaterThanOrEqual(3);
    expect(event!.outputTokens).toBeLessThan(400);
    expect(event!.costNano).toBeGreaterThan(0n);
  });
});
