/**
 * Full-page screenshots of the main pages for people to look at, in light and dark mode, wide and
 * at a phone's 390px. Written to test-results/screenshots/<page>-<variant>.png and attached to the
 * HTML report. Nothing here checks what a page shows; only a failed navigation (or the setup of
 * the team administration pages) fails a test.
 */
import path from "node:path";
import type { BrowserContext, BrowserContextOptions, Page } from "@playwright/test";
import {
  buyCapacityBlock,
  consoleLinkIn,
  inviteAndJoin,
  newUser,
  publicKeyForTest,
  signUp,
  teamIdOf,
  test as base,
  trpcGet,
  trpcPost,
  uniqueId,
  waitForMail,
  type Account,
} from "./fixtures";

interface AdminTeam extends Account {
  storageState: Awaited<ReturnType<BrowserContext["storageState"]>>;
  /** /invite/<token> of an invitation still pending. */
  invitationPath: string;
  /** /reset-password/<token> of a reset link not yet used. */
  resetPasswordPath: string;
  instanceId: string;
  reservationId: string;
}

const test = base.extend<object, { adminTeam: AdminTeam }>({
  /**
   * Made once per worker, so that every variant shows the same thing: an owner whose team has two
   * members who joined by invitation (one whose role was then changed), an invitation still
   * pending, an API key, an SSH key, a running instance and a capacity block, and so a few events in
   * the audit log; plus unused links from mails.
   */
  adminTeam: [
    async ({ browser }, provide, workerInfo) => {
      const baseURL = workerInfo.project.use.baseURL!;
      const contexts: BrowserContext[] = [];
      const openContext = async (options: BrowserContextOptions = {}) => {
        const context = await browser.newContext({ baseURL, ...options });
        contexts.push(context);
        return context;
      };
      let made: AdminTeam;
      try {
        const ownerContext = await openContext();
        const page = await ownerContext.newPage();
        const account = await signUp(page, { firstName: "Ada" });
        const teamId = await teamIdOf(page.request, account.team.slug);

        await inviteAndJoin(page, openContext, account.team, "developer", { firstName: "Ivy" });
        const lin = await inviteAndJoin(page, openContext, account.team, "viewer", { firstName: "Lin" });
        const members = await trpcGet<{ userId: string; email: string }[]>(page.request, "members.list", { teamId });
        const linId = members.find((m) => m.email === lin.account.user.email)!.userId;
        await trpcPost(page.request, "members.changeRole", { teamId, memberId: linId, role: "billing" });
        await trpcPost(page.request, "keys.create", { teamId, name: "CI deploys", scopes: ["inference"] });
        const sshKey = await trpcPost<{ id: string }>(page.request, "sshKeys.add", { teamId, name: "laptop", publicKey: publicKeyForTest(`ada-${uniqueId()}@e2e`).publicKey });
        const instance = await trpcPost<{ id: string }>(page.request, "instances.launch", { teamId, name: "train-1", instanceTypeId: "gpu-1x-h100-sxm", regionId: "us-east-1", image: "ubuntu-22.04-cuda-12.4", sshKeyIds: [sshKey.id] });
        const block = await buyCapacityBlock(page.request, teamId, { name: "Pre-training block", instanceTypeId: "gpu-8x-h100-sxm", instanceCount: 2, hours: 72 });

        const pending = newUser({ firstName: "Pat" });
        await trpcPost(page.request, "invitations.create", { teamId, email: pending.email, role: "developer" });
        const invitationLink = consoleLinkIn(await waitForMail(pending.email, /^Join .+ on Compute Console$/), baseURL);

        await trpcPost(lin.page.request, "auth.requestPasswordReset", { email: lin.account.user.email });
        const resetLink = consoleLinkIn(await waitForMail(lin.account.user.email, /Reset your Compute Console password/), baseURL);

        made = {
          ...account,
          storageState: await ownerContext.storageState(),
          invitationPath: new URL(invitationLink).pathname,
          resetPasswordPath: new URL(resetLink).pathname,
          instanceId: instance.id,
          reservationId: block.id,
        };
      } finally {
        await Promise.all(contexts.map((c) => c.close()));
      }
      await provide(made);
    },
    { scope: "worker", timeout: 120_000 },
  ],
});

const variants = [
  { name: "light", colorScheme: "light", viewport: { width: 1280, height: 800 } },
  { name: "dark", colorScheme: "dark", viewport: { width: 1280, height: 800 } },
  { name: "light-390", colorScheme: "light", viewport: { width: 390, height: 844 } },
  { name: "dark-390", colorScheme: "dark", viewport: { width: 390, height: 844 } },
] as const;

async function capture(page: Page, urlPath: string, file: string) {
  // goto throws on a navigation error (server down, connection refused): the one way to fail here.
  await page.goto(urlPath);
  await screenshot(page, file);
}

/** The page as it is now, e.g. after opening a form on it. */
async function screenshot(page: Page, file: string) {
  // Best effort to let client data and fonts arrive; bounded, and never a failure.
  await page.waitForLoadState("networkidle", { timeout: 5_000 }).catch(() => undefined);
  await page.evaluate(() => document.fonts.ready).catch(() => undefined);
  const out = path.join(test.info().project.outputDir, "screenshots", file);
  await page.screenshot({ path: out, fullPage: true, animations: "disabled" });
  await test.info().attach(file, { path: out, contentType: "image/png" });
}

for (const variant of variants) {
  test.describe(`screenshots, ${variant.name}`, () => {
    test("signed-out pages", async ({ openContext }) => {
      const page = await (await openContext({ viewport: variant.viewport })).newPage();
      await page.emulateMedia({ colorScheme: variant.colorScheme });
      await capture(page, "/sign-in", `sign-in-${variant.name}.png`);
      await capture(page, "/sign-up", `sign-up-${variant.name}.png`);
      await capture(page, "/forgot-password", `forgot-password-${variant.name}.png`);
      await capture(page, "/verify-email", `verify-email-${variant.name}.png`);
    });

    test("pages of links in mails, signed out", async ({ openContext, adminTeam }) => {
      const page = await (await openContext({ viewport: variant.viewport })).newPage();
      await page.emulateMedia({ colorScheme: variant.colorScheme });
      await capture(page, adminTeam.invitationPath, `invite-${variant.name}.png`);
      await capture(page, adminTeam.resetPasswordPath, `reset-password-${variant.name}.png`);
    });

    test("console pages", async ({ openContext, workerAccount }) => {
      test.setTimeout(90_000);
      const { team, storageState } = workerAccount;
      const page = await (await openContext({ viewport: variant.viewport, storageState })).newPage();
      await page.emulateMedia({ colorScheme: variant.colorScheme });
      await capture(page, `/${team.slug}`, `overview-${variant.name}.png`);
      await capture(page, `/${team.slug}/settings`, `settings-${variant.name}.png`);
      await capture(page, `/${team.slug}/models`, `models-${variant.name}.png`);
      await capture(page, `/${team.slug}/models/meta-llama/llama-3.1-8b-instruct`, `model-${variant.name}.png`);
      await capture(page, `/${team.slug}/playground`, `playground-${variant.name}.png`);
      await capture(page, `/${team.slug}/instances/new`, `instances-new-${variant.name}.png`);
      await capture(page, `/${team.slug}/spend`, `spend-${variant.name}.png`);
      await capture(page, `/${team.slug}/billing`, `billing-${variant.name}.png`);
      await capture(page, "/account", `account-${variant.name}.png`);
      await capture(page, `/no-such-team-${uniqueId()}`, `not-found-${variant.name}.png`);
    });

    test("team pages with data", async ({ openContext, adminTeam }) => {
      const { team, storageState } = adminTeam;
      const page = await (await openContext({ viewport: variant.viewport, storageState })).newPage();
      await page.emulateMedia({ colorScheme: variant.colorScheme });
      await capture(page, `/${team.slug}/members`, `members-${variant.name}.png`);
      await capture(page, `/${team.slug}/audit`, `audit-${variant.name}.png`);
      await capture(page, `/${team.slug}/keys`, `keys-${variant.name}.png`);
      await capture(page, `/${team.slug}/ssh-keys`, `ssh-keys-${variant.name}.png`);
      await capture(page, `/${team.slug}/instances`, `instances-${variant.name}.png`);
      await capture(page, `/${team.slug}/instances/${adminTeam.instanceId}`, `instance-${variant.name}.png`);
      await capture(page, `/${team.slug}/reservations`, `reservations-${variant.name}.png`);
      await page.getByRole("button", { name: "Reserve capacity" }).first().click();
      await screenshot(page, `reservations-search-${variant.name}.png`);
      await capture(page, `/${team.slug}/reservations/${adminTeam.reservationId}`, `reservation-${variant.name}.png`);
    });
  });
}
