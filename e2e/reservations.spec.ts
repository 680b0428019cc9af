/**
 * Capacity blocks in the console: search, reserve (the price shown is the price charged), see the
 * block in the list and its GPUs gone from the calendar, open it, cancel it and get the refund.
 */
import type { Locator, Page } from "@playwright/test";
import { expect, heading, signUp, test } from "./fixtures";

// Not UTC, so that the reader's time zone and the calendar's UTC days really differ.
test.use({ timezoneId: "America/New_York" });

function calendar(page: Page): Locator {
  return page.getByRole("region", { name: "Availability" });
}

/** Free instances per day (UTC) in one region's row of the calendar, and the days' labels. */
async function calendarRow(page: Page, regionName: string): Promise<{ days: string[]; free: number[] }> {
  const table = calendar(page).getByRole("table");
  const days = (await table.getByRole("columnheader").allInnerTexts()).slice(1).map((t) => t.replace(/\s+/g, " ").trim());
  const free = (await table.getByRole("row", { name: new RegExp(`^${regionName}`) }).getByRole("cell").allInnerTexts()).map(Number);
  return { days, free };
}

/** "Nov 30": a UTC day as the calendar's column headers name it. */
function utcDay(at: Date): string {
  return new Intl.DateTimeFormat("en", { month: "short", day: "numeric", timeZone: "UTC" }).format(at);
}

test("reserve a capacity block, see it in the list and the calendar, then cancel it for a refund", async ({ page, openContext }) => {
  test.setTimeout(90_000);
  const { team } = await signUp(page, { firstName: "Rosa" });

  await test.step("Reservations starts empty, with the calendar of what is free", async () => {
    await page.getByRole("navigation").first().getByRole("link", { name: "Reservations", exact: true }).click();
    await expect(heading(page, "Reservations")).toBeVisible();
    await expect(page.getByRole("heading", { name: "No capacity blocks yet" })).toBeVisible();
    await expect(calendar(page).getByRole("row", { name: /^US East/ })).toBeVisible();
  });
  const before = await calendarRow(page, "US East");
  expect(before.free).toHaveLength(14);
  expect(before.free.every((n) => n > 2)).toBe(true);

  const search = page.getByRole("form", { name: "Search for capacity" });
  await test.step("the search form: a count no region can hold is refused next to the field", async () => {
    await page.getByRole("button", { name: "Reserve capacity" }).first().click();
    await search.getByLabel("Instance type").selectOption("gpu-1x-h100-sxm");
    await search.getByLabel("Instances", { exact: true }).fill("250");
    await search.getByLabel("Duration", { exact: true }).fill("4");
    await search.getByRole("button", { name: "Search", exact: true }).click();
    await expect(search.getByText(/At most \d+ instances of 1× H100 SXM 80 GB fit in any one region/)).toBeVisible();
    await expect(search.getByLabel("Instances", { exact: true })).toHaveAttribute("aria-invalid", "true");
  });

  const offerings = page.getByTestId("offering");
  await test.step("2× H100 SXM for 4 hours: up to six offerings at $2.39 × 4 h × 2 = $19.12", async () => {
    await search.getByLabel("Instances", { exact: true }).fill("2");
    await search.getByRole("button", { name: "Search", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: /offerings? for 1× H100 SXM 80 GB × 2/ })).toBeVisible();
    const count = await offerings.count();
    expect(count).toBeGreaterThanOrEqual(1);
    expect(count).toBeLessThanOrEqual(6);
    for (let i = 0; i < count; i++) await expect(offerings.nth(i).getByTestId("offering-price")).toHaveText("$19.12");
    await expect(offerings.first()).toContainText("4 hours");
    await expect(offerings.first()).toContainText("$2.39/hr per instance");
  });

  const first = offerings.first();
  const regionName = (await first.getByRole("heading").innerText()).trim();
  // With an empty fleet every region has room at the earliest start; the first in catalog order leads.
  expect(regionName).toBe("US East");
  const startsAt = new Date((await first.locator("time").first().getAttribute("datetime"))!);

  await test.step("reserve the first one: a name and the exact price to confirm", async () => {
    await first.getByRole("button", { name: "Reserve" }).click();
    const dialog = page.getByRole("dialog", { name: "Reserve this block?" });
    await expect(dialog.getByTestId("purchase-price")).toHaveText("$19.12");
    await expect(dialog).toContainText("$2.39/hr × 4 h × 2 instances");
    await dialog.getByLabel("Name").fill("Fine-tune run");
    // A double click buys once: one idempotency key per opening of the dialog.
    await dialog.getByRole("button", { name: "Reserve for $19.12" }).dblclick();
    await expect(dialog).toBeHidden();
    await expect(page.getByText("Reserved Fine-tune run for $19.12").first()).toBeVisible();
  });

  await test.step("the block is in the list, scheduled, at the price paid", async () => {
    const rows = page.getByRole("row", { name: /Fine-tune run/ });
    await expect(rows).toHaveCount(1);
    await expect(rows).toContainText("Scheduled");
    await expect(rows).toContainText("1× H100 SXM 80 GB × 2");
    await expect(rows).toContainText(regionName);
    await expect(rows.getByTestId("paid")).toHaveText("$19.12");
    await expect(rows.getByTestId("refunded")).toHaveCount(0);
  });

  await test.step("the calendar shows two fewer instances free in that region on that day", async () => {
    await expect.poll(async () => (await calendarRow(page, regionName)).free.join(","), { timeout: 15_000 }).not.toBe(before.free.join(","));
    const after = await calendarRow(page, regionName);
    const day = after.days.findIndex((label) => label.endsWith(utcDay(startsAt)));
    expect(day, `a column for ${utcDay(startsAt)}`).toBeGreaterThanOrEqual(0);
    expect(after.free[day]).toBe(before.free[day]! - 2);
    // Only the block's day changed (and the next, when its 4 hours cross midnight UTC).
    const changed = after.free.map((n, i) => (n !== before.free[i] ? i : -1)).filter((i) => i >= 0);
    expect(changed[0]).toBe(day);
    expect(changed.length).toBeLessThanOrEqual(2);
  });

  await test.step("open it: the window, the price paid, nothing running in it yet", async () => {
    await page.getByRole("link", { name: "Fine-tune run" }).click();
    await expect(heading(page, "Fine-tune run")).toBeVisible();
    await expect(page.getByText("Scheduled", { exact: true })).toBeVisible();
    await expect(page.getByTestId("price-paid")).toHaveText("$19.12");
    await expect(page.getByTestId("countdown")).toHaveText(/^\d+[hm] \d+[ms]$/);
    await expect(page.getByText("0 of 2 running")).toBeVisible();
  });
  const reservationPath = new URL(page.url()).pathname;
  expect(reservationPath).toMatch(new RegExp(`^/${team.slug}/reservations/res_`));

  await test.step("cancel it: it starts within 24 hours, so half comes back", async () => {
    await page.getByRole("button", { name: "Cancel reservation" }).click();
    const dialog = page.getByRole("dialog", { name: "Cancel Fine-tune run?" });
    await expect(dialog).toContainText("refunded in full");
    await expect(dialog.getByTestId("cancel-refund")).toHaveText("$9.56");
    await dialog.getByRole("button", { name: "Cancel and refund $9.56" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText("Cancelled", { exact: true })).toBeVisible();
    await expect(page.getByTestId("refund")).toHaveText("$9.56");
    await expect(page.getByRole("button", { name: "Cancel reservation" })).toHaveCount(0);
  });

  await test.step("back in the list: cancelled with its refund, and the GPUs free again", async () => {
    await page.getByRole("link", { name: "Reservations", exact: true }).first().click();
    const row = page.getByRole("row", { name: /Fine-tune run/ });
    await expect(row).toContainText("Cancelled");
    await expect(row.getByTestId("paid")).toHaveText("$19.12");
    await expect(row.getByTestId("refunded")).toHaveText("$9.56 refunded");
    await expect.poll(async () => (await calendarRow(page, "US East")).free.join(","), { timeout: 15_000 }).toBe(before.free.join(","));
  });

  await test.step("someone in another team gets a 404 for the block, under either team's URL", async () => {
    const other = await (await openContext()).newPage();
    const { team: theirs } = await signUp(other, { firstName: "Otto" });
    const id = reservationPath.split("/").at(-1)!;
    for (const path of [reservationPath, `/${theirs.slug}/reservations/${id}`]) {
      await other.goto(path);
      await expect(heading(other, "Page not found")).toBeVisible();
    }
  });
});

test("an offering bought by someone else meanwhile: the dialog says so, and Search again shows what is left", async ({ page, context }) => {
  test.setTimeout(60_000);
  const { team } = await signUp(page, { firstName: "Yara" });
  const teams = (await (await context.request.get("/api/trpc/team.list")).json()) as { result: { data: { json: { id: string; slug: string }[] } } };
  const teamId = teams.result.data.json.find((t) => t.slug === team.slug)!.id;

  await page.goto(`/${team.slug}/reservations`);
  await page.getByRole("button", { name: "Reserve capacity" }).first().click();
  const search = page.getByRole("form", { name: "Search for capacity" });
  // All four 8× B200 instances of US West: whoever buys a window first takes it all.
  await search.getByLabel("Instance type").selectOption("gpu-8x-b200");
  await search.getByLabel("Instances", { exact: true }).fill("4");
  await search.getByLabel("Duration", { exact: true }).fill("4");
  await search.getByRole("button", { name: "Search", exact: true }).click();
  const first = page.getByTestId("offering").first();
  await expect(first).toBeVisible();
  const times = first.locator("time");
  const startsAt = (await times.nth(0).getAttribute("datetime"))!;
  const endsAt = (await times.nth(1).getAttribute("datetime"))!;
  await first.getByRole("button", { name: "Reserve" }).click();
  const dialog = page.getByRole("dialog", { name: "Reserve this block?" });
  const price = (await dialog.getByTestId("purchase-price").innerText()).replace(/[$,]/g, "");

  await test.step("meanwhile the same window is bought through another door", async () => {
    const response = await context.request.post("/api/trpc/reservations.purchase", {
      data: {
        json: {
          teamId,
          name: "Taken first",
          regionId: "us-west-2",
          instanceTypeId: "gpu-8x-b200",
          instanceCount: 4,
          startsAt,
          endsAt,
          priceNano: (BigInt(price.replace(".", "")) * 10_000_000n).toString(),
          idempotencyKey: `e2e-${Date.now()}-taken`,
        },
      },
    });
    expect(response.status()).toBe(200);
  });

  await test.step("confirming says the offering is gone, and Search again refreshes the offerings", async () => {
    await dialog.getByRole("button", { name: /^Reserve for/ }).click();
    await expect(dialog.getByRole("alert")).toContainText("This offering is no longer available");
    await expect(dialog.getByRole("button", { name: /^Reserve for/ })).toBeDisabled();
    await dialog.getByRole("button", { name: "Search again" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("offering").first().locator("time").first()).not.toHaveAttribute("datetime", startsAt);
    await expect(page.getByRole("row", { name: /Taken first/ })).toContainText("Scheduled");
  });
});
