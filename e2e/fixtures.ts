/**
 * Shared helpers for the browser tests. Every helper drives the UI the way a person would
 * (roles and labels, no CSS selectors, no sleeps), so a helper failing is itself a finding.
 *
 * Each test makes its own users with unique emails, so tests never depend on one another or on
 * what is already in the database.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  test as base,
  expect,
  type APIRequestContext,
  type BrowserContext,
  type BrowserContextOptions,
  type Locator,
  type Page,
} from "@playwright/test";

export { expect };

export interface TestUser {
  firstName: string;
  name: string;
  email: string;
  password: string;
}

export interface Team {
  name: string;
  slug: string;
}

/** A user who has signed up, and the personal team made for them. */
export interface Account {
  user: TestUser;
  team: Team;
}

type StorageState = Awaited<ReturnType<BrowserContext["storageState"]>>;

let sequence = 0;

/** Lowercase letters and digits, unique across processes and runs: usable in emails and slugs. */
export function uniqueId(): string {
  const time = Date.now().toString(36);
  const pid = process.pid.toString(36);
  const seq = (sequence++).toString(36);
  const random = Math.random().toString(36).slice(2, 6).padEnd(4, "0");
  return `${time}${pid}${seq}${random}`;
}

/** A new, not yet registered user. Keep first names to plain letters: slugs are derived from them. */
export function newUser(overrides: Partial<TestUser> = {}): TestUser {
  const id = uniqueId();
  const firstName = overrides.firstName ?? "Ada";
  return {
    firstName,
    name: overrides.name ?? `${firstName} Tester`,
    email: overrides.email ?? `e2e-${firstName.toLowerCase()}-${id}@example.com`,
    password: overrides.password ?? `correct-horse-${id}`,
  };
}

/** "Ada" → "Ada's team", the name of the personal team made at sign-up. */
export function personalTeamName(user: Pick<TestUser, "firstName">): string {
  return `${user.firstName}'s team`;
}

/** Slug of the personal team: "adas-team", or "adas-team-x7k2qp" when the plain one was taken. */
function personalTeamPath(user: Pick<TestUser, "firstName">): RegExp {
  return new RegExp(`^/${user.firstName.toLowerCase()}s-team(-[a-z0-9]+)?$`);
}

/** Current path of the page, without origin or query. */
export function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

/** The page's level-1 heading containing `text`. */
export function heading(page: Page, text: string | RegExp): Locator {
  return page.getByRole("heading", { level: 1, name: text });
}

// ---------------------------------------------------------------------------------------------
// Sign-up, sign-in, sign-out
// ---------------------------------------------------------------------------------------------

export function emailField(page: Page): Locator {
  return page.getByLabel("Email", { exact: true });
}

/** By label, not role: password inputs have no ARIA role; exact so "Show password" never matches. */
export function passwordField(page: Page): Locator {
  return page.getByLabel("Password", { exact: true });
}

/** Fills the sign-up form and submits it, without waiting for the outcome. */
export async function submitSignUp(page: Page, user: Pick<TestUser, "name" | "email" | "password">) {
  await page.getByRole("textbox", { name: "Name", exact: true }).fill(user.name);
  await emailField(page).fill(user.email);
  await passwordField(page).fill(user.password);
  await page.getByRole("button", { name: "Create account", exact: true }).click();
}

/**
 * Signs a new user up through /sign-up and waits for the Overview of their personal team.
 * The page stays signed in as that user.
 */
export async function signUp(page: Page, overrides: Partial<TestUser> = {}): Promise<Account> {
  const user = newUser(overrides);
  await page.goto("/sign-up");
  await submitSignUp(page, user);
  await expect(page, "sign-up should land on the personal team's Overview").toHaveURL(
    (url) => personalTeamPath(user).test(url.pathname),
    { timeout: 20_000 },
  );
  const team = { name: personalTeamName(user), slug: pathOf(page).slice(1) };
  await expect(heading(page, team.name)).toBeVisible();
  return { user, team };
}

/** Fills the sign-in form on the current page and submits it, without waiting for the outcome. */
export async function submitSignIn(page: Page, credentials: Pick<TestUser, "email" | "password">) {
  await emailField(page).fill(credentials.email);
  await passwordField(page).fill(credentials.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** Opens a fresh /sign-in (so no earlier message is on screen) and tries these credentials. */
export async function attemptSignIn(page: Page, credentials: Pick<TestUser, "email" | "password">) {
  await page.goto("/sign-in");
  await submitSignIn(page, credentials);
}

/** Signs in through /sign-in and waits until the browser has left the sign-in page. */
export async function signIn(page: Page, credentials: Pick<TestUser, "email" | "password">) {
  await attemptSignIn(page, credentials);
  await expect(page, "sign-in should leave /sign-in").toHaveURL((url) => url.pathname !== "/sign-in", {
    timeout: 20_000,
  });
}

/** Opens the account menu (the user's avatar button). */
export async function openAccountMenu(page: Page) {
  await page.getByRole("button", { name: "Account menu" }).click();
  await expect(page.getByRole("menu")).toBeVisible();
}

/** Signs out through the account menu and waits for /sign-in. */
export async function signOut(page: Page) {
  await openAccountMenu(page);
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL((url) => url.pathname === "/sign-in", { timeout: 20_000 });
}

// ---------------------------------------------------------------------------------------------
// Teams
// ---------------------------------------------------------------------------------------------

export function teamSwitcher(page: Page): Locator {
  return page.getByRole("button", { name: "Switch team" });
}

/** Opens the team switcher and returns its menu. */
export async function openTeamSwitcher(page: Page): Promise<Locator> {
  await teamSwitcher(page).click();
  const menu = page.getByRole("menu");
  await expect(menu).toBeVisible();
  return menu;
}

/** A team's entry in the open switcher, whether rendered as a menuitem or a menuitemradio. */
export function teamMenuItem(page: Page, teamName: string): Locator {
  return page
    .getByRole("menuitemradio", { name: teamName })
    .or(page.getByRole("menuitem", { name: teamName }));
}

/** Switches to another team through the switcher and waits for its Overview. */
export async function switchTeam(page: Page, team: Team) {
  await openTeamSwitcher(page);
  await teamMenuItem(page, team.name).click();
  await expect(page).toHaveURL((url) => url.pathname === `/${team.slug}`);
  await expect(heading(page, team.name)).toBeVisible();
  await expect(teamSwitcher(page)).toContainText(team.name);
}

/**
 * Creates a team through switcher → "Create team", checking that the URL field is filled in from
 * the name, and waits for the new team's Overview. Use plain names ("Lab 123abc") so the slug is
 * predictable: lowercase, spaces to hyphens.
 */
export async function createTeam(page: Page, name: string): Promise<Team> {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  await openTeamSwitcher(page);
  await page.getByRole("menuitem", { name: "Create team" }).click();
  const dialog = page.getByRole("dialog", { name: "Create a team" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("textbox", { name: "Team name" }).fill(name);
  await expect(dialog.getByRole("textbox", { name: "Team URL" }), "the URL follows the name").toHaveValue(slug);
  await dialog.getByRole("button", { name: "Create team" }).click();
  await expect(page).toHaveURL((url) => url.pathname === `/${slug}`, { timeout: 20_000 });
  await expect(heading(page, name)).toBeVisible();
  return { name, slug };
}

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

interface TestFixtures {
  /**
   * Opens another browser context (another person, or an anonymous visitor) with the project's
   * baseURL; closed after the test. `page` is the first person; call this for the second.
   */
  openContext: (options?: BrowserContextOptions) => Promise<BrowserContext>;
}

interface WorkerFixtures {
  /**
   * One user signed up once per worker, with their signed-in storage state. For tests that only
   * need "someone signed in" and change nothing (screenshots); journeys make their own users.
   */
  workerAccount: Account & { storageState: StorageState };
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  openContext: async ({ browser, baseURL }, provide) => {
    const contexts: BrowserContext[] = [];
    await provide(async (options = {}) => {
      const context = await browser.newContext({ baseURL, ...options });
      contexts.push(context);
      return context;
    });
    await Promise.all(contexts.map((c) => c.close()));
  },

  workerAccount: [
    async ({ browser }, provide, workerInfo) => {
      const context = await browser.newContext({ baseURL: workerInfo.project.use.baseURL });
      let signedUp: Account & { storageState: StorageState };
      try {
        const account = await signUp(await context.newPage(), { firstName: "Grace" });
        signedUp = { ...account, storageState: await context.storageState() };
      } finally {
        await context.close();
      }
      await provide(signedUp);
    },
    { scope: "worker", timeout: 60_000 },
  ],
});

// ---------------------------------------------------------------------------------------------
// SSH keys
// ---------------------------------------------------------------------------------------------

/** Used where ssh-keygen is not installed; its fingerprint is what `ssh-keygen -lf` printed for it. */
const FIXED_KEY = {
  publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEsU/tiKc05bCXiPsJ9ZMb0EKLpIYC6UoO/MEgtWCYql fixture-ed25519@example",
  comment: "fixture-ed25519@example",
  fingerprint: "SHA256:lSjeQeZthLn3b2HfgzoJIlJCYJviXIrQPnqatdhY6n0",
};

/** A fresh key from ssh-keygen, with the fingerprint it prints, or the fixed key without it. */
export function publicKeyForTest(comment: string): { publicKey: string; comment: string; fingerprint: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cc-e2e-ssh-"));
  try {
    const file = path.join(dir, "id_ed25519");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file], { stdio: "ignore" });
    const fingerprint = execFileSync("ssh-keygen", ["-lf", `${file}.pub`], { encoding: "utf8" }).split(" ")[1]!;
    return { publicKey: readFileSync(`${file}.pub`, "utf8"), comment, fingerprint };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    return FIXED_KEY;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Json<T> = { result: { data: { json: T } } };

/** Calls a tRPC mutation as the signed-in user of `request` (the browser context's cookies). */
export async function trpcPost<T>(request: APIRequestContext, path: string, input: unknown): Promise<T> {
  const response = await request.post(`/api/trpc/${path}`, { data: { json: input } });
  expect(response.ok(), `${path}: ${await response.text()}`).toBe(true);
  return ((await response.json()) as Json<T>).result.data.json;
}

/** Calls a tRPC query as the signed-in user of `request`. */
export async function trpcGet<T>(request: APIRequestContext, path: string, input: unknown): Promise<T> {
  const response = await request.get(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  expect(response.ok(), `${path}: ${await response.text()}`).toBe(true);
  return ((await response.json()) as Json<T>).result.data.json;
}

/**
 * Buys a capacity block through the console's own procedures, as the signed-in user of `request`:
 * the first offering of `hours` hours that starts two days from the next full hour or later.
 */
export async function buyCapacityBlock(
  request: APIRequestContext,
  teamId: string,
  block: { name: string; instanceTypeId: string; instanceCount: number; hours: number },
): Promise<{ id: string; priceNano: bigint }> {
  const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 48 * 3_600_000);
  const [offer] = await trpcGet<{ regionId: string; startsAt: string; endsAt: string; priceNano: string }[]>(request, "reservations.search", {
    teamId,
    instanceTypeId: block.instanceTypeId,
    instanceCount: block.instanceCount,
    durationHours: block.hours,
    earliestStart: start.toISOString(),
    latestEnd: new Date(start.getTime() + 7 * 86_400_000).toISOString(),
  });
  expect(offer, `no offering of ${block.instanceCount}× ${block.instanceTypeId} for ${block.hours} hours`).toBeDefined();
  const bought = await trpcPost<{ id: string }>(request, "reservations.purchase", {
    teamId,
    name: block.name,
    regionId: offer!.regionId,
    instanceTypeId: block.instanceTypeId,
    instanceCount: block.instanceCount,
    startsAt: offer!.startsAt,
    endsAt: offer!.endsAt,
    priceNano: offer!.priceNano,
    idempotencyKey: `e2e-${uniqueId()}`,
  });
  return { id: bought.id, priceNano: BigInt(offer!.priceNano) };
}

/** Where the mail sink (e2e/mail-sink.ts, started by playwright.config.ts) shows what it received. */
const MAIL_SINK_URL = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100) + 2}`;

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/** Waits for a mail to `to` (whose subject matches) to arrive at the SMTP sink, and returns it. */
export async function waitForMail(to: string, subject: RegExp, timeoutMs = 15_000): Promise<ReceivedMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${MAIL_SINK_URL}/messages?to=${encodeURIComponent(to)}`);
    const mails = (await response.json()) as ReceivedMail[];
    const mail = mails.findLast((m) => subject.test(m.subject));
    if (mail) return mail;
    if (Date.now() > deadline) throw new Error(`no mail to ${to} matching ${subject} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The link in a mail that points at the console under test. */
export function consoleLinkIn(mail: ReceivedMail, baseURL: string): string {
  const link = mail.text.match(/https?:\/\/\S+/g)?.find((url) => url.startsWith(baseURL));
  if (!link) throw new Error(`no link to ${baseURL} in the mail:\n${mail.text}`);
  return link;
}

// ---------------------------------------------------------------------------------------------
// Invitations
// ---------------------------------------------------------------------------------------------

export type TeamRole = "owner" | "admin" | "developer" | "billing" | "viewer";

/** A person who joined a team through an invitation: their signed-in page and account. */
export interface JoinedMember {
  page: Page;
  context: BrowserContext;
  /** The new person and the personal team their sign-up made. */
  account: Account;
}

/** The id of the team with `slug`, as the signed-in user of `request` sees it. */
export async function teamIdOf(request: APIRequestContext, slug: string): Promise<string> {
  const teams = await trpcGet<{ id: string; slug: string }[]>(request, "team.list", undefined);
  const team = teams.find((t) => t.slug === slug);
  if (!team) throw new Error(`the signed-in user is not a member of ${slug}`);
  return team.id;
}

/** The invitation mail to `email` and its link to the console (the mail sink keeps the latest last). */
export async function invitationLinkFor(email: string, baseURL: string): Promise<string> {
  return consoleLinkIn(await waitForMail(email, /^Join .+ on Compute Console$/), baseURL);
}

/**
 * Invites a fresh person to the owner's team with `role` (through tRPC, as `ownerPage`'s user),
 * follows the mailed link in a new browser context, signs them up there and joins; resolves once
 * they are on the team's Overview. The owner must hold members:write in the team.
 */
export async function inviteAndJoin(
  ownerPage: Page,
  openContext: (options?: BrowserContextOptions) => Promise<BrowserContext>,
  team: Team,
  role: TeamRole,
  overrides: Partial<TestUser> = {},
): Promise<JoinedMember> {
  const user = newUser({ firstName: "Ivy", ...overrides });
  const teamId = await teamIdOf(ownerPage.request, team.slug);
  await trpcPost(ownerPage.request, "invitations.create", { teamId, email: user.email, role });
  const baseURL = new URL(ownerPage.url()).origin;
  const link = await invitationLinkFor(user.email, baseURL);

  const context = await openContext();
  const page = await context.newPage();
  await page.goto(link);
  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page).toHaveURL((url) => url.pathname === "/sign-up");
  await expect(emailField(page), "the invited address is filled in").toHaveValue(user.email);
  await submitSignUp(page, user);
  await expect(page, "sign-up returns to the invitation").toHaveURL((url) => url.pathname === new URL(link).pathname, { timeout: 20_000 });
  await page.getByRole("button", { name: `Join ${team.name}` }).click();
  await expect(page).toHaveURL((url) => url.pathname === `/${team.slug}`, { timeout: 20_000 });
  await expect(heading(page, team.name)).toBeVisible();

  const teams = await trpcGet<{ name: string; slug: string }[]>(page.request, "team.list", undefined);
  const personal = teams.find((t) => t.name === personalTeamName(user));
  if (!personal) throw new Error(`no personal team for ${user.email}`);
  return { page, context, account: { user, team: { name: personal.name, slug: personal.slug } } };
}
