import { emailField, expect, newUser, signUp, submitSignUp, test } from "./fixtures";

test("sign-up refuses an email that already has an account", async ({ page, openContext }) => {
  const { user } = await signUp(page, { firstName: "Ada" });
  const visitor = await (await openContext()).newPage();

  await visitor.goto("/sign-up");
  await submitSignUp(visitor, { ...newUser({ firstName: "Other" }), email: user.email });
  await expect(visitor.getByText("already exists").first()).toBeVisible();
  await expect(visitor).toHaveURL((url) => url.pathname === "/sign-up");
  await expect(emailField(visitor), "the form keeps what was typed").toHaveValue(user.email);
});

test("sign-up shows field errors next to the fields", async ({ page }) => {
  await page.goto("/sign-up");
  await submitSignUp(page, { ...newUser(), password: "short" });
  await expect(page.getByText("Use at least 12 characters").first()).toBeVisible();
  await expect(page).toHaveURL((url) => url.pathname === "/sign-up");
});

test("the sign-up page links to sign-in", async ({ page }) => {
  await page.goto("/sign-up");
  await page.getByRole("link", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL((url) => url.pathname === "/sign-in");
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
});
