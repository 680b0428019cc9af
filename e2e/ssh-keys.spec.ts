/**
 * SSH keys in the console: add a key and see the fingerprint ssh-keygen would print, get the
 * server's explanation next to the field for a key it refuses, delete a key after confirming.
 * Also writes screenshots of the page to test-results/screenshots/ssh-keys-<what>-<variant>.png.
 */
import path from "node:path";
import type { Page } from "@playwright/test";
import { expect, heading, publicKeyForTest, signUp, test, uniqueId } from "./fixtures";

function keyRow(page: Page, name: string) {
  return page.getByRole("row").filter({ has: page.getByText(name, { exact: true }) });
}

async function openAddDialog(page: Page) {
  await page.getByRole("button", { name: "Add SSH key" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Add SSH key" });
  await expect(dialog).toBeVisible();
  return dialog;
}

test("add an SSH key, see its fingerprint, get told what is wrong with a bad one, delete it", async ({ page }) => {
  test.setTimeout(90_000);
  const { team, user } = await signUp(page, { firstName: "Sid" });
  const key = publicKeyForTest(`sid-${uniqueId()}@laptop`);
  const name = `Laptop ${uniqueId()}`;

  await test.step("SSH keys is in the navigation, after API keys, and starts empty with how to make a key", async () => {
    const nav = page.getByRole("navigation").first();
    const labels = await nav.getByRole("link").allInnerTexts();
    expect(labels.indexOf("SSH keys")).toBe(labels.indexOf("API keys") + 1);
    await nav.getByRole("link", { name: "SSH keys", exact: true }).click();
    await expect(page).toHaveURL((url) => url.pathname === `/${team.slug}/ssh-keys`);
    await expect(heading(page, "SSH keys")).toBeVisible();
    await expect(page.getByRole("heading", { name: "No SSH keys yet" })).toBeVisible();
    await expect(page.getByText("ssh-keygen -t ed25519")).toBeVisible();
    await expect(page.getByText("~/.ssh/id_ed25519.pub")).toBeVisible();
  });

  await test.step("add the key: the name follows its comment until changed, and the list shows its fingerprint", async () => {
    const dialog = await openAddDialog(page);
    await dialog.getByRole("textbox", { name: "Public key" }).fill(key.publicKey);
    await expect(dialog.getByRole("textbox", { name: "Name" })).toHaveValue(key.comment);
    await dialog.getByRole("textbox", { name: "Name" }).fill(name);
    await dialog.getByRole("button", { name: "Add key" }).click();
    await expect(page.getByText(`Added SSH key ${name}`)).toBeVisible();
    await expect(dialog).toBeHidden();

    const row = keyRow(page, name);
    await expect(row).toContainText(key.fingerprint);
    await expect(row).toContainText("ED25519");
    await expect(row).toContainText(`by ${user.name}`);
    await page.reload();
    await expect(keyRow(page, name)).toContainText(key.fingerprint);
  });

  await test.step("a private key, a damaged key and the same key again are refused next to the field", async () => {
    const dialog = await openAddDialog(page);
    const field = dialog.getByRole("textbox", { name: "Public key" });
    await dialog.getByRole("textbox", { name: "Name" }).fill("Second key");

    await field.fill("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n");
    await dialog.getByRole("button", { name: "Add key" }).click();
    await expect(dialog.getByText("This looks like a private key — paste the .pub file.")).toBeVisible();
    await expect(field).toHaveAttribute("aria-invalid", "true");

    await field.fill("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEsU/tiKc05bCXiPsJ9ZMb0EKLpIYC6Uo$$$");
    await dialog.getByRole("button", { name: "Add key" }).click();
    await expect(dialog.getByText("The key data is not valid base64. Copy the whole line from the .pub file.")).toBeVisible();

    await field.fill(key.publicKey);
    await dialog.getByRole("button", { name: "Add key" }).click();
    await expect(dialog.getByText(`This key is already added, as “${name}”.`)).toBeVisible();

    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("row")).toHaveCount(2);
  });

  await test.step("delete it after confirming", async () => {
    await page.getByRole("button", { name: `Delete SSH key ${name}` }).click();
    const confirm = page.getByRole("dialog", { name: `Delete SSH key ${name}?` });
    await expect(confirm).toContainText("keep it until they are terminated");
    await confirm.getByRole("button", { name: "Delete key" }).click();
    await expect(page.getByText(`Deleted SSH key ${name}`)).toBeVisible();
    await expect(confirm).toBeHidden();
    await expect(page.getByRole("heading", { name: "No SSH keys yet" })).toBeVisible();
  });
});

const variants = [
  { name: "light", colorScheme: "light", viewport: { width: 1280, height: 800 } },
  { name: "dark", colorScheme: "dark", viewport: { width: 1280, height: 800 } },
  { name: "light-390", colorScheme: "light", viewport: { width: 390, height: 844 } },
  { name: "dark-390", colorScheme: "dark", viewport: { width: 390, height: 844 } },
] as const;

async function captureAll(page: Page, what: string, fullPage = true) {
  for (const variant of variants) {
    await page.setViewportSize(variant.viewport);
    await page.emulateMedia({ colorScheme: variant.colorScheme });
    await expect(page.locator("html")).toHaveClass(new RegExp(variant.colorScheme));
    const file = `ssh-keys-${what}-${variant.name}.png`;
    const out = path.join(test.info().project.outputDir, "screenshots", file);
    await page.screenshot({ path: out, fullPage, animations: "disabled" });
    await test.info().attach(file, { path: out, contentType: "image/png" });
  }
  await page.setViewportSize(variants[0].viewport);
}

test("screenshots of the SSH keys page", async ({ page }) => {
  test.setTimeout(120_000);
  const { team } = await signUp(page, { firstName: "Ines" });
  await page.goto(`/${team.slug}/ssh-keys`);
  await expect(page.getByRole("heading", { name: "No SSH keys yet" })).toBeVisible();
  await captureAll(page, "empty");

  for (const [name, comment] of [
    ["Work laptop", "ines@work-laptop"],
    ["CI deploy key with a rather long name for a key", "deploy@ci-runner-07.build.internal"],
  ] as const) {
    const dialog = await openAddDialog(page);
    await dialog.getByRole("textbox", { name: "Public key" }).fill(publicKeyForTest(comment).publicKey);
    await dialog.getByRole("textbox", { name: "Name" }).fill(name);
    await dialog.getByRole("button", { name: "Add key" }).click();
    await expect(keyRow(page, name)).toBeVisible();
  }
  await expect(page.getByText("Added SSH key", { exact: false }).first(), "toasts gone before the screenshot").toBeHidden({ timeout: 15_000 });
  await captureAll(page, "list");

  const dialog = await openAddDialog(page);
  await dialog.getByRole("textbox", { name: "Public key" }).fill("ssh-dss AAAAB3NzaC1kc3MAAACBAP");
  await dialog.getByRole("textbox", { name: "Name" }).fill("Old DSA key");
  await dialog.getByRole("button", { name: "Add key" }).click();
  await expect(dialog.getByText(/^Unsupported key type ssh-dss\./)).toBeVisible();
  await captureAll(page, "add-error", false);
});
