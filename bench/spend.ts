/**
 * `npm run bench:spend`: the usage ledger at scale, and the queries the spend page and the usage
 * API run on it.
 *
 * 1. Bulk load: BENCH_EVENTS usage events (default 10,000,000 on PostgreSQL, 1,000,000 on PGlite)
 *    across 100 teams over the last 60 days, generated in SQL (generate_series), then the hour and
 *    day rollups and monthly spend rebuilt from them with rebuildRollups(). Teams are of uneven
 *    size (the largest holds ~5 % of all events), with 8 keys, 5 members, the catalog's models and
 *    instance types. This is set-up, timed but not a target.
 * 2. Ingest: BENCH_INGEST events (default 200,000) recorded through the metering writer the
 *    gateway uses (createUsageWriter: batches of 2,000, each one statement that also updates the
 *    rollups and monthly spend), as fast as they can be queued: one writer (one gateway process),
 *    then, on PostgreSQL, BENCH_WRITERS writers at once (replicas). BENCH_BATCH changes the batch
 *    size, to see what it would do; the gateway uses the writer's default.
 * 3. Queries, over random teams, BENCH_QUERIES times each after warm-up: the spend page's report
 *    for 30 days (spendReport), the usage API's query for 30 days grouped by day, model, key and
 *    instance type (usageReport), and the same over real HTTP (GET /v1/usage through the gateway).
 *
 * Database: a fresh database on BENCH_DATABASE_URL when set (dropped afterwards; BENCH_KEEP=1 keeps
 * it), else a fresh embedded PGlite directory (removed afterwards).
 * Results: bench/results/spend-*.json and .md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase, type Database } from "../server/db/client";
import type { Db } from "../server/db";
import { apiKeys } from "../server/db/schema";
import { rowsOf } from "../server/db/sql";
import { createFreshDatabase } from "../server/db/testing/postgres";
import { serveGateway } from "../server/http/node-server";
import { createUsageApi } from "../server/http/usage-routes";
import { loadCatalog, seedCatalog } from "../server/services/catalog";
import { loadComputeCatalog, seedComputeCatalog } from "../server/services/compute/fleet";
import { createGateway, createMemoryRateLimiter } from "../server/services/inference/gateway";
import { countChatTokens, countTokens, createLocalEngine } from "../server/services/inference/local";
import { generateKey } from "../server/services/keys/format";
import { rebuildRollups } from "../server/services/metering/rollups";
import { createUsageWriter, type UsageEvent } from "../server/services/metering/usage-writer";
import { parseUsageQuery, spendReport, usageReport, USAGE_GROUPS, type UsageGroup } from "../server/services/spend";
import { round, stats } from "./common";

const SERVER_URL = process.env.BENCH_DATABASE_URL;
const EVENTS = Number(process.env.BENCH_EVENTS ?? (SERVER_URL ? 10_000_000 : 1_000_000));
const INGEST = Number(process.env.BENCH_INGEST ?? 200_000);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 4);
/** The writer's batch size; the gateway uses the default (2,000). */
const BATCH = process.env.BENCH_BATCH ? Number(process.env.BENCH_BATCH) : undefined;
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const TEAMS = 100;
const KEYS_PER_TEAM = 8;
const MEMBERS_PER_TEAM = 5;
const DAYS = 60;
/** One statement per chunk keeps each transaction (and PGlite's memory) bounded. */
const CHUNK = Number(process.env.BENCH_CHUNK ?? (SERVER_URL ? 1_000_000 : 250_000));
const quiet = { info() {}, warn() {}, error: (message: string, data?: unknown) => console.error(message, data) };

const team = (i: number) => `team_bench${String(i).padStart(3, "0")}`;

/** Deterministic, so that runs ask for the same teams in the same order. */
function rng(seed: number) {
  return () => ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32);
}

async function timed<T>(label: string, run: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await run();
  const seconds = (performance.now() - started) / 1000;
  console.log(`${label}: ${seconds.toFixed(1)} s`);
  return { value, seconds: round(seconds, 1) };
}

/** Teams, members and keys as rows (no sign-up: argon2 for 500 people would dominate the set-up). */
async function seedTenants(db: Db): Promise<{ secrets: string[] }> {
  await db.execute(sql`
    insert into users (id, email, name)
    select 'usr_bench' || lpad(t::text, 3, '0') || '_' || m, 'member' || m || '@team' || t || '.example.com', 'Member ' || m || ' of team ' || t
    from generate_series(0, ${TEAMS - 1}) t, generate_series(0, ${MEMBERS_PER_TEAM - 1}) m`);
  await db.execute(sql`
    insert into teams (id, name, slug) select 'team_bench' || lpad(t::text, 3, '0'), 'Bench team ' || t, 'bench-team-' || t from generate_series(0, ${TEAMS - 1}) t`);
  await db.execute(sql`
    insert into memberships (team_id, user_id, role)
    select 'team_bench' || lpad(t::text, 3, '0'), 'usr_bench' || lpad(t::text, 3, '0') || '_' || m, case when m = 0 then 'owner' else 'developer' end
    from generate_series(0, ${TEAMS - 1}) t, generate_series(0, ${MEMBERS_PER_TEAM - 1}) m`);
  await db.execute(sql`
    insert into api_keys (id, team_id, name, hash, hint, scopes)
    select 'key_bench' || lpad(t::text, 3, '0') || '_' || k, 'team_bench' || lpad(t::text, 3, '0'), 'Key ' || k || ' of team ' || t,
      md5('bench' || t || '/' || k), 'cc_sk_bench…' || k, '["inference"]'::jsonb
    from generate_series(0, ${TEAMS - 1}) t, generate_series(0, ${KEYS_PER_TEAM - 1}) k`);
  // One real key per team, with usage:read, for the HTTP measurements.
  const secrets: string[] = [];
  const rows = Array.from({ length: TEAMS }, (_, t) => {
    const { secret, hash, hint } = generateKey();
    secrets.push(secret);
    return { id: `key_benchapi${String(t).padStart(3, "0")}`, teamId: team(t), name: "Usage reader", hash, hint, scopes: ["usage:read" as const] };
  });
  await db.insert(apiKeys).values(rows);
  return { secrets };
}

/**
 * Events [from, to) of the bulk load, in one statement. Each row draws its own random numbers in a
 * subquery so that the product decides the other columns consistently.
 */
async function bulkInsert(db: Db, from: number, to: number, models: { id: string; nanoPerToken: number }[], types: { id: string; nanoPerHour: bigint }[]) {
  const modelIds = `{${models.map((m) => `"${m.id}"`).join(",")}}`;
  const modelPrices = `{${models.map((m) => m.nanoPerToken).join(",")}}`;
  const typeIds = `{${types.map((t) => t.id).join(",")}}`;
  const typePrices = `{${types.map((t) => t.nanoPerHour.toString()).join(",")}}`;
  await db.execute(sql`
    insert into usage_events (id, team_id, product, api_key_id, user_id, model, instance_type_id, resource_id, quantity_seconds,
      endpoint, source, input_tokens, output_tokens, cost_nano, latency_ms, status, http_status, request_id, created_at)
    select 'use_bulk' || lpad(g::text, 10, '0'),
      'team_bench' || lpad(tm::text, 3, '0'),
      product,
      case when product = 'model_tokens' and r4 >= 0.1 then 'key_bench' || lpad(tm::text, 3, '0') || '_' || floor(r4 * ${KEYS_PER_TEAM})::int end,
      case when product <> 'model_tokens' or r4 < 0.1 then 'usr_bench' || lpad(tm::text, 3, '0') || '_' || floor(r5 * ${MEMBERS_PER_TEAM})::int end,
      case when product = 'model_tokens' then (${modelIds}::text[])[1 + mi] end,
      case when product <> 'model_tokens' then (${typeIds}::text[])[1 + ti] end,
      case when product <> 'model_tokens' then 'ins_bulk' || g end,
      case when product <> 'model_tokens' then secs end,
      case when product = 'model_tokens' then 'chat' end,
      case when product <> 'model_tokens' then 'console' when r4 < 0.1 then 'playground' else 'api' end,
      inp, outp,
      case when product = 'model_tokens' then (inp + outp)::bigint * (${modelPrices}::bigint[])[1 + mi]
           else (${typePrices}::bigint[])[1 + ti] * secs / 3600 end,
      case when product = 'model_tokens' then 200 + floor(r5 * 3000)::int end,
      case when r6 < 0.02 then 'error' else 'ok' end,
      case when product = 'model_tokens' then case when r6 < 0.02 then 500 else 200 end end,
      'req_bulk' || g,
      -- In time order across the load, as a ledger fills: chunk by chunk from 60 days ago to now.
      now() - interval '${sql.raw(String(DAYS))} days' + (g + r7) / ${EVENTS}::float8 * interval '${sql.raw(String(DAYS))} days'
    from (
      select g, floor(${TEAMS} * power(random(), 1.5))::int as tm,
        case when r2 < 0.92 then 'model_tokens' when r2 < 0.98 then 'instance_hours' else 'reservation' end as product,
        floor(random() * ${models.length})::int as mi, floor(random() * ${types.length})::int as ti,
        case when r2 < 0.92 then floor(random() * 3000)::int else 0 end as inp,
        case when r2 < 0.92 then floor(random() * 800)::int else 0 end as outp,
        60 + floor(random() * 36000)::int as secs,
        random() as r4, random() as r5, random() as r6, random() as r7
      from (select g, random() as r2 from generate_series(${from}::bigint, ${to - 1}::bigint) g) base
    ) s`);
}

/** Events as the gateway records them: now, random teams, keys and models. */
function liveEvents(count: number, prefix: string, models: { id: string; nanoPerToken: number }[]): UsageEvent[] {
  const random = rng(prefix.length * 7919 + 17);
  return Array.from({ length: count }, (_, i) => {
    const t = Math.floor(TEAMS * random() ** 1.5);
    const model = models[Math.floor(random() * models.length)]!;
    const input = Math.floor(random() * 3000);
    const output = Math.floor(random() * 800);
    return {
      id: `req_${prefix}${i}`,
      teamId: team(t),
      product: "model_tokens",
      apiKeyId: `key_bench${String(t).padStart(3, "0")}_${Math.floor(random() * KEYS_PER_TEAM)}`,
      model: model.id,
      endpoint: "chat",
      source: "api",
      inputTokens: input,
      outputTokens: output,
      costNano: BigInt((input + output) * model.nanoPerToken),
      latencyMs: 300,
      status: "ok",
      httpStatus: 200,
      requestId: `req_${prefix}${i}`,
      createdAt: new Date(),
    };
  });
}

async function ingest(databases: Database[], writers: number, perWriter: number, models: { id: string; nanoPerToken: number }[], label: string) {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const writer = createUsageWriter(databases[w % databases.length]!.db, quiet, { flushIntervalMs: 200, batchSize: BATCH });
      for (const event of liveEvents(perWriter, `${label}w${w}_`, models)) {
        // A gateway under load keeps its queue short; a queue past the writer's bound would drop events.
        while (writer.pending() >= 20_000) await new Promise((resolve) => setTimeout(resolve, 2));
        writer.record(event);
      }
      await writer.close();
      if (writer.pending() > 0) throw new Error(`writer ${w} left ${writer.pending()} events unwritten`);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const events = writers * perWriter;
  const [written] = await rowsOf<{ n: number }>(databases[0]!.db, sql`select count(*)::int as n from usage_events where id like ${`req_${label}w%`}`);
  if (written?.n !== events) throw new Error(`ingest ${label}: ${events} events recorded, ${written?.n} written`);
  return { writers, events, batchSize: BATCH ?? 500, seconds: round(seconds), perSecond: Math.round(events / seconds) };
}

async function measure(run: (teamIndex: number) => Promise<unknown>) {
  const random = rng(42);
  const pick = () => Math.floor(random() * TEAMS);
  for (let i = 0; i < Math.min(20, QUERIES); i++) await run(pick());
  const samples: number[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const t = pick();
    const begin = performance.now();
    await run(t);
    samples.push(performance.now() - begin);
  }
  return stats(samples);
}

async function main() {
  const fresh = SERVER_URL ? await createFreshDatabase(SERVER_URL, { prefix: "cc_bench_spend" }) : null;
  const work = fresh ? null : mkdtempSync(path.join(os.tmpdir(), "cc-bench-spend-"));
  const databases: Database[] = [];
  let server: { url: string; close(): Promise<void> } | null = null;
  let closeGateway: (() => Promise<void>) | null = null;
  try {
    databases.push(await openDatabase(fresh ? { databaseUrl: fresh.url } : { dataDir: path.join(work!, "data") }));
    if (fresh) for (let i = 1; i < WRITERS; i++) databases.push(await openDatabase({ databaseUrl: fresh.url, migrate: false }));
    const db = databases[0]!.db;
    const driver = databases[0]!.driver;
    console.log(`database: ${driver}${fresh ? ` (${fresh.name})` : ` (${work})`}; ${EVENTS.toLocaleString("en")} events, ${TEAMS} teams, ${DAYS} days`);

    const catalog = loadCatalog();
    await seedCatalog(db, catalog, new Date());
    const compute = loadComputeCatalog();
    await seedComputeCatalog(db, compute);
    const models = catalog.models.map((m) => ({ id: m.id, nanoPerToken: Number(m.inputNanoPerToken) }));
    const types = compute.instanceTypes.map((t) => ({ id: t.id, nanoPerHour: t.onDemandNanoPerHour }));
    const { secrets } = await seedTenants(db);

    const load = await timed(`bulk load of ${EVENTS.toLocaleString("en")} events`, async () => {
      for (let from = 0; from < EVENTS; from += CHUNK) {
        await bulkInsert(db, from, Math.min(EVENTS, from + CHUNK), models, types);
        console.log(`  ${Math.min(EVENTS, from + CHUNK).toLocaleString("en")} events loaded`);
      }
    });
    const rebuild = await timed("rebuildRollups", () => rebuildRollups(db));
    await db.execute(sql`analyze`);
    const [sizes] = await rowsOf<{ events: string; hour_rollups: string; day_rollups: string; largest_team: string }>(
      db,
      sql`select (select count(*) from usage_events)::text as events,
        (select count(*) from usage_rollups where granularity = 'hour')::text as hour_rollups,
        (select count(*) from usage_rollups where granularity = 'day')::text as day_rollups,
        (select max(n) from (select count(*) as n from usage_events group by team_id) x)::text as largest_team`,
    );
    console.log("sizes:", sizes);

    // Ingest through the writer the gateway uses.
    const single = await ingest(databases.slice(0, 1), 1, INGEST, models, "one");
    console.log("ingest, one writer:", single);
    const several = driver === "postgres" && WRITERS > 1 ? await ingest(databases, WRITERS, Math.ceil(INGEST / WRITERS), models, "many") : null;
    if (several) console.log(`ingest, ${WRITERS} writers:`, several);

    // The spend page's query and the usage API's, for 30 days.
    const now = new Date();
    const spend30d = await measure((t) => spendReport(db, team(t), { preset: "30d" }, null, now));
    console.log("spendReport 30 days:", spend30d);
    const spendFiltered = await measure((t) => spendReport(db, team(t), { preset: "30d" }, { dimension: "key", value: `key_bench${String(t).padStart(3, "0")}_1` }, now));
    console.log("spendReport 30 days, filtered by a key:", spendFiltered);
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 29));
    const end = new Date(start.getTime() + 30 * 86_400_000);
    const usage: Record<string, ReturnType<typeof stats>> = {};
    for (const groupBy of USAGE_GROUPS) {
      usage[groupBy] = await measure((t) => usageReport(db, team(t), parseUsageQuery({ start, end, groupBy }, now)));
      console.log(`usageReport 30 days by ${groupBy}:`, usage[groupBy]);
    }
    // The last 24 hours: hour rollups at both ends.
    const hourEnd = new Date(Math.ceil(now.getTime() / 3_600_000) * 3_600_000);
    usage["day, last 24 h (hour rollups)"] = await measure((t) => usageReport(db, team(t), parseUsageQuery({ start: new Date(hourEnd.getTime() - 86_400_000), end: hourEnd, groupBy: "day" }, now)));
    console.log("usageReport last 24 h:", usage["day, last 24 h (hour rollups)"]);

    // GET /v1/usage over real HTTP, through the gateway's handler.
    const engine = createLocalEngine({ tokensPerSecond: 0 });
    const gateway = createGateway({
      db,
      log: quiet,
      basePaths: ["/v1"],
      limits: { teamRequestsPerMinute: 1_000_000, teamTokensPerMinute: 1_000_000_000, maxBodyBytes: 65_536 },
      rateLimiter: createMemoryRateLimiter(),
      localEngine: () => engine,
      tokenizer: { countTokens, countChatTokens },
      timeouts: { connectMs: 5_000, firstTokenMs: 5_000, totalMs: 30_000 },
      extra: createUsageApi({ db, now: () => new Date(), log: quiet }),
    });
    closeGateway = () => gateway.close();
    server = await serveGateway(gateway.reply, { port: 0, host: "127.0.0.1" });
    const http: Record<string, ReturnType<typeof stats>> = {};
    for (const groupBy of ["day", "model"] as UsageGroup[]) {
      http[groupBy] = await measure(async (t) => {
        const response = await fetch(`${server!.url}/v1/usage?start=${start.toISOString().slice(0, 10)}&end=${end.toISOString().slice(0, 10)}&group_by=${groupBy}`, {
          headers: { authorization: `Bearer ${secrets[t]}` },
        });
        if (response.status !== 200) throw new Error(`GET /v1/usage: ${response.status} ${await response.text()}`);
        await response.arrayBuffer();
      });
      console.log(`GET /v1/usage 30 days by ${groupBy}:`, http[groupBy]);
    }

    const [{ version } = { version: "?" }] = await rowsOf<{ version: string }>(db, sql`select version()`);
    const report = {
      at: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? "?", node: process.version, database: driver === "postgres" ? version.split(" on ")[0] : `PGlite (${version.split(" on ")[0]})` },
      data: { events: EVENTS, teams: TEAMS, days: DAYS, keysPerTeam: KEYS_PER_TEAM, membersPerTeam: MEMBERS_PER_TEAM, ...sizes },
      targets: { ingestPerSecond: 10_000, queryP50Ms: 100, queryP99Ms: 300 },
      setup: { bulkLoadSeconds: load.seconds, bulkLoadPerSecond: Math.round(EVENTS / load.seconds), rebuildSeconds: rebuild.seconds, rebuilt: rebuild.value },
      ingest: { single, several },
      spendReport: { "30d": spend30d, "30d, filtered by a key": spendFiltered },
      usageReport: usage,
      http,
    };
    const mark = (ok: boolean) => (ok ? "✓" : "✗");
    const queryRow = (name: string, s: ReturnType<typeof stats>) => `| ${name} | ${s.p50} / ${s.p99} | p50 ≤ 100 ${mark(s.p50 <= 100)}, p99 ≤ 300 ${mark(s.p99 <= 300)} |`;
    const md = [
      `# bench:spend — ${report.at}`,
      "",
      `${report.machine.cpus} × ${report.machine.model}, Node ${report.machine.node}, ${report.machine.database}. ${EVENTS.toLocaleString("en")} usage events across ${TEAMS} teams over ${DAYS} days (largest team ${Number(sizes?.largest_team ?? 0).toLocaleString("en")}); ${Number(sizes?.hour_rollups ?? 0).toLocaleString("en")} hour and ${Number(sizes?.day_rollups ?? 0).toLocaleString("en")} day rollups.`,
      "",
      `Set-up: bulk load ${load.seconds} s (${report.setup.bulkLoadPerSecond.toLocaleString("en")} events/s in SQL), rebuildRollups ${rebuild.seconds} s.`,
      "",
      "| measure | figure | target |",
      "|---|---:|---:|",
      `| ingest through the metering writer, 1 writer (${single.events.toLocaleString("en")} events, ${single.seconds} s) | ${single.perSecond.toLocaleString("en")} events/s | ≥ 10,000 ${mark(single.perSecond >= 10_000)} |`,
      ...(several ? [`| … ${several.writers} writers at once (${several.events.toLocaleString("en")} events, ${several.seconds} s) | ${several.perSecond.toLocaleString("en")} events/s | ≥ 10,000 ${mark(several.perSecond >= 10_000)} |`] : []),
      "| query, over random teams | p50 / p99 (ms) | |",
      queryRow("spendReport, 30 days (the spend page)", spend30d),
      queryRow("spendReport, 30 days, filtered by a key", spendFiltered),
      ...Object.entries(usage).map(([name, s]) => queryRow(`usageReport, ${name.includes("24 h") ? name : `30 days by ${name}`}`, s)),
      ...Object.entries(http).map(([name, s]) => queryRow(`GET /v1/usage over HTTP, 30 days by ${name}`, s)),
      "",
    ].join("\n");
    mkdirSync("bench/results", { recursive: true });
    const stamp = report.at.replace(/[:.]/g, "-");
    writeFileSync(`bench/results/spend-${stamp}.json`, JSON.stringify(report, null, 2));
    writeFileSync(`bench/results/spend-${stamp}.md`, md);
    console.log("\n" + md);
  } finally {
    await server?.close();
    await closeGateway?.();
    await Promise.all(databases.map((d) => d.close()));
    if (fresh) {
      if (process.env.BENCH_KEEP) console.log(`kept database ${fresh.name}`);
      else await fresh.drop();
    }
    if (work) rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
