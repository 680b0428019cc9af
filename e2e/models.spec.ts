import type { Page } from "@playwright/test";
import { expect, heading, test } from "./fixtures";

const LLAMA_8B = { name: "Llama 3.1 8B Instruct", id: "meta-llama/llama-3.1-8b-instruct" };
const EMBEDDINGS = { name: "Nomic Embed Text v1.5", id: "nomic-ai/nomic-embed-text-v1.5" };

/** The list of model cards; each card's link is named after its model. */
function modelList(page: Page) {
  return page.getByRole("list", { name: "Models" });
}

function modelLink(page: Page, name: string) {
  return modelList(page).getByRole("link", { name, exact: true });
}

test.describe("model catalog", () => {
  test.use({ permissions: ["clipboard-read", "clipboard-write"] });

  test.beforeEach(async ({ context, workerAccount }) => {
    await context.addCookies(workerAccount.storageState.cookies);
  });

  test("the Models page lists the catalog, searches and filters it", async ({ page, workerAccount }) => {
    const { team } = workerAccount;

    await test.step("Models in the navigation opens the catalog", async () => {
      await page.goto(`/${team.slug}`);
      await page.getByRole("navigation").getByRole("link", { name: "Models", exact: true }).first().click();
      await expect(page).toHaveURL((url) => url.pathname === `/${team.slug}/models`);
      await expect(heading(page, "Models")).toBeVisible();
    });

    await test.step("every default model is listed, labelled as served by the local engine", async () => {
      await expect(page.getByRole("status").filter({ hasText: "10 models" })).toBeVisible();
      await expect(modelList(page).getByRole("listitem")).toHaveCount(10);
      await expect(modelLink(page, LLAMA_8B.name)).toBeVisible();
      await expect(modelLink(page, EMBEDDINGS.name)).toBeVisible();
      await expect(modelList(page).getByText("Local engine")).toHaveCount(10);
      await expect(modelList(page).getByText("Preview", { exact: true })).toHaveCount(1);
      await expect(modelList(page).getByText("Deprecated", { exact: true })).toHaveCount(1);
    });

    await test.step("search narrows the list", async () => {
      await page.getByLabel("Search models").fill("qwen");
      await expect(modelList(page).getByRole("listitem")).toHaveCount(2);
      await expect(modelLink(page, "Qwen2.5 72B Instruct")).toBeVisible();
      await expect(modelLink(page, LLAMA_8B.name)).toHaveCount(0);
      await expect(page.getByRole("status")).toContainText("2 of 10 models");
      await page.getByLabel("Search models").fill("");
      await expect(modelList(page).getByRole("listitem")).toHaveCount(10);
    });

    await test.step("the Embeddings filter shows the embeddings model only, and survives a reload", async () => {
      await page.getByLabel("Endpoint").selectOption({ label: "Embeddings" });
      await expect(modelList(page).getByRole("listitem")).toHaveCount(1);
      await expect(modelLink(page, EMBEDDINGS.name)).toBeVisible();
      await expect(page).toHaveURL((url) => url.searchParams.get("endpoint") === "embeddings");
      await page.reload();
      await expect(page.getByLabel("Endpoint")).toHaveValue("embeddings");
      await expect(modelList(page).getByRole("listitem")).toHaveCount(1);
    });

    await test.step("filters that match nothing say so, and Reset filters brings everything back", async () => {
      await page.getByLabel("Size").selectOption({ label: "> 100B" });
      await expect(page.getByText("No models match these filters.")).toBeVisible();
      await page.getByRole("button", { name: "Reset filters" }).click();
      await expect(modelList(page).getByRole("listitem")).toHaveCount(10);
      await expect(page).toHaveURL((url) => url.search === "");
    });

    await test.step("size, price and sort work together", async () => {
      await page.getByLabel("Size").selectOption({ label: "< 10B" });
      await page.getByLabel("Max price").selectOption({ label: "≤ $0.20 / 1M" });
      await page.getByLabel("Sort by").selectOption({ label: "Price: high to low" });
      const names = await modelList(page).getByRole("heading", { level: 2 }).allTextContents();
      expect(names).toEqual(["Gemma 2 9B IT", "Llama 3.1 8B Instruct", "Llama 3.2 3B Instruct", "Nomic Embed Text v1.5"]);
    });
  });

  test("a model page shows pricing, limits and ready-to-copy examples", async ({ page, workerAccount }) => {
    const { team } = workerAccount;

    await test.step("a card opens the model's page (ids contain a slash)", async () => {
      await page.goto(`/${team.slug}/models`);
      await modelLink(page, LLAMA_8B.name).click();
      await expect(page).toHaveURL((url) => url.pathname === `/${team.slug}/models/${LLAMA_8B.id}`);
      await expect(heading(page, LLAMA_8B.name)).toBeVisible();
    });

    await test.step("pricing, limits and where it is served", async () => {
      await expect(page.getByText("Local engine", { exact: true }).first()).toBeVisible();
      const pricing = page.locator("section").filter({ has: page.getByRole("heading", { name: "Pricing", exact: true }) });
      await expect(pricing).toContainText("$0.18 / 1M tokens");
      await expect(pricing).toContainText("180 nano-USD per token");
      await expect(page.getByText("131,072")).toBeVisible();
      await expect(page.getByText("8,192", { exact: true })).toBeVisible();
    });

    await test.step("the curl example calls this deployment's /api/v1 with the model id", async () => {
      const curl = page.getByRole("tabpanel", { name: "curl" });
      await expect(curl).toContainText(`"model": "${LLAMA_8B.id}"`);
      const origin = new URL(page.url()).origin;
      await expect(curl).toContainText(`curl ${origin}/api/v1/chat/completions`);
      await expect(curl).toContainText("$COMPUTE_CONSOLE_API_KEY");
      await curl.getByRole("button", { name: "Copy curl example" }).click();
      await expect(page.getByText("Copied the curl example")).toBeVisible();
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied).toContain(`${origin}/api/v1/chat/completions`);
    });

    await test.step("Python and TypeScript tabs use the openai clients", async () => {
      await page.getByRole("tab", { name: "Python" }).click();
      await expect(page.getByRole("tabpanel", { name: "Python" })).toContainText("from openai import OpenAI");
      await expect(page.getByRole("tabpanel", { name: "Python" })).toContainText('os.environ["COMPUTE_CONSOLE_API_KEY"]');
      await page.getByRole("tab", { name: "TypeScript" }).click();
      await expect(page.getByRole("tabpanel", { name: "TypeScript" })).toContainText("process.env.COMPUTE_CONSOLE_API_KEY");
    });

    await test.step("the owner is offered to create an API key", async () => {
      await expect(page.getByRole("link", { name: "Create an API key" })).toHaveAttribute("href", `/${team.slug}/keys`);
    });

    await test.step("the embeddings model's example calls /embeddings", async () => {
      await page.goto(`/${team.slug}/models/${EMBEDDINGS.id}`);
      await expect(heading(page, EMBEDDINGS.name)).toBeVisible();
      await expect(page.getByRole("tabpanel", { name: "curl" })).toContainText("/api/v1/embeddings");
      await expect(page.getByText("768", { exact: true })).toBeVisible();
    });

    await test.step("an unknown model is a 404", async () => {
      const response = await page.goto(`/${team.slug}/models/no-such/model`);
      expect(response?.status()).toBe(404);
    });
  });
});
