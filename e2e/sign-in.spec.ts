import {
  attemptSignIn,
  expect,
  heading,
  newUser,
  signUp,
  submitSignIn,
  test,
} from "./fixtures";

test("sign-in explains a wrong password, an unknown email, and then rate-limits", async ({ page, openContext }) => {
  test.setTimeout(60_000);
  const { user } = await signUp(page, { firstName: "Ada" });
  const visitor = await (await openContext()).newPage();
  const wrong = { email: user.email, password: `${user.password}-wrong` };

  await test.step("wrong password", async () => {
    await attemptSignIn(visitor, wrong);
    await expect(visitor.getByText("Wrong password").first()).toBeVisible();
    await expect(visitor).toHaveURL((url) => url.pathname === "/sign-in");
  });

  await test.step("unknown email", async () => {
    await attemptSignIn(visitor, { email: newUser().email, password: user.password });
    await expect(visitor.getByText("No account uses this email").first()).toBeVisible();
    await expect(visitor).toHaveURL((url) => url.pathname === "/sign-in");
  });

  await test.step("after 3 failures for one email (SIGN_IN_MAX_FAILURES=3) even the right password is refused", async () => {
    for (let failure = 2; failure <= 3; failure++) {
      await attemptSignIn(visitor, wrong);
      await expect(visitor.getByText("Wrong password").first(), `failure ${failure}`).toBeVisible();
    }
    await attemptSignIn(visitor, user);
    await expect(visitor.getByText("Too many failed sign-in attempts").first()).toBeVisible();
    await expect(visitor).toHaveURL((url) => url.pathname === "/sign-in");
  });
});

test("an anonymous visitor is sent to sign-in and brought back afterwards", async ({ page, openContext }) => {
  const { user, team } = await signUp(page, { firstName: "Ada" });
  const visitor = await (await openContext()).newPage();
  const target = `/${team.slug}/settings`;

  await visitor.goto(target);
  await expect(visitor).toHaveURL(
    (url) => url.pathname === "/sign-in" && url.searchParams.get("callbackUrl") === target,
  );
  await submitSignIn(visitor, user);
  await expect(visitor).toHaveURL((url) => url.pathname === target, { timeout: 20_000 });
  await expect(heading(visitor, "Team settings")).toBeVisible();
});

test("the sign-in page links to sign-up", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page).toHaveURL((url) => url.pathname === "/sign-up");
  await expect(page.getByRole("button", { name: "Create account", exact: true })).toBeVisible();
});
