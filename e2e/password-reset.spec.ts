import {
  attemptSignIn,
  consoleLinkIn,
  emailField,
  expect,
  heading,
  newUser,
  signIn,
  signOut,
  signUp,
  test,
  waitForMail,
} from "./fixtures";

test("a forgotten password is reset through the mailed link, once", async ({ page, baseURL, openContext }) => {
  test.setTimeout(120_000);
  const { user, team } = await signUp(page, { firstName: "Rosa" });
  const newPassword = `${user.password}-renewed`;

  // Another browser that stays signed in with the old password: the reset ends its session.
  const otherDevice = await (await openContext()).newPage();
  await signIn(otherDevice, user);

  await test.step("ask for a link from the sign-in page", async () => {
    await signOut(page);
    await emailField(page).fill(user.email);
    await page.getByRole("link", { name: "Forgot password?" }).click();
    await expect(page).toHaveURL((url) => url.pathname === "/forgot-password");
    await expect(heading(page, "Reset your password")).toBeVisible();
    await expect(emailField(page), "the address typed at sign-in comes along").toHaveValue(user.email);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await expect(heading(page, "Check your inbox")).toBeVisible();
    await expect(page.getByText(`If an account exists for ${user.email}, we sent it a link`)).toContainText("It expires in 1 hour.");
  });

  let link = "";
  await test.step("the mail arrives over SMTP with a link to this console", async () => {
    const mail = await waitForMail(user.email, /Reset your Compute Console password/);
    link = consoleLinkIn(mail, baseURL!);
    expect(new URL(link).pathname).toMatch(/^\/reset-password\/[A-Za-z0-9_-]{43}$/);
    expect(mail.html).toContain(`href="${link}"`);
  });

  await test.step("the link's page checks both fields, then sets the password and signs in", async () => {
    await page.goto(link);
    await expect(heading(page, "Choose a new password")).toBeVisible();
    await page.getByLabel("New password", { exact: true }).fill("short");
    await page.getByLabel("Confirm new password").fill("different");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("Use at least 12 characters.")).toBeVisible();
    await expect(page.getByText("The two passwords differ. Type the same one twice.")).toBeVisible();

    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await page.getByLabel("Confirm new password").fill(newPassword);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page).toHaveURL((url) => url.pathname === `/${team.slug}`, { timeout: 20_000 });
    await expect(heading(page, team.name)).toBeVisible();
  });

  await test.step("the session that began before the reset is over", async () => {
    await otherDevice.goto(`/${team.slug}`);
    await expect(otherDevice).toHaveURL((url) => url.pathname === "/sign-in");
  });

  await test.step("the new password signs in; the old one is refused", async () => {
    await signOut(page);
    await attemptSignIn(page, user);
    await expect(page.getByText("Wrong password").first()).toBeVisible();
    await signIn(page, { email: user.email, password: newPassword });
    await expect(heading(page, team.name)).toBeVisible();
  });

  await test.step("the used link says so and offers a new one", async () => {
    await page.goto(link);
    await expect(heading(page, "This link no longer works")).toBeVisible();
    await expect(page.getByText("This link has expired or was already used. Ask for a new one.")).toBeVisible();
    await page.getByRole("link", { name: "Ask for a new link" }).click();
    await expect(page).toHaveURL((url) => url.pathname === "/forgot-password");
  });
});

test("the reset form answers alike for an address without an account, and mails nothing", async ({ page }) => {
  const stranger = newUser({ firstName: "Nobody" });
  await page.goto("/forgot-password");
  await emailField(page).fill(stranger.email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(heading(page, "Check your inbox")).toBeVisible();
  await expect(page.getByText(`If an account exists for ${stranger.email}, we sent it a link`)).toBeVisible();
  await expect(waitForMail(stranger.email, /./, 2_000)).rejects.toThrow(/no mail/);
});

test("changing the password signs out the other sessions and keeps this one", async ({ page, openContext }) => {
  const { user, team } = await signUp(page, { firstName: "Ines" });
  const otherDevice = await (await openContext()).newPage();
  await signIn(otherDevice, user);
  await expect(heading(otherDevice, team.name)).toBeVisible();

  const newPassword = `${user.password}-changed`;
  await page.goto("/account");
  await expect(page.getByText("Changing it signs you out on every other device and browser")).toBeVisible();
  await page.getByLabel("Current password").fill(user.password);
  await page.getByLabel("New password").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed. Your other sessions are signed out.")).toBeVisible();

  await otherDevice.goto(`/${team.slug}`);
  await expect(otherDevice).toHaveURL((url) => url.pathname === "/sign-in");
  await page.goto(`/${team.slug}`);
  await expect(heading(page, team.name), "the session that changed it goes on").toBeVisible();
  await page.reload();
  await expect(heading(page, team.name)).toBeVisible();

  await signIn(otherDevice, { email: user.email, password: newPassword });
  await expect(heading(otherDevice, team.name)).toBeVisible();
});
