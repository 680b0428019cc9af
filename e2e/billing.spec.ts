/**
 * Credits and invoices in the console: last month's usage, closed into an invoice the way the
 * worker closes a month, seen on the Billing page, on the invoice, on paper and as CSV, with the
 * amounts computed by hand.
 *
 * Usage in a past month cannot be made through the UI, so e2e/billing-seed.ts writes it through
 * the services. On PostgreSQL (E2E_DATABASE_URL) it seeds the database the test server uses. An
 * embedded database belongs to one process, so on PGlite it seeds a fresh one and starts a second
 * `next start` on it for this spec alone.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { BrowserContext } from "@playwright/test";
import { expect, heading, signIn, test } from "./fixtures";

interface Seeded {
  email: string;
  password: string;
  teamId: string;
  teamSlug: string;
  month: string;
  blockId: string;
  startupGrantId: string;
  welcomeGrantId: string;
  invoiceId: string;
  invoiceNumber: string;
}

function seed(env: Record<string, string>): Seeded {
  const out = execFileSync("npx", ["tsx", "e2e/billing-seed.ts"], { env: { ...process.env, ...env }, encoding: "utf8", timeout: 120_000 });
  return JSON.parse(out.trim().split("\n").pop()!) as Seeded;
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
    if (server.exitCode !== null) throw new Error(`the billing test server exited (${server.exitCode}):\n${log()}`);
    const ok = await fetch(`${url}/api/auth/csrf`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the billing test server did not answer within 90 s:\n${log()}`);
}

let seeded: Seeded;
let baseURL: string | undefined;
let stopServer: (() => Promise<void>) | undefined;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  if (process.env.E2E_DATABASE_URL) {
    seeded = seed({ DATABASE_URL: process.env.E2E_DATABASE_URL });
    return;
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "cc-e2e-billing-"));
  seeded = seed({ DATA_DIR: dataDir, DATABASE_URL: "" });
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
  stopServer = async () => {
    if (server.exitCode === null) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      process.kill(-server.pid!, "SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (server.exitCode === null) process.kill(-server.pid!, "SIGKILL");
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  baseURL = `http://127.0.0.1:${port}`;
  await waitForServer(baseURL, server, () => output);
});

test.afterAll(async () => {
  await stopServer?.();
});

test("last month's invoice: balance, lines and totals, print and CSV match the hand-computed figures", async ({ openContext }) => {
  test.setTimeout(90_000);
  const context: BrowserContext = await openContext(baseURL ? { baseURL } : {});
  const page = await context.newPage();
  const { invoiceNumber: number, month } = seeded;
  const monthName = new Intl.DateTimeFormat("en", { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${month}T00:00:00Z`));

  await signIn(page, seeded);
  await expect(page).toHaveURL((url) => url.pathname === `/${seeded.teamSlug}`);

  await test.step("Billing shows the credit left and last month's invoice", async () => {
    await page.getByRole("navigation").first().getByRole("link", { name: "Billing", exact: true }).click();
    await expect(heading(page, "Billing")).toBeVisible();
    // $100 went to the invoice; the $50 granted after the month ended is still there.
    await expect(page.getByTestId("credit-balance")).toHaveText("$50.00");
    const row = page.getByTestId("invoice-row");
    await expect(row).toHaveCount(1);
    // innerText: the number's cell also holds the month for phones, hidden on this wide window.
    await expect(row.getByRole("cell")).toHaveText([number, monthName, "$387.155", "-$100.00", "$287.155", /\w{3} \d{1,2}, \d{4}/], { useInnerText: true });

    const grants = page.getByTestId("credit-grant");
    await expect(grants).toHaveCount(2);
    await expect(grants.nth(0)).toContainText("Welcome credit");
    await expect(grants.nth(0)).toContainText("Active");
    await expect(grants.nth(1)).toContainText("Startup program");
    await expect(grants.nth(1)).toContainText("Used up");
    await expect(grants.nth(1).getByRole("link", { name: number })).toBeVisible();
  });

  await test.step("the invoice lists each line with its quantity, then subtotal, credit and total due", async () => {
    await page.getByTestId("invoice-row").getByRole("link", { name: number }).click();
    await expect(page).toHaveURL((url) => url.pathname === `/${seeded.teamSlug}/billing/invoices/${seeded.invoiceId}`);
    await expect(heading(page, "Invoice")).toBeVisible();
    await expect(page.getByTestId("invoice-number")).toHaveText(number);
    const invoice = page.getByRole("article", { name: `Invoice ${number}` });
    await expect(invoice).toContainText("Bill's team");
    await expect(invoice).toContainText(monthName);
    const lines = page.getByTestId("invoice-line");
    await expect(lines).toHaveCount(4);
    await expect(lines.nth(0)).toContainText("Llama 3.1 8B Instruct");
    await expect(lines.nth(0).getByTestId("invoice-line-quantity")).toHaveText("1,000,000 input tokens500,000 output tokens");
    await expect(lines.nth(1)).toContainText("1× H100 SXM 80 GB instances on demand");
    await expect(lines.nth(1).getByTestId("invoice-line-quantity")).toHaveText("1.5 hours");
    await expect(lines.nth(2)).toContainText("Capacity block “Fine-tune run”: 8× H100 SXM 80 GB × 2, US East");
    await expect(lines.nth(2).getByTestId("invoice-line-quantity")).toHaveText("20 instance-hours");
    await expect(lines.nth(3)).toContainText("Credit: Startup program");
    await expect(page.getByTestId("invoice-line-amount")).toHaveText(["$0.27", "$4.485", "$382.40", "-$100.00"]);
    await expect(page.getByTestId("invoice-subtotal")).toHaveText("$387.155");
    await expect(page.getByTestId("invoice-credits")).toHaveText("-$100.00");
    await expect(page.getByTestId("invoice-total")).toHaveText("$287.155");
  });

  await test.step("on paper only the invoice shows: no navigation, no buttons", async () => {
    await page.emulateMedia({ media: "print" });
    await expect(page.getByRole("article", { name: `Invoice ${number}` })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Console" })).toBeHidden();
    await expect(page.getByRole("button", { name: "Print" })).toBeHidden();
    await expect(page.getByRole("link", { name: "Download CSV" })).toBeHidden();
    await page.emulateMedia({ media: "screen" });
    await expect(page.getByRole("navigation", { name: "Console" })).toBeVisible();
  });

  await test.step("Download CSV gives the same lines and totals, exact", async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
    expect(download.suggestedFilename()).toBe(`${number}.csv`);
    const csv = readFileSync((await download.path())!, "utf8");
    const n = `${number},${month}`;
    expect(csv.split("\r\n")).toEqual([
      "invoice,month,line,kind,reference,description,input_tokens,output_tokens,quantity_seconds,hours,amount_usd",
      `${n},1,model,meta-llama/llama-3.1-8b-instruct,Llama 3.1 8B Instruct,1000000,500000,,,0.27`,
      `${n},2,instance_type,gpu-1x-h100-sxm,1× H100 SXM 80 GB instances on demand,,,5400,1.5,4.485`,
      `${n},3,reservation,${seeded.blockId},"Capacity block “Fine-tune run”: 8× H100 SXM 80 GB × 2, US East",,,72000,20,382.40`,
      `${n},4,credit,${seeded.startupGrantId},Credit: Startup program,,,,,-100.00`,
      `${n},,subtotal,,Subtotal,,,,,387.155`,
      `${n},,credits,,Credits applied,,,,,-100.00`,
      `${n},,total,,Total due,,,,,287.155`,
      "",
    ]);
  });

  await test.step("the CSV of an invoice the team does not have is a 404", async () => {
    const response = await page.request.get(`/api/teams/${seeded.teamId}/invoices/inv_doesNotExist00000000/csv`);
    expect(response.status()).toBe(404);
    expect(await response.text()).toBe("Invoice not found.\n");
  });
});
