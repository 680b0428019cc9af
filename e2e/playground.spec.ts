import type { Page } from "@playwright/test";
import { expect, heading, signUp, test } from "./fixtures";

const LLAMA_8B = "meta-llama/llama-3.1-8b-instruct";
const QWEN_7B = "qwen/qwen2.5-7b-instruct";

function pane(page: Page, n: number) {
  return page.getByTestId(`pane-${n}`);
}

function runButton(page: Page) {
  return page.getByRole("button", { name: /^Run/ });
}

async function openPlayground(page: Page) {
  const { team } = await signUp(page);
  await page.getByRole("navigation").getByRole("link", { name: "Playground" }).first().click();
  await expect(heading(page, "Playground")).toBeVisible();
  return team;
}

async function openParameters(page: Page, n: number) {
  const toggle = page.getByRole("button", { name: `Parameters of pane ${n}` });
  if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
}

test("a run streams token by token, then shows its stats and the usage billed to the team", async ({ page }) => {
  await openPlayground(page);
  await page.getByLabel("Message 1 (user)").fill("Tell me about GPUs and memory bandwidth.");

  const output = pane(page, 1).getByTestId("pane-output");
  const lengths = new Set<number>();
  await test.step("Ctrl+Enter runs; the answer grows in several steps before it completes", async () => {
    await page.getByLabel("Message 1 (user)").press("Control+Enter");
    await expect(page.getByRole("button", { name: "Stop" })).toBeVisible();
    await expect
      .poll(
        async () => {
          const text = (await output.innerText()).trim();
          if (!text.startsWith("Waiting") && text.length > 0 && !(await pane(page, 1).getByTestId("stat-finish").isVisible())) lengths.add(text.length);
          return lengths.size;
        },
        { intervals: [50], timeout: 20_000 },
      )
      .toBeGreaterThanOrEqual(4);
  });

  await test.step("stats: time to first token, speed, tokens, cost and finish reason", async () => {
    await expect(pane(page, 1).getByTestId("stat-finish")).toHaveText(/stop|length/, { timeout: 30_000 });
    const ttft = await pane(page, 1).getByTestId("stat-ttft").innerText();
    expect(ttft).toMatch(/^\d+ ms$/);
    test.info().annotations.push({ type: "time to first token (local engine, in the browser)", description: ttft });
    await expect(pane(page, 1).getByTestId("stat-tps")).toHaveText(/^\d+\.\d tok\/s$/);
    await expect(pane(page, 1).getByTestId("stat-input")).toHaveText(/^\d+ tok$/);
    await expect(pane(page, 1).getByTestId("stat-output")).toHaveText(/^\d+ tok$/);
    await expect(pane(page, 1).getByTestId("stat-cost")).toHaveText(/^\$0\.\d+$/);
  });

  await test.step("the usage event recorded by the gateway matches what the page counted", async () => {
    const input = (await pane(page, 1).getByTestId("stat-input").innerText()).replace(" tok", "");
    const outputTokens = (await pane(page, 1).getByTestId("stat-output").innerText()).replace(" tok", "");
    const cost = await pane(page, 1).getByTestId("stat-cost").innerText();
    await expect(pane(page, 1).getByTestId("recorded-usage")).toHaveText(`Billed to the team: ${input} in · ${outputTokens} out · ${cost}`);
  });

  await test.step("the answer joins the conversation, with a new user turn to write", async () => {
    const answer = (await output.innerText()).split("\n")[0]!;
    await pane(page, 1).getByRole("button", { name: "Add to conversation" }).click();
    await expect(page.getByLabel("Message 2 (assistant)")).toHaveValue(new RegExp(answer.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    await expect(page.getByLabel("Message 3 (user)")).toHaveValue("");
    await expect(page.getByLabel("Message 3 (user)")).toBeFocused();
  });
});

test("Stop ends the generation at once, and the tokens delivered are billed", async ({ page }) => {
  await openPlayground(page);
  await page.getByLabel("Message 1 (user)").fill("Write a long essay about data centres.");
  await openParameters(page, 1);
  await page.getByLabel("Max tokens", { exact: true }).fill("2000");
  await runButton(page).click();
  await expect(pane(page, 1).getByTestId("pane-output")).toContainText(/\w+ \w+ \w+ \w+/);
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(runButton(page)).toBeVisible();
  await expect(pane(page, 1).getByTestId("stat-finish")).toHaveText("stopped by you");
  const recorded = pane(page, 1).getByTestId("recorded-usage");
  await expect(recorded).toContainText("(stopped)");
  const outputTokens = Number(/· (\d+) out/.exec(await recorded.innerText())?.[1]);
  expect(outputTokens).toBeGreaterThan(0);
  // 2000 tokens at the local engine's 50 per second would take 40 s; Stop cut it short.
  expect(outputTokens).toBeLessThan(500);
});

test("compare: two models answer side by side, each with its own stats", async ({ page }) => {
  await openPlayground(page);
  await page.getByLabel("Message 1 (user)").fill("Explain what a context window is.");
  await page.getByRole("button", { name: "Compare" }).click();
  await page.getByLabel("Model for pane 2").selectOption(QWEN_7B);
  await expect(page.getByLabel("Model for pane 1")).toHaveValue(LLAMA_8B);
  await runButton(page).click();
  for (const n of [1, 2]) {
    await expect(pane(page, n).getByTestId("stat-finish")).toHaveText(/stop|length/, { timeout: 30_000 });
    await expect(pane(page, n).getByTestId("stat-output")).toHaveText(/^[1-9]\d* tok$/);
    await expect(pane(page, n).getByTestId("recorded-usage")).toBeVisible();
  }
  // Qwen 7B and Llama 8B are priced differently: the same conversation costs differently.
  await expect(pane(page, 1)).toContainText("$0.18 in / $0.18 out per 1M tokens");
  await expect(pane(page, 2)).not.toContainText("$0.18 in / $0.18 out per 1M tokens");
});

test("View code shows exactly the current request, parameters included", async ({ page }) => {
  await openPlayground(page);
  await page.getByLabel("System prompt").fill("Answer in one sentence.");
  await page.getByLabel("Message 1 (user)").fill("What's a GPU?");
  await openParameters(page, 1);
  await page.getByLabel("Temperature", { exact: true }).fill("0.3");
  await page.getByLabel("Max tokens", { exact: true }).fill("50");
  await page.getByLabel("Seed", { exact: true }).fill("42");
  await page.getByLabel("Stop sequences").fill("END");
  await page.getByLabel("Stop sequences").press("Enter");

  await page.getByRole("button", { name: "View code" }).click();
  const dialog = page.getByRole("dialog", { name: "Code for this request" });
  const curl = dialog.getByTestId("code-curl");
  await expect(curl).toContainText('"model": "meta-llama/llama-3.1-8b-instruct"');
  await expect(curl).toContainText('{"role": "system", "content": "Answer in one sentence."}');
  await expect(curl).toContainText(`{"role": "user", "content": "What'\\''s a GPU?"}`);
  await expect(curl).toContainText('"temperature": 0.3');
  await expect(curl).toContainText('"max_tokens": 50');
  await expect(curl).toContainText('"seed": 42');
  await expect(curl).toContainText('"stop": ["END"]');
  await dialog.getByRole("tab", { name: "Python" }).click();
  await expect(dialog.getByTestId("code-python")).toContainText("temperature=0.3,");
  await dialog.getByRole("tab", { name: "TypeScript" }).click();
  await expect(dialog.getByTestId("code-typescript")).toContainText("max_tokens: 50,");
  await page.keyboard.press("Escape");

  await test.step("a changed parameter changes the code", async () => {
    await page.getByLabel("Temperature", { exact: true }).fill("1.5");
    await page.getByRole("button", { name: "View code" }).click();
    await expect(dialog.getByTestId("code-curl")).toContainText('"temperature": 1.5');
  });
});

test("parameters out of range are explained and block the run", async ({ page }) => {
  await openPlayground(page);
  await page.getByLabel("Message 1 (user)").fill("Hello");
  await openParameters(page, 1);
  await page.getByLabel("Temperature", { exact: true }).fill("3");
  await expect(pane(page, 1).getByText("Temperature must be a number from 0 to 2.")).toBeVisible();
  await page.getByLabel("Max tokens", { exact: true }).fill("999999");
  await expect(pane(page, 1).getByText(/This model produces at most [\d,]+ tokens\./)).toBeVisible();
  await runButton(page).click();
  await expect(page.getByRole("alert").filter({ hasText: "Fix the parameters of model 1 first." })).toBeVisible();
  await expect(pane(page, 1).getByTestId("stat-finish")).toHaveCount(0);
});

test("presets save and load; the page's state survives a reload", async ({ page }) => {
  await openPlayground(page);
  await page.getByLabel("System prompt").fill("You are a terse pirate.");
  await page.getByLabel("Model for pane 1").selectOption(QWEN_7B);
  await openParameters(page, 1);
  await page.getByLabel("Temperature", { exact: true }).fill("0.2");

  await test.step("save the current setup as a team preset", async () => {
    await page.getByRole("button", { name: "Presets" }).click();
    await page.getByRole("menuitem", { name: "Save current as preset…" }).click();
    const dialog = page.getByRole("dialog", { name: "Save as preset" });
    await dialog.getByLabel("Name").fill("Terse pirate");
    await dialog.getByRole("button", { name: "Save preset" }).click();
    await expect(dialog).toBeHidden();
  });

  await test.step("change everything, then load the preset back", async () => {
    await page.getByLabel("System prompt").fill("Something else.");
    await page.getByLabel("Model for pane 1").selectOption(LLAMA_8B);
    await page.getByLabel("Temperature", { exact: true }).fill("1.1");
    await page.getByRole("button", { name: "Presets" }).click();
    await page.getByRole("menuitem", { name: /Terse pirate/ }).click();
    await expect(page.getByLabel("System prompt")).toHaveValue("You are a terse pirate.");
    await expect(page.getByLabel("Model for pane 1")).toHaveValue(QWEN_7B);
    await expect(page.getByLabel("Temperature", { exact: true })).toHaveValue("0.2");
  });

  await test.step("a reload keeps the conversation, the model and the parameters", async () => {
    await page.getByLabel("Message 1 (user)").fill("Where is the treasure?");
    await page.reload();
    await expect(page.getByLabel("Message 1 (user)")).toHaveValue("Where is the treasure?");
    await expect(page.getByLabel("System prompt")).toHaveValue("You are a terse pirate.");
    await expect(page.getByLabel("Model for pane 1")).toHaveValue(QWEN_7B);
    await openParameters(page, 1);
    await expect(page.getByLabel("Temperature", { exact: true })).toHaveValue("0.2");
  });
});

test("a run refused by the team's rate limit explains why", async ({ page, context }) => {
  test.setTimeout(90_000);
  const team = await openPlayground(page);
  await page.getByLabel("Message 1 (user)").fill("Hello");
  const teams = (await (await context.request.get("/api/trpc/team.list")).json()) as { result: { data: { json: { id: string; slug: string }[] } } };
  const teamId = teams.result.data.json.find((t) => t.slug === team.slug)!.id;

  // The same session calls the playground endpoint directly, as fast as it can, until the team's
  // requests-per-minute bucket is empty, and keeps it empty while the page runs.
  let flooding = true;
  let limited = false;
  const flood = async () => {
    while (flooding) {
      const response = await context.request.post(`/api/teams/${teamId}/playground/chat/completions`, {
        data: { model: LLAMA_8B, messages: [{ role: "user", content: "hi" }], max_tokens: 1 },
      });
      if (response.status() === 429) limited = true;
    }
  };
  const workers = Array.from({ length: 8 }, flood);
  try {
    await expect.poll(() => limited, { timeout: 60_000 }).toBe(true);
    const notice = pane(page, 1).getByRole("alert");
    await expect(async () => {
      if (await runButton(page).isVisible()) await runButton(page).click();
      await expect(notice).toBeVisible({ timeout: 3_000 });
    }).toPass({ timeout: 30_000 });
    await expect(notice).toContainText("Rate limit reached");
    await expect(notice).toContainText(/requests per minute/);
    await expect(notice).toContainText("Playground runs count against the same limits as your team's API calls");
  } finally {
    flooding = false;
    await Promise.all(workers);
  }
});
