import type { Page } from "@playwright/test";
import { emailField, expect, passwordField, signUp, test } from "./fixtures";

/**
 * Clicks `submit` on a page whose scripts never run and returns the request the browser sent: what
 * it would send for an Enter pressed before the page has hydrated.
 */
async function nativeSubmit(page: Page, submit: string) {
  const sent = page.waitForRequest((request) => request.isNavigationRequest() && request.frame() === page.mainFrame());
  await page.getByRole("button", { name: submit, exact: true }).click();
  const request = await sent;
  const response = await request.response();
  return { request, status: response?.status() };
}

test.describe("security basics", () => {
  test("pages carry the security headers", async ({ request }) => {
    const response = await request.get("/sign-in");
    expect(response.status()).toBe(200);
    const headers = response.headers();
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(headers["content-security-policy"]).toContain("object-src 'none'");
    expect(headers["x-powered-by"]).toBeUndefined();
  });

  test("the development mail outbox does not exist under next start", async ({ request }) => {
    // Its mails carry sign-in links for anyone's account; only `next dev` serves it.
    const response = await request.get("/dev/mail");
    expect(response.status()).toBe(404);
  });

  test("a form sent before the page has hydrated carries its fields in the body, never in the URL", async ({ openContext, workerAccount }) => {
    const noScripts = await openContext({ javaScriptEnabled: false });
    const page = await noScripts.newPage();
    const password = "never in a URL 4821";

    await page.goto("/sign-in");
    await emailField(page).fill("someone@example.com");
    await passwordField(page).fill(password);
    let sent = await nativeSubmit(page, "Sign in");
    expect(sent.request.method()).toBe("POST");
    expect(sent.request.url()).not.toContain("4821");
    expect(sent.request.postData()).toContain("4821");
    expect(sent.status, "the page renders again").toBe(200);
    await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();

    await page.goto("/sign-up");
    await page.getByRole("textbox", { name: "Name", exact: true }).fill("Someone");
    await emailField(page).fill("someone@example.com");
    await passwordField(page).fill(password);
    sent = await nativeSubmit(page, "Create account");
    expect(sent.request.method()).toBe("POST");
    expect(sent.request.url()).not.toContain("4821");
    expect(sent.status).toBe(200);

    await page.goto("/forgot-password");
    await emailField(page).fill("someone@example.com");
    sent = await nativeSubmit(page, "Send reset link");
    expect(sent.request.method()).toBe("POST");
    expect(sent.request.url()).not.toContain("someone");
    expect(sent.status).toBe(200);

    // Signed in, on the account page: the current and the new password.
    const signedIn = await (await openContext({ javaScriptEnabled: false, storageState: workerAccount.storageState })).newPage();
    await signedIn.goto("/account");
    await signedIn.getByLabel("Current password").fill(workerAccount.user.password);
    await signedIn.getByLabel("New password").fill(password);
    sent = await nativeSubmit(signedIn, "Change password");
    expect(sent.request.method()).toBe("POST");
    expect(sent.request.url()).not.toContain("4821");
    expect(sent.request.url()).not.toContain(encodeURIComponent(workerAccount.user.password));
    expect(sent.status).toBe(200);
  });

  test("the session cookie is httpOnly and SameSite", async ({ page }) => {
    await signUp(page);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name.endsWith("authjs.session-token"));
    expect(session, "a session cookie after sign-up").toBeDefined();
    expect(session!.httpOnly).toBe(true);
    expect(session!.sameSite).toBe("Lax");
  });

  test("a cross-site tRPC mutation is refused, a same-site one goes through", async ({ page }) => {
    const { team } = await signUp(page);
    const body = { "0": { json: { teamId: "team_x", name: "Hijacked" } } };
    const crossSite = await page.request.post("/api/trpc/team.update?batch=1", {
      data: body,
      headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    });
    expect(crossSite.status()).toBe(403);
    expect(await crossSite.text()).toContain("Cross-site requests are not allowed");

    // The same request from the console's own origin reaches the procedure (and is refused there
    // only because the team id is not the caller's).
    const sameSite = await page.request.post("/api/trpc/team.update?batch=1", {
      data: body,
      headers: { origin: new URL(page.url()).origin, "sec-fetch-site": "same-origin" },
    });
    expect(sameSite.status()).toBe(404);
    const text = await sameSite.text();
    expect(text).toContain("Team not found");
    expect(text).not.toMatch(/at [\w.]+ \(|stack|select |insert /i);
    await expect(page.getByRole("heading", { level: 1, name: team.name })).toBeVisible();
  });

  test("a user's mistake never shows a stack trace", async ({ page }) => {
    await signUp(page);
    const response = await page.request.post("/api/trpc/team.create?batch=1", {
      data: { "0": { json: { name: "", slug: "NOT A SLUG" } } },
      headers: { origin: new URL(page.url()).origin },
    });
    expect(response.status()).toBe(400);
    const text = await response.text();
    expect(text).toContain("Enter a team name.");
    expect(text).not.toMatch(/at [\w.]+ \(|"stack"/);
  });
});
