import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { apiKeys, memberships } from "@/server/db/schema";
import { loadCatalog, seedCatalog } from "../catalog";
import { loadComputeCatalog, seedComputeCatalog } from "../compute/fleet";
import { insertTestKey } from "../keys/testing";
import { insertUsageEvents, type UsageEvent } from "../metering/usage-writer";
import { enterTeam } from "../teams/team-access";
import { appErrorOf, createTestUser, testContext } from "../testing";
import {
  breakdownCsv,
  exportBreakdownCsv,
  forecastMonth,
  getSpendReport,
  parseUsageQuery,
  rangeInput,
  rawUsageExport,
  resolveRange,
  spendParamsFromSearch,
  spendReport,
  spendSearchFromParams,
  usageReport,
  type RangeInput,
  type SpendFilter,
  type SpendRange,
} from ".";

const { db } = await openTestDatabase();
await seedCatalog(db, loadCatalog(), new Date());
await seedComputeCatalog(db, loadComputeCatalog());

/** Mid-morning on Sunday 15 November 2026 (UTC); November has 30 days. */
const NOW = new Date("2026-11-15T10:30:00.000Z");
const LLAMA_8B = "meta-llama/llama-3.1-8b-instruct";
const LLAMA_70B = "meta-llama/llama-3.1-70b-instruct";
const H100 = "gpu-1x-h100-sxm";
const H100_8X = "gpu-8x-h100-sxm";

let sequence = 0;
function event(fields: Partial<UsageEvent> & Pick<UsageEvent, "teamId" | "createdAt">): UsageEvent {
  return { id: `use_spendtest_${sequence++}`, product: "model_tokens", source: "api", inputTokens: 0, outputTokens: 0, costNano: 0n, status: "ok", ...fields };
}

const range = (value: Partial<SpendRange> & Pick<SpendRange, "preset">): SpendRange => rangeInput.parse(value);

// Team A: two keys (one revoked later), an owner and a developer, usage of every product.
const owner = await createTestUser(db, "Olga Owner");
const dev = await createTestUser(db, "Dev Eloper");
const teamId = owner.team.id;
await db.insert(memberships).values({ teamId, userId: dev.userId, role: "developer", createdAt: new Date() });
const prod = await insertTestKey(db, teamId, { name: "Production" });
const batch = await insertTestKey(db, teamId, { name: "=Batch jobs" });
await db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, batch.id));
const goneKeyId = "key_deletedLongAgo000000";

const EVENTS: UsageEvent[] = [
  // today
  event({ teamId, apiKeyId: prod.id, model: LLAMA_8B, inputTokens: 1000, outputTokens: 500, costNano: 1_000_000n, createdAt: new Date("2026-11-15T09:00:00.000Z") }),
  event({ teamId, apiKeyId: goneKeyId, model: LLAMA_8B, inputTokens: 10, outputTokens: 10, costNano: 100n, createdAt: new Date("2026-11-15T00:00:00.000Z") }),
  // the last millisecond of yesterday
  event({ teamId, apiKeyId: batch.id, model: LLAMA_70B, inputTokens: 2000, outputTokens: 1000, costNano: 3_000_000n, createdAt: new Date("2026-11-14T23:59:59.999Z") }),
  // the first instant of the month, from the playground
  event({ teamId, userId: dev.userId, source: "playground", model: LLAMA_8B, inputTokens: 300, outputTokens: 200, costNano: 500_000n, createdAt: new Date("2026-11-01T00:00:00.000Z") }),
  // instance time and a capacity block
  event({ teamId, userId: owner.userId, source: "console", product: "instance_hours", instanceTypeId: H100, resourceId: "ins_a", quantitySeconds: 7200, costNano: 5_980_000_000n, createdAt: new Date("2026-11-10T12:00:00.000Z") }),
  event({ teamId, userId: owner.userId, source: "console", product: "reservation", instanceTypeId: H100_8X, resourceId: "res_a", quantitySeconds: 28_800, costNano: 19_120_000_000n, createdAt: new Date("2026-11-03T05:00:00.000Z") }),
  // last month: its last millisecond (a failed request), the first day of "30 days" and the day before it
  event({ teamId, apiKeyId: prod.id, model: LLAMA_8B, status: "error", costNano: 0n, createdAt: new Date("2026-10-31T23:59:59.999Z") }),
  event({ teamId, apiKeyId: prod.id, model: LLAMA_8B, inputTokens: 100, outputTokens: 100, costNano: 7_000n, createdAt: new Date("2026-10-17T00:00:00.000Z") }),
  event({ teamId, apiKeyId: prod.id, model: LLAMA_8B, inputTokens: 100, outputTokens: 100, costNano: 2_000_000n, createdAt: new Date("2026-10-16T23:59:59.999Z") }),
];

// Team B: the same products at the same times, much larger, and one event naming team A's key.
const other = await createTestUser(db, "Otto Other");
const otherKey = await insertTestKey(db, other.team.id, { name: "Secret project" });
const OTHER_EVENTS = [
  ...EVENTS.map(({ id: _id, ...e }) => event({ ...e, teamId: other.team.id, apiKeyId: e.apiKeyId ? otherKey.id : null, userId: e.userId ? other.userId : null, costNano: 10n ** 12n })),
  event({ teamId: other.team.id, apiKeyId: prod.id, model: LLAMA_8B, costNano: 10n ** 12n, createdAt: new Date("2026-11-15T08:00:00.000Z") }),
];

// The real ingest path, in batches that split the events differently, with a retried batch.
await insertUsageEvents(db, [...EVENTS.slice(0, 4), ...OTHER_EVENTS.slice(0, 5)]);
await insertUsageEvents(db, [...EVENTS.slice(2), ...OTHER_EVENTS.slice(3)]);
await insertUsageEvents(db, EVENTS.slice(5, 7));

/** What a report must show, summed in JS from the events. */
function expected(events: UsageEvent[], start: Date, end: Date, filter?: (e: UsageEvent) => boolean) {
  const inRange = events.filter((e) => e.createdAt >= start && e.createdAt < end && (!filter || filter(e)));
  const tokens = inRange.filter((e) => e.product === "model_tokens");
  return {
    costNano: inRange.reduce((s, e) => s + e.costNano, 0n),
    requests: tokens.length,
    errors: tokens.filter((e) => e.status !== "ok").length,
    inputTokens: inRange.reduce((s, e) => s + (e.inputTokens ?? 0), 0),
    outputTokens: inRange.reduce((s, e) => s + (e.outputTokens ?? 0), 0),
    instanceSeconds: inRange.filter((e) => e.product === "instance_hours").reduce((s, e) => s + (e.quantitySeconds ?? 0), 0),
    reservedSeconds: inRange.filter((e) => e.product === "reservation").reduce((s, e) => s + (e.quantitySeconds ?? 0), 0),
  };
}

describe("ranges", () => {
  it("resolves presets to whole UTC days ending with today", () => {
    const at = (preset: SpendRange["preset"], extra: Partial<SpendRange> = {}) => {
      const r = resolveRange(range({ preset, ...extra }), NOW);
      return [r.start.toISOString(), r.end.toISOString(), r.days.length];
    };
    expect(at("today")).toEqual(["2026-11-15T00:00:00.000Z", "2026-11-16T00:00:00.000Z", 1]);
    expect(at("7d")).toEqual(["2026-11-09T00:00:00.000Z", "2026-11-16T00:00:00.000Z", 7]);
    expect(at("30d")).toEqual(["2026-10-17T00:00:00.000Z", "2026-11-16T00:00:00.000Z", 30]);
    expect(at("this_month")).toEqual(["2026-11-01T00:00:00.000Z", "2026-11-16T00:00:00.000Z", 15]);
    expect(at("last_month")).toEqual(["2026-10-01T00:00:00.000Z", "2026-11-01T00:00:00.000Z", 31]);
    expect(at("custom", { start: "2024-02-28", end: "2024-03-01" })).toEqual(["2024-02-28T00:00:00.000Z", "2024-03-02T00:00:00.000Z", 3]);
    // January: last month is the previous year's December.
    const january = resolveRange(range({ preset: "last_month" }), new Date("2027-01-01T00:00:00.000Z"));
    expect([january.start.toISOString(), january.end.toISOString()]).toEqual(["2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"]);
  });

  it("refuses custom ranges that are missing a day, reversed, impossible or longer than 366 days, naming the field", () => {
    const issues = (value: unknown) => {
      const result = rangeInput.safeParse(value);
      return result.success ? [] : result.error.issues.map((i) => [i.path.join("."), i.message]);
    };
    expect(issues({ preset: "custom", start: "2026-11-01" })).toEqual([["end", "Choose the last day of the range."]]);
    expect(issues({ preset: "custom", start: "2026-11-02", end: "2026-11-01" })).toEqual([["end", "The last day must be on or after the first day."]]);
    expect(issues({ preset: "custom", start: "2026-02-30", end: "2026-03-01" })[0]![0]).toBe("start");
    expect(issues({ preset: "custom", start: "2025-01-01", end: "2026-01-02" })).toEqual([["end", expect.stringContaining("at most 366 days")]]);
    expect(issues({ preset: "custom", start: "2025-01-01", end: "2026-01-01" })).toEqual([]);
    expect(issues({ preset: "fortnight" })[0]![0]).toBe("preset");
  });
});

describe("URL search parameters", () => {
  it("carry the range and the filter both ways, leaving defaults out", () => {
    const cases: [RangeInput, SpendFilter | null, string][] = [
      [{ preset: "30d" }, null, ""],
      [{ preset: "7d" }, null, "range=7d"],
      [{ preset: "custom", start: "2026-11-01", end: "2026-11-15" }, { dimension: "model", value: LLAMA_8B }, "range=custom&from=2026-11-01&to=2026-11-15&filter=model&value=meta-llama%2Fllama-3.1-8b-instruct"],
      [{ preset: "today" }, { dimension: "key", value: "" }, "range=today&filter=key&value="],
    ];
    for (const [range, filter, search] of cases) {
      expect(spendSearchFromParams(range, filter).toString()).toBe(search);
      const back = spendParamsFromSearch(new URLSearchParams(search));
      expect(rangeInput.parse(back.range)).toEqual(rangeInput.parse(range));
      expect(back.filter).toEqual(filter);
    }
  });
});

describe("spendReport", () => {
  it("sums the events of the range exactly: totals, products and every day, zeros included", async () => {
    const report = await spendReport(db, teamId, range({ preset: "30d" }), null, NOW);
    const { start, end } = resolveRange(range({ preset: "30d" }), NOW);
    expect(report.totals).toEqual(expected(EVENTS, start, end));
    // By hand: 1,000,000 + 100 + 3,000,000 + 500,000 + 5,980,000,000 + 19,120,000,000 + 0 + 7,000.
    expect(report.totals.costNano).toBe(25_104_507_100n);
    expect(report.byProduct).toEqual({ model_tokens: 4_507_100n, instance_hours: 5_980_000_000n, reservation: 19_120_000_000n });
    expect(report.daily.map((d) => d.day)).toEqual(report.range.days);
    expect(report.daily).toHaveLength(30);
    expect(report.daily[0]).toEqual({ day: "2026-10-17", byProduct: { model_tokens: 7_000n, instance_hours: 0n, reservation: 0n }, totalNano: 7_000n });
    expect(report.daily.find((d) => d.day === "2026-11-02")!.totalNano).toBe(0n);
    expect(report.daily.find((d) => d.day === "2026-11-14")!.byProduct.model_tokens).toBe(3_000_000n);
    expect(report.daily.at(-1)).toMatchObject({ day: "2026-11-15", totalNano: 1_000_100n });
    expect(report.daily.reduce((s, d) => s + d.totalNano, 0n)).toBe(report.totals.costNano);
    expect(report.range.label).toBe("Oct 17 – Nov 15, 2026");
  });

  it("puts events on the UTC day they happened: the last millisecond of a day stays in it", async () => {
    const today = await spendReport(db, teamId, range({ preset: "today" }), null, NOW);
    expect(today.totals.costNano).toBe(1_000_100n);
    const yesterday = await spendReport(db, teamId, range({ preset: "custom", start: "2026-11-14", end: "2026-11-14" }), null, NOW);
    expect(yesterday.totals.costNano).toBe(3_000_000n);
    const lastMonth = await spendReport(db, teamId, range({ preset: "last_month" }), null, NOW);
    const { start, end } = resolveRange(range({ preset: "last_month" }), NOW);
    expect(lastMonth.totals).toEqual(expected(EVENTS, start, end));
    expect(lastMonth.totals).toMatchObject({ costNano: 2_007_000n, requests: 3, errors: 1 });
    expect(lastMonth.daily.at(-1)).toMatchObject({ day: "2026-10-31", totalNano: 0n });
  });

  it("breaks the range down by model, key, instance type and member, with names, most expensive first", async () => {
    const { breakdowns } = await spendReport(db, teamId, range({ preset: "this_month" }), null, NOW);
    expect(breakdowns.model.map((r) => [r.value, r.label, r.costNano, r.requests])).toEqual([
      [LLAMA_70B, "Llama 3.1 70B Instruct", 3_000_000n, 1],
      [LLAMA_8B, "Llama 3.1 8B Instruct", 1_500_100n, 3],
    ]);
    expect(breakdowns.instance_type.map((r) => [r.value, r.label, r.costNano, r.instanceSeconds, r.reservedSeconds])).toEqual([
      [H100_8X, "8× H100 SXM 80 GB", 19_120_000_000n, 0, 28_800],
      [H100, "1× H100 SXM 80 GB", 5_980_000_000n, 7200, 0],
    ]);
    // Usage without a key (console, playground) has a row of its own, so that the table adds up.
    expect(breakdowns.key.map((r) => [r.value, r.label, r.costNano])).toEqual([
      ["", "No API key", 25_100_500_000n],
      [batch.id, "=Batch jobs", 3_000_000n],
      [prod.id, "Production", 1_000_000n],
      [goneKeyId, "Deleted key", 100n],
    ]);
    expect(breakdowns.key.find((r) => r.value === batch.id)!.detail).toMatch(/revoked$/);
    expect(breakdowns.member.map((r) => [r.value, r.label, r.costNano])).toEqual([
      [owner.userId, "Olga Owner", 25_100_000_000n],
      ["", "No member", 4_000_100n],
      [dev.userId, "Dev Eloper", 500_000n],
    ]);
    for (const rows of [breakdowns.key, breakdowns.member]) expect(rows.reduce((s, r) => s + r.costNano, 0n)).toBe(25_104_500_100n);
  });

  it("narrows everything to one model, key, member, instance type or product", async () => {
    const { start, end } = resolveRange(range({ preset: "30d" }), NOW);
    const cases: [SpendFilter, (e: UsageEvent) => boolean, string][] = [
      [{ dimension: "model", value: LLAMA_8B }, (e) => e.model === LLAMA_8B, "Llama 3.1 8B Instruct"],
      [{ dimension: "key", value: prod.id }, (e) => e.apiKeyId === prod.id, "Production"],
      [{ dimension: "key", value: "" }, (e) => !e.apiKeyId, "No API key"],
      [{ dimension: "member", value: dev.userId }, (e) => e.userId === dev.userId, "Dev Eloper"],
      [{ dimension: "instance_type", value: H100 }, (e) => e.instanceTypeId === H100, "1× H100 SXM 80 GB"],
      [{ dimension: "product", value: "reservation" }, (e) => e.product === "reservation", "Reservations"],
    ];
    for (const [filter, matches, label] of cases) {
      const report = await spendReport(db, teamId, range({ preset: "30d" }), filter, NOW);
      expect(report.totals, `${filter.dimension}=${filter.value}`).toEqual(expected(EVENTS, start, end, matches));
      expect(report.filter).toMatchObject({ ...filter, label });
      expect(report.daily.reduce((s, d) => s + d.totalNano, 0n)).toBe(report.totals.costNano);
    }
    const byKey = await spendReport(db, teamId, range({ preset: "30d" }), { dimension: "key", value: prod.id }, NOW);
    expect(byKey.breakdowns.key.map((r) => r.value)).toEqual([prod.id]);
    expect(byKey.breakdowns.model.map((r) => r.value)).toEqual([LLAMA_8B]);
    expect(byKey.breakdowns.instance_type).toEqual([]);
    // The month to date is narrowed too: the key's spend this month, forecast as usage.
    expect(byKey.monthToDate).toMatchObject({ costNano: 1_000_000n, upfrontNano: 0n, usageNano: 1_000_000n });
  });

  it("never shows another team's usage, nor the names of its keys or people", async () => {
    const report = await spendReport(db, teamId, range({ preset: "30d" }), null, NOW);
    expect(report.totals.costNano).toBeLessThan(10n ** 12n);
    expect(report.breakdowns.key.map((r) => r.value)).not.toContain(otherKey.id);
    expect(report.breakdowns.member.map((r) => r.value)).not.toContain(other.userId);
    // Team B used team A's key id once (a forged event); team A's figures for that key are its own.
    const forKey = await spendReport(db, teamId, range({ preset: "today" }), { dimension: "key", value: prod.id }, NOW);
    expect(forKey.totals.costNano).toBe(1_000_000n);
    const theirKey = await spendReport(db, teamId, range({ preset: "30d" }), { dimension: "key", value: otherKey.id }, NOW);
    expect(theirKey.totals.costNano).toBe(0n);
    expect(theirKey.filter).toMatchObject({ label: "Deleted key" });
    expect(JSON.stringify(theirKey.filter)).not.toContain("Secret project");
    const stranger = await spendReport(db, teamId, range({ preset: "30d" }), { dimension: "member", value: other.userId }, NOW);
    expect(stranger.filter).toMatchObject({ label: "Unknown member" });
    expect(JSON.stringify(stranger.filter)).not.toContain("Otto");
    const theirs = await spendReport(db, other.team.id, range({ preset: "30d" }), null, NOW);
    expect(theirs.breakdowns.key.map((r) => r.label)).not.toContain("Production");
  });

  it("forecasts usage linearly to the month's end and counts capacity blocks once", async () => {
    const { monthToDate } = await spendReport(db, teamId, range({ preset: "7d" }), null, NOW);
    const usage = 1_000_000n + 100n + 3_000_000n + 500_000n + 5_980_000_000n;
    expect(monthToDate).toMatchObject({ month: "2026-11", upfrontNano: 19_120_000_000n, usageNano: usage, costNano: usage + 19_120_000_000n, daysInMonth: 30 });
    // 14.4375 days elapsed of 30.
    const elapsedMs = NOW.getTime() - Date.parse("2026-11-01T00:00:00Z");
    const monthMs = 30 * 86_400_000;
    expect(monthToDate.daysElapsed).toBeCloseTo(14.4375, 6);
    expect(monthToDate.forecastNano).toBe(19_120_000_000n + (usage * BigInt(monthMs) * 2n + BigInt(elapsedMs)) / (BigInt(elapsedMs) * 2n));
  });

  it("forecastMonth: at least a day elapsed, rounded to the nano-USD, the whole month at its end", () => {
    const firstHour = forecastMonth({ usageNano: 1_000n, upfrontNano: 50n }, new Date("2026-11-01T01:00:00Z"));
    expect(firstHour.forecastNano).toBe(50n + 30_000n);
    const half = forecastMonth({ usageNano: 1n, upfrontNano: 0n }, new Date("2026-02-15T00:00:00Z"));
    expect(half).toMatchObject({ forecastNano: 2n, daysInMonth: 28, daysElapsed: 14 });
    expect(forecastMonth({ usageNano: 7n, upfrontNano: 0n }, new Date("2026-12-31T23:59:59.999Z")).forecastNano).toBe(7n);
  });

  it("answers with zeros and empty tables for a team without usage", async () => {
    const empty = await createTestUser(db, "Nora None");
    const report = await spendReport(db, empty.team.id, range({ preset: "7d" }), null, NOW);
    expect(report.totals.costNano).toBe(0n);
    expect(report.daily.map((d) => d.totalNano)).toEqual(Array(7).fill(0n));
    expect(Object.values(report.breakdowns).every((rows) => rows.length === 0)).toBe(true);
    expect(report.monthToDate).toMatchObject({ costNano: 0n, forecastNano: 0n });
  });

  it("getSpendReport checks usage:read and validates its input", async () => {
    const viewer = await createTestUser(db, "Vic Viewer");
    await db.insert(memberships).values({ teamId, userId: viewer.userId, role: "viewer", createdAt: new Date() });
    const viewerCtx = await enterTeam(testContext(db, viewer.userId, () => NOW), { teamId });
    expect((await appErrorOf(getSpendReport(viewerCtx, { range: { preset: "7d" } }))).code).toBe("FORBIDDEN");
    const ownerCtx = await enterTeam(testContext(db, owner.userId, () => NOW), { teamId });
    await expect(getSpendReport(ownerCtx, { range: { preset: "custom", start: "2026-11-03" } })).rejects.toMatchObject({ name: "ZodError" });
    await expect(getSpendReport(ownerCtx, {})).resolves.toMatchObject({ range: { preset: "30d" } });
  });
});

describe("usageReport (the public API's query)", () => {
  it("groups by day, with hours at either end read from hour rollups, exactly", async () => {
    const query = parseUsageQuery({ start: "2026-11-14T23:00:00Z", end: "2026-11-15T10:00:00Z", groupBy: "day" }, NOW);
    const report = await usageReport(db, teamId, query);
    expect(report.rows.map((r) => [r.value, r.costNano])).toEqual([
      ["2026-11-14", 3_000_000n],
      ["2026-11-15", 1_000_100n],
    ]);
    expect(report.total).toEqual(expected(EVENTS, query.start, query.end));
    const longer = parseUsageQuery({ start: "2026-10-16T22:00:00Z", end: "2026-11-15T09:00:00Z" }, NOW);
    expect((await usageReport(db, teamId, longer)).total).toEqual(expected(EVENTS, longer.start, longer.end));
  });

  it("groups by model, key and instance type, with names, leaving out usage the grouping does not apply to", async () => {
    const query = (groupBy: "model" | "key" | "instance_type") => parseUsageQuery({ start: "2026-11-01", end: "2026-11-16", groupBy }, NOW);
    const models = await usageReport(db, teamId, query("model"));
    expect(models.rows.map((r) => [r.value, r.name, r.costNano])).toEqual([
      [LLAMA_70B, "Llama 3.1 70B Instruct", 3_000_000n],
      [LLAMA_8B, "Llama 3.1 8B Instruct", 1_500_100n],
    ]);
    expect(models.total.costNano).toBe(25_104_500_100n);
    const keys = await usageReport(db, teamId, query("key"));
    expect(keys.rows.map((r) => [r.value, r.name])).toEqual([
      ["", null],
      [batch.id, "=Batch jobs"],
      [prod.id, "Production"],
      [goneKeyId, "Deleted key"],
    ]);
    const types = await usageReport(db, teamId, query("instance_type"));
    expect(types.rows.map((r) => [r.value, r.costNano])).toEqual([
      [H100_8X, 19_120_000_000n],
      [H100, 5_980_000_000n],
    ]);
  });

  it("refuses bounds that are not whole hours, reversed, too long or malformed, naming the parameter", async () => {
    const problem = (raw: Parameters<typeof parseUsageQuery>[0]) => {
      try {
        parseUsageQuery(raw, NOW);
        return null;
      } catch (error) {
        const e = error as { issues?: { path: string[]; message: string }[]; details?: { fieldErrors?: Record<string, string[]> } };
        return e.issues ? e.issues[0]!.path.join(".") : Object.keys(e.details?.fieldErrors ?? {})[0];
      }
    };
    expect(problem({ start: "2026-11-01T10:30:00Z" })).toBe("start");
    expect(problem({ start: "yesterday" })).toBe("start");
    expect(problem({ start: "2026-11-05T13:00:00" })).toBe("start");
    expect(problem({ start: "2026-11-05", end: "2026-11-04" })).toBe("end");
    expect(problem({ start: "2024-01-01", end: "2026-01-01" })).toBe("end");
    expect(problem({ start: "2026-11-20" })).toBe("start");
    expect(problem({ start: "2026-11-01", groupBy: "week" as never })).toBe("groupBy");
    expect(parseUsageQuery({ start: "2026-11-01" }, NOW).end.toISOString()).toBe("2026-11-15T11:00:00.000Z");
    expect(parseUsageQuery({ start: "2026-11-01T05:00:00+02:00" }, NOW).start.toISOString()).toBe("2026-11-01T03:00:00.000Z");
  });
});

describe("CSV exports", () => {
  it("a breakdown as CSV carries the page's figures, exact money, and defuses formulas in names", async () => {
    const { filename, body } = await breakdownCsv(db, teamId, range({ preset: "this_month" }), null, "key", NOW);
    expect(filename).toBe("spend-by-key-2026-11-01-to-2026-11-15.csv");
    const lines = body.trimEnd().split("\r\n");
    expect(lines[0]).toBe("api_key_id,api_key_name,requests,errors,input_tokens,output_tokens,instance_hours,instance_seconds,reserved_instance_seconds,cost_usd,cost_nano");
    expect(lines).toContain(`${batch.id},'=Batch jobs,1,0,2000,1000,0.000,0,0,0.003,3000000`);
    expect(lines).toContain(`${goneKeyId},Deleted key,1,0,10,10,0.000,0,0,0.0000001,100`);
    expect(lines).toContain(",No API key,1,0,300,200,2.000,7200,28800,25.1005,25100500000");
    const days = await breakdownCsv(db, teamId, range({ preset: "7d" }), { dimension: "model", value: LLAMA_8B }, "day", NOW);
    expect(days.filename).toBe("spend-by-day-model-llama-3-1-8b-instruct-2026-11-09-to-2026-11-15.csv");
    expect(days.body.split("\r\n")).toContain("2026-11-15,0.0010001,0.00,0.00,0.0010001,1000100");
  });

  it("exportBreakdownCsv checks the scope and the breakdown asked for", async () => {
    const ownerCtx = await enterTeam(testContext(db, owner.userId, () => NOW), { teamId });
    await expect(exportBreakdownCsv(ownerCtx, { range: { preset: "today" }, by: "model" })).resolves.toMatchObject({ filename: "spend-by-model-2026-11-15.csv" });
    await expect(exportBreakdownCsv(ownerCtx, { range: { preset: "today" }, by: "colour" as never })).rejects.toMatchObject({ name: "ZodError" });
  });

  it("the raw export pages through every event of the range once, oldest first, even with equal timestamps", async () => {
    const crowd = await createTestUser(db, "Cora Crowd");
    const at = new Date("2026-11-12T08:00:00.000Z");
    // 23 events at one instant (and one a microsecond later, as SQL bulk loads write them) across pages of 5.
    const same = Array.from({ length: 23 }, (_, i) => event({ teamId: crowd.team.id, model: LLAMA_8B, costNano: BigInt(i + 1), createdAt: at }));
    await insertUsageEvents(db, same);
    await db.execute(
      sql`insert into usage_events (id, team_id, product, source, cost_nano, status, created_at) values ('use_micro', ${crowd.team.id}, 'model_tokens', 'api', 1000, 'ok', '2026-11-12T08:00:00.000001Z')`,
    );
    const exported = await rawUsageExport(db, crowd.team.id, range({ preset: "7d" }), null, NOW, { pageSize: 5 });
    expect(exported.events).toBe(23); // the direct insert bypassed the rollups; the count comes from them
    let text = "";
    for await (const chunk of exported.chunks) text += chunk;
    const lines = text.trimEnd().split("\r\n");
    expect(lines[0]!.startsWith("id,created_at,product,model")).toBe(true);
    const ids = lines.slice(1).map((l) => l.split(",")[0]);
    expect(ids).toHaveLength(24);
    expect(new Set(ids).size).toBe(24);
    expect(ids.at(-1)).toBe("use_micro");
    expect(lines.at(-1)).toContain("2026-11-12T08:00:00.000001Z");
    expect(exported.filename).toBe("usage-events-2026-11-09-to-2026-11-15.csv");
  });

  it("the raw export follows the filter, and refuses a range over the limit before sending anything", async () => {
    const exported = await rawUsageExport(db, teamId, range({ preset: "30d" }), { dimension: "key", value: "" }, NOW);
    let text = "";
    for await (const chunk of exported.chunks) text += chunk;
    const rows = text.trimEnd().split("\r\n").slice(1);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.includes(",console,") || r.includes(",playground,"))).toBe(true);
    expect(text).toContain(dev.email);
    const error = await appErrorOf(rawUsageExport(db, teamId, range({ preset: "30d" }), null, NOW, { maxRows: 5 }));
    expect(error.message).toMatch(/This range holds 8 usage events; a raw export is limited to 5\. Choose a shorter range/);
  });
});
