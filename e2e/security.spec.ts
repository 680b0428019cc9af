import { expect, signUp, test } from "./fixtures";

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
