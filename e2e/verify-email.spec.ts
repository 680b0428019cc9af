import { consoleLinkIn, emailField, expect, heading, signOut, signUp, test, waitForMail } from "./fixtures";

// The console under test does not require confirmation, so accounts start unconfirmed and anyone
// can ask for a link at /verify-email, as someone who lost the sign-up mail would.
test("an address is confirmed through a link asked for at /verify-email; a dead link offers a new one", async ({ page, baseURL }) => {
  const { user } = await signUp(page, { firstName: "Vera" });
  await signOut(page);

  await page.goto("/verify-email");
  await expect(heading(page, "Confirm your email")).toBeVisible();
  await page.getByRole("button", { name: "Send link" }).click();
  await expect(page.getByText("Enter your email address.")).toBeVisible();
  await emailField(page).fill(user.email);
  await page.getByRole("button", { name: "Send link" }).click();
  await expect(heading(page, "Check your inbox")).toBeVisible();
  await expect(page.getByText(`If ${user.email} still needs confirming, we sent it a new link.`)).toBeVisible();

  const link = consoleLinkIn(await waitForMail(user.email, /^Confirm your email address/), baseURL!);
  await page.goto(link);
  await expect(heading(page, "Email confirmed")).toBeVisible();
  await expect(page.getByText(`${user.email} is confirmed. Sign in to continue.`)).toBeVisible();

  // The same link again is told apart from a dead one: it names the address, already confirmed.
  await page.goto(link);
  await expect(heading(page, "Email already confirmed")).toBeVisible();

  await page.goto(`/verify-email/${"A".repeat(43)}`);
  await expect(heading(page, "This link no longer works")).toBeVisible();
  await page.getByRole("link", { name: "Send a new link" }).click();
  await expect(page).toHaveURL((url) => url.pathname === "/verify-email");
  await expect(heading(page, "Confirm your email")).toBeVisible();
});
