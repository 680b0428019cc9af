/**
 * Full-page screenshots of the main pages for people to look at, in light and dark mode, wide and
 * at a phone's 390px. Written to test-results/screenshots/<page>-<variant>.png and attached to the
 * HTML report. Nothing here checks what a page shows; only a failed navigation fails a test.
 */
import path from "node:path";
import type { Page } from "@playwright/test";
import { test, uniqueId } from "./fixtures";

const variants = [
  { name: "light", colorScheme: "light", viewport: { width: 1280, height: 800 } },
  { name: "dark", colorScheme: "dark", viewport: { width: 1280, height: 800 } },
  { name: "light-390", colorScheme: "light", viewport: { width: 390, height: 844 } },
  { name: "dark-390", colorScheme: "dark", viewport: { width: 390, height: 844 } },
] as const;

async function capture(page: Page, urlPath: string, file: string) {
  // goto throws on a navigation error (server down, connection refused): the one way to fail here.
  await page.goto(urlPath);
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
    });

    test("console pages", async ({ openContext, workerAccount }) => {
      test.setTimeout(60_000);
      const { team, storageState } = workerAccount;
      const page = await (await openContext({ viewport: variant.viewport, storageState })).newPage();
      await page.emulateMedia({ colorScheme: variant.colorScheme });
      await capture(page, `/${team.slug}`, `overview-${variant.name}.png`);
      await capture(page, `/${team.slug}/settings`, `settings-${variant.name}.png`);
      await capture(page, `/${team.slug}/playground`, `playground-${variant.name}.png`);
      await capture(page, `/${team.slug}/spend`, `spend-${variant.name}.png`);
      await capture(page, `/${team.slug}/billing`, `billing-${variant.name}.png`);
      await capture(page, "/account", `account-${variant.name}.png`);
      await capture(page, `/no-such-team-${uniqueId()}`, `not-found-${variant.name}.png`);
    });
  });
}
