import {
  createTeam,
  expect,
  heading,
  openAccountMenu,
  openTeamSwitcher,
  signIn,
  signOut,
  signUp,
  switchTeam,
  teamMenuItem,
  teamSwitcher,
  test,
  uniqueId,
} from "./fixtures";

test("sign up, sign out, sign in, create and switch teams, rename a team", async ({ page }) => {
  test.setTimeout(90_000);
  const id = uniqueId();

  const { user, team: personal } = await test.step("sign up lands on the personal team's Overview", () =>
    signUp(page, { firstName: "Ada" }),
  );
  expect(personal.name).toBe("Ada's team");

  await test.step("the console shell has navigation, a team switcher and an account menu", async () => {
    const nav = page.getByRole("navigation");
    for (const name of ["Overview", "Audit log", "Settings"]) {
      await expect(nav.getByRole("link", { name, exact: true }).first()).toBeVisible();
    }
    await expect(teamSwitcher(page)).toContainText(personal.name);
  });

  await test.step("Profile in the account menu opens /account", async () => {
    await openAccountMenu(page);
    await page.getByRole("menuitem", { name: "Profile" }).click();
    await expect(page).toHaveURL((url) => url.pathname === "/account");
  });

  await test.step("sign out, then sign in again", async () => {
    await signOut(page);
    await signIn(page, user);
    await page.goto(`/${personal.slug}`);
    await expect(heading(page, personal.name)).toBeVisible();
  });

  const lab = await test.step("create a second team from the switcher", () => createTeam(page, `Lab ${id}`));

  await test.step("the switcher lists both teams and switches between them", async () => {
    await expect(teamSwitcher(page)).toContainText(lab.name);
    await openTeamSwitcher(page);
    await expect(teamMenuItem(page, personal.name)).toBeVisible();
    await expect(teamMenuItem(page, lab.name)).toBeVisible();
    await expect(page.getByRole("menuitem", { name: "Create team" })).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(page.getByRole("menu")).toBeHidden();

    await switchTeam(page, personal);
    await switchTeam(page, lab);
  });

  await test.step("Settings in the navigation opens the team's settings", async () => {
    await page.getByRole("navigation").getByRole("link", { name: "Settings", exact: true }).first().click();
    await expect(page).toHaveURL((url) => url.pathname === `/${lab.slug}/settings`);
    await expect(heading(page, "Team settings")).toBeVisible();
    await expect(page.getByRole("textbox", { name: "Team name" })).toHaveValue(lab.name);
    await expect(page.getByRole("textbox", { name: "Team URL" })).toHaveValue(lab.slug);
  });

  await test.step("a URL that another team uses is refused at the field", async () => {
    await page.getByRole("textbox", { name: "Team URL" }).fill(personal.slug);
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByText("This URL is taken").first()).toBeVisible();
    await expect(page).toHaveURL((url) => url.pathname === `/${lab.slug}/settings`);
  });

  const renamed = { name: `Renamed ${id}`, slug: `renamed-${id}` };
  await test.step("rename the team and change its URL", async () => {
    await page.getByRole("textbox", { name: "Team name" }).fill(renamed.name);
    await page.getByRole("textbox", { name: "Team URL" }).fill(renamed.slug);
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByText("Team settings saved").first()).toBeVisible();
    await expect(page).toHaveURL((url) => url.pathname === `/${renamed.slug}/settings`);
    await expect(teamSwitcher(page)).toContainText(renamed.name);
    await expect(page.getByRole("textbox", { name: "Team name" })).toHaveValue(renamed.name);
  });

  await test.step("the new name and URL stick after a reload", async () => {
    await page.goto(`/${renamed.slug}`);
    await expect(heading(page, renamed.name)).toBeVisible();
    await openTeamSwitcher(page);
    await expect(teamMenuItem(page, renamed.name)).toBeVisible();
    await expect(teamMenuItem(page, lab.name)).toHaveCount(0);
  });
});
