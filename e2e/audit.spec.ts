/**
 * The audit log: an owner renames the team and creates and revokes a key, then finds exactly those
 * events in the log, narrows it by action and by date range (UTC days), and downloads the filtered
 * log as CSV. Somebody else gets a 404 for the download.
 */
import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { expect, heading, signUp, test, trpcGet, uniqueId } from "./fixtures";

/** RFC 4180 as the export writes it: quoted fields with doubled quotes, CRLF between rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  return rows;
}

const rows = (page: Page) => page.getByTestId("audit-row");
const descriptions = (page: Page) => page.getByTestId("audit-description");

test("the audit log shows an owner's changes, filters them by action and date, and exports what it shows", async ({ page, context, openContext }) => {
  test.setTimeout(120_000);
  const { user, team } = await signUp(page, { firstName: "Audra" });
  const teamId = (await trpcGet<{ id: string; slug: string }[]>(context.request, "team.list", undefined)).find((t) => t.slug === team.slug)!.id;
  const newName = `Audited ${uniqueId()}`;
  const keyName = `Audit key ${uniqueId()}`;
  const today = new Date().toISOString().slice(0, 10);

  await test.step("rename the team, create a key and revoke it", async () => {
    await page.goto(`/${team.slug}/settings`);
    const teamName = page.getByRole("textbox", { name: "Team name" });
    const save = page.getByRole("button", { name: "Save changes" });
    // A fill that lands while the page hydrates can be cut short or undone; fill until it holds
    // and the form (enabled only once hydrated and changed) takes it.
    await expect(async () => {
      await teamName.fill(newName);
      await expect(teamName).toHaveValue(newName, { timeout: 1_000 });
      await expect(save).toBeEnabled({ timeout: 1_000 });
    }).toPass({ timeout: 10_000 });
    await save.click();
    await expect(page.getByText("Team settings saved").first()).toBeVisible();

    await page.goto(`/${team.slug}/keys`);
    await page.getByRole("button", { name: "Create key" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Create API key" });
    await dialog.getByRole("textbox", { name: "Name" }).fill(keyName);
    await dialog.getByRole("button", { name: "Create key" }).click();
    await page.getByRole("dialog", { name: "Key created" }).getByRole("button", { name: "Done" }).click();
    await page.getByRole("button", { name: `Actions for ${keyName}` }).click();
    await page.getByRole("menuitem", { name: "Revoke" }).click();
    await page.getByRole("dialog", { name: `Revoke key ${keyName}?` }).getByRole("button", { name: "Revoke key" }).click();
    await expect(page.getByText("Key revoked")).toBeVisible();
  });

  await test.step("the log lists them, newest first, with who did it and from where", async () => {
    await page.getByRole("navigation").getByRole("link", { name: "Audit log", exact: true }).first().click();
    await expect(page).toHaveURL((url) => url.pathname === `/${team.slug}/audit`);
    await expect(heading(page, "Audit log")).toBeVisible();
    await expect(descriptions(page).first()).toHaveText(`revoked API key “${keyName}”`);
    await expect(descriptions(page)).toContainText([
      `revoked API key “${keyName}”`,
      `created API key “${keyName}”`,
      `changed name from “${team.name}” to “${newName}”`,
      "signed in",
      "created the team",
    ]);
    const revoked = rows(page).first();
    await expect(revoked).toContainText(user.name);
    await expect(revoked).toContainText(/127\.0\.0\.1/);
    await expect(revoked.getByTestId("audit-target").filter({ visible: true })).toContainText(`API key ${keyName}`);
  });

  await test.step("filter by one action, then by the group of API key actions", async () => {
    await page.getByLabel("Action").selectOption("key.revoked");
    await expect(page).toHaveURL((url) => url.searchParams.get("action") === "key.revoked");
    await expect(descriptions(page)).toHaveText([`revoked API key “${keyName}”`]);

    await page.getByLabel("Action").selectOption("key.");
    await expect(page).toHaveURL((url) => url.searchParams.get("action") === "key.");
    await expect(descriptions(page)).toHaveText([`revoked API key “${keyName}”`, `created API key “${keyName}”`]);
    // The filters live in the URL: a reload shows the same rows.
    await page.reload();
    await expect(descriptions(page)).toHaveText([`revoked API key “${keyName}”`, `created API key “${keyName}”`]);
  });

  await test.step("filter by date range: today (UTC) keeps them, another month shows the empty state", async () => {
    await page.getByLabel("From (UTC)").fill(today);
    await page.getByLabel("To (UTC), included").fill(today);
    await expect(page).toHaveURL((url) => url.searchParams.get("from") === today && url.searchParams.get("to") === today);
    await expect(descriptions(page)).toHaveText([`revoked API key “${keyName}”`, `created API key “${keyName}”`]);

    await page.getByLabel("To (UTC), included").fill("2020-01-31");
    await expect(page.getByText("The last day must be on or after the first day.")).toBeVisible();
    await expect(page).toHaveURL((url) => url.searchParams.get("to") === today);

    await page.getByLabel("From (UTC)").fill("2020-01-01");
    await expect(page).toHaveURL((url) => url.searchParams.get("from") === "2020-01-01" && url.searchParams.get("to") === "2020-01-31");
    await expect(page.getByRole("heading", { name: "No events match these filters" })).toBeVisible();
    await expect(rows(page)).toHaveCount(0);

    await page.getByLabel("From (UTC)").fill(today);
    await page.getByLabel("To (UTC), included").fill(today);
    await expect(descriptions(page)).toHaveCount(2);
  });

  await test.step("download the filtered log as CSV", async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
    expect(download.suggestedFilename()).toBe(`audit-log-${team.slug}-${today}-to-${today}.csv`);
    const [header, ...events] = parseCsv(readFileSync((await download.path())!, "utf8"));
    expect(header).toEqual(["time", "actor_type", "actor_id", "actor_name", "actor_email", "action", "description", "target_type", "target_id", "ip", "user_agent", "details"]);
    expect(events.map((e) => [e[1], e[3], e[4], e[5], e[6], e[7]])).toEqual([
      ["user", user.name, user.email, "key.revoked", `revoked API key “${keyName}”`, "api_key"],
      ["user", user.name, user.email, "key.created", `created API key “${keyName}”`, "api_key"],
    ]);
    for (const event of events) {
      expect(event[0]).toMatch(new RegExp(`^${today}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$`));
      expect(event[8]).toMatch(/^key_[0-9A-Za-z]{20}$/);
      expect(event[9]).toMatch(/127\.0\.0\.1/);
      expect(event[10]).toContain("Chrome");
      expect(JSON.parse(event[11]!)).toMatchObject({ name: keyName });
    }
  });

  await test.step("clear the filters: the whole log is back", async () => {
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect(page).toHaveURL((url) => url.pathname === `/${team.slug}/audit` && url.search === "");
    await expect(descriptions(page)).toContainText(["created the team"]);
  });

  await test.step("somebody else gets a 404 for the team's log, page and CSV alike", async () => {
    const stranger = await (await openContext()).newPage();
    await signUp(stranger, { firstName: "Sneaky" });
    const csv = await stranger.request.get(`/api/teams/${teamId}/audit.csv`);
    expect(csv.status()).toBe(404);
    expect(await csv.text()).not.toContain(keyName);
    const response = await stranger.goto(`/${team.slug}/audit`);
    expect(response?.status()).toBe(404);
  });
});
