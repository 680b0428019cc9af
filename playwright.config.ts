import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

/**
 * Browser tests run against `next start` (a production build: run `next build` first, or use
 * `npm test`, which does everything in order) with Debian's Chromium, since `npx playwright install`
 * cannot download browsers on these machines.
 *
 * The database is always a fresh one made for the run:
 *   - E2E_DATABASE_URL (set by scripts/test.sh when TEST_DATABASE_URL is set): a PostgreSQL database;
 *   - otherwise E2E_DATA_DIR (set by scripts/test.sh), or a temporary directory made here and
 *     removed when Playwright exits: an embedded PGlite database.
 */

const PORT = Number(process.env.E2E_PORT ?? 3100);
const BASE_URL = `http://127.0.0.1:${PORT}`;
/** The mail sink (e2e/mail-sink.ts): SMTP for the console, HTTP for the tests to read mails. */
const SMTP_PORT = PORT + 1;
const MAIL_SINK_URL = `http://127.0.0.1:${PORT + 2}`;
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Any 32+ character string; only ever used by this throwaway test server. */
const TEST_AUTH_SECRET = "e2e-only-auth-secret-not-for-production-0123456789";

// The config is loaded by the runner and again by every worker; workers inherit the runner's
// environment, so the directory made here by the runner is the one they all see.
function dataDir(): string {
  if (process.env.E2E_DATA_DIR) return process.env.E2E_DATA_DIR;
  const dir = mkdtempSync(path.join(os.tmpdir(), "cc-e2e-data-"));
  process.env.E2E_DATA_DIR = dir;
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
const DATA_DIR = dataDir();

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results",
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  // Two cores: one browser plus next-server is what this machine runs comfortably.
  workers: Number(process.env.E2E_WORKERS ?? 1),
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL: BASE_URL,
    actionTimeout: 10_000,
    navigationTimeout: 20_000,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    video: "off",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: CHROMIUM,
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
          ],
        },
      },
    },
  ],
  webServer: [
    {
      command: `exec npx tsx e2e/mail-sink.ts ${SMTP_PORT} ${PORT + 2}`,
      url: `${MAIL_SINK_URL}/health`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
    // `exec` so that stopping the shell stops next-server too.
    command: `exec npx next start -H 127.0.0.1 -p ${PORT}`,
    // The Auth.js CSRF route answers 200 as soon as the server is up (and, through instrumentation,
    // the database is migrated), whatever pages exist.
    url: `${BASE_URL}/api/auth/csrf`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
    env: {
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      AUTH_SECRET: TEST_AUTH_SECRET,
      AUTH_TRUST_HOST: "true",
      DATA_DIR,
      // Empty values win over a developer's .env files (Next never overrides a variable that is set)
      // and count as unset for the app, so a local DATABASE_URL or OAuth app never leaks into tests.
      DATABASE_URL: process.env.E2E_DATABASE_URL ?? "",
      AUTH_GITHUB_ID: "",
      AUTH_GITHUB_SECRET: "",
      AUTH_GOOGLE_ID: "",
      AUTH_GOOGLE_SECRET: "",
      SIGN_IN_MAX_FAILURES: "3",
      SIGN_IN_LOCKOUT_MINUTES: "15",
      // Simulated machines boot in 2 s instead of 8, so lifecycle tests wait less.
      SIMULATED_BOOT_SECONDS: "2",
      // Mails go over SMTP to the mail sink, with links to this server.
      SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
      MAIL_FROM: "Compute Console <no-reply@console.test>",
      PUBLIC_URL: BASE_URL,
      LOG_LEVEL: "warn",
      },
    },
  ],
});
