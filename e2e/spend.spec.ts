/**
 * The spend page with real usage: two API calls on two models with a key, a playground run, and a
 * capacity block, all made through the product's own doors (the API, the playground endpoint, the
 * console's tRPC). The page's totals and breakdowns must equal the figures computed here from the
 * catalog prices and the token counts the API returned; a row narrows the page; the CSV files hold
 * the same exact figures.
 */
import { readFileSync } from "node:fs";
import OpenAI from "openai";
import type { Download, Page } from "@playwright/test";
import { formatUsd } from "../components/ui/format";
import { buyCapacityBlock, expect, heading, signUp, test, trpcGet, trpcPost, uniqueId } from "./fixtures";

const LLAMA_8B = "meta-llama/llama-3.1-8b-instruct";
const LLAMA_70B = "meta-llama/llama-3.1-70b-instruct";
/** The default catalog's prices, nano-USD per token ($0.18 and $0.88 per 1M tokens, input and output alike). */
const NANO_PER_TOKEN = { [LLAMA_8B]: 180n, [LLAMA_70B]: 880n };
/** 1× L40S reserved at $0.95 per hour, 2 hours. */
const BLOCK_NANO = 2n * 950_000_000n;

const costOf = (model: keyof typeof NANO_PER_TOKEN, usage: { prompt_tokens: number; completion_tokens: number }) =>
  BigInt(usage.prompt_tokens + usage.completion_tokens) * NANO_PER_TOKEN[model];

/** Rows as the tables order them by default: most expensive first, then by name. */
function byCost(rows: [string, bigint][]): [string, string][] {
  return [...rows].sort((a, b) => (a[1] === b[1] ? a[0].localeCompare(b[0]) : a[1] > b[1] ? -1 : 1)).map(([name, nano]) => [name, formatUsd(nano)]);
}

function tab(page: Page, name: string) {
  return page.getByRole("tab", { name, exact: true });
}

/** The visible breakdown table's rows as [name, cost]. */
async function breakdownRows(page: Page): Promise<[string, string][]> {
  const rows = page.getByRole("tabpanel").getByTestId("breakdown-row");
  const out: [string, string][] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    out.push([(await row.getByRole("link").innerText()).trim(), (await row.getByTestId("breakdown-cost").innerText()).trim()]);
  }
  return out;
}

function csvOf(download: Download): Promise<string[][]> {
  return download.path().then((file) =>
    readFileSync(file, "utf8")
      .trimEnd()
      .split("\r\n")
      .map((line) => line.split(",")),
  );
}

test("the spend page shows seeded usage exactly, narrows to a row, and exports matching CSV", async ({ page, context, baseURL }) => {
  test.setTimeout(120_000);
  const { user, team } = await signUp(page, { firstName: "Penny" });
  const teams = await trpcGet<{ id: string; slug: string }[]>(context.request, "team.list", undefined);
  const teamId = teams.find((t) => t.slug === team.slug)!.id;

  // Usage, through the doors customers use.
  const keyName = `Spend e2e ${uniqueId()}`;
  const { secret } = await trpcPost<{ secret: string }>(context.request, "keys.create", { teamId, name: keyName, scopes: ["inference", "usage:read"] });
  const client = new OpenAI({ baseURL: `${baseURL}/api/v1`, apiKey: secret, maxRetries: 0 });
  const small = await client.chat.completions.create({ model: LLAMA_8B, messages: [{ role: "user", content: "Count to five." }], max_tokens: 12 });
  const large = await client.chat.completions.create({ model: LLAMA_70B, messages: [{ role: "user", content: "Name a colour." }], max_tokens: 20 });
  const played = await context.request.post(`/api/teams/${teamId}/playground/chat/completions`, {
    data: { model: LLAMA_8B, messages: [{ role: "user", content: "Hello there" }], max_tokens: 8 },
  });
  expect(played.ok()).toBe(true);
  const playground = (await played.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
  const block = await buyCapacityBlock(context.request, teamId, { name: "Spend block", instanceTypeId: "gpu-1x-l40s", instanceCount: 1, hours: 2 });
  expect(block.priceNano).toBe(BLOCK_NANO);

  // By hand: tokens × catalog price, and the block's price.
  const small8b = costOf(LLAMA_8B, small.usage!);
  const large70b = costOf(LLAMA_70B, large.usage!);
  const play8b = costOf(LLAMA_8B, playground.usage);
  const tokensNano = small8b + large70b + play8b;
  const totalNano = tokensNano + BLOCK_NANO;

  await test.step("the totals equal the hand-computed figures", async () => {
    await page.goto(`/${team.slug}/spend`);
    await expect(heading(page, "Spend")).toBeVisible();
    // API usage is written in batches; the page shows it once the batch is in.
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId("range-total")).toHaveText(formatUsd(totalNano), { timeout: 2_000 });
    }).toPass({ timeout: 20_000 });
    await expect(page.getByTestId("product-model_tokens")).toHaveText(formatUsd(tokensNano));
    await expect(page.getByTestId("product-reservation")).toHaveText(formatUsd(BLOCK_NANO));
    await expect(page.getByTestId("product-instance_hours")).toHaveText("$0.00");
    await expect(page.getByTestId("mtd-total")).toHaveText(formatUsd(totalNano));
    await expect(page.getByTestId("usage-requests")).toHaveText("3");
    const tokens = small.usage!.prompt_tokens + large.usage!.prompt_tokens + playground.usage.prompt_tokens;
    await expect(page.getByTestId("usage-input-tokens")).toHaveText(tokens.toLocaleString("en-US"));
    await expect(page.getByTestId("usage-instance-hours")).toHaveText("0 h");
    await expect(page.getByText("2 h reserved")).toBeVisible();
    await expect(page.getByRole("heading", { name: "Daily spend" })).toBeVisible();
  });

  await test.step("each breakdown, with names, most expensive first", async () => {
    await tab(page, "Models").click();
    expect(await breakdownRows(page)).toEqual(
      byCost([
        ["Llama 3.1 8B Instruct", small8b + play8b],
        ["Llama 3.1 70B Instruct", large70b],
      ]),
    );
    await tab(page, "API keys").click();
    expect(await breakdownRows(page)).toEqual(byCost([["No API key", play8b + BLOCK_NANO], [keyName, small8b + large70b]]));
    await tab(page, "Instance types").click();
    expect(await breakdownRows(page)).toEqual(byCost([["1× L40S 48 GB", BLOCK_NANO]]));
    await tab(page, "Members").click();
    expect(await breakdownRows(page)).toEqual(byCost([[user.name, play8b + BLOCK_NANO], ["No member", small8b + large70b]]));
  });

  await test.step("sorting a table by name", async () => {
    await tab(page, "Members").click();
    await page.getByRole("tabpanel").getByRole("button", { name: "Member", exact: true }).click();
    expect((await breakdownRows(page)).map(([n]) => n)).toEqual(["No member", user.name].sort((a, b) => a.localeCompare(b)));
  });

  await test.step("clicking a row narrows the whole page to it, with a chip to clear", async () => {
    await tab(page, "Models").click();
    await page.getByRole("tabpanel").getByTestId("breakdown-row").filter({ hasText: "Llama 3.1 8B Instruct" }).getByTestId("breakdown-cost").click();
    await expect(page).toHaveURL(/filter=model&value=meta-llama%2Fllama-3\.1-8b-instruct/);
    await expect(page.getByTestId("filter-chip")).toHaveText("Filtered by model: Llama 3.1 8B Instruct");
    await expect(page.getByTestId("range-total")).toHaveText(formatUsd(small8b + play8b));
    await expect(page.getByTestId("product-reservation")).toHaveText("$0.00");
    await expect(page.getByTestId("usage-requests")).toHaveText("2");
    await tab(page, "API keys").click();
    expect(await breakdownRows(page)).toEqual(byCost([[keyName, small8b], ["No API key", play8b]]));
  });

  await test.step("the breakdown CSV of the narrowed page holds the same figures, exactly", async () => {
    await tab(page, "Models").click();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Models CSV" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^spend-by-model-model-llama-3-1-8b-instruct-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = await csvOf(download);
    expect(rows[0]).toEqual(["model", "model_name", "requests", "errors", "input_tokens", "output_tokens", "instance_hours", "instance_seconds", "reserved_instance_seconds", "cost_usd", "cost_nano"]);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual([
      LLAMA_8B,
      "Llama 3.1 8B Instruct",
      "2",
      "0",
      String(small.usage!.prompt_tokens + playground.usage.prompt_tokens),
      String(small.usage!.completion_tokens + playground.usage.completion_tokens),
      "0.000",
      "0",
      "0",
      expect.stringMatching(/^0\.\d+$/),
      String(small8b + play8b),
    ]);
  });

  await test.step("the chip clears the filter; the raw usage CSV lists every event", async () => {
    await page.getByRole("link", { name: "Clear filter" }).click();
    await expect(page.getByTestId("filter-chip")).toBeHidden();
    await expect(page).not.toHaveURL(/filter=/);
    await expect(page.getByTestId("range-total")).toHaveText(formatUsd(totalNano));
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Raw usage CSV" }).click()]);
    const [header, ...events] = await csvOf(download);
    const cost = header!.indexOf("cost_nano");
    const product = header!.indexOf("product");
    const source = header!.indexOf("source");
    expect(events).toHaveLength(4);
    expect(events.reduce((sum, e) => sum + BigInt(e[cost]!), 0n)).toBe(totalNano);
    expect(events.map((e) => `${e[product]}/${e[source]}`).sort()).toEqual(["model_tokens/api", "model_tokens/api", "model_tokens/playground", "reservation/console"]);
  });

  await test.step("another range: last month is empty, and says so", async () => {
    await page.getByRole("group", { name: "Date range" }).getByRole("button", { name: "Last month" }).click();
    await expect(page).toHaveURL(/range=last_month/);
    await expect(page.getByRole("heading", { name: "No usage in this range" })).toBeVisible();
    await expect(page.getByTestId("range-total")).toHaveText("$0.00");
    // The month to date does not depend on the range.
    await expect(page.getByTestId("mtd-total")).toHaveText(formatUsd(totalNano));
  });
});
