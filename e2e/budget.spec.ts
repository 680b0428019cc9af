/**
 * A budget with a hard cap, set in the console by its owner: spend already past it, the API
 * refuses the next request with 429 insufficient_quota, the spend page and the overview explain
 * why, and the bell carries the alerts.
 */
import OpenAI from "openai";
import { buyCapacityBlock, expect, signUp, test, trpcGet, trpcPost, uniqueId } from "./fixtures";

test("a hard cap set in the console stops API spend, and the console says why", async ({ page, context, baseURL }) => {
  test.setTimeout(90_000);
  const { team } = await signUp(page, { firstName: "Cara" });
  const teams = await trpcGet<{ id: string; slug: string }[]>(context.request, "team.list", undefined);
  const teamId = teams.find((t) => t.slug === team.slug)!.id;
  const { secret } = await trpcPost<{ secret: string }>(context.request, "keys.create", { teamId, name: `Cap ${uniqueId()}`, scopes: ["inference"] });
  const client = new OpenAI({ baseURL: `${baseURL}/api/v1`, apiKey: secret, maxRetries: 0 });
  const ask = () => client.chat.completions.create({ model: "meta-llama/llama-3.1-8b-instruct", messages: [{ role: "user", content: "Say hi" }], max_tokens: 8 });
  await ask();

  // $1.90 of spend: a 2-hour block of 1× L40S, bought through the console's own procedure.
  await buyCapacityBlock(context.request, teamId, { name: "Cap block", instanceTypeId: "gpu-1x-l40s", instanceCount: 1, hours: 2 });

  await page.goto(`/${team.slug}/spend`);
  const card = page.getByRole("region", { name: "Monthly budget" });
  await expect(card).toContainText("No budget set.");

  await test.step("the form explains bad input next to the field", async () => {
    await card.getByRole("button", { name: "Set a budget" }).click();
    const dialog = page.getByRole("dialog", { name: "Set a monthly budget" });
    await dialog.getByRole("textbox", { name: "Budget per month" }).fill("a lot");
    await dialog.getByRole("textbox", { name: "Alert at (% of budget)" }).fill("50, 50");
    await dialog.getByRole("button", { name: "Save budget" }).click();
    await expect(dialog.getByText("Enter an amount in US dollars, e.g. 500 or 1250.50.")).toBeVisible();
    await expect(dialog.getByText("Each threshold once.")).toBeVisible();
    await expect(dialog.getByRole("checkbox", { name: /Also stop on-demand instances/ })).toBeDisabled();

    await dialog.getByRole("textbox", { name: "Budget per month" }).fill("1");
    await dialog.getByRole("textbox", { name: "Alert at (% of budget)" }).fill("50, 80, 100");
    await dialog.getByRole("checkbox", { name: /Hard cap: refuse new spend/ }).check();
    await dialog.getByRole("button", { name: "Save budget" }).click();
    await expect(dialog).toBeHidden();
  });

  await test.step("the spend page says the cap is reached and what that means", async () => {
    await expect(card.getByText("Cap reached")).toBeVisible();
    await expect(card.getByRole("alert")).toContainText("API requests are refused with 429 insufficient_quota");
    await expect(card.getByRole("alert")).toContainText("Running instances keep running.");
  });

  await test.step("the API refuses the next request, naming the cap", async () => {
    // The gateway reads caps through a cache of up to a second.
    await expect(async () => {
      const refused = await ask().then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
      expect(refused).toMatchObject({ code: "insufficient_quota" });
      expect((refused as Error).message).toContain("Your team has reached its monthly budget cap of $1.00.");
    }).toPass({ timeout: 10_000 });
  });

  await test.step("the bell carries the alerts; the overview shows the cap", async () => {
    const bell = page.getByRole("button", { name: /^Notifications, \d+ unread$/ }).first();
    await page.reload();
    await expect(bell).toHaveAccessibleName("Notifications, 3 unread");
    await bell.click();
    const list = page.getByRole("dialog");
    await expect(list.getByText("Monthly budget cap reached")).toBeVisible();
    await expect(list.getByText("80% of the monthly budget used")).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(page.getByRole("button", { name: "Notifications", exact: true }).first()).toBeVisible();

    await page.goto(`/${team.slug}`);
    await expect(page.getByRole("link", { name: /Budget\s*Cap reached · \$1\.00/ })).toBeVisible();
  });
});
