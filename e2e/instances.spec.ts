/**
 * GPU instances in the console: launch one and watch it come up, connect details, terminate it;
 * regions without capacity; the message when capacity goes while the form is open; the quota.
 */
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, heading, publicKeyForTest, signUp, test, uniqueId } from "./fixtures";

async function addSshKey(page: Page, teamSlug: string, name = "laptop") {
  await page.goto(`/${teamSlug}/ssh-keys`);
  await page.getByRole("button", { name: "Add SSH key" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Add SSH key" });
  await dialog.getByRole("textbox", { name: "Public key" }).fill(publicKeyForTest(`${name}-${uniqueId()}@e2e`).publicKey);
  await dialog.getByRole("textbox", { name: "Name" }).fill(name);
  await dialog.getByRole("button", { name: "Add key" }).click();
  await expect(dialog).toBeHidden();
}

async function openLaunchForm(page: Page, teamSlug: string) {
  await page.goto(`/${teamSlug}/instances/new`);
  await expect(page.getByRole("heading", { name: "Launch an instance" })).toBeVisible();
}

function instanceType(page: Page, name: string) {
  return page.getByRole("radio", { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`) });
}

test("launch an instance, watch it reach running, connect, terminate it", async ({ page }) => {
  test.setTimeout(90_000);
  const { team } = await signUp(page, { firstName: "Ines" });
  await addSshKey(page, team.slug);

  await test.step("Instances starts empty; Launch instance opens the form", async () => {
    await page.getByRole("navigation").first().getByRole("link", { name: "Instances", exact: true }).click();
    await expect(heading(page, "Instances")).toBeVisible();
    await expect(page.getByRole("heading", { name: "No instances running" })).toBeVisible();
    await page.getByRole("link", { name: "Launch instance" }).first().click();
    await expect(page.getByRole("heading", { name: "Launch an instance" })).toBeVisible();
  });

  await test.step("launch a 1× H100 with the team's key", async () => {
    await page.getByLabel("Name").fill("train-1");
    await instanceType(page, "1× H100 SXM 80 GB").check();
    await expect(page.getByTestId("capacity-us-east-1")).toHaveText(/\d+ available/);
    await expect(page.getByRole("radio", { name: /US East/ })).toBeChecked();
    await expect(page.getByRole("checkbox", { name: /laptop/ })).toBeChecked();
    await page.getByRole("button", { name: "Launch instance" }).click();
    await expect(page).toHaveURL(/\/instances\/ins_/);
    await expect(heading(page, "train-1")).toBeVisible();
  });

  await test.step("the page follows it to running by itself, with its history and the SSH command", async () => {
    await expect(page.getByRole("list", { name: "Progress" })).toBeVisible();
    await expect(page.getByTestId("ssh-command")).toHaveText(/^ssh ubuntu@\d+\.\d+\.\d+\.\d+$/, { timeout: 30_000 });
    await expect(page.getByRole("list", { name: "Progress" })).toBeHidden();
    const history = page.getByRole("list", { name: "State changes" });
    await expect(history).toContainText("Pending");
    await expect(history).toContainText("Provisioning");
    await expect(history).toContainText("Running");
    await expect(page.getByTestId("cost-so-far")).toHaveText(/^\$0\.\d+$/, { timeout: 10_000 });
  });

  await test.step("terminate asks first, then the instance ends and leaves the live list", async () => {
    await page.getByRole("button", { name: "Terminate" }).click();
    const dialog = page.getByRole("dialog", { name: "Terminate train-1?" });
    await expect(dialog).toContainText("cannot be undone");
    await dialog.getByRole("button", { name: "Terminate" }).click();
    await expect(page.getByRole("list", { name: "State changes" })).toContainText("Terminated", { timeout: 30_000 });
    await expect(page.getByRole("button", { name: "Terminate" })).toBeHidden();
    await page.getByRole("link", { name: "Instances" }).first().click();
    await expect(page.getByRole("heading", { name: "No instances running" })).toBeVisible();
    await page.getByRole("tab", { name: "All, with history" }).click();
    await expect(page.getByRole("row").filter({ hasText: "train-1" })).toContainText("Terminated");
  });
});

test("regions show what they offer and what is free right now", async ({ page }) => {
  const { team } = await signUp(page, { firstName: "Rhea" });
  await openLaunchForm(page, team.slug);
  await instanceType(page, "8× B200 180 GB").check();
  await expect(page.getByTestId("capacity-us-east-1")).toHaveText("Not offered here");
  await expect(page.getByTestId("capacity-eu-central-1")).toHaveText("Not offered here");
  await expect(page.getByTestId("capacity-us-west-2")).toHaveText(/^\d+ available$/);
  await expect(page.getByRole("radio", { name: /US East/ })).toBeDisabled();
});

/** Buys every 8× B200 block offered in US West for a window starting in two hours, through the console's API. */
async function reserveAllB200(request: APIRequestContext, teamId: string) {
  const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 2 * 3_600_000);
  for (let bought = 0; bought < 8; bought++) {
    const input = { teamId, instanceTypeId: "gpu-8x-b200", instanceCount: 1, durationHours: 2, earliestStart: start.toISOString(), latestEnd: new Date(start.getTime() + 2 * 3_600_000).toISOString(), regionId: "us-west-2" };
    const search = await request.get(`/api/trpc/reservations.search?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
    const offers = ((await search.json()) as { result?: { data: { json: { startsAt: string; endsAt: string; priceNano: string; regionId: string }[] } } }).result?.data.json ?? [];
    if (offers.length === 0) return;
    const offer = offers[0]!;
    const purchase = await request.post("/api/trpc/reservations.purchase", {
      data: { json: { teamId, name: `all b200 ${bought}`, regionId: offer.regionId, instanceTypeId: "gpu-8x-b200", instanceCount: 1, startsAt: offer.startsAt, endsAt: offer.endsAt, priceNano: offer.priceNano, idempotencyKey: `e2e-${uniqueId()}` } },
    });
    expect(purchase.ok()).toBe(true);
  }
}

test("when the capacity goes while the form is open, the launch explains where there is some", async ({ page, context }) => {
  test.setTimeout(90_000);
  const { team } = await signUp(page, { firstName: "Cato" });
  await addSshKey(page, team.slug);
  const teams = (await (await context.request.get("/api/trpc/team.list")).json()) as { result: { data: { json: { id: string; slug: string }[] } } };
  const teamId = teams.result.data.json.find((t) => t.slug === team.slug)!.id;

  await openLaunchForm(page, team.slug);
  await page.getByLabel("Name").fill("big-box");
  await instanceType(page, "8× B200 180 GB").check();
  await expect(page.getByRole("radio", { name: /US West/ })).toBeChecked();
  await reserveAllB200(context.request, teamId);
  await page.getByRole("button", { name: "Launch instance" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /capacity/i })).toBeVisible();
  await expect(page).toHaveURL(/\/instances\/new$/);
  await page.reload();
  await instanceType(page, "8× B200 180 GB").check();
  await expect(page.getByTestId("capacity-us-west-2")).toHaveText("No capacity now");
});

test("the GPU quota is explained when a launch would pass it", async ({ page }) => {
  test.setTimeout(90_000);
  const { team } = await signUp(page, { firstName: "Quinn" });
  await addSshKey(page, team.slug);
  for (const name of ["q-1", "q-2", "q-3"]) {
    await openLaunchForm(page, team.slug);
    await page.getByLabel("Name").fill(name);
    await instanceType(page, "8× H100 SXM 80 GB").check();
    await expect(page.getByRole("radio", { name: /US East/ })).toBeChecked();
    await page.getByRole("button", { name: "Launch instance" }).click();
    if (name !== "q-3") await expect(page).toHaveURL(/\/instances\/ins_/);
  }
  await expect(page.getByRole("alert").filter({ hasText: /quota/i })).toBeVisible();
});
