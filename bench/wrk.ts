/**
 * Load from wrk (a C load generator, Debian package `wrk`) when the machine has it. On a two-CPU
 * machine the generator shares the CPUs with what it measures; bench/load.ts, written in Node,
 * spends about as much CPU per request as the engine does, which caps every target alike and hides
 * what the server under test costs. wrk spends a fraction of that.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LoadResult, LoadSpec } from "./load";

export function hasWrk(): boolean {
  return spawnSync("wrk", ["--version"]).error === undefined;
}

/** A Lua long string that cannot be closed early by what it quotes. */
function luaString(value: string): string {
  let level = "";
  while (value.includes(`]${level}]`)) level += "=";
  return `[${level}[${value}]${level}]`;
}

function script(spec: LoadSpec): string {
  const headers = Object.entries(spec.headers ?? {})
    .map(([name, value]) => `wrk.headers[ ${luaString(name)} ] = ${luaString(value)}`)
    .join("\n");
  return `
wrk.method = ${luaString(spec.method ?? "POST")}
${spec.body ? `wrk.body = ${luaString(spec.body)}` : ""}
${headers}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"durationUs":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d,"non2xx":%d,"socketErrors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.status, e.connect + e.read + e.write + e.timeout))
end
`;
}

function runWrk(scriptFile: string, spec: LoadSpec, seconds: number): Promise<string> {
  return new Promise((resolve, reject) => {
    // One thread: a second would take CPU from the servers for no gain at these rates.
    const child = spawn("wrk", ["-t1", `-c${spec.concurrency}`, `-d${seconds}s`, "--timeout", "10s", "-s", scriptFile, spec.url], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited ${code}`))));
  });
}

export async function loadWithWrk(spec: LoadSpec): Promise<LoadResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cc-wrk-"));
  try {
    const file = path.join(dir, "request.lua");
    writeFileSync(file, script(spec));
    await runWrk(file, spec, Math.max(1, Math.round((spec.warmupMs ?? 1000) / 1000)));
    const out = await runWrk(file, spec, Math.max(1, Math.round(spec.durationMs / 1000)));
    const line = out.split("\n").find((l) => l.startsWith("{"));
    if (!line) throw new Error(`wrk printed no summary:\n${out}`);
    const r = JSON.parse(line) as { requests: number; durationUs: number; p50: number; p90: number; p99: number; max: number; non2xx: number; socketErrors: number };
    const ms = (us: number) => Math.round(us) / 1000;
    const statuses: Record<string, number> = { "2xx": r.requests - r.non2xx };
    if (r.non2xx > 0) statuses.other = r.non2xx;
    return {
      requests: r.requests,
      rps: Math.round((r.requests / (r.durationUs / 1e6)) * 1000) / 1000,
      p50: ms(r.p50),
      p90: ms(r.p90),
      p99: ms(r.p99),
      max: ms(r.max),
      statuses,
      errors: r.socketErrors,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
