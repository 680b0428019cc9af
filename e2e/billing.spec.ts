/**
 * Credits and invoices in the console: last month's usage, closed into an invoice the way the
 * worker closes a month, seen on the Billing page, on the invoice, on paper and as CSV, with the
 * amounts computed by hand.
 *
 * Usage in a past month cannot be made through the UI, so e2e/billing-seed.ts writes it through
 * the services, and e2e/seeded-server.ts serves the result: on PostgreSQL (E2E_DATABASE_URL) the
 * test server's own database, on PGlite a fresh one behind a second `next start` for this spec alone.
 */
import { readFileSync } from "node:fs";
import type { BrowserContext } from "@playwright/test";
import { expect, heading, signIn, test } from "./fixtures";
import { seededConsole, type SeededConsole } from "./seeded-server";

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

let world: SeededConsole<Seeded> | undefined;
let seeded: Seeded;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  world = await seededConsole<Seeded>(["e2e/billing-seed.ts"]);
  seeded = world.seeded[0]!;
});

test.afterAll(async () => {
  await world?.stop();
});

test("last month's invoice: balance, lines and totals, print and CSV match the hand-computed figures", async ({ openContext }) => {
  test.setTimeout(90_000);
  const baseURL = world?.baseURL;
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
