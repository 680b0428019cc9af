/**
 * Invitations by mail: an owner invites from the Members page, the mail arrives over SMTP at the
 * sink, and the invitee follows its link to sign up (or sign in) and join with the role.
 */
import type { Page } from "@playwright/test";
import {
  emailField,
  expect,
  heading,
  invitationLinkFor,
  inviteAndJoin,
  newUser,
  passwordField,
  signUp,
  submitSignIn,
  submitSignUp,
  teamIdOf,
  test,
  trpcGet,
  trpcPost,
  waitForMail,
  consoleLinkIn,
  type Team,
} from "./fixtures";

function invitationsPanel(page: Page) {
  return page.getByRole("region", { name: "Invitations" });
}

async function openMembers(page: Page, team: Team) {
  await page.goto(`/${team.slug}/members`);
  await expect(heading(page, "Members")).toBeVisible();
}

test("an owner invites a new person as Developer; the mailed link signs them up into the team", async ({ page, openContext, baseURL }) => {
  const { team } = await signUp(page, { firstName: "Olga" });
  const invitee = newUser({ firstName: "Nina" });

  await openMembers(page, team);
  const panel = invitationsPanel(page);
  await expect(panel.getByText("No pending invitations")).toBeVisible();
  await panel.getByRole("button", { name: "Invite member" }).click();
  const dialog = page.getByRole("dialog", { name: "Invite a member" });
  await dialog.getByRole("textbox", { name: "Email" }).fill(invitee.email);
  await dialog.getByRole("combobox", { name: "Role" }).selectOption({ label: "Developer" });
  await dialog.getByRole("button", { name: "Send invitation" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(`Invitation sent to ${invitee.email}`)).toBeVisible();
  const row = panel.getByRole("listitem", { name: `Invitation to ${invitee.email}` });
  await expect(row).toContainText("Developer");
  await expect(row).toContainText("Pending");

  const mail = await waitForMail(invitee.email, /^Join .+ on Compute Console$/);
  expect(mail.subject).toBe(`Join ${team.name} on Compute Console`);
  expect(mail.text).toContain(`invited you to the team ${team.name} as Developer.`);
  const link = consoleLinkIn(mail, baseURL!);
  expect(mail.html).toContain(`href="${link}"`);

  // The invitee, in a browser of their own with no session.
  const context = await openContext();
  const visitor = await context.newPage();
  await visitor.goto(link);
  await expect(heading(visitor, `Join ${team.name}`)).toBeVisible();
  await expect(visitor.getByText(invitee.email, { exact: true })).toBeVisible();
  await expect(visitor.getByText("Developer", { exact: true })).toBeVisible();
  await visitor.getByRole("link", { name: "Create an account" }).click();
  await expect(visitor).toHaveURL((url) => url.pathname === "/sign-up");
  await expect(emailField(visitor)).toHaveValue(invitee.email);
  await submitSignUp(visitor, invitee);
  await expect(visitor).toHaveURL((url) => url.pathname === new URL(link).pathname, { timeout: 20_000 });
  await visitor.getByRole("button", { name: `Join ${team.name}` }).click();
  await expect(visitor).toHaveURL((url) => url.pathname === `/${team.slug}`, { timeout: 20_000 });
  await expect(heading(visitor, team.name)).toBeVisible();
  await expect(visitor.getByText(`Welcome to ${team.name}`)).toBeVisible();

  // The owner sees them as a member with the role, and the invitation as accepted.
  await openMembers(page, team);
  await expect(page.getByRole("row", { name: new RegExp(invitee.name) })).toContainText("Developer");
  await expect(invitationsPanel(page).getByRole("listitem", { name: `Invitation to ${invitee.email}` })).toContainText("Accepted");

  // The link worked once.
  await visitor.goto(link);
  await expect(heading(visitor, "This invitation has already been used")).toBeVisible();
});

test("an existing user signs in through the invitation link and joins", async ({ page, openContext, baseURL }) => {
  const { team } = await signUp(page, { firstName: "Oscar" });
  const existingContext = await openContext();
  const existingPage = await existingContext.newPage();
  const existing = await signUp(existingPage, { firstName: "Edna" });
  await existingContext.clearCookies();

  const teamId = await teamIdOf(page.request, team.slug);
  await trpcPost(page.request, "invitations.create", { teamId, email: existing.user.email, role: "billing" });
  const link = await invitationLinkFor(existing.user.email, baseURL!);

  await existingPage.goto(link);
  await existingPage.getByRole("link", { name: "Sign in" }).click();
  await expect(existingPage).toHaveURL((url) => url.pathname === "/sign-in");
  await expect(emailField(existingPage)).toHaveValue(existing.user.email);
  await expect(passwordField(existingPage)).toBeFocused();
  await submitSignIn(existingPage, existing.user);
  await expect(existingPage).toHaveURL((url) => url.pathname === new URL(link).pathname, { timeout: 20_000 });
  await existingPage.getByRole("button", { name: `Join ${team.name}` }).click();
  await expect(existingPage).toHaveURL((url) => url.pathname === `/${team.slug}`, { timeout: 20_000 });

  const joined = await trpcGet<{ role: string }>(existingPage.request, "team.get", { teamId });
  expect(joined.role).toBe("billing");
});

test("a signed-in user with another email is told so and can sign out to come back", async ({ page, openContext, baseURL }) => {
  const { team } = await signUp(page, { firstName: "Opal" });
  const invitedEmail = newUser({ firstName: "Ines" }).email;
  const teamId = await teamIdOf(page.request, team.slug);
  await trpcPost(page.request, "invitations.create", { teamId, email: invitedEmail, role: "developer" });
  const link = await invitationLinkFor(invitedEmail, baseURL!);

  const context = await openContext();
  const other = await context.newPage();
  const someoneElse = await signUp(other, { firstName: "Walt" });
  await other.goto(link);
  await expect(other.getByRole("alert").filter({ hasText: "This invitation was sent to" })).toContainText(
    `This invitation was sent to ${invitedEmail}. You are signed in as ${someoneElse.user.email}`,
  );
  await expect(other.getByRole("button", { name: `Join ${team.name}` })).toHaveCount(0);

  await other.getByRole("button", { name: "Sign out" }).click();
  await expect(other).toHaveURL((url) => url.pathname === new URL(link).pathname, { timeout: 20_000 });
  await expect(other.getByRole("link", { name: "Create an account" })).toBeVisible();
  // Nothing was used up: the rightful person can still join.
  await other.getByRole("link", { name: "Create an account" }).click();
  await expect(emailField(other)).toHaveValue(invitedEmail);
});

test("a revoked invitation's link stops working; resending at once is refused with a reason", async ({ page, openContext, baseURL }) => {
  const { team } = await signUp(page, { firstName: "Otto" });
  const invitee = newUser({ firstName: "Rita" });
  await openMembers(page, team);
  const panel = invitationsPanel(page);
  await panel.getByRole("button", { name: "Invite member" }).click();
  const dialog = page.getByRole("dialog", { name: "Invite a member" });
  await dialog.getByRole("textbox", { name: "Email" }).fill(invitee.email);
  await dialog.getByRole("button", { name: "Send invitation" }).click();
  await expect(dialog).toBeHidden();
  const link = await invitationLinkFor(invitee.email, baseURL!);

  // A second invitation to the same address is refused at the field.
  await panel.getByRole("button", { name: "Invite member" }).click();
  await dialog.getByRole("textbox", { name: "Email" }).fill(invitee.email);
  await dialog.getByRole("button", { name: "Send invitation" }).click();
  await expect(dialog.getByText("already has a pending invitation to this team. Resend it from the list instead.")).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();

  await panel.getByRole("button", { name: `Resend the invitation to ${invitee.email}` }).click();
  await expect(page.getByText(/sent less than a minute ago/)).toBeVisible();

  await panel.getByRole("button", { name: `Revoke the invitation to ${invitee.email}` }).click();
  const confirm = page.getByRole("dialog", { name: "Revoke this invitation?" });
  await confirm.getByRole("button", { name: "Revoke invitation" }).click();
  await expect(confirm).toBeHidden();
  await expect(panel.getByRole("listitem", { name: `Invitation to ${invitee.email}` })).toContainText("Revoked");

  const visitor = await (await openContext()).newPage();
  await visitor.goto(link);
  await expect(heading(visitor, "This invitation was revoked")).toBeVisible();
  await expect(visitor.getByRole("link", { name: "Create an account" })).toHaveCount(0);
  // Signing up anyway does not put them in the team.
  await visitor.goto("/sign-up");
  await submitSignUp(visitor, invitee);
  await expect(visitor).toHaveURL((url) => url.pathname !== "/sign-up", { timeout: 20_000 });
  const teams = await trpcGet<{ slug: string }[]>(visitor.request, "team.list", undefined);
  expect(teams.map((t) => t.slug)).not.toContain(team.slug);
});

test("inviteAndJoin brings a fresh person into the team with the role", async ({ page, openContext }) => {
  const { team } = await signUp(page, { firstName: "Omar" });
  const viewer = await inviteAndJoin(page, openContext, team, "viewer");
  const teamId = await teamIdOf(viewer.page.request, team.slug);
  expect((await trpcGet<{ role: string }>(viewer.page.request, "team.get", { teamId })).role).toBe("viewer");
  await openMembers(page, team);
  await expect(page.getByRole("row", { name: new RegExp(viewer.account.user.name) })).toContainText("Viewer");
});
