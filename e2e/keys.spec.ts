/**
 * API keys in the console: create a key and see its secret exactly once, copy it, find it in the
 * list, rotate and revoke keys, and keep other teams out. (Calling the API with a key is covered
 * where the API is.) Also writes screenshots of the keys pages to test-results/screenshots/.
 */
import path from "node:path";
import type { Page } from "@playwright/test";
import { expect, heading, signUp, test, uniqueId } from "./fixtures";

function keyRow(page: Page, name: string) {
  return page.getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });
}

/** Opens the create dialog from the page, fills the name (and whatever `fill` adds), submits. */
async function createKey(page: Page, name: string, fill?: (dialog: ReturnType<Page["getByRole"]>) => Promise<void>) {
  await page.getByRole("button", { name: "Create key" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create API key" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("textbox", { name: "Name" }).fill(name);
  await fill?.(dialog);
  await dialog.getByRole("button", { name: "Create key" }).click();
  const created = page.getByRole("dialog", { name: "Key created" });
  const secretField = created.getByRole("textbox", { name: "Secret key" });
  await expect(secretField).toHaveValue(/^cc_sk_[0-9A-Za-z]{46}$/);
  return { dialog: created, secret: await secretField.inputValue() };
}

test("create a key, see and copy its secret once, then revoke it", async ({ page, context, openContext }) => {
  test.setTimeout(90_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const { team } = await signUp(page, { firstName: "Kai" });
  const name = `CI ${uniqueId()}`;

  await test.step("API keys is in the navigation and starts empty", async () => {
    await page.getByRole("navigation").getByRole("link", { name: "API keys", exact: true }).first().click();
    await expect(page).toHaveURL((url) => url.pathname === `/${team.slug}/keys`);
    await expect(heading(page, "API keys")).toBeVisible();
    await expect(page.getByRole("heading", { name: "No API keys yet" })).toBeVisible();
  });

  const secret = await test.step("create a key: the secret is shown once, and copies", async () => {
    await page.getByRole("button", { name: "Create key" }).click();
    const form = page.getByRole("dialog", { name: "Create API key" });
    await expect(form.getByRole("checkbox", { name: "Inference" })).toBeChecked();
    await expect(form.getByRole("checkbox", { name: "Manage instances" })).not.toBeChecked();
    await expect(form.getByRole("combobox", { name: "Expires" })).toHaveValue("");
    await page.keyboard.press("Escape");

    const { dialog, secret } = await createKey(page, name);
    await expect(dialog.getByText("This is the only time the secret is shown. Store it somewhere safe.")).toBeVisible();
    await expect(dialog.getByRole("textbox", { name: "Secret key" })).toHaveAttribute("readonly", "");
    await dialog.getByRole("button", { name: "Copy", exact: true }).click();
    await expect(dialog.getByRole("button", { name: "Copied", exact: true })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    // Escape and a click outside do not throw the only copy of the secret away; Done does.
    await page.keyboard.press("Escape");
    await page.mouse.click(5, 5);
    await expect(dialog.getByRole("textbox", { name: "Secret key" })).toHaveValue(secret);
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(dialog).toBeHidden();
    return secret;
  });

  await test.step("the list shows the key as Active and never used, and never its secret", async () => {
    const row = keyRow(page, name);
    await expect(row).toContainText("Active");
    await expect(row).toContainText("Never");
    await expect(row).toContainText(`${secret.slice(0, 10)}…${secret.slice(-4)}`);
    await expect(row).toContainText("Inference");
    await page.reload();
    await expect(keyRow(page, name)).toContainText("Active");
    expect(await page.content()).not.toContain(secret.slice(10, -4));
  });

  await test.step("revoke it after confirming", async () => {
    await page.getByRole("button", { name: `Actions for ${name}` }).click();
    await page.getByRole("menuitem", { name: "Revoke" }).click();
    const confirm = page.getByRole("dialog", { name: `Revoke key ${name}?` });
    await expect(confirm).toBeVisible();
    await confirm.getByRole("button", { name: "Revoke key" }).click();
    await expect(page.getByText("Key revoked")).toBeVisible();
    await expect(confirm).toBeHidden();
    await expect(keyRow(page, name)).toContainText("Revoked");
    await expect(page.getByRole("button", { name: `Actions for ${name}` })).toHaveCount(0);
  });

  await test.step("the key's page shows its details; another person gets a 404 there", async () => {
    await keyRow(page, name).getByRole("link", { name }).click();
    await expect(heading(page, name)).toBeVisible();
    await expect(page.getByRole("region", { name: "Last 24 hours" })).toContainText("Requests");
    await expect(page.getByRole("region", { name: "Last 30 days" })).toContainText("$0.00");
    await expect(page.getByText(/^Revoked$/).first()).toBeVisible();
    const keyPath = new URL(page.url()).pathname;
    expect(keyPath).toMatch(new RegExp(`^/${team.slug}/keys/key_[0-9A-Za-z]{20}$`));

    const stranger = await (await openContext()).newPage();
    const alien = await signUp(stranger, { firstName: "Alan" });
    for (const path of [keyPath, `/${alien.team.slug}/keys/${keyPath.split("/").pop()}`]) {
      const response = await stranger.goto(path);
      expect(response?.status(), path).toBe(404);
      await expect(heading(stranger, "Page not found")).toBeVisible();
    }
  });
});

test("the create form explains what is wrong, per field; rotation shows the new secret once", async ({ page }) => {
  test.setTimeout(90_000);
  const { team } = await signUp(page, { firstName: "Rosa" });
  await page.goto(`/${team.slug}/keys`);

  await test.step("empty name and no scope are refused in the browser", async () => {
    await page.getByRole("button", { name: "Create key" }).click();
    const dialog = page.getByRole("dialog", { name: "Create API key" });
    await dialog.getByRole("checkbox", { name: "Inference" }).uncheck();
    await dialog.getByRole("button", { name: "Create key" }).click();
    await expect(dialog.getByText("Enter a name for the key.")).toBeVisible();
    await expect(dialog.getByText("Choose at least one scope.")).toBeVisible();
  });

  await test.step("an unknown model is refused by the server next to its field, limits are checked", async () => {
    const dialog = page.getByRole("dialog", { name: "Create API key" });
    await dialog.getByRole("textbox", { name: "Name" }).fill("Limited");
    await dialog.getByRole("checkbox", { name: "Read usage" }).check();
    await dialog.getByText("Advanced limits").click();
    await dialog.getByRole("textbox", { name: "Requests per minute" }).fill("0");
    await dialog.getByRole("button", { name: "Create key" }).click();
    await expect(dialog.getByText("Enter a whole number from 1 to 100,000 requests.")).toBeVisible();
    await dialog.getByRole("textbox", { name: "Requests per minute" }).fill("600");
    await dialog.getByRole("textbox", { name: "Allowed models" }).fill("no-such-model-xyz");
    await dialog.getByRole("textbox", { name: "Monthly spend limit (USD)" }).fill("25");
    await dialog.getByRole("button", { name: "Create key" }).click();
    await expect(dialog.getByText("Unknown model: no-such-model-xyz")).toBeVisible();
    await expect(dialog.getByRole("textbox", { name: "Allowed models" })).toHaveAttribute("aria-invalid", "true");
    await dialog.getByRole("textbox", { name: "Allowed models" }).fill("");
    await dialog.getByRole("button", { name: "Create key" }).click();
    const created = page.getByRole("dialog", { name: "Key created" });
    await expect(created.getByRole("textbox", { name: "Secret key" })).toHaveValue(/^cc_sk_/);
    await created.getByRole("button", { name: "Done" }).click();
    const row = keyRow(page, "Limited");
    await expect(row).toContainText("Read usage");
    await expect(row).toContainText("Active");
  });

  await test.step("rotate with a grace period: a new secret, shown once, and the key is Rotating", async () => {
    const oldHint = (await keyRow(page, "Limited").locator("code").textContent()) ?? "";
    await page.getByRole("button", { name: "Actions for Limited" }).click();
    await page.getByRole("menuitem", { name: "Rotate" }).click();
    const dialog = page.getByRole("dialog", { name: "Rotate key Limited" });
    await dialog.getByRole("combobox", { name: "Grace period" }).selectOption({ label: "1 hour" });
    await dialog.getByRole("button", { name: "Rotate key" }).click();
    const rotated = page.getByRole("dialog", { name: "Key rotated" });
    const secret = await rotated.getByRole("textbox", { name: "Secret key" }).inputValue();
    expect(secret).toMatch(/^cc_sk_[0-9A-Za-z]{46}$/);
    await rotated.getByRole("button", { name: "Done" }).click();
    const row = keyRow(page, "Limited");
    await expect(row).toContainText("Rotating");
    await expect(row).toContainText(`${secret.slice(0, 10)}…${secret.slice(-4)}`);
    await expect(row).not.toContainText(oldHint);
  });

  await test.step("the key's page shows its limits", async () => {
    await keyRow(page, "Limited").getByRole("link", { name: "Limited" }).click();
    await expect(heading(page, "Limited")).toBeVisible();
    await expect(page.getByText("$25.00")).toBeVisible();
    await expect(page.getByText("600", { exact: true })).toBeVisible();
    await expect(page.getByText("the previous secret works until")).toBeVisible();
  });
});

const variants = [
  { name: "light", colorScheme: "light", viewport: { width: 1280, height: 800 } },
  { name: "dark", colorScheme: "dark", viewport: { width: 1280, height: 800 } },
  { name: "light-390", colorScheme: "light", viewport: { width: 390, height: 844 } },
  { name: "dark-390", colorScheme: "dark", viewport: { width: 390, height: 844 } },
  { name: "light-900", colorScheme: "light", viewport: { width: 900, height: 800 } },
] as const;

/** Screenshots of the page as it is now, in every variant, as test-results/screenshots/keys-<what>-<variant>.png. */
async function captureAll(page: Page, what: string, fullPage = true) {
  for (const variant of variants) {
    await page.setViewportSize(variant.viewport);
    await page.emulateMedia({ colorScheme: variant.colorScheme });
    await expect(page.locator("html")).toHaveClass(new RegExp(variant.colorScheme));
    const file = `keys-${what}-${variant.name}.png`;
    const out = path.join(test.info().project.outputDir, "screenshots", file);
    await page.screenshot({ path: out, fullPage, animations: "disabled" });
    await test.info().attach(file, { path: out, contentType: "image/png" });
  }
  await page.setViewportSize(variants[0].viewport);
}

test("screenshots of the keys pages", async ({ page }) => {
  test.setTimeout(120_000);
  const { team } = await signUp(page, { firstName: "Iris" });
  await page.goto(`/${team.slug}/keys`);
  await expect(page.getByRole("heading", { name: "No API keys yet" })).toBeVisible();
  await captureAll(page, "empty");

  await createKey(page, "Production backend", async (dialog) => {
    await dialog.getByRole("checkbox", { name: "Read usage" }).check();
    await dialog.getByRole("combobox", { name: "Expires" }).selectOption({ label: "90 days" });
  });
  await page.getByRole("dialog", { name: "Key created" }).getByRole("button", { name: "Done" }).click();
  await createKey(page, "Nightly evaluation job with a rather long name");
  await page.getByRole("dialog", { name: "Key created" }).getByRole("button", { name: "Done" }).click();
  await createKey(page, "Old laptop");
  await page.getByRole("dialog", { name: "Key created" }).getByRole("button", { name: "Done" }).click();
  await page.getByRole("button", { name: "Actions for Old laptop" }).click();
  await page.getByRole("menuitem", { name: "Revoke" }).click();
  await page.getByRole("dialog", { name: "Revoke key Old laptop?" }).getByRole("button", { name: "Revoke key" }).click();
  await expect(keyRow(page, "Old laptop")).toContainText("Revoked");
  await page.getByRole("button", { name: "Actions for Production backend" }).click();
  await page.getByRole("menuitem", { name: "Rotate" }).click();
  await page.getByRole("dialog", { name: "Rotate key Production backend" }).getByRole("button", { name: "Rotate key" }).click();
  await page.getByRole("dialog", { name: "Key rotated" }).getByRole("button", { name: "Done" }).click();
  await expect(keyRow(page, "Production backend")).toContainText("Rotating");
  await page.mouse.move(0, 0);
  await expect(page.getByText("Key rotated"), "toasts gone before the screenshot").toBeHidden({ timeout: 15_000 });
  await captureAll(page, "list");

  await page.getByRole("button", { name: "Create key" }).click();
  const form = page.getByRole("dialog", { name: "Create API key" });
  await form.getByRole("textbox", { name: "Name" }).fill("Staging");
  await form.getByText("Advanced limits").click();
  await captureAll(page, "create-form", false);
  await form.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByRole("dialog", { name: "Key created" })).toBeVisible();
  await captureAll(page, "create-secret", false);
  await page.getByRole("dialog", { name: "Key created" }).getByRole("button", { name: "Done" }).click();

  await keyRow(page, "Production backend").getByRole("link", { name: "Production backend" }).click();
  await expect(heading(page, "Production backend")).toBeVisible();
  await expect(page.getByText("Created key Staging"), "toasts gone before the screenshot").toBeHidden({ timeout: 15_000 });
  await captureAll(page, "detail");
});
