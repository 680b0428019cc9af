import { expect, signUp, test } from "./fixtures";

test("choose which team notifications also come by mail, and the choice stays", async ({ page }) => {
  const { user } = await signUp(page, { firstName: "Mila" });
  await page.goto("/account");
  await expect(page.getByText(`Choose which also go to ${user.email}`)).toBeVisible();
  const budgetAlerts = page.getByLabel("Budget alerts");
  const blocksEnding = page.getByLabel("Capacity blocks ending");
  await expect(budgetAlerts).toBeChecked();
  await expect(blocksEnding).toBeChecked();
  const save = page.getByRole("button", { name: "Save preferences" });
  await expect(save, "nothing to save yet").toBeDisabled();

  await budgetAlerts.uncheck();
  await save.click();
  await expect(page.getByText("Mail preferences saved")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Budget alerts")).not.toBeChecked();
  await expect(page.getByLabel("Capacity blocks ending")).toBeChecked();
  await expect(page.getByRole("button", { name: "Save preferences" })).toBeDisabled();
});
