import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * A console whose database a seed script (run with tsx, printing its result as JSON on the last
 * line) filled through the services, for what the UI cannot make: usage in a past month, issued
 * invoices. On PostgreSQL (E2E_DATABASE_URL) the scripts seed the database the test server uses. An
 * embedded database belongs to one process, so on PGlite they seed a fresh one and a second
 * `next start` serves it; `baseURL` is then that server's, else undefined (the configured one).
 */
export interface SeededConsole<T> {
  seeded: T[];
  baseURL: string | undefined;
  stop(): Promise<void>;
}

function runSeed<T>(script: string, env: Record<string, string>): T {
  const out = execFileSync("npx", ["tsx", script], { env: { ...process.env, ...env }, encoding: "utf8", timeout: 120_000 });
  return JSON.parse(out.trim().split("\n").pop()!) as T;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, server: ChildProcess, log: () => string) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the seeded test server exited (${server.exitCode}):\n${log()}`);
    const ok = await fetch(`${url}/api/auth/csrf`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the seeded test server did not answer within 90 s:\n${log()}`);
}

/** Runs each script once, in order, then serves the result. */
export async function seededConsole<T>(scripts: string[]): Promise<SeededConsole<T>> {
  if (process.env.E2E_DATABASE_URL) {
    const env = { DATABASE_URL: process.env.E2E_DATABASE_URL };
    return { seeded: scripts.map((script) => runSeed<T>(script, env)), baseURL: undefined, stop: async () => {} };
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "cc-e2e-seeded-"));
  const seeded = scripts.map((script) => runSeed<T>(script, { DATA_DIR: dataDir, DATABASE_URL: "" }));
  const port = await freePort();
  let output = "";
  // Its own process group, so that stopping it stops next-server too.
  const server = spawn(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "start", "-H", "127.0.0.1", "-p", String(port)], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      AUTH_SECRET: "e2e-only-auth-secret-not-for-production-0123456789",
      AUTH_TRUST_HOST: "true",
      DATA_DIR: dataDir,
      DATABASE_URL: "",
      AUTH_GITHUB_ID: "",
      AUTH_GITHUB_SECRET: "",
      AUTH_GOOGLE_ID: "",
      AUTH_GOOGLE_SECRET: "",
    },
  });
  server.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  server.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    if (server.exitCode === null) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      process.kill(-server.pid!, "SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (server.exitCode === null) process.kill(-server.pid!, "SIGKILL");
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const baseURL = `http://127.0.0.1:${port}`;
  try {
    await waitForServer(baseURL, server, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { seeded, baseURL, stop };
}
