/**
 * `npm run bench:capacity`: the capacity ledger and reserved capacity blocks on PostgreSQL.
 *
 * A fleet of 1,000 hosts × 8 GPU slots (3 regions, 3 GPU models, generated here) and a ledger
 * filled over the next 90 days the way a busy provider's looks: 8-GPU and single-GPU bookings of
 * 6 hours to 14 days with gaps between them, plus running on-demand instances (open-ended).
 *
 * 1. Reservations per second, uncontended: BENCH_WORKERS (default 8) buyers, each on its own
 *    region and GPU model, buy 1-hour single-GPU blocks one after the other through
 *    purchaseReservation (idempotency check, allocation, up-front charge, audit) for
 *    BENCH_DURATION_MS (default 10 s).
 * 2. Contended: 100 buyers at once for the last free slot of a window; exactly one must win.
 * 3. Availability: the console calendar (all regions, 90 days by day; and 14 days by hour) for a
 *    single-GPU and an 8-GPU type, p50/p99 over BENCH_QUERIES (default 200) runs after warm-up.
 *
 * Database: a fresh database on BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * dropped afterwards (BENCH_KEEP=1 keeps it, to look at query plans). Results: bench/results/capacity-*.json and .md.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { sql } from "drizzle-orm";
import { openDatabase, type Database } from "../server/db/client";
import type { Db } from "../server/db";
import { allocations } from "../server/db/schema";
import { createFreshDatabase } from "../server/db/testing/postgres";
import { signUp } from "../server/services/auth/sign-up";
import type { ServiceContext } from "../server/services/context";
import { availabilityCalendar, CapacityError, type CalendarBucket } from "../server/services/compute/capacity";
import { rowsOf } from "../server/db/sql";
import { computeContextOf, type ComputeContext } from "../server/services/compute/context";
import { seedComputeCatalog, type ComputeCatalog } from "../server/services/compute/fleet";
import { purchaseReservation, reservationPrice } from "../server/services/compute/reservations";
import { enterTeam } from "../server/services/teams/team-access";
import { round, stats } from "./common";

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 10_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 8);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const CONTENDERS = 100;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const quiet = { info() {}, warn() {}, error() {} };

const REGIONS = ["us-east-1", "us-west-2", "eu-central-1"];
/** Hosts per GPU model and region: 1,000 in all. */
const FLEET: Record<string, number[]> = { H100: [200, 150, 150], A100: [120, 100, 80], L40S: [80, 60, 60] };
const PRICES: Record<string, bigint> = { H100: 2_390_000_000n, A100: 1_450_000_000n, L40S: 950_000_000n };

function benchCatalog(): ComputeCatalog {
  const regions = REGIONS.map((id) => ({ id, name: id, location: id }));
  const instanceTypes = Object.keys(FLEET).flatMap((model) =>
    [1, 8].map((gpus) => ({
      id: `${model.toLowerCase()}-${gpus}x`,
      displayName: `${gpus}× ${model}`,
      gpuModel: model,
      gpuCount: gpus,
      gpuMemoryGb: 80,
      vcpus: 16 * gpus,
      ramGb: 128 * gpus,
      nvmeGb: 1000 * gpus,
      networkGbps: 100,
      onDemandNanoPerHour: (PRICES[model]! * 5n * BigInt(gpus)) / 4n,
      reservedNanoPerHour: PRICES[model]! * BigInt(gpus),
      status: "available" as const,
    })),
  );
  const hosts = Object.entries(FLEET).flatMap(([model, counts]) =>
    REGIONS.flatMap((regionId, r) =>
      Array.from({ length: counts[r]! }, (_, i) => ({ id: `${regionId}-${model.toLowerCase()}-${String(i + 1).padStart(4, "0")}`, regionId, gpuModel: model, gpuSlots: 8 })),
    ),
  );
  return { regions, instanceTypes, hosts };
}

/** Deterministic, so that runs are comparable. */
function rng(seed: number) {
  return () => ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32);
}

/** Bookings over [t0 − 2 days, t0 + 90 days]: whole-host 8-GPU bookings on 40 % of hosts, per-slot ones on the rest. */
async function fillLedger(db: Db, catalog: ComputeCatalog, t0: number): Promise<number> {
  const random = rng(7);
  const rows: (typeof allocations.$inferInsert)[] = [];
  let n = 0;
  const book = (hostId: string, slots: number[]) => {
    let t = t0 - Math.floor(random() * 48) * HOUR;
    while (t < t0 + 90 * DAY) {
      if (random() < 0.04) {
        // A running on-demand instance: held with no end.
        for (const slot of slots) rows.push({ id: `alc_bench${n++}`, hostId, slot, startsAt: new Date(t), endsAt: null, teamId: "team_benchFill", ownerType: "instance", ownerId: `ins_bench${n}` });
        return;
      }
      const length = (6 + Math.floor(random() * (14 * 24 - 6))) * HOUR;
      for (const slot of slots) rows.push({ id: `alc_bench${n++}`, hostId, slot, startsAt: new Date(t), endsAt: new Date(t + length), teamId: "team_benchFill", ownerType: "reservation", ownerId: `res_bench${n}` });
      t += length + Math.floor(random() * 9 * 24) * HOUR;
    }
  };
  for (const host of catalog.hosts) {
    if (random() < 0.4) book(host.id, [0, 1, 2, 3, 4, 5, 6, 7]);
    else for (let slot = 0; slot < 8; slot++) book(host.id, [slot]);
  }
  for (let i = 0; i < rows.length; i += 5000) await db.insert(allocations).values(rows.slice(i, i + 5000));
  await db.execute(sql`analyze`);
  return rows.length;
}

async function member(database: Database, name: string): Promise<ComputeContext> {
  const ctx: ServiceContext = { db: database.db, actor: { type: "anonymous" }, request: { ip: null, userAgent: "bench" }, now: () => new Date(), log: quiet };
  const { userId, team } = await signUp(ctx, { name, email: `${name.replace(/\W/g, "")}-${randomUUID()}@example.com`, password: "benchmark password" });
  return computeContextOf(await enterTeam({ ...ctx, actor: { type: "user", userId } }, { teamId: team.id }));
}

async function uncontended(database: Database, t0: number) {
  const pools = Object.keys(FLEET).flatMap((model) => REGIONS.map((regionId) => ({ model, regionId })));
  const buyers = await Promise.all(Array.from({ length: WORKERS }, (_, w) => member(database, `Buyer ${w}`)));
  const latencies: number[] = [];
  let failed = 0;
  const deadline = performance.now() + DURATION_MS;
  const started = performance.now();
  await Promise.all(
    buyers.map(async (ctx, w) => {
      const pool = pools[w % pools.length]!;
      const instanceTypeId = `${pool.model.toLowerCase()}-1x`;
      // Past the filled horizon, one hour after another: nobody else wants these slots.
      let start = t0 + 91 * DAY + Math.floor(w / pools.length) * 40 * DAY;
      while (performance.now() < deadline) {
        const begin = performance.now();
        try {
          await purchaseReservation(ctx, {
            name: "bench",
            regionId: pool.regionId,
            instanceTypeId,
            instanceCount: 1,
            startsAt: new Date(start),
            endsAt: new Date(start + HOUR),
            priceNano: reservationPrice({ reservedNanoPerHour: PRICES[pool.model]! }, 1, 1),
            idempotencyKey: randomUUID(),
          });
          latencies.push(performance.now() - begin);
        } catch (error) {
          failed++;
          if (!(error instanceof CapacityError)) throw error;
        }
        start += HOUR;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { workers: WORKERS, seconds: round(seconds), reservations: latencies.length, failed, perSecond: round(latencies.length / seconds, 1), latencyMs: stats(latencies) };
}

async function contended(databases: Database[], t0: number) {
  // A window in which every L40S slot of us-west-2 but one is taken.
  const start = t0 + 170 * DAY;
  const db = databases[0]!.db;
  const window = sql`tstzrange(${new Date(start - HOUR).toISOString()}::timestamptz, ${new Date(start + 3 * HOUR).toISOString()}::timestamptz)`;
  const free = await rowsOf<{ hostId: string; slot: number }>(
    db,
    sql`
      select h.id as "hostId", s.slot from hosts h cross join generate_series(0, 7) s(slot)
      where h.region_id = 'us-west-2' and h.gpu_model = 'L40S'
        and not exists (select 1 from allocations a where a.host_id = h.id and a.slot = s.slot and tstzrange(a.starts_at, a.ends_at) && ${window})
      order by h.id, s.slot`,
  );
  const [keep] = free;
  if (!keep) throw new Error("contended: no free L40S slot in us-west-2 to race for");
  const rows = free
    .filter((f) => f !== keep)
    .map((f) => ({ id: `alc_contend_${f.hostId}_${f.slot}`, hostId: f.hostId, slot: f.slot, startsAt: new Date(start - HOUR), endsAt: new Date(start + 3 * HOUR), teamId: "team_benchFill", ownerType: "reservation" as const, ownerId: "res_benchContend" }));
  for (let i = 0; i < rows.length; i += 5000) await db.insert(allocations).values(rows.slice(i, i + 5000));
  const buyers = await Promise.all(Array.from({ length: CONTENDERS }, (_, i) => member(databases[i % databases.length]!, `Contender ${i}`)));
  const latencies: number[] = [];
  const began = performance.now();
  const outcomes = await Promise.allSettled(
    buyers.map(async (ctx) => {
      const t = performance.now();
      try {
        return await purchaseReservation(ctx, {
          name: "last slot",
          regionId: "us-west-2",
          instanceTypeId: "l40s-1x",
          instanceCount: 1,
          startsAt: new Date(start),
          endsAt: new Date(start + 2 * HOUR),
          priceNano: reservationPrice({ reservedNanoPerHour: PRICES.L40S! }, 2, 1),
          idempotencyKey: randomUUID(),
        });
      } finally {
        latencies.push(performance.now() - t);
      }
    }),
  );
  const wallMs = performance.now() - began;
  const won = outcomes.filter((o) => o.status === "fulfilled").length;
  const gone = outcomes.filter((o) => o.status === "rejected" && o.reason instanceof CapacityError).length;
  const other = outcomes.filter((o) => o.status === "rejected" && !(o.reason instanceof CapacityError)).map((o) => {
      const reason = (o as PromiseRejectedResult).reason as { message?: string; cause?: { code?: string; message?: string } };
      return reason.cause ? `${reason.cause.code}: ${reason.cause.message}` : String(reason.message);
    });
  if (won !== 1 || gone !== CONTENDERS - 1) throw new Error(`contended: ${won} won, ${gone} told it is gone, others: ${other.slice(0, 3).join("; ")}`);
  return { buyers: CONTENDERS, connections: databases.length * 10, won, toldGone: gone, wallMs: round(wallMs), perSecond: round(CONTENDERS / (wallMs / 1000), 1), latencyMs: stats(latencies) };
}

async function availability(db: Db, t0: number) {
  const cases: { name: string; instanceTypeId: string; days: number; bucket: CalendarBucket }[] = [
    { name: "1× H100, 90 days by day", instanceTypeId: "h100-1x", days: 90, bucket: "day" },
    { name: "8× H100, 90 days by day", instanceTypeId: "h100-8x", days: 90, bucket: "day" },
    { name: "1× L40S, 90 days by day", instanceTypeId: "l40s-1x", days: 90, bucket: "day" },
    { name: "1× H100, 14 days by hour", instanceTypeId: "h100-1x", days: 14, bucket: "hour" },
  ];
  const out: Record<string, ReturnType<typeof stats>> = {};
  for (const c of cases) {
    const run = () => availabilityCalendar(db, { instanceTypeId: c.instanceTypeId, from: new Date(t0), days: c.days, bucket: c.bucket });
    for (let i = 0; i < 20; i++) await run();
    const samples: number[] = [];
    for (let i = 0; i < QUERIES; i++) {
      const t = performance.now();
      await run();
      samples.push(performance.now() - t);
    }
    out[c.name] = stats(samples);
  }
  return out;
}

async function main() {
  const fresh = await createFreshDatabase(SERVER_URL, { prefix: "cc_bench" });
  const databases: Database[] = [];
  try {
    databases.push(await openDatabase({ databaseUrl: fresh.url }));
    for (let i = 1; i < 5; i++) databases.push(await openDatabase({ databaseUrl: fresh.url, migrate: false }));
    const db = databases[0]!.db;
    const catalog = benchCatalog();
    await seedComputeCatalog(db, catalog);
    const t0 = Math.ceil(Date.now() / HOUR) * HOUR;
    console.log(`fleet: ${catalog.hosts.length} hosts, ${catalog.hosts.length * 8} GPU slots`);
    const filled = await fillLedger(db, catalog, t0);
    console.log(`ledger: ${filled} allocations over 90 days`);

    const calendar = await availability(db, t0);
    console.log("availability (ms):", calendar);
    const buying = await uncontended(databases[0]!, t0);
    console.log("uncontended purchases:", buying);
    const contention = await contended(databases, t0);
    console.log("contended purchases:", contention);

    const [{ count: allocationCount } = { count: 0 }] = await rowsOf<{ count: number }>(db, sql`select count(*)::int as count from allocations`);
    const [{ version } = { version: "?" }] = await rowsOf<{ version: string }>(db, sql`select version()`);
    const report = {
      at: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? "?", node: process.version, postgres: version.split(" on ")[0] },
      fleet: { hosts: catalog.hosts.length, slots: catalog.hosts.length * 8, allocationsFilled: filled, allocationsAtEnd: allocationCount },
      targets: { uncontendedPerSecond: 500, availabilityP99Ms: 50 },
      uncontended: buying,
      contended: contention,
      availability: calendar,
    };
    const worstP99 = Math.max(...Object.entries(calendar).filter(([name]) => name.includes("90 days")).map(([, s]) => s.p99));
    const md = [
      `# bench:capacity — ${report.at}`,
      "",
      `${report.machine.cpus} × ${report.machine.model}, Node ${report.machine.node}, ${report.machine.postgres}. Fleet: ${report.fleet.hosts} hosts, ${report.fleet.slots} GPU slots; ledger: ${filled.toLocaleString("en")} allocations over 90 days (${allocationCount.toLocaleString("en")} at the end).`,
      "",
      "| measure | figure | target |",
      "|---|---:|---:|",
      `| reservations/s, ${buying.workers} buyers on different capacity (${buying.seconds} s, ${buying.reservations.toLocaleString("en")} bought) | ${buying.perSecond} | ≥ 500 ${buying.perSecond >= 500 ? "✓" : "✗"} |`,
      `| purchase latency uncontended p50 / p99 (ms) | ${buying.latencyMs.p50} / ${buying.latencyMs.p99} | |`,
      `| ${contention.buyers} buyers for the last slot (${contention.connections} connections): won / told gone | ${contention.won} / ${contention.toldGone} | 1 / ${contention.buyers - 1} ✓ |`,
      `| … all ${contention.buyers} answered in (ms); per-call p50 / p99 | ${contention.wallMs}; ${contention.latencyMs.p50} / ${contention.latencyMs.p99} | |`,
      ...Object.entries(calendar).map(([name, s]) => `| availability ${name}: p50 / p99 (ms) | ${s.p50} / ${s.p99} | ${name.includes("90 days") ? `p99 ≤ 50 ${s.p99 <= 50 ? "✓" : "✗"}` : ""} |`),
      "",
      `Worst availability p99 over 90 days: ${worstP99} ms.`,
      "",
    ].join("\n");
    mkdirSync("bench/results", { recursive: true });
    const stamp = report.at.replace(/[:.]/g, "-");
    writeFileSync(`bench/results/capacity-${stamp}.json`, JSON.stringify(report, null, 2));
    writeFileSync(`bench/results/capacity-${stamp}.md`, md);
    console.log("\n" + md);
  } finally {
    await Promise.all(databases.map((d) => d.close()));
    if (process.env.BENCH_KEEP) console.log(`kept database ${fresh.name}`);
    else await fresh.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
