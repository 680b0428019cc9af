import { expect, heading, openTeamSwitcher, signUp, teamMenuItem, test, uniqueId } from "./fixtures";

test("a signed-in user gets 404 on another team's pages", async ({ page, openContext }) => {
  test.setTimeout(60_000);
  const grace = await signUp(page, { firstName: "Grace" });
  const alanPage = await (await openContext()).newPage();
  const alan = await signUp(alanPage, { firstName: "Alan" });

  for (const path of [`/${grace.team.slug}`, `/${grace.team.slug}/settings`]) {
    await test.step(`Alan opens ${path}`, async () => {
      const response = await alanPage.goto(path);
      expect(response?.status(), `HTTP status of ${path}`).toBe(404);
      await expect(heading(alanPage, "Page not found")).toBeVisible();
    });
  }

  await test.step("a team that does not exist looks the same", async () => {
    const response = await alanPage.goto(`/no-such-team-${uniqueId()}`);
    expect(response?.status()).toBe(404);
    await expect(heading(alanPage, "Page not found")).toBeVisible();
  });

  await test.step("Alan's switcher lists only his own team", async () => {
    await alanPage.goto(`/${alan.team.slug}`);
    await openTeamSwitcher(alanPage);
    await expect(teamMenuItem(alanPage, alan.team.name)).toBeVisible();
    await expect(teamMenuItem(alanPage, grace.team.name)).toHaveCount(0);
  });

  await test.step("Grace still sees her own team", async () => {
    const response = await page.goto(`/${grace.team.slug}/settings`);
    expect(response?.status()).toBe(200);
    await expect(heading(page, "Team settings")).toBeVisible();
  });
});
