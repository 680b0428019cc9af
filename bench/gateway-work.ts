/**
 * `npm run bench:gateway-work`: where the gateway's CPU goes per request, without the HTTP server
 * in front of it, so that its own work can be told apart from the HTTP it cannot avoid.
 *
 * Calls the gateway's handler (`reply`, what the standalone server calls) in a loop from this
 * process, 16 requests in flight, and reads this process's CPU time per request in three ways:
 *   - own work: the model's backend is an engine in this process that returns a fixed answer at
 *     once, so the figure is the gateway's own work (key check, body parsing and validation,
 *     prompt tokens, limits, engine routing, metering, the answer);
 *   - relayed: the backend is an openai-compatible upstream, a separate process that returns the
 *     same answer at once over HTTP, through the gateway's upstream client;
 *   - bare dispatch: the in-process engine calls the same upstream with undici's pool and nothing
 *     around it, so that relayed minus this is what the gateway's upstream client adds to a call.
 * The modes run in turns (BENCH_ROUNDS, default 3) so that the machine's drift touches them alike.
 *
 * Database: a fresh PostgreSQL database when BENCH_DATABASE_URL names a server, else a fresh
 * embedded PGlite directory. Results: bench/results/gateway-work-*.json and .md.
 * Environment: BENCH_REQUESTS per mode and round (default 20000), BENCH_ROUNDS, BENCH_MODES to run
 * some of own, relayed and bare (e.g. "own" under `node --cpu-prof`;
 * no report is saved).
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Pool } from "undici";
import { openDatabase } from "../server/db/client";
import { createFreshDatabase } from "../server/db/testing/postgres";
import { createGateway, createMemoryRateLimiter } from "../server/services/inference/gateway";
import { countChatTokens, countTokens } from "../server/services/inference/local";
import type { ChatChunk, Engine } from "../server/services/inference/types";
import { createBenchKey, seedBenchCatalog } from "./common";
import { dispatchText } from "./dispatch";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const IN_FLIGHT = 16;
const UPSTREAM_PORT = 18098;
const quiet = { info() {}, warn() {}, error() {} };

const CONTENT = "Several cards can work together, layers rather than one card holding a whole model in memory at once.";
const USAGE = { prompt_tokens: 12, completion_tokens: 32, total_tokens: 44 };
const ANSWER = JSON.stringify({
  id: "chatcmpl-fixed",
  object: "chat.completion",
  created: 1_700_000_000,
  model: "fixed",
  choices: [{ index: 0, message: { role: "assistant", content: CONTENT, refusal: null }, logprobs: null, finish_reason: "length" }],
  usage: USAGE,
});

// The upstream: answers every request with ANSWER at once, from its own process.
const UPSTREAM_SOURCE = `
const { createServer } = require("node:http");
const text = ${JSON.stringify(ANSWER)};
createServer((req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(200, ["content-type", "application/json", "content-length", String(Buffer.byteLength(text))]).end(text));
}).listen(${UPSTREAM_PORT}, "127.0.0.1", () => console.log("ready"));
process.on("SIGTERM", () => process.exit(0));
`;

function chunkOf(json: { id: string; created: number; model: string; choices: Array<{ message: { content: string }; finish_reason: string }>; usage: typeof USAGE }): ChatChunk {
  const choice = json.choices[0]!;
  return {
    id: json.id,
    object: "chat.completion.chunk",
    created: json.created,
    model: json.model,
    choices: [{ index: 0, delta: { role: "assistant", content: choice.message.content }, finish_reason: choice.finish_reason as "length" }],
    usage: json.usage,
  };
}

const pool = new Pool(`http://127.0.0.1:${UPSTREAM_PORT}`, { keepAliveTimeout: 60_000 });
const bareBody = JSON.stringify({ model: "fixed", messages: [{ role: "user", content: "Say something about GPUs." }], max_tokens: 32, stream: false });
/** One upstream call with undici's pool and nothing around it. */
async function bareDispatch(): Promise<ChatChunk> {
  const answer = await dispatchText(pool, "/v1/chat/completions", bareBody);
  if (answer.status !== 200) throw new Error(`the upstream answered ${answer.status}`);
  return chunkOf(JSON.parse(answer.text));
}

const MODES = {
  own: { model: "bench/fixed", label: "own work (engine in process, fixed answer)" },
  relayed: { model: "bench/upstream", label: "relayed to an HTTP upstream by the gateway's client" },
  bare: { model: "bench/bare", label: "own work plus the same upstream called by a bare undici dispatch" },
} as const;
type Mode = keyof typeof MODES;

async function main() {
  const work = mkdtempSync(path.join(os.tmpdir(), "cc-bench-work-"));
  const serverUrl = process.env.BENCH_DATABASE_URL;
  const fresh = serverUrl ? await createFreshDatabase(serverUrl, { prefix: "cc_bench" }) : null;
  const database = await openDatabase(fresh ? { databaseUrl: fresh.url } : { dataDir: path.join(work, "data") });
  const upstream = spawn(process.execPath, ["-e", UPSTREAM_SOURCE], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    await new Promise((resolve, reject) => {
      upstream.stdout!.once("data", resolve);
      upstream.once("exit", () => reject(new Error("the upstream did not start")));
    });

    const description = "For the gateway work benchmark.";
    await seedBenchCatalog(database.db, work, [
      { id: "bench/fixed", description, endpoints: ["chat"], backend: { engine: "local" } },
      {
        id: "bench/upstream",
        description,
        endpoints: ["chat"],
        backend: { engine: "openai-compatible", base_url: `http://127.0.0.1:${UPSTREAM_PORT}/v1`, upstream_model: "fixed" },
      },
      { id: "bench/bare", description, endpoints: ["chat"], backend: { engine: "local" } },
    ]);
    const secret = await createBenchKey(database.db);

    // The `local` backend of both in-process models: a fixed answer, or the bare upstream call.
    const fixed: Engine = {
      chat(request) {
        if (request.model === "bench/bare") return (async function* () { yield await bareDispatch(); })();
        return (async function* () { yield chunkOf(JSON.parse(ANSWER)); })();
      },
      complete() {
        throw new Error("not in this benchmark");
      },
      embed() {
        throw new Error("not in this benchmark");
      },
    };
    const gateway = createGateway({
      db: database.db,
      log: quiet,
      basePaths: ["/v1"],
      limits: { teamRequestsPerMinute: 1e9, teamTokensPerMinute: 1e12, maxBodyBytes: 64 * 1024 },
      rateLimiter: createMemoryRateLimiter(),
      localEngine: () => fixed,
      tokenizer: { countTokens, countChatTokens },
      timeouts: { connectMs: 2_000, firstTokenMs: 5_000, totalMs: 20_000 },
    });

    const bodies = Object.fromEntries(
      Object.entries(MODES).map(([mode, { model }]) => {
        const bytes = Buffer.from(JSON.stringify({ model, messages: [{ role: "user", content: "Say something about GPUs." }], max_tokens: 32, temperature: 0 }));
        return [mode, bytes];
      }),
    ) as Record<Mode, Buffer>;

    // What the standalone server hands the handler: headers as node:http read them, the body on
    // demand, and a signal per request for a client that goes away.
    const call = async (mode: Mode) => {
      const body = bodies[mode];
      const headers: Record<string, string> = { authorization: `Bearer ${secret}`, "content-type": "application/json", "content-length": String(body.byteLength) };
      const reply = await gateway.reply({
        url: "http://127.0.0.1:8080/v1/chat/completions",
        method: "POST",
        headers: { get: (name) => headers[name.toLowerCase()] ?? null },
        signal: new AbortController().signal,
        body: null,
        arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
      });
      if (!("text" in reply) || reply.status !== 200) throw new Error(`${mode}: the gateway answered ${reply.status}`);
    };
    const run = async (mode: Mode, requests: number) => {
      let sent = 0;
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (sent++ < requests) await call(mode);
        }),
      );
      // Usage events are written in batches: their cost belongs to the requests that made them.
      await gateway.deps.usage.flush();
    };

    const modes = (process.env.BENCH_MODES?.split(",").map((m) => m.trim()) ?? Object.keys(MODES)) as Mode[];
    for (const mode of modes) if (!(mode in MODES)) throw new Error(`BENCH_MODES: unknown mode ${mode} (known: ${Object.keys(MODES).join(", ")})`);
    for (const mode of modes) await run(mode, 3_000);
    const samples: Record<Mode, Array<{ cpuUs: number; userUs: number; rps: number }>> = { own: [], relayed: [], bare: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of modes) {
        const cpu = process.cpuUsage();
        const started = performance.now();
        await run(mode, REQUESTS);
        const used = process.cpuUsage(cpu);
        const sample = {
          cpuUs: (used.user + used.system) / REQUESTS,
          userUs: used.user / REQUESTS,
          rps: REQUESTS / ((performance.now() - started) / 1000),
        };
        samples[mode].push(sample);
        console.log(`${mode.padEnd(8)} round ${round + 1}: ${sample.cpuUs.toFixed(1)} µs CPU/request (user ${sample.userUs.toFixed(1)}), ${Math.round(sample.rps)} req/s`);
      }
    }
    await gateway.close();

    const range = (values: number[]) => `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const report = {
      at: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? "unknown", node: process.version },
      database: fresh ? "PostgreSQL" : "PGlite",
      requestsPerRound: REQUESTS,
      rounds: ROUNDS,
      inFlight: IN_FLIGHT,
      modes: Object.fromEntries(
        modes.map((mode) => [
          mode,
          {
            label: MODES[mode].label,
            cpuUsPerRequest: samples[mode].map((s) => Number(s.cpuUs.toFixed(1))),
            userUsPerRequest: samples[mode].map((s) => Number(s.userUs.toFixed(1))),
            requestsPerSecond: samples[mode].map((s) => Math.round(s.rps)),
          },
        ]),
      ),
    };
    const md = [
      `# Gateway work benchmark — ${report.at}`,
      "",
      `${report.machine.cpus} CPUs (${report.machine.model}), Node ${report.machine.node}, database ${report.database}. ` +
        `The gateway's handler called in this process, ${IN_FLIGHT} requests in flight, ${REQUESTS} requests per mode and round, ${ROUNDS} rounds taken in turns. ` +
        "CPU is this process's (the upstream's and the database's are not counted).",
      "",
      "| mode | CPU µs/request (median, range) | of it in user space | req/s |",
      "|---|---:|---:|---:|",
      ...modes.map((mode) => {
        const s = samples[mode];
        return `| ${MODES[mode].label} | ${median(s.map((x) => x.cpuUs)).toFixed(0)} (${range(s.map((x) => x.cpuUs))}) | ${median(s.map((x) => x.userUs)).toFixed(0)} | ${median(s.map((x) => x.rps)).toFixed(0)} |`;
      }),
      "",
    ].join("\n");
    // A partial run is for working on the gateway: its figures are printed above, not kept.
    if (process.env.BENCH_MODES) return;
    mkdirSync("bench/results", { recursive: true });
    const stamp = report.at.replace(/[:.]/g, "-");
    writeFileSync(`bench/results/gateway-work-${stamp}.json`, JSON.stringify(report, null, 2));
    writeFileSync(`bench/results/gateway-work-${stamp}.md`, md);
    console.log("\n" + md);
  } finally {
    upstream.kill("SIGTERM");
    await pool.close();
    await database.close();
    if (fresh) await fresh.drop().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

void main();
