/**
 * The public API as a customer uses it: a key made in the console, the official `openai` client
 * pointed at this deployment's /api/v1, the console showing the key's use, and a revoked key
 * refused on its next call.
 */
import OpenAI from "openai";
import type { Page } from "@playwright/test";
import { expect, signUp, test, uniqueId } from "./fixtures";

function keyRow(page: Page, name: string) {
  return page.getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });
}

test("a key created in the console calls the API, shows its use, and stops working once revoked", async ({ page, context, baseURL }) => {
  test.setTimeout(90_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const { team } = await signUp(page, { firstName: "Ola" });
  const name = `API ${uniqueId()}`;

  await page.goto(`/${team.slug}/keys`);
  await page.getByRole("button", { name: "Create key" }).first().click();
  const form = page.getByRole("dialog", { name: "Create API key" });
  await form.getByRole("textbox", { name: "Name" }).fill(name);
  await form.getByRole("button", { name: "Create key" }).click();
  const created = page.getByRole("dialog", { name: "Key created" });
  await created.getByRole("button", { name: "Copy", exact: true }).click();
  const secret = await page.evaluate(() => navigator.clipboard.readText());
  expect(secret).toMatch(/^cc_sk_/);
  await created.getByRole("button", { name: "Done" }).click();
  await expect(keyRow(page, name)).toContainText("Last used Never");

  const client = new OpenAI({ baseURL: `${baseURL}/api/v1`, apiKey: secret, maxRetries: 0 });
  const models = await client.models.list();
  expect(models.data.length).toBeGreaterThan(0);
  const answer = await client.chat.completions.create({
    model: "meta-llama/llama-3.1-8b-instruct",
    messages: [{ role: "user", content: "Say hello" }],
    max_tokens: 8,
  });
  expect(answer.choices[0]!.message.content!.length).toBeGreaterThan(0);

  await test.step("the console shows when the key was last used and what it did", async () => {
    await page.reload();
    await expect(keyRow(page, name)).not.toContainText("Last used Never");
    await page.getByRole("link", { name, exact: true }).click();
    const day = page.getByRole("region", { name: "Last 24 hours" });
    await expect(day).toContainText("Requests");
    // Usage is written in batches; the page shows it once the batch is in.
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole("region", { name: "Last 24 hours" }).getByText("1", { exact: true }).first()).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 10_000 });
  });

  await test.step("revoked, the key is refused on the next call", async () => {
    await page.goto(`/${team.slug}/keys`);
    await page.getByRole("button", { name: `Actions for ${name}` }).click();
    await page.getByRole("menuitem", { name: "Revoke" }).click();
    await page.getByRole("dialog", { name: `Revoke key ${name}?` }).getByRole("button", { name: "Revoke key" }).click();
    await expect(keyRow(page, name)).toContainText("Revoked");
    await expect(async () => {
      await expect(client.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    }).toPass({ timeout: 3_000 });
  });
});
