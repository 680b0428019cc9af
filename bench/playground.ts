/**
 * `npm run bench:playground`: time to first token as a customer sees it in the playground, with the
 * local engine as shipped (paced at LOCAL_ENGINE_TOKENS_PER_SECOND, default 50).
 *
 * Starts the console (`next start`, building it first if there is no build) on a fresh embedded
 * database, or on a fresh PostgreSQL database when BENCH_DATABASE_URL names a server; signs up in
 * Debian's Chromium, then runs the playground again and again, reading the page's own "First token"
 * figure (from pressing Run to the first token on screen: session check, gateway, engine, stream).
 * Results: bench/results/playground-*.json and .md. Environment: BENCH_RUNS (default 30).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Page } from "@playwright/test";
import { createFreshDatabase } from "../server/db/testing/postgres";
import { randomBase62 } from "../server/db/ids";
import { percentile } from "./common";

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const WARMUP = 3;
const PORT = 18100;
const BASE = `http://127.0.0.1:${PORT}`;
const children: ChildProcess[] = [];
// Next.js itself rather than through npx, so that stopping the child stops the server.
const NEXT_BIN = "node_modules/next/dist/bin/next";

function start(command: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
  child.stderr?.on("data", (d: Buffer) => process.stderr.write(`[next] ${d}`));
  children.push(child);
  return child;
}

async function waitFor(url: string) {
  for (let i = 0; i < 600; i++) {
    if (await fetch(url).then((r) => r.status < 500, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

function summarise(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { runs: values.length, min: sorted[0]!, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted.at(-1)! };
}

/** Runs the playground once and returns each pane's "First token" in milliseconds. */
async function runOnce(page: Page, panes: number): Promise<number[]> {
  await page.getByRole("button", { name: /^Run/ }).click();
  const figures: number[] = [];
  for (let n = 1; n <= panes; n++) {
    const stat = page.getByTestId(`pane-${n}`).getByTestId("stat-ttft");
    await stat.waitFor({ timeout: 60_000 });
    figures.push(Number((await stat.innerText()).replace(" ms", "")));
  }
  return figures;
}

async function main() {
  const work = mkdtempSync(path.join(os.tmpdir(), "cc-bench-playground-"));
  const serverUrl = process.env.BENCH_DATABASE_URL;
  const fresh = serverUrl ? await createFreshDatabase(serverUrl, { prefix: "cc_bench" }) : null;
  if (!existsSync(".next/BUILD_ID")) {
    console.log("building the console (next build) …");
    await new Promise((resolve, reject) =>
      start(process.execPath, [NEXT_BIN, "build"], {}).once("exit", (code) => (code === 0 ? resolve(null) : reject(new Error("build failed")))),
    );
  }
  start(process.execPath, [NEXT_BIN, "start", "-H", "127.0.0.1", "-p", String(PORT)], {
    ...(fresh ? { DATABASE_URL: fresh.url } : { DATA_DIR: path.join(work, "data"), DATABASE_URL: "" }),
    AUTH_SECRET: randomBase62(40),
    AUTH_TRUST_HOST: "true",
    NODE_ENV: "production",
  });
  await waitFor(`${BASE}/api/auth/csrf`);

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  try {
    const page = await browser.newPage({ baseURL: BASE, viewport: { width: 1440, height: 900 } });
    await page.goto("/sign-up");
    await page.getByRole("textbox", { name: "Name", exact: true }).fill("Bench Tester");
    await page.getByLabel("Email", { exact: true }).fill(`bench-${Date.now()}@example.com`);
    await page.getByLabel("Password", { exact: true }).fill("benchmark password");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL((url) => url.pathname !== "/sign-up", { timeout: 60_000 });
    await page.goto(`${new URL(page.url()).pathname}/playground`);
    await page.getByLabel("Message 1 (user)").fill("Tell me about GPUs and memory bandwidth.");
    await page.getByRole("button", { name: "Parameters of pane 1" }).click();
    await page.getByLabel("Max tokens", { exact: true }).fill("8");

    const single: number[] = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const [ttft] = await runOnce(page, 1);
      if (i >= WARMUP) single.push(ttft!);
    }
    // Three models at once: three streams through the same server in parallel.
    await page.getByRole("button", { name: "Compare" }).click();
    await page.getByRole("button", { name: "Add model" }).click();
    for (const n of [2, 3]) {
      await page.getByRole("button", { name: `Parameters of pane ${n}` }).click();
      await page.getByTestId(`pane-${n}`).getByLabel("Max tokens", { exact: true }).fill("8");
    }
    const compare: number[] = [];
    for (let i = 0; i < WARMUP + Math.ceil(RUNS / 3); i++) {
      const figures = await runOnce(page, 3);
      if (i >= WARMUP) compare.push(...figures);
    }

    const report = {
      benchmark: "playground",
      at: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
      database: fresh ? "postgresql" : "pglite",
      engine: `local, ${process.env.LOCAL_ENGINE_TOKENS_PER_SECOND ?? 50} tokens/s`,
      measure: "the playground's own First token figure: from pressing Run to the first token on screen, in Chromium, next start",
      warmupRuns: WARMUP,
      oneModel: summarise(single),
      threeModels: summarise(compare),
    };
    const row = (label: string, s: ReturnType<typeof summarise>) =>
      `| ${label} | ${s.runs} | ${s.min} | ${s.p50} | ${s.p90} | ${s.p99} | ${s.max} |`;
    const md = [
      `# Playground benchmark — ${report.at}`,
      "",
      `${report.machine.cpus} CPUs (${report.machine.model}), Node ${report.machine.node}, database ${report.database}, ${report.engine}. ${report.measure}; ${WARMUP} warm-up runs left out.`,
      "",
      "| time to first token (ms) | runs | min | p50 | p90 | p99 | max |",
      "|---|---:|---:|---:|---:|---:|---:|",
      row("one model", report.oneModel),
      row("three models side by side (each pane)", report.threeModels),
      "",
    ].join("\n");
    mkdirSync("bench/results", { recursive: true });
    const stamp = report.at.replace(/[:.]/g, "-");
    writeFileSync(`bench/results/playground-${stamp}.json`, JSON.stringify(report, null, 2));
    writeFileSync(`bench/results/playground-${stamp}.md`, md);
    console.log("\n" + md);
  } finally {
    await browser.close();
    // The server goes first, so that dropping its database cuts no live connection.
    await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once("exit", resolve).kill("SIGTERM")) : null)));
    if (fresh) await fresh.drop().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  });
