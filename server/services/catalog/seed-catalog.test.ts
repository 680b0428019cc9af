import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { memberships, models } from "@/server/db/schema";
import { createTestUser } from "@/server/services/testing";
import { ROLES } from "@/server/services/teams/permissions";
import { callerFor, trpcError } from "@/server/trpc/testing";
import type { Catalog, CatalogEntry } from "./catalog-file";
import { loadCatalog } from "./load-catalog";
import { listCatalogModels } from "./model-views";
import { getModel, listModels } from "./models";
import { seedCatalog } from "./seed-catalog";

const { db } = await openTestDatabase();

function entry(id: string, overrides: Partial<CatalogEntry> = {}): CatalogEntry {
  return {
    id,
    displayName: id.toUpperCase(),
    family: "Test",
    description: `The ${id} model.`,
    parametersB: 8,
    contextWindow: 8192,
    maxOutputTokens: 1024,
    modalities: ["text"],
    endpoints: ["chat"],
    inputNanoPerToken: 100n,
    outputNanoPerToken: 200n,
    status: "available",
    backends: [{ engine: "local" }],
    embeddingDimensions: null,
    ...overrides,
  };
}

const T0 = new Date("2030-01-01T00:00:00.000Z");
const T1 = new Date("2030-01-02T00:00:00.000Z");
const T2 = new Date("2030-01-03T00:00:00.000Z");

describe("seedCatalog", () => {
  it("inserts, updates only what changed, deletes what the file dropped, and keeps the file's order", async () => {
    const first: Catalog = { models: [entry("m/a"), entry("m/b"), entry("m/c")] };
    expect(await seedCatalog(db, first, T0)).toEqual({ inserted: ["m/a", "m/b", "m/c"], updated: [], deleted: [], unchanged: 0 });

    // The same file again changes nothing, not even updated_at.
    expect(await seedCatalog(db, first, T1)).toEqual({ inserted: [], updated: [], deleted: [], unchanged: 3 });
    expect((await getModel(db, "m/a"))?.updatedAt).toEqual(T0);

    // b is repriced and given an upstream, c is dropped, d is new and listed first.
    const upstream = { engine: "openai-compatible" as const, baseUrl: "https://api.example.com/v1", apiKeyEnv: "EXAMPLE_KEY", upstreamModel: "b-up" };
    const second: Catalog = {
      models: [entry("m/d"), entry("m/a"), entry("m/b", { inputNanoPerToken: 150n, backends: [upstream, { engine: "local" }] })],
    };
    // a only moved (sort order 0 → 1), which counts as a change.
    expect(await seedCatalog(db, second, T2)).toEqual({ inserted: ["m/d"], updated: ["m/a", "m/b"], deleted: ["m/c"], unchanged: 0 });
    const third: Catalog = { models: [...second.models.slice(0, 2), entry("m/b", { inputNanoPerToken: 150n, backends: [upstream, { engine: "local" }] })] };
    expect(await seedCatalog(db, third, T0)).toEqual({ inserted: [], updated: [], deleted: [], unchanged: 3 });

    const rows = await listModels(db);
    expect(rows.map((r) => r.id)).toEqual(["m/d", "m/a", "m/b"]);
    expect(rows.map((r) => r.sortOrder)).toEqual([0, 1, 2]);
    const b = await getModel(db, "m/b");
    expect(b).toMatchObject({ inputNanoPerToken: 150n, outputNanoPerToken: 200n, updatedAt: T2, backends: [upstream, { engine: "local" }] });
    expect((await getModel(db, "m/a"))?.updatedAt).toEqual(T2);
    expect(await getModel(db, "m/c")).toBeNull();
  });

  it("rolls back entirely when a row cannot be written", async () => {
    await seedCatalog(db, { models: [entry("m/keep")] }, T0);
    const broken: Catalog = { models: [entry("m/new"), entry("m/huge", { inputNanoPerToken: 2n ** 70n })] };
    await expect(seedCatalog(db, broken, T1)).rejects.toThrow();
    expect((await listModels(db)).map((r) => r.id)).toEqual(["m/keep"]);
  });

  it("seeds the default catalog, whose rows carry bigint prices and backends for the gateway", async () => {
    const catalog = loadCatalog();
    const result = await seedCatalog(db, catalog, T0);
    expect(result.inserted).toHaveLength(catalog.models.length);
    expect(result.deleted).toEqual(["m/keep"]);
    const llama = await getModel(db, "meta-llama/llama-3.1-8b-instruct");
    expect(llama).toMatchObject({
      displayName: "Llama 3.1 8B Instruct",
      inputNanoPerToken: 180n,
      outputNanoPerToken: 180n,
      endpoints: ["chat", "completions"],
      backends: [{ engine: "local" }],
      status: "available",
    });
    expect(typeof llama?.inputNanoPerToken).toBe("bigint");
    const embed = (await listModels(db)).find((m) => m.endpoints.includes("embeddings"));
    expect(embed).toMatchObject({ embeddingDimensions: 768, maxOutputTokens: 0, outputNanoPerToken: 0n });
  });
});

describe("the models router", () => {
  // The previous describe left the default catalog seeded.
  let owner: Awaited<ReturnType<typeof createTestUser>>;
  let outsider: Awaited<ReturnType<typeof createTestUser>>;
  beforeAll(async () => {
    owner = await createTestUser(db, "Mona Models");
    outsider = await createTestUser(db, "Otto Outsider");
  });

  it("lists the catalog for any member, JSON-safe, in the file's order, without backend internals", async () => {
    await db
      .update(models)
      .set({ backends: [{ engine: "openai-compatible", baseUrl: "https://secret.example.com/v1", apiKeyEnv: "SECRET_KEY", upstreamModel: "x" }, { engine: "local" }] })
      .where(eq(models.id, "qwen/qwen2.5-72b-instruct"));
    const listed = await callerFor(db, owner.userId).models.list({ teamId: owner.team.id });
    expect(listed.map((m) => m.id)).toEqual((await listModels(db)).map((m) => m.id));
    expect(JSON.parse(JSON.stringify(listed))).toEqual(listed);
    expect(JSON.stringify(listed)).not.toMatch(/secret|SECRET_KEY|baseUrl|upstreamModel/);
    const qwen = listed.find((m) => m.id === "qwen/qwen2.5-72b-instruct");
    expect(qwen).toMatchObject({ backends: [{ engine: "openai-compatible" }, { engine: "local" }], localEngine: true });
  });

  it("gets one model with exact prices", async () => {
    const got = await callerFor(db, owner.userId).models.get({ teamId: owner.team.id, modelId: "meta-llama/llama-3.1-8b-instruct" });
    expect(got).toEqual({
      id: "meta-llama/llama-3.1-8b-instruct",
      displayName: "Llama 3.1 8B Instruct",
      family: "Llama 3.1",
      description: expect.stringContaining("Llama 3.1"),
      parametersB: 8,
      contextWindow: 131072,
      maxOutputTokens: 8192,
      modalities: ["text"],
      endpoints: ["chat", "completions"],
      status: "available",
      embeddingDimensions: null,
      pricing: { inputPerMillion: "0.18", outputPerMillion: "0.18", inputNanoPerToken: "180", outputNanoPerToken: "180" },
      backends: [{ engine: "local" }],
      localEngine: true,
    });
    const deepseek = await callerFor(db, owner.userId).models.get({ teamId: owner.team.id, modelId: "deepseek-ai/deepseek-v3" });
    expect(deepseek.pricing).toEqual({ inputPerMillion: "0.27", outputPerMillion: "1.1", inputNanoPerToken: "270", outputNanoPerToken: "1100" });
    expect(deepseek.status).toBe("preview");
  });

  it("answers NOT_FOUND for a model that is not in the catalog", async () => {
    const error = await trpcError(callerFor(db, owner.userId).models.get({ teamId: owner.team.id, modelId: "nope/nothing" }));
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toBe("Model not found.");
  });

  it("is refused to non-members with the team's NOT_FOUND, whatever the model", async () => {
    const error = await trpcError(
      callerFor(db, outsider.userId).models.get({ teamId: owner.team.id, modelId: "meta-llama/llama-3.1-8b-instruct" }),
    );
    expect(error).toMatchObject({ code: "NOT_FOUND", message: "Team not found." });
  });

  it("shows every role the same catalog", async () => {
    const expected = await listCatalogModels(await owner.teamCtx());
    for (const role of ROLES) {
      const person = await createTestUser(db, `Role ${role}`);
      await db.insert(memberships).values({ teamId: owner.team.id, userId: person.userId, role, createdAt: new Date() });
      expect(await callerFor(db, person.userId).models.list({ teamId: owner.team.id })).toEqual(expected);
    }
  });
});
