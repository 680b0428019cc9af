/**
 * `npm run bench:gateway`: what the gateway adds on top of the engine it relays to.
 *
 * The local engine runs as its own HTTP server at zero pacing (the "direct" target). A bare
 * node:http relay (bench/relay.ts) forwards to it without keys, limits or metering: the floor for
 * any gateway on Node.js. The same model is put in the catalog behind an openai-compatible backend
 * pointing at the engine, and served by the standalone gateway (`npm run gateway`) and by the
 * console's Next.js mount (`next start`). The standalone gateway also serves it from the same
 * engine inside its own process (a `local` backend), which separates the gateway's own work from
 * the cost of the extra HTTP hop. Load comes from wrk where it is installed (`apt-get install
 * wrk`), else from bench/load.ts, at concurrency 1, 16 and 64. Each run of a target is compared
 * with a direct run made just before it, as the machine's speed drifts within minutes. Then a
 * flood of malformed and unknown keys shows that none reaches the engine.
 *
 * Database: PostgreSQL when BENCH_DATABASE_URL names a server (a fresh database is created and
 * dropped), else a fresh embedded PGlite directory. Results: bench/results/gateway-*.json and .md.
 * Environment: BENCH_DURATION_MS (default 5000), BENCH_CONCURRENCY (default "1,16,64"),
 * BENCH_LOADGEN=node to use bench/load.ts even where wrk is installed,
 * BENCH_TARGETS to run some of relay, standalone, inProcess and next besides direct while working on
 * the gateway (e.g. "standalone"; no report is saved), BENCH_SKIP_NEXT=1 for all but next,
 * BENCH_GATEWAY_BUNDLE=dist/other.mjs to measure another build of `npm run gateway:build`.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../server/db/client";
import { createFreshDatabase } from "../server/db/testing/postgres";
import { randomBase62 } from "../server/db/ids";
import { createBenchKey, seedBenchCatalog } from "./common";
import type { LoadResult, LoadSpec } from "./load";
import { hasWrk, loadWithWrk } from "./wrk";

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? "1,16,64").split(",").map(Number);
const ALL_TARGETS = ["direct", "relay", "standalone", "inProcess", "next"];
const TARGETS = new Set(
  process.env.BENCH_TARGETS
    ? ["direct", ...process.env.BENCH_TARGETS.split(",").map((t) => t.trim())]
    : ALL_TARGETS.filter((t) => t !== "next" || !process.env.BENCH_SKIP_NEXT),
);
for (const t of TARGETS) if (!ALL_TARGETS.includes(t)) throw new Error(`BENCH_TARGETS: unknown target ${t} (known: ${ALL_TARGETS.join(", ")})`);
const ENGINE_PORT = 18088;
const GATEWAY_PORT = 18080;
const RELAY_PORT = 18087;
const NEXT_PORT = 18000;
const children: ChildProcess[] = [];
// Next.js itself rather than through npx, so that stopping the child stops the server.
const NEXT_BIN = "node_modules/next/dist/bin/next";

function start(name: string, command: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  child.stderr?.on("data", (d: Buffer) => process.stderr.write(`[${name}] ${d}`));
  children.push(child);
  return child;
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
}

/** Throws when something already listens on `port`: the benchmark would measure it instead. */
async function assertPortFree(port: number) {
  const taken = await new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1", () => (socket.destroy(), resolve(true)));
    socket.on("error", () => resolve(false));
  });
  if (taken) throw new Error(`Port ${port} is in use; stop what listens there (a server left from an earlier run?).`);
}

/** Waits until `child` answers at `url`. */
async function waitFor(child: ChildProcess, url: string, init?: RequestInit) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: the server exited (code ${child.exitCode}).`);
    if (await fetch(url, init).then((r) => r.status < 500, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

// BENCH_LOADGEN=node forces bench/load.ts even where wrk is installed.
const WRK = process.env.BENCH_LOADGEN !== "node" && hasWrk();

function load(spec: LoadSpec): Promise<LoadResult> {
  if (WRK) return loadWithWrk(spec);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bench/load.ts", JSON.stringify(spec)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").at(-1)!)) : reject(new Error(`load exited ${code}`))));
  });
}

/**
 * CPU seconds of PostgreSQL on this machine (the benchmark's database is the only busy one): its
 * processes, and the connections that have ended, which the postmaster counts as reaped children.
 */
function postgresCpuSeconds(): number | null {
  try {
    return readdirSync("/proc")
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "postgres";
        } catch {
          return false;
        }
      })
      .reduce((sum, pid) => sum + (cpuSeconds(Number(pid), true) ?? 0), 0);
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc; null where there is no /proc. */
function cpuSeconds(pid: number | undefined, withReapedChildren = false): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    const children = withReapedChildren ? Number(fields[13]) + Number(fields[14]) : 0;
    return (Number(fields[11]) + Number(fields[12]) + children) / 100;
  } catch {
    return null;
  }
}

const engineCalls = async () => ((await (await fetch(`http://127.0.0.1:${ENGINE_PORT + 1}/`)).json()) as { calls: number }).calls;

async function main() {
  for (const port of [ENGINE_PORT, ENGINE_PORT + 1, RELAY_PORT, GATEWAY_PORT, NEXT_PORT]) await assertPortFree(port);
  const work = mkdtempSync(path.join(os.tmpdir(), "cc-bench-"));
  const serverUrl = process.env.BENCH_DATABASE_URL;
  const fresh = serverUrl ? await createFreshDatabase(serverUrl, { prefix: "cc_bench" }) : null;
  const cleanUp = async () => {
    if (fresh) await fresh.drop();
    rmSync(work, { recursive: true, force: true });
  };
  const dbEnv: Record<string, string> = fresh ? { DATABASE_URL: fresh.url } : { DATA_DIR: path.join(work, "data"), DATABASE_URL: "" };

  // The catalog: the same model served over HTTP by the engine process, and inside the gateway's;
  // a team and an API key with no limits of its own.
  const database = await openDatabase(fresh ? { databaseUrl: fresh.url } : { dataDir: dbEnv.DATA_DIR! });
  const catalogFile = await seedBenchCatalog(database.db, work, [
    {
      id: "bench/upstream-chat",
      description: "The local engine over HTTP, for the gateway benchmark.",
      endpoints: ["chat", "completions"],
      backend: { engine: "openai-compatible", base_url: `http://127.0.0.1:${ENGINE_PORT}/v1`, upstream_model: "local-chat" },
    },
    {
      id: "bench/local-chat",
      description: "The same engine inside the gateway's process, for the gateway benchmark.",
      endpoints: ["chat", "completions"],
      backend: { engine: "local" },
    },
  ]);
  const secret = await createBenchKey(database.db);
  await database.close();

  const body = JSON.stringify({
    model: "bench/upstream-chat",
    messages: [{ role: "user", content: "Say something about GPUs." }],
    max_tokens: 32,
    temperature: 0,
  });
  const localBody = body.replace("bench/upstream-chat", "bench/local-chat");
  const serverEnv = {
    ...dbEnv,
    CATALOG_FILE: catalogFile,
    TEAM_REQUESTS_PER_MINUTE: "100000000",
    TEAM_TOKENS_PER_MINUTE: "1000000000",
    AUTH_SECRET: randomBase62(40),
    NODE_ENV: "production",
    LOCAL_ENGINE_TOKENS_PER_SECOND: "0",
  };

  // CPU used so far by each process the requests pass through.
  const watched: Record<string, () => number | null> = {};
  const engine = start("engine", process.execPath, ["--import", "tsx", "bench/engine.ts"], { ENGINE_PORT: String(ENGINE_PORT) });
  watched.engine = () => cpuSeconds(engine.pid);
  // PostgreSQL's processes: metering writes every request (PGlite's work shows in the gateway's CPU).
  if (fresh) watched.database = () => postgresCpuSeconds();
  await waitFor(engine, `http://127.0.0.1:${ENGINE_PORT}/health`);

  const targets: Record<string, { url: string; headers: Record<string, string>; body?: string }> = {
    direct: { url: `http://127.0.0.1:${ENGINE_PORT}/v1/chat/completions`, headers: { "content-type": "application/json" } },
    relay: { url: `http://127.0.0.1:${RELAY_PORT}/v1/chat/completions`, headers: { "content-type": "application/json" } },
    standalone: {
      url: `http://127.0.0.1:${GATEWAY_PORT}/v1/chat/completions`,
      headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
    },
    inProcess: {
      url: `http://127.0.0.1:${GATEWAY_PORT}/v1/chat/completions`,
      headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
      body: localBody,
    },
    next: {
      url: `http://127.0.0.1:${NEXT_PORT}/api/v1/chat/completions`,
      headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
    },
  };
  const results: Record<string, Record<number, LoadResult & { cpuUsPerRequest?: Record<string, number> }>> = { direct: {}, relay: {}, standalone: {}, inProcess: {}, next: {} };
  // The machine's speed drifts within minutes, so each target is compared with a direct run made
  // just before it at the same concurrency, not only with the first direct runs.
  const directBefore: Record<string, Record<number, LoadResult>> = {};
  const run = async (target: string, concurrency: number) => {
    if (target !== "direct") {
      const before = await load({ body, ...targets.direct!, concurrency, durationMs: DURATION_MS, warmupMs: 1000 });
      (directBefore[target] ??= {})[concurrency] = before;
      console.log(`  direct   c=${String(concurrency).padEnd(3)} ${before.rps.toFixed(0).padStart(6)} req/s  p50 ${before.p50.toFixed(2)} ms  p99 ${before.p99.toFixed(2)} ms  (just before)`);
    }
    // CPU per request of each server process, over the measured run and its warm-up.
    const cpuBefore = Object.fromEntries(Object.entries(watched).map(([name, cpu]) => [name, cpu()]));
    const result = await load({ body, ...targets[target]!, concurrency, durationMs: DURATION_MS, warmupMs: 1000 });
    const served = result.requests * ((DURATION_MS + 1000) / DURATION_MS);
    const cpuUsPerRequest = Object.fromEntries(
      Object.entries(watched)
        .map(([name, cpu]) => [name, cpu(), cpuBefore[name]] as const)
        .filter(([, after, before]) => after !== null && before !== null && before !== undefined)
        .map(([name, after, before]) => [name, Math.round(((after! - before!) / served) * 1e6)]),
    );
    results[target]![concurrency] = { ...result, cpuUsPerRequest };
    console.log(
      `${target.padEnd(10)} c=${String(concurrency).padEnd(3)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50.toFixed(2)} ms  p99 ${result.p99.toFixed(2)} ms  ` +
        `${JSON.stringify(result.statuses)}  CPU µs/request ${JSON.stringify(cpuUsPerRequest)}`,
    );
  };

  for (const c of CONCURRENCY) await run("direct", c);

  if (TARGETS.has("relay")) {
    const relay = start("relay", process.execPath, ["--import", "tsx", "bench/relay.ts"], {
      RELAY_PORT: String(RELAY_PORT),
      RELAY_UPSTREAM: `http://127.0.0.1:${ENGINE_PORT}`,
    });
    watched.relay = () => cpuSeconds(relay.pid);
    await waitFor(relay, `http://127.0.0.1:${RELAY_PORT}/v1/chat/completions`, { method: "POST", body, headers: { "content-type": "application/json" } });
    for (const c of CONCURRENCY) await run("relay", c);
    await stop(relay);
    delete watched.relay;
  }

  // BENCH_GATEWAY_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to look inside the gateway.
  const gatewayNodeArgs = (process.env.BENCH_GATEWAY_NODE_ARGS ?? "").split(" ").filter(Boolean);
  // What `npm run gateway` runs, started here directly so that its CPU is the process's own.
  // BENCH_GATEWAY_BUNDLE measures another build instead (say, an earlier commit's), for A/B runs.
  const bundle = process.env.BENCH_GATEWAY_BUNDLE;
  const build = bundle ? { status: 0 } : spawnSync("npm", ["run", "--silent", "gateway:build"], { stdio: "inherit" });
  if (build.status !== 0) throw new Error("npm run gateway:build failed");
  const gateway = start("gateway", process.execPath, [...gatewayNodeArgs, bundle ?? "dist/gateway.mjs"], {
    ...serverEnv,
    GATEWAY_PORT: String(GATEWAY_PORT),
  });
  await waitFor(gateway, `http://127.0.0.1:${GATEWAY_PORT}/v1/models`);
  watched.gateway = () => cpuSeconds(gateway.pid);
  if (TARGETS.has("standalone")) for (const c of CONCURRENCY) await run("standalone", c);
  if (TARGETS.has("inProcess")) for (const c of CONCURRENCY) await run("inProcess", c);
  delete watched.gateway;

  // The flood: none of these may reach the engine, and unknown keys cost one lookup each at most.
  // wrk stops mid-request: let what the gateway still relays reach the engine before counting.
  let before = await engineCalls();
  for (let settled = -1; settled !== before; ) {
    settled = before;
    await new Promise((r) => setTimeout(r, 500));
    before = await engineCalls();
  }

  const flood = async (keys: string[]) => {
    const started = performance.now();
    await Promise.all(
      keys.map((key) =>
        fetch(targets.standalone!.url, { method: "POST", body, headers: { "content-type": "application/json", authorization: `Bearer ${key}` } }).then((r) => r.arrayBuffer()),
      ),
    );
    return Math.round(keys.length / ((performance.now() - started) / 1000));
  };
  const malformedRate = await flood(Array.from({ length: 2000 }, (_, i) => `cc_sk_garbage${i}`));
  const unknownRate = await flood(Array.from({ length: 2000 }, () => `cc_sk_${randomBase62(46)}`));
  const floodEngineCalls = (await engineCalls()) - before;
  await stop(gateway);
  console.log(`flood: 2000 malformed keys at ${malformedRate}/s, 2000 unknown keys at ${unknownRate}/s → ${floodEngineCalls} engine calls`);

  if (TARGETS.has("next")) {
    if (!existsSync(".next/BUILD_ID")) {
      console.log("building the console for the Next.js mount (next build) …");
      await new Promise((resolve, reject) =>
        start("build", process.execPath, [NEXT_BIN, "build"], {}).once("exit", (code) => (code === 0 ? resolve(null) : reject(new Error("build failed")))),
      );
    }
    const next = start("next", process.execPath, [NEXT_BIN, "start", "-H", "127.0.0.1", "-p", String(NEXT_PORT)], serverEnv);
    watched.next = () => cpuSeconds(next.pid);
    await waitFor(next, `http://127.0.0.1:${NEXT_PORT}/api/v1/models`);
    for (const c of CONCURRENCY) await run("next", c);
    await stop(next);
  }
  // A partial run is for working on the gateway: its figures are printed above, not kept.
  if (ALL_TARGETS.some((t) => !TARGETS.has(t))) return cleanUp();

  const versus = (target: LoadResult, direct: LoadResult) => ({
    rps: target.rps,
    p50: target.p50,
    p99: target.p99,
    directRps: direct.rps,
    addedP50: +(target.p50 - direct.p50).toFixed(3),
    addedP99: +(target.p99 - direct.p99).toFixed(3),
    throughputVsDirect: +(target.rps / direct.rps).toFixed(3),
  });
  const summary = CONCURRENCY.map((c) => {
    const d = results.direct![c]!;
    return {
      concurrency: c,
      direct: { rps: d.rps, p50: d.p50, p99: d.p99 },
      relay: versus(results.relay![c]!, directBefore.relay![c]!),
      standalone: versus(results.standalone![c]!, directBefore.standalone![c]!),
      inProcess: versus(results.inProcess![c]!, directBefore.inProcess![c]!),
      next: versus(results.next![c]!, directBefore.next![c]!),
    };
  });
  // The targets, judged on the standalone gateway relaying to the engine.
  const at = (c: number) => summary.find((row) => row.concurrency === c);
  const c16 = at(16);
  const c64 = at(64);
  const verdicts = [
    ...(c64
      ? [{ target: "throughput at 64 connections ≥ 70 % of direct", measured: `${(c64.standalone.throughputVsDirect * 100).toFixed(0)} %`, met: c64.standalone.throughputVsDirect >= 0.7 }]
      : []),
    ...(c16
      ? [
          { target: "added p50 at 16 connections ≤ 1 ms", measured: `+${c16.standalone.addedP50.toFixed(2)} ms`, met: c16.standalone.addedP50 <= 1 },
          { target: "added p99 at 16 connections ≤ 5 ms", measured: `+${c16.standalone.addedP99.toFixed(2)} ms`, met: c16.standalone.addedP99 <= 5 },
        ]
      : []),
  ];
  const report = {
    benchmark: "gateway",
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
    database: fresh ? "postgresql" : "pglite",
    durationMs: DURATION_MS,
    loadGenerator: WRK ? "wrk, 1 thread" : "bench/load.ts (Node.js)",
    request: "POST chat/completions, 1 user message, max_tokens 32, temperature 0, not streamed",
    summary,
    targets: verdicts,
    flood: {
      malformedKeys: 2000,
      unknownKeys: 2000,
      malformedPerSecond: malformedRate,
      unknownPerSecond: unknownRate,
      engineCalls: floodEngineCalls,
    },
    raw: results,
    rawDirectBefore: directBefore,
  };
  const md = [
    `# Gateway benchmark — ${report.at}`,
    "",
    `${report.machine.cpus} CPUs (${report.machine.model}), Node ${report.machine.node}, database ${report.database}, load from ${report.loadGenerator}, ` +
      `${DURATION_MS / 1000}s per run after 1s warm-up. ${report.request}.`,
    "",
    "Requests/s (share of direct), then latency added to direct's p50 / p99 in ms. Shares and added latency are against a direct run made just before each " +
      "(the machine's speed drifts within minutes); the direct columns are the first direct runs. The bare relay (bench/relay.ts) only parses and forwards: the floor for any gateway on node:http.",
    "",
    "| concurrency | direct req/s | direct p50 / p99 ms | bare Node.js relay | standalone gateway, relaying to the engine | standalone gateway, engine in its process | Next.js mount, relaying |",
    "|---:|---:|---:|---:|---:|---:|---:|",
    ...summary.map((r) => {
      const signed = (ms: number) => `${ms >= 0 ? "+" : ""}${ms.toFixed(2)}`;
      const cell = (t: ReturnType<typeof versus>) =>
        `${t.rps.toFixed(0)} (${(t.throughputVsDirect * 100).toFixed(0)}% of ${t.directRps.toFixed(0)}), ${signed(t.addedP50)} / ${signed(t.addedP99)}`;
      return `| ${r.concurrency} | ${r.direct.rps.toFixed(0)} | ${r.direct.p50.toFixed(2)} / ${r.direct.p99.toFixed(2)} | ${cell(r.relay)} | ${cell(r.standalone)} | ${cell(r.inProcess)} | ${cell(r.next)} |`;
    }),
    "",
    "CPU per request in µs, from /proc, warm-up included" + (fresh ? " (database: every PostgreSQL process, i.e. metering's writes)" : "") + ":",
    "",
    "| concurrency | direct | bare relay | standalone, relaying | standalone, engine in its process | Next.js mount |",
    "|---:|---|---|---|---|---|",
    ...CONCURRENCY.map((c) => {
      const cpu = (target: string) =>
        Object.entries(results[target]![c]!.cpuUsPerRequest ?? {})
          .filter(([, us]) => us > 0)
          .map(([name, us]) => `${name} ${us}`)
          .join(", ");
      return `| ${c} | ${cpu("direct")} | ${cpu("relay")} | ${cpu("standalone")} | ${cpu("inProcess")} | ${cpu("next")} |`;
    }),
    "",
    "Targets, for the standalone gateway relaying to the engine: " +
      verdicts.map((v) => `${v.target}: ${v.measured}, ${v.met ? "met" : "not met"}`).join("; ") +
      ".",
    "",
    `Flood: 2,000 malformed keys (${malformedRate}/s) and 2,000 distinct unknown keys (${unknownRate}/s) → ${floodEngineCalls} calls reached the engine. ` +
      "(Database work per key is covered by server/services/keys/verify-key.test.ts: none for a malformed key, one lookup per distinct unknown key per second.)",
    "",
  ].join("\n");
  mkdirSync("bench/results", { recursive: true });
  const stamp = report.at.replace(/[:.]/g, "-");
  writeFileSync(`bench/results/gateway-${stamp}.json`, JSON.stringify(report, null, 2));
  writeFileSync(`bench/results/gateway-${stamp}.md`, md);
  console.log("\n" + md);

  await cleanUp();
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await Promise.all(children.map(stop));
  });
