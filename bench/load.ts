/**
 * A closed-loop HTTP load generator, run as its own process so that it does not share an event
 * loop with what it measures: `concurrency` connections each send the next request as soon as the
 * previous answer has been read in full. Prints one JSON line of results.
 *
 *   tsx bench/load.ts '{"url":…, "body":…, "headers":{…}, "concurrency":16, "durationMs":5000}'
 */
import { Agent, request } from "node:http";

export interface LoadSpec {
  url: string;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  concurrency: number;
  durationMs: number;
  warmupMs?: number;
}

/** The one JSON line this prints; bench/wrk.ts answers in the same shape. */
export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  statuses: Record<string, number>;
  errors: number;
}

const spec = JSON.parse(process.argv[2] ?? "{}") as LoadSpec;
const url = new URL(spec.url);
const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
const headers = { ...spec.headers, ...(spec.body ? { "content-length": Buffer.byteLength(spec.body).toString() } : {}) };

function once(): Promise<{ status: number; ms: number }> {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: spec.method ?? "POST", headers, agent },
      (res) => {
        res.on("data", () => {});
        res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: Number(process.hrtime.bigint() - start) / 1e6 }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (spec.body) req.write(spec.body);
    req.end();
  });
}

async function run(durationMs: number, record: boolean) {
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let errors = 0;
  const deadline = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: spec.concurrency }, async () => {
      while (performance.now() < deadline) {
        try {
          const { status, ms } = await once();
          if (record) {
            latencies.push(ms);
            statuses[status] = (statuses[status] ?? 0) + 1;
          }
        } catch {
          errors += 1;
        }
      }
    }),
  );
  return { latencies, statuses, errors };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function report(latencies: number[], statuses: Record<number, number>, errors: number, elapsed: number) {
  latencies.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 1000) / 1000;
  console.log(
    JSON.stringify({
      requests: latencies.length,
      rps: round(latencies.length / elapsed),
      p50: round(percentile(latencies, 50)),
      p90: round(percentile(latencies, 90)),
      p99: round(percentile(latencies, 99)),
      max: round(latencies.at(-1) ?? NaN),
      statuses,
      errors,
    }),
  );
}

async function main() {
  await run(spec.warmupMs ?? 1000, false);
  const started = performance.now();
  const { latencies, statuses, errors } = await run(spec.durationMs, true);
  report(latencies, statuses, errors, (performance.now() - started) / 1000);
  agent.destroy();
}

void main();
