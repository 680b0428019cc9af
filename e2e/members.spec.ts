/**
 * Members: an owner changes a role and removes a member through the Members page; a viewer is
 * shown no way to create keys and is refused by the server anyway; a removed member is refused
 * at every door of the team at once while their session keeps working elsewhere.
 */
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, heading, inviteAndJoin, signUp, teamIdOf, test, trpcGet, trpcPost, type TestUser } from "./fixtures";

function memberRow(page: Page, user: Pick<TestUser, "email">) {
  return page.getByRole("row", { name: new RegExp(user.email.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) });
}

async function openMembers(page: Page, slug: string) {
  const response = await page.goto(`/${slug}/members`);
  expect(response?.status()).toBe(200);
  await expect(heading(page, "Members")).toBeVisible();
}

/** Status and body of a tRPC call made with `request`'s session, whatever the outcome. */
async function rawTrpc(request: APIRequestContext, method: "GET" | "POST", path: string, input: unknown) {
  const response =
    method === "GET"
      ? await request.get(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`)
      : await request.post(`/api/trpc/${path}`, { data: { json: input } });
  return { status: response.status(), body: await response.text() };
}

test("an owner changes a member's role, and both of them see it", async ({ page, openContext }) => {
  test.setTimeout(120_000);
  const owner = await signUp(page, { firstName: "Olga" });
  const dale = await inviteAndJoin(page, openContext, owner.team, "developer", { firstName: "Dale" });

  await test.step("the Members page lists the new member as Developer", async () => {
    await page.getByRole("navigation").getByRole("link", { name: "Members", exact: true }).first().click();
    await expect(page).toHaveURL((url) => url.pathname === `/${owner.team.slug}/members`);
    await expect(memberRow(page, owner.user)).toContainText("Owner");
    await expect(memberRow(page, owner.user)).toContainText("You");
    await expect(memberRow(page, dale.account.user)).toContainText("Developer");
    await expect(memberRow(page, dale.account.user)).toContainText(dale.account.user.name);
  });

  await test.step("the owner makes them Admin", async () => {
    await memberRow(page, dale.account.user).getByRole("button", { name: `Actions for ${dale.account.user.name}` }).click();
    await page.getByRole("menuitem", { name: "Change role" }).click();
    const dialog = page.getByRole("dialog", { name: `Change ${dale.account.user.name}'s role` });
    await dialog.getByRole("combobox", { name: "Role" }).selectOption({ label: "Admin" });
    await dialog.getByRole("button", { name: "Change role" }).click();
    await expect(dialog).toBeHidden();
    await expect(memberRow(page, dale.account.user)).toContainText("Admin");
    await page.reload();
    await expect(memberRow(page, dale.account.user)).toContainText("Admin");
  });

  await test.step("the member sees their new role, and what it lets them do", async () => {
    await openMembers(dale.page, owner.team.slug);
    const self = memberRow(dale.page, dale.account.user);
    await expect(self).toContainText("Admin");
    await expect(self).toContainText("You");
    // An admin may manage members below owners, so the owner's row offers nothing but the reason.
    await memberRow(dale.page, owner.user).getByRole("button", { name: `Actions for ${owner.user.name}` }).click();
    await expect(dale.page.getByRole("menuitem", { name: /Change role/ })).toBeDisabled();
    await expect(dale.page.getByRole("menuitem", { name: /Change role/ })).toContainText("Only an owner can change an owner's role.");
    await dale.page.keyboard.press("Escape");
  });

  await test.step("the new admin invites someone, who signs up through the mailed link and appears with the role", async () => {
    const vera = await inviteAndJoin(dale.page, openContext, owner.team, "viewer", { firstName: "Vera" });
    await openMembers(dale.page, owner.team.slug);
    await expect(memberRow(dale.page, vera.account.user)).toContainText("Viewer");
    await expect(memberRow(dale.page, vera.account.user)).toContainText(vera.account.user.name);
  });
});

test("a viewer sees no Create key button, and the server refuses the call anyway", async ({ page, openContext }) => {
  test.setTimeout(120_000);
  const owner = await signUp(page, { firstName: "Omar" });
  const teamId = await teamIdOf(page.request, owner.team.slug);
  await trpcPost(page.request, "keys.create", { teamId, name: "Owner's key", scopes: ["inference"] });
  const vic = await inviteAndJoin(page, openContext, owner.team, "viewer", { firstName: "Vic" });

  await test.step("the keys page shows the team's key and no way to create, rotate or revoke", async () => {
    const response = await vic.page.goto(`/${owner.team.slug}/keys`);
    expect(response?.status()).toBe(200);
    await expect(heading(vic.page, "API keys")).toBeVisible();
    await expect(vic.page.getByRole("link", { name: "Owner's key", exact: true })).toBeVisible();
    await expect(vic.page.getByRole("button", { name: "Create key" })).toHaveCount(0);
    await expect(vic.page.getByRole("button", { name: "Actions for Owner's key" })).toHaveCount(0);
  });

  await test.step("calling keys.create directly is FORBIDDEN and creates nothing", async () => {
    const refused = await rawTrpc(vic.page.request, "POST", "keys.create", { teamId, name: "Sneaky", scopes: ["inference"] });
    expect(refused.status).toBe(403);
    expect(refused.body).toContain("FORBIDDEN");
    expect(refused.body).toContain("(viewer)");
    const keys = await trpcGet<{ name: string }[]>(page.request, "keys.list", { teamId });
    expect(keys.map((k) => k.name)).toEqual(["Owner's key"]);
  });
});

test("a removed member is refused at once, while their session still works elsewhere", async ({ page, openContext }) => {
  test.setTimeout(120_000);
  const owner = await signUp(page, { firstName: "Opal" });
  const teamId = await teamIdOf(page.request, owner.team.slug);
  const remy = await inviteAndJoin(page, openContext, owner.team, "developer", { firstName: "Remy" });
  const csv = `/api/teams/${teamId}/spend/breakdown.csv?by=day`;

  await test.step("before: the member uses the team, and has created a key in it", async () => {
    await trpcPost(remy.page.request, "keys.create", { teamId, name: "Remy's CI", scopes: ["inference"] });
    await openMembers(remy.page, owner.team.slug);
    expect((await remy.page.request.get(csv)).status()).toBe(200);
  });

  await test.step("the owner removes them and revokes their key", async () => {
    await openMembers(page, owner.team.slug);
    await memberRow(page, remy.account.user).getByRole("button", { name: `Actions for ${remy.account.user.name}` }).click();
    await page.getByRole("menuitem", { name: "Remove from team" }).click();
    const dialog = page.getByRole("dialog", { name: `Remove ${remy.account.user.name}?` });
    await expect(dialog).toContainText(remy.account.user.email);
    const revoke = dialog.getByRole("checkbox", { name: "Also revoke the 1 API key they created" });
    await expect(revoke).toBeChecked();
    await dialog.getByRole("button", { name: "Remove member" }).click();
    await expect(dialog).toBeHidden();
    await expect(memberRow(page, remy.account.user)).toHaveCount(0);
    const keys = await trpcGet<{ name: string; status: string }[]>(page.request, "keys.list", { teamId });
    expect(keys).toEqual([expect.objectContaining({ name: "Remy's CI", status: "revoked" })]);
  });

  await test.step("their next page load of the team is the 404 page", async () => {
    for (const path of [`/${owner.team.slug}`, `/${owner.team.slug}/members`]) {
      const response = await remy.page.goto(path);
      expect(response?.status(), path).toBe(404);
      await expect(heading(remy.page, "Page not found")).toBeVisible();
    }
  });

  await test.step("tRPC and the team's download route refuse them too", async () => {
    const refused = await rawTrpc(remy.page.request, "GET", "team.get", { teamId });
    expect(refused.status).toBe(404);
    expect(refused.body).toContain("Team not found.");
    const download = await remy.page.request.get(csv);
    expect(download.status()).toBe(404);
    expect(await download.text()).toBe("Team not found.\n");
  });

  await test.step("the same session still opens their own team", async () => {
    const response = await remy.page.goto(`/${remy.account.team.slug}`);
    expect(response?.status()).toBe(200);
    await expect(heading(remy.page, remy.account.team.name)).toBeVisible();
  });
});

test("a member leaves the team and lands on a team of their own", async ({ page, openContext }) => {
  test.setTimeout(120_000);
  const owner = await signUp(page, { firstName: "Orla" });
  const lee = await inviteAndJoin(page, openContext, owner.team, "billing", { firstName: "Lee" });

  await openMembers(lee.page, owner.team.slug);
  await lee.page.getByRole("button", { name: "Leave team" }).click();
  const dialog = lee.page.getByRole("dialog", { name: `Leave ${owner.team.name}?` });
  await dialog.getByRole("button", { name: "Leave team" }).click();
  await expect(lee.page).toHaveURL((url) => url.pathname === `/${lee.account.team.slug}`, { timeout: 20_000 });
  await expect(heading(lee.page, lee.account.team.name)).toBeVisible();
  expect((await lee.page.goto(`/${owner.team.slug}`))?.status()).toBe(404);

  await test.step("the last owner is told to hand over first", async () => {
    await openMembers(page, owner.team.slug);
    await expect(memberRow(page, lee.account.user)).toHaveCount(0);
    await page.getByRole("button", { name: "Leave team" }).click();
    const ownerDialog = page.getByRole("dialog", { name: `Leave ${owner.team.name}?` });
    await expect(ownerDialog).toContainText("You are this team's only owner.");
    await expect(ownerDialog.getByRole("button", { name: "Leave team" })).toBeDisabled();
  });
});
