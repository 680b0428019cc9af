import { and, count, eq } from "drizzle-orm";
import { ZodError } from "zod";
import { describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { newId } from "@/server/db/ids";
import { auditEvents, memberships, playgroundPresets, teams, usageEvents, users } from "@/server/db/schema";
import { clientError, clientFor } from "@/server/trpc/testing";
import { loadCatalog, seedCatalog } from "../catalog";
import { AppError } from "../errors";
import type { Role } from "../teams/permissions";
import { enterTeam } from "../teams/team-access";
import { appErrorOf, createTestUser, testContext } from "../testing";
import { deletePreset, listPresets, savePreset } from "./presets";
import { getRunUsage } from "./run-usage";
import { DEFAULT_PRESET_PARAMS, MAX_PRESETS_PER_TEAM, presetParamsSchema, type PresetInput } from "./schemas";
import { insertTestPreset } from "./testing";

const { db } = await openTestDatabase();
await seedCatalog(db, loadCatalog(), new Date());

const CHAT_MODEL = "meta-llama/llama-3.1-8b-instruct";
const EMBEDDINGS_MODEL = "nomic-ai/nomic-embed-text-v1.5";

/** A person with their own team, acting at a clock the test controls. */
async function owner(name = "Pia Preset") {
  const user = await createTestUser(db, name);
  const clock = { now: new Date("2030-06-01T12:00:00.000Z") };
  const ctx = await enterTeam(testContext(db, user.userId, () => clock.now), { teamId: user.team.id });
  return { ...user, ctx, clock };
}

async function memberWithRole(teamId: string, role: Role, name = `Member ${role}`) {
  const person = await createTestUser(db, name);
  await db.insert(memberships).values({ teamId, userId: person.userId, role, createdAt: new Date() });
  return { userId: person.userId, ctx: await enterTeam(person.ctx, { teamId }) };
}

function preset(overrides: Partial<PresetInput> = {}): PresetInput {
  return { name: "Terse helper", modelId: CHAT_MODEL, systemPrompt: "Answer in one sentence.", params: {}, ...overrides };
}

async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
}

async function auditFor(teamId: string, action: string) {
  return db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.teamId, teamId), eq(auditEvents.action, action)))
    .orderBy(auditEvents.createdAt);
}

async function presetCount(teamId: string) {
  const [row] = await db.select({ n: count() }).from(playgroundPresets).where(eq(playgroundPresets.teamId, teamId));
  return row?.n ?? 0;
}

const later = (date: Date, ms: number) => new Date(date.getTime() + ms);

describe("savePreset and listPresets", () => {
  it("saves a preset with default parameters filled in and lists it with its creator", async () => {
    const o = await owner("Sam Saver");
    const saved = await savePreset(o.ctx, preset({ name: "  Terse helper  " }));
    expect(saved).toEqual({ id: expect.stringMatching(/^pre_[0-9A-Za-z]{20}$/), created: true });

    expect(await listPresets(o.ctx)).toEqual([
      {
        id: saved.id,
        name: "Terse helper",
        modelId: CHAT_MODEL,
        systemPrompt: "Answer in one sentence.",
        params: DEFAULT_PRESET_PARAMS,
        createdAt: o.clock.now,
        updatedAt: o.clock.now,
        createdBy: { id: o.userId, name: "Sam Saver" },
      },
    ]);
  });

  it("keeps every parameter as given", async () => {
    const o = await owner();
    const params = {
      temperature: 0,
      top_p: 0.25,
      max_tokens: 8192,
      stop: ["\n\n", "END"],
      seed: -42,
      presence_penalty: -2,
      frequency_penalty: 1.5,
    };
    await savePreset(o.ctx, preset({ params }));
    const [listed] = await listPresets(o.ctx);
    expect(listed?.params).toEqual(params);
  });

  it("saving under an existing name replaces that preset, keeping its id, creator and creation time", async () => {
    const o = await owner("Olga Original");
    const first = await savePreset(o.ctx, preset({ params: { temperature: 0.1 } }));
    const colleague = await memberWithRole(o.team.id, "developer", "Dev Overwriter");
    const colleagueCtx = { ...colleague.ctx, now: () => later(o.clock.now, 60_000) };

    const second = await savePreset(
      colleagueCtx,
      preset({ name: "Terse helper ", modelId: "qwen/qwen2.5-7b-instruct", systemPrompt: "", params: { seed: 7 } }),
    );
    expect(second).toEqual({ id: first.id, created: false });

    expect(await listPresets(o.ctx)).toEqual([
      {
        id: first.id,
        name: "Terse helper",
        modelId: "qwen/qwen2.5-7b-instruct",
        systemPrompt: "",
        params: { ...DEFAULT_PRESET_PARAMS, seed: 7 },
        createdAt: o.clock.now,
        updatedAt: later(o.clock.now, 60_000),
        createdBy: { id: o.userId, name: "Olga Original" },
      },
    ]);
  });

  it("names differing only in case are different presets, listed side by side", async () => {
    const o = await owner();
    for (const name of ["beta", "Alpha", "alpha", "Gamma"]) await savePreset(o.ctx, preset({ name }));
    expect((await listPresets(o.ctx)).map((p) => p.name)).toEqual(["Alpha", "alpha", "beta", "Gamma"]);
  });

  it("lists nothing for a team without presets", async () => {
    const o = await owner();
    expect(await listPresets(o.ctx)).toEqual([]);
  });

  it("shows no creator once the creator's account is deleted; the preset stays with the team", async () => {
    const o = await owner();
    const leaver = await memberWithRole(o.team.id, "developer", "Lee Leaver");
    await savePreset(leaver.ctx, preset({ name: "Left behind" }));
    await db.delete(users).where(eq(users.id, leaver.userId));
    expect(await listPresets(o.ctx)).toMatchObject([{ name: "Left behind", createdBy: null }]);
  });

  it("deleting the team deletes its presets", async () => {
    const o = await owner();
    await savePreset(o.ctx, preset());
    await db.delete(teams).where(eq(teams.id, o.team.id));
    expect(await presetCount(o.team.id)).toBe(0);
  });

  it("records playground.preset_saved in the audit log, saying whether it created or replaced", async () => {
    const o = await owner();
    const { id } = await savePreset(o.ctx, preset({ params: { temperature: 1.2 } }));
    await savePreset(o.ctx, preset({ modelId: "qwen/qwen2.5-7b-instruct" }));

    const events = await auditFor(o.team.id, "playground.preset_saved");
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      actorType: "user",
      actorId: o.userId,
      targetType: "playground_preset",
      targetId: id,
      ip: "203.0.113.7",
      metadata: { name: "Terse helper", modelId: CHAT_MODEL, created: true, params: { ...DEFAULT_PRESET_PARAMS, temperature: 1.2 } },
    });
    expect(events[1]).toMatchObject({ targetId: id, metadata: { modelId: "qwen/qwen2.5-7b-instruct", created: false } });
  });
});

describe("savePreset validation", () => {
  const invalidParams: [string, Record<string, unknown>, string][] = [
    ["temperature above 2", { temperature: 2.01 }, "temperature"],
    ["negative temperature", { temperature: -0.1 }, "temperature"],
    ["temperature as text", { temperature: "hot" }, "temperature"],
    ["top_p above 1", { top_p: 1.5 }, "top_p"],
    ["negative top_p", { top_p: -0.01 }, "top_p"],
    ["max_tokens of 0", { max_tokens: 0 }, "max_tokens"],
    ["fractional max_tokens", { max_tokens: 10.5 }, "max_tokens"],
    ["max_tokens above 1,000,000", { max_tokens: 1_000_001 }, "max_tokens"],
    ["five stop sequences", { stop: ["a", "b", "c", "d", "e"] }, "stop"],
    ["an empty stop sequence", { stop: ["ok", ""] }, "stop.1"],
    ["a stop sequence of 257 characters", { stop: ["x".repeat(257)] }, "stop.0"],
    ["a fractional seed", { seed: 1.5 }, "seed"],
    ["an unsafe integer seed", { seed: 2 ** 60 }, "seed"],
    ["presence_penalty below -2", { presence_penalty: -2.5 }, "presence_penalty"],
    ["frequency_penalty above 2", { frequency_penalty: 3 }, "frequency_penalty"],
    ["an infinite penalty", { frequency_penalty: Infinity }, "frequency_penalty"],
  ];

  it.each(invalidParams)("refuses %s, naming the field", async (_label, params, path) => {
    const o = await owner();
    const error = await failure(savePreset(o.ctx, preset({ params: params as PresetInput["params"] })));
    expect(error).toBeInstanceOf(ZodError);
    expect((error as ZodError).issues.map((i) => i.path.join("."))).toEqual([`params.${path}`]);
    expect(await presetCount(o.team.id)).toBe(0);
  });

  it("accepts the edges of every range", async () => {
    const edges = [
      { temperature: 0, top_p: 0, max_tokens: 1, presence_penalty: -2, frequency_penalty: -2, seed: 0 },
      { temperature: 2, top_p: 1, max_tokens: 1_000_000, presence_penalty: 2, frequency_penalty: 2, stop: ["a", "b", "c", "x".repeat(256)] },
    ];
    for (const params of edges) expect(presetParamsSchema.safeParse(params).success).toBe(true);
  });

  it.each([
    ["an empty name", { name: "" }, "name", "Enter a name for the preset."],
    ["a name of spaces", { name: "   " }, "name", "Enter a name for the preset."],
    ["a name of 81 characters", { name: "n".repeat(81) }, "name", "Use at most 80 characters."],
    ["no model", { modelId: "" }, "modelId", "Choose a model."],
    ["a system prompt over 32,000 characters", { systemPrompt: "s".repeat(32_001) }, "systemPrompt", "Keep the system prompt within 32,000 characters."],
  ] as const)("refuses %s with a clear message", async (_label, overrides, path, message) => {
    const o = await owner();
    const error = await failure(savePreset(o.ctx, preset(overrides)));
    expect(error).toBeInstanceOf(ZodError);
    expect((error as ZodError).issues).toMatchObject([{ path: [path], message }]);
  });

  it("accepts a name of 80 characters after trimming and a system prompt of exactly 32,000", async () => {
    const o = await owner();
    await savePreset(o.ctx, preset({ name: ` ${"n".repeat(80)} `, systemPrompt: "s".repeat(32_000) }));
    expect((await listPresets(o.ctx))[0]?.name).toBe("n".repeat(80));
  });

  it("refuses a model the catalog does not have, as a modelId field error", async () => {
    const o = await owner();
    const error = await appErrorOf(savePreset(o.ctx, preset({ modelId: "acme/imaginary-1" })));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.details.fieldErrors).toEqual({ modelId: ["Unknown model: acme/imaginary-1"] });
    expect(await presetCount(o.team.id)).toBe(0);
    expect(await auditFor(o.team.id, "playground.preset_saved")).toEqual([]);
  });

  it("refuses an embeddings-only model, as a modelId field error", async () => {
    const o = await owner();
    const error = await appErrorOf(savePreset(o.ctx, preset({ modelId: EMBEDDINGS_MODEL })));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.details.fieldErrors).toEqual({
      modelId: ["Nomic Embed Text v1.5 does not support chat. Choose a chat model."],
    });
    expect(await presetCount(o.team.id)).toBe(0);
  });

  it("refuses max_tokens beyond what the model can produce", async () => {
    const o = await owner();
    const error = await appErrorOf(savePreset(o.ctx, preset({ params: { max_tokens: 8193 } })));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.details.fieldErrors).toEqual({
      "params.max_tokens": ["Llama 3.1 8B Instruct produces at most 8,192 tokens per response."],
    });
  });

  it("sends field errors to the console keyed by the field's path", async () => {
    const o = await owner();
    const client = clientFor(db, o.userId);
    const zodError = await clientError(
      client.playground.savePreset.mutate({ teamId: o.team.id, ...preset({ params: { temperature: 3 } }) }),
    );
    expect(zodError.data?.code).toBe("BAD_REQUEST");
    expect(zodError.data?.fieldErrors).toEqual({ "params.temperature": ["Temperature must be a number from 0 to 2."] });
    expect(zodError.message).toBe("Temperature must be a number from 0 to 2.");

    const modelError = await clientError(
      client.playground.savePreset.mutate({ teamId: o.team.id, ...preset({ modelId: EMBEDDINGS_MODEL }) }),
    );
    expect(modelError.data?.code).toBe("BAD_REQUEST");
    expect(modelError.data?.fieldErrors).toEqual({ modelId: [expect.stringContaining("does not support chat")] });
  });
});

describe("the preset limit", () => {
  it(`keeps at most ${MAX_PRESETS_PER_TEAM} presets per team, but still lets one be replaced`, async () => {
    const o = await owner();
    for (let i = 0; i < MAX_PRESETS_PER_TEAM; i++) await insertTestPreset(db, o.team.id, { name: `Preset ${i}` });

    const error = await appErrorOf(savePreset(o.ctx, preset({ name: "One too many" })));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe(
      "A team can keep at most 100 presets. Delete one, or save under an existing name to replace it.",
    );
    expect(await presetCount(o.team.id)).toBe(MAX_PRESETS_PER_TEAM);
    expect(await auditFor(o.team.id, "playground.preset_saved")).toEqual([]);

    await expect(savePreset(o.ctx, preset({ name: "Preset 42" }))).resolves.toMatchObject({ created: false });
    const [victim] = await listPresets(o.ctx);
    await deletePreset(o.ctx, { presetId: victim!.id });
    await expect(savePreset(o.ctx, preset({ name: "One too many" }))).resolves.toMatchObject({ created: true });
    expect(await presetCount(o.team.id)).toBe(MAX_PRESETS_PER_TEAM);
  });

  it("lets only one of two concurrent saves take the last place", async () => {
    const o = await owner();
    for (let i = 0; i < MAX_PRESETS_PER_TEAM - 1; i++) await insertTestPreset(db, o.team.id, { name: `Preset ${i}` });
    const outcomes = await Promise.allSettled([
      savePreset(o.ctx, preset({ name: "Racer A" })),
      savePreset(o.ctx, preset({ name: "Racer B" })),
    ]);
    expect(outcomes.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = outcomes.find((r) => r.status === "rejected");
    expect((rejected?.reason as AppError).code).toBe("CONFLICT");
    expect(await presetCount(o.team.id)).toBe(MAX_PRESETS_PER_TEAM);
  });

  it("two concurrent saves of one new name make one preset", async () => {
    const o = await owner();
    const results = await Promise.all([savePreset(o.ctx, preset()), savePreset(o.ctx, preset({ systemPrompt: "Other" }))]);
    expect(results.map((r) => r.created).sort()).toEqual([false, true]);
    expect(results[0]!.id).toBe(results[1]!.id);
    expect(await presetCount(o.team.id)).toBe(1);
  });
});

describe("deletePreset", () => {
  it("deletes the preset and records playground.preset_deleted", async () => {
    const o = await owner();
    const { id } = await savePreset(o.ctx, preset());
    await expect(deletePreset(o.ctx, { presetId: id })).resolves.toEqual({ id });
    expect(await listPresets(o.ctx)).toEqual([]);

    const events = await auditFor(o.team.id, "playground.preset_deleted");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorId: o.userId,
      targetType: "playground_preset",
      targetId: id,
      metadata: { name: "Terse helper", modelId: CHAT_MODEL },
    });
  });

  it("is NOT_FOUND the second time, and for an id that never existed, without an audit event", async () => {
    const o = await owner();
    const { id } = await savePreset(o.ctx, preset());
    await deletePreset(o.ctx, { presetId: id });
    for (const presetId of [id, "pre_doesNotExist00000000"]) {
      const error = await appErrorOf(deletePreset(o.ctx, { presetId }));
      expect(error.code).toBe("NOT_FOUND");
      expect(error.message).toBe("Preset not found.");
    }
    expect(await auditFor(o.team.id, "playground.preset_deleted")).toHaveLength(1);
  });
});

describe("roles", () => {
  it("a viewer sees the team's presets but cannot save or delete them", async () => {
    const o = await owner();
    const { id } = await savePreset(o.ctx, preset());
    const viewer = await memberWithRole(o.team.id, "viewer");
    expect((await listPresets(viewer.ctx)).map((p) => p.id)).toEqual([id]);
    expect((await appErrorOf(savePreset(viewer.ctx, preset({ name: "Viewer's" })))).code).toBe("FORBIDDEN");
    expect((await appErrorOf(deletePreset(viewer.ctx, { presetId: id }))).code).toBe("FORBIDDEN");
    expect((await appErrorOf(getRunUsage(viewer.ctx, { requestId: newId("req") }))).code).toBe("FORBIDDEN");
    expect(await presetCount(o.team.id)).toBe(1);
  });

  it("a developer can save and delete any of the team's presets", async () => {
    const o = await owner();
    const { id } = await savePreset(o.ctx, preset());
    const developer = await memberWithRole(o.team.id, "developer");
    await savePreset(developer.ctx, preset({ name: "Developer's" }));
    await deletePreset(developer.ctx, { presetId: id });
    expect((await listPresets(o.ctx)).map((p) => p.name)).toEqual(["Developer's"]);
  });
});

describe("team isolation", () => {
  it("another team cannot list, replace or delete this team's presets", async () => {
    const a = await owner("Ann A");
    const b = await owner("Ben B");
    const { id } = await savePreset(a.ctx, preset());

    expect(await listPresets(b.ctx)).toEqual([]);
    // The same name in another team is another preset; the first team's stays as it was.
    await expect(savePreset(b.ctx, preset({ systemPrompt: "B's prompt" }))).resolves.toMatchObject({ created: true });
    const error = await appErrorOf(deletePreset(b.ctx, { presetId: id }));
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toBe("Preset not found.");

    expect(await listPresets(a.ctx)).toMatchObject([{ id, systemPrompt: "Answer in one sentence." }]);
    expect(await auditFor(a.team.id, "playground.preset_deleted")).toEqual([]);
  });
});

describe("getRunUsage", () => {
  async function recordRun(teamId: string, userId: string, overrides: Partial<typeof usageEvents.$inferInsert> = {}) {
    const requestId = overrides.requestId ?? newId("req");
    await db.insert(usageEvents).values({
      id: requestId,
      teamId,
      userId,
      model: CHAT_MODEL,
      endpoint: "chat",
      source: "playground",
      inputTokens: 120,
      outputTokens: 345,
      // Beyond 2^53, to show the cost is exact.
      costNano: 9_007_199_254_740_993n,
      latencyMs: 812,
      ttftMs: 95,
      status: "ok",
      httpStatus: 200,
      requestId,
      createdAt: new Date("2030-06-01T11:59:58.000Z"),
      ...overrides,
    });
    return requestId;
  }

  it("returns the usage of this team's playground run, cost as an exact decimal string", async () => {
    const o = await owner();
    const requestId = await recordRun(o.team.id, o.userId);
    expect(await getRunUsage(o.ctx, { requestId })).toEqual({
      requestId,
      model: CHAT_MODEL,
      inputTokens: 120,
      outputTokens: 345,
      costNano: "9007199254740993",
      status: "ok",
      httpStatus: 200,
      latencyMs: 812,
      ttftMs: 95,
      createdAt: new Date("2030-06-01T11:59:58.000Z"),
    });
  });

  it("returns a refused run too, with its status", async () => {
    const o = await owner();
    const requestId = await recordRun(o.team.id, o.userId, {
      status: "error",
      httpStatus: 429,
      inputTokens: 0,
      outputTokens: 0,
      costNano: 0n,
      ttftMs: null,
    });
    expect(await getRunUsage(o.ctx, { requestId })).toMatchObject({ status: "error", httpStatus: 429, costNano: "0", ttftMs: null });
  });

  it("is null while the event is not yet written", async () => {
    const o = await owner();
    expect(await getRunUsage(o.ctx, { requestId: newId("req") })).toBeNull();
  });

  it("is null for another team's run, which the owning team does see", async () => {
    const a = await owner();
    const b = await owner();
    const requestId = await recordRun(a.team.id, a.userId);
    expect(await getRunUsage(b.ctx, { requestId })).toBeNull();
    expect(await getRunUsage(a.ctx, { requestId })).not.toBeNull();
  });

  it("is null for a request made through the public API, and for one older than a day", async () => {
    const o = await owner();
    const apiRequest = await recordRun(o.team.id, o.userId, { source: "api", userId: null });
    const oldRun = await recordRun(o.team.id, o.userId, { createdAt: later(o.clock.now, -(24 * 60 * 60 * 1000 + 1)) });
    expect(await getRunUsage(o.ctx, { requestId: apiRequest })).toBeNull();
    expect(await getRunUsage(o.ctx, { requestId: oldRun })).toBeNull();
  });
});
