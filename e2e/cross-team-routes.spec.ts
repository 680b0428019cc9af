/**
 * The console's own route handlers (`app/api/teams/[teamId]/…`), which the session cookie
 * authenticates: a member of team A asking with team B's ids gets the same 404 as for ids that do
 * not exist, nothing of B's, and B's data stays as it was. Every route handler under
 * app/api/teams must have a case here for each id in its path. (The public API's routes are
 * covered by server/http/cross-team-routes.test.ts, tRPC procedures by server/trpc/isolation.test.ts.)
 *
 * Both teams come from e2e/billing-seed.ts, so that each has an issued invoice and past usage.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { APIRequestContext, APIResponse, Browser, BrowserContext } from "@playwright/test";
import { expect, signIn, test } from "./fixtures";
import { seededConsole, type SeededConsole } from "./seeded-server";

interface Seeded {
  email: string;
  password: string;
  teamId: string;
  invoiceId: string;
  invoiceNumber: string;
}

interface Ids {
  teamId: string;
  invoiceId: string;
}

const MISSING: Ids = { teamId: "team_doesNotExist0000000", invoiceId: "inv_doesNotExist00000000" };
const CHAT = { model: "meta-llama/llama-3.1-8b-instruct", messages: [{ role: "user", content: "Hi" }], max_tokens: 4 };

interface Case {
  /** The request a member of `own` sends about `target`'s thing. */
  send(request: APIRequestContext, own: Ids, target: Ids): Promise<APIResponse>;
  /** Whether the call could write (metered usage): the check of B's data then waits for the writer. */
  writes?: boolean;
}

/** "<method> <route> <path parameter>" → the request that puts another team's id in that parameter. */
const CASES: Record<string, Case> = {
  "GET /api/teams/[teamId]/spend/breakdown.csv teamId": { send: (r, _own, target) => r.get(`/api/teams/${target.teamId}/spend/breakdown.csv?by=day`) },
  "GET /api/teams/[teamId]/spend/usage.csv teamId": { send: (r, _own, target) => r.get(`/api/teams/${target.teamId}/spend/usage.csv`) },
  "GET /api/teams/[teamId]/audit.csv teamId": { send: (r, _own, target) => r.get(`/api/teams/${target.teamId}/audit.csv`) },
  "GET /api/teams/[teamId]/invoices/[invoiceId]/csv teamId": { send: (r, _own, target) => r.get(`/api/teams/${target.teamId}/invoices/${target.invoiceId}/csv`) },
  // Inside the caller's own team: only the invoice is another team's.
  "GET /api/teams/[teamId]/invoices/[invoiceId]/csv invoiceId": { send: (r, own, target) => r.get(`/api/teams/${own.teamId}/invoices/${target.invoiceId}/csv`) },
  "POST /api/teams/[teamId]/playground/chat/completions teamId": {
    send: (r, _own, target) => r.post(`/api/teams/${target.teamId}/playground/chat/completions`, { data: CHAT }),
    writes: true,
  },
};

/** Every route handler under app/api/teams with each id in its path: "<method> /api/teams/… <param>". */
function teamRouteIds(): string[] {
  const root = path.join(process.cwd(), "app", "api", "teams");
  const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) => path.basename(f) === "route.ts");
  expect(files.length, "route handlers under app/api/teams").toBeGreaterThan(0);
  return files.flatMap((file) => {
    const route = `/api/teams/${path.dirname(file).split(path.sep).join("/")}`;
    const source = readFileSync(path.join(root, file), "utf8");
    const methods = [...source.matchAll(/export\s+(?:async\s+function|const|function)\s+(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b/g)].map((m) => m[1]!);
    const params = [...route.matchAll(/\[(\w+)\]/g)].map((m) => m[1]!);
    return methods.flatMap((method) => params.map((param) => `${method} ${route} ${param}`));
  });
}

let world: SeededConsole<Seeded>;
let alice: Seeded & { storageState: Awaited<ReturnType<BrowserContext["storageState"]>> };
let bob: typeof alice;

async function signedIn(browser: Browser, baseURL: string | undefined, person: Seeded) {
  const context = await browser.newContext(baseURL ? { baseURL } : {});
  try {
    await signIn(await context.newPage(), person);
    return { ...person, storageState: await context.storageState() };
  } finally {
    await context.close();
  }
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(240_000);
  world = await seededConsole<Seeded>(["e2e/billing-seed.ts", "e2e/billing-seed.ts"]);
  const [a, b] = world.seeded;
  alice = await signedIn(browser, world.baseURL, a!);
  bob = await signedIn(browser, world.baseURL, b!);
});

test.afterAll(async () => {
  await world?.stop();
});

/** B's data as B downloads it: its usage (which would show any metered call), spend, invoice and activity log. */
async function bobsData(request: APIRequestContext) {
  const read = async (url: string) => {
    const response = await request.get(url);
    expect(response.status(), url).toBe(200);
    return response.text();
  };
  return {
    usage: await read(`/api/teams/${bob.teamId}/spend/usage.csv?range=this_month`),
    breakdown: await read(`/api/teams/${bob.teamId}/spend/breakdown.csv?by=day&range=last_month`),
    invoice: await read(`/api/teams/${bob.teamId}/invoices/${bob.invoiceId}/csv`),
    audit: await read(`/api/teams/${bob.teamId}/audit.csv`),
  };
}

test("every route handler under app/api/teams has a case for each id in its path", () => {
  const found = teamRouteIds();
  expect(found.filter((name) => !(name in CASES)), "add these to CASES in e2e/cross-team-routes.spec.ts").toEqual([]);
  expect(Object.keys(CASES).filter((name) => !found.includes(name))).toEqual([]);
});

for (const [name, { send, writes }] of Object.entries(CASES)) {
  test(`${name}: A's session with B's id is a 404 like a missing one, shows and changes nothing of B's`, async ({ openContext }) => {
    const options = world.baseURL ? { baseURL: world.baseURL } : {};
    const a = (await openContext({ ...options, storageState: alice.storageState })).request;
    const b = (await openContext({ ...options, storageState: bob.storageState })).request;
    const before = await bobsData(b);

    const missing = await send(a, alice, MISSING);
    const crossed = await send(a, alice, bob);
    expect(crossed.status()).toBe(404);
    expect(missing.status()).toBe(404);
    const said = await crossed.text();
    const blank = (text: string, ids: Ids) => text.replaceAll(ids.teamId, "<team>").replaceAll(ids.invoiceId, "<invoice>");
    expect(blank(said, bob)).toBe(blank(await missing.text(), MISSING));
    expect(crossed.headers()["content-type"]).toBe(missing.headers()["content-type"]);
    for (const secret of [bob.teamId, bob.invoiceId, bob.invoiceNumber, bob.email]) expect(said).not.toContain(secret);

    // A call that got through would be metered within the usage writer's interval (200 ms).
    if (writes) await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await bobsData(b)).toEqual(before);

    // The same request from B on B's own ids is answered: they are real.
    const own = await send(b, bob, bob);
    expect(own.status(), await own.text()).toBe(200);
  });
}
