import { count, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { auditEvents, creditApplications, instances, invoiceLines, invoices, memberships, reservations } from "@/server/db/schema";
import { loadCatalog, seedCatalog } from "../catalog";
import { loadComputeCatalog, seedComputeCatalog } from "../compute/fleet";
import { enterTeam } from "../teams/team-access";
import { appErrorOf, createTestUser, testContext } from "../testing";
import { creditBalance, creditHistory } from "./credits";
import { invoiceCsv, invoiceCsvFilename } from "./invoice-csv";
import { closeDueMonths, closeMonth, getInvoice, issueInvoice, listInvoices, type InvoiceDetail } from "./invoices";
import { teamInvoice, teamInvoiceCsv, teamInvoices } from "./team-billing";
import { grantAt, instanceEvent, modelEvent, recordUsage, reservationEvent } from "./testing";

/**
 * Invoices against fixtures computed by hand. Prices are the default catalogs': Llama 3.1 8B $0.18
 * per 1M tokens in and out (180 nano-USD per token), Llama 3.1 70B $0.88 (880), DeepSeek-V3 $0.27
 * in and $1.10 out (270 / 1,100); 1× H100 $2.99/h on demand, 8× H100 $19.12/h reserved.
 */

const { db } = await openTestDatabase();
await seedCatalog(db, loadCatalog(), new Date("2026-01-01T00:00:00Z"));
await seedComputeCatalog(db, loadComputeCatalog());

const quiet = { info() {}, warn() {}, error() {} };
const at = (iso: string) => new Date(iso);
const USD = 1_000_000_000n;
const LLAMA_8B = { id: "meta-llama/llama-3.1-8b-instruct", price: { input: 180n, output: 180n } };
const LLAMA_70B = { id: "meta-llama/llama-3.1-70b-instruct", price: { input: 880n, output: 880n } };
const DEEPSEEK = { id: "deepseek-ai/deepseek-v3", price: { input: 270n, output: 1100n } };
const H100 = { id: "ins_billH100onDemand00000", instanceTypeId: "gpu-1x-h100-sxm", nanoPerHour: 2_990_000_000n };

const OCTOBER = "2026-10-01";
const NOVEMBER = "2026-11-01";
/** An hour after October's end: when the worker closes it. */
const OCTOBER_CLOSED = at("2026-11-01T01:00:00Z");
const NOVEMBER_CLOSED = at("2026-12-01T01:00:00Z");

async function tableCounts() {
  const [i] = await db.select({ n: count() }).from(invoices);
  const [l] = await db.select({ n: count() }).from(invoiceLines);
  const [a] = await db.select({ n: count() }).from(creditApplications);
  return { invoices: i?.n, lines: l?.n, applications: a?.n };
}

/** A capacity block row of the team (what purchase makes), for the invoice line's description. */
async function insertBlock(teamId: string, name: string, instanceTypeId: string, instanceCount: number) {
  const id = `res_bill${name.replace(/\W/g, "")}${teamId.slice(-6)}`;
  await db.insert(reservations).values({
    id,
    teamId,
    name,
    instanceTypeId,
    regionId: "us-east-1",
    instanceCount,
    startsAt: at("2026-10-05T00:00:00Z"),
    endsAt: at("2026-10-05T12:00:00Z"),
    state: "completed",
    priceNano: 0n,
    createdAt: at("2026-10-01T00:00:00Z"),
    updatedAt: at("2026-10-01T00:00:00Z"),
  });
  return { id, instanceTypeId };
}

// Team A: two models, on-demand time, time inside a block, the block itself; three grants for October.
const alice = await createTestUser(db, "Alice Invoice");
const A = alice.team.id;
const block = await insertBlock(A, "Fine-tune run", "gpu-8x-h100-sxm", 2);
const inBlock = "ins_billInBlock0000000000";
await db.insert(instances).values({
  id: inBlock,
  teamId: A,
  name: "in-block",
  instanceTypeId: "gpu-8x-h100-sxm",
  regionId: "us-east-1",
  image: "ubuntu-24.04-cuda-12.8",
  reservationId: block.id,
  state: "terminated",
  sshKeys: [],
  priceNanoPerHour: 0n,
});
await recordUsage(db, [
  modelEvent(A, at("2026-10-03T10:00:00Z"), LLAMA_8B.id, { input: 1_000_000, output: 500_000 }, LLAMA_8B.price), // $0.27
  modelEvent(A, at("2026-10-20T08:30:00Z"), LLAMA_8B.id, { input: 200_000, output: 300_000 }, LLAMA_8B.price), // $0.09
  modelEvent(A, at("2026-10-15T12:00:00Z"), DEEPSEEK.id, { input: 2_000_000, output: 1_000_000 }, DEEPSEEK.price), // $0.54 + $1.10
  instanceEvent(A, at("2026-10-10T09:00:00Z"), H100, 3600), // $2.99
  instanceEvent(A, at("2026-10-10T10:00:00Z"), H100, 1800), // $1.495
  instanceEvent(A, at("2026-10-05T00:00:00Z"), { id: inBlock, instanceTypeId: "gpu-8x-h100-sxm", nanoPerHour: 0n }, 3600),
  instanceEvent(A, at("2026-10-05T01:00:00Z"), { id: inBlock, instanceTypeId: "gpu-8x-h100-sxm", nanoPerHour: 0n }, 3600),
  // Bought at the very first instant of October: 2 × 10 h × $19.12; extended by 2 × 2 h.
  reservationEvent(A, at("2026-10-01T00:00:00.000Z"), block, { seconds: 72_000, costNano: 382_400_000_000n }),
  reservationEvent(A, at("2026-10-04T12:00:00Z"), block, { seconds: 14_400, costNano: 76_480_000_000n }),
]);
const expiredGrant = await grantAt(db, at("2026-09-01T00:00:00Z"), { teamId: A, amountNano: 50n * USD, reason: "Expired before October ended", expiresAt: at("2026-10-20T00:00:00Z") });
const startup = await grantAt(db, at("2026-09-15T00:00:00Z"), { teamId: A, amountNano: 100n * USD, reason: "Startup program", expiresAt: at("2026-11-15T00:00:00Z") });
const partner = await grantAt(db, at("2026-09-15T00:01:00Z"), { teamId: A, amountNano: 500n * USD, reason: "Design partner", expiresAt: null });
// Granted after October ended: none of it may go to October, although it expires before `partner`.
const late = await grantAt(db, at("2026-11-05T00:00:00Z"), { teamId: A, amountNano: 1000n * USD, reason: "Conference", expiresAt: at("2027-01-31T00:00:00Z") });
await recordUsage(db, [
  modelEvent(A, at("2026-11-10T00:00:00Z"), LLAMA_8B.id, { input: 1_000_000, output: 0 }, LLAMA_8B.price), // $0.18
  modelEvent(A, at("2026-11-11T00:00:00Z"), DEEPSEEK.id, { input: 0, output: 100_000_000 }, DEEPSEEK.price), // $110
]);

// Team B: one model, a $5 grant that covers part of October.
const bob = await createTestUser(db, "Bob Invoice");
const B = bob.team.id;
await recordUsage(db, [modelEvent(B, at("2026-10-09T09:09:09Z"), LLAMA_70B.id, { input: 10_000_000, output: 5_000_000 }, LLAMA_70B.price)]); // $13.20
const bobGrant = await grantAt(db, at("2026-10-01T00:00:00Z"), { teamId: B, amountNano: 5n * USD, reason: "Welcome", expiresAt: null });

// Team E: a block bought in October and half refunded in November.
const erin = await createTestUser(db, "Erin Invoice");
const E = erin.team.id;
const erinBlock = await insertBlock(E, "Short block", "gpu-1x-h100-sxm", 1);
await recordUsage(db, [
  reservationEvent(E, at("2026-10-12T00:00:00Z"), erinBlock, { seconds: 36_000, costNano: 23_900_000_000n }), // 10 h × $2.39
  reservationEvent(E, at("2026-11-03T00:00:00Z"), erinBlock, { seconds: -36_000, costNano: -11_950_000_000n }),
]);
await grantAt(db, at("2026-10-01T00:00:00Z"), { teamId: E, amountNano: 20n * USD, reason: "Welcome", expiresAt: null });

let aliceOctober: InvoiceDetail;

describe("team A's October invoice, issued by hand", () => {
  beforeAll(async () => {
    const result = await issueInvoice(db, A, OCTOBER, OCTOBER_CLOSED, quiet);
    expect(result?.created).toBe(true);
    aliceOctober = result!.invoice;
  });

  it("has a line per model, per instance type (on demand and in blocks apart) and per block, sorted", () => {
    expect(aliceOctober).toMatchObject({
      number: "INV-2026-10-0001",
      month: OCTOBER,
      periodStart: at("2026-10-01T00:00:00Z"),
      periodEnd: at("2026-11-01T00:00:00Z"),
      issuedAt: OCTOBER_CLOSED,
      team: { id: A, name: "Alice's team" },
    });
    expect(aliceOctober.lines.slice(0, 5)).toEqual([
      { position: 1, kind: "model", refId: DEEPSEEK.id, description: "DeepSeek-V3", inputTokens: 2_000_000, outputTokens: 1_000_000, quantitySeconds: null, amountNano: 1_640_000_000n },
      { position: 2, kind: "model", refId: LLAMA_8B.id, description: "Llama 3.1 8B Instruct", inputTokens: 1_200_000, outputTokens: 800_000, quantitySeconds: null, amountNano: 360_000_000n },
      { position: 3, kind: "instance_type", refId: "gpu-1x-h100-sxm", description: "1× H100 SXM 80 GB instances on demand", inputTokens: null, outputTokens: null, quantitySeconds: 5400, amountNano: 4_485_000_000n },
      {
        position: 4,
        kind: "instance_type",
        refId: "gpu-8x-h100-sxm",
        description: "8× H100 SXM 80 GB instances in capacity blocks (paid with the block)",
        inputTokens: null,
        outputTokens: null,
        quantitySeconds: 7200,
        amountNano: 0n,
      },
      {
        position: 5,
        kind: "reservation",
        refId: block.id,
        description: "Capacity block “Fine-tune run”: 8× H100 SXM 80 GB × 2, US East",
        inputTokens: null,
        outputTokens: null,
        quantitySeconds: 86_400,
        amountNano: 458_880_000_000n,
      },
    ]);
  });

  it("draws credit earliest expiry first, skipping the grant that expired mid-month and the one granted after", () => {
    // $1.64 + $0.36 + $4.485 + $0 + $458.88
    expect(aliceOctober.subtotalNano).toBe(465_365_000_000n);
    expect(aliceOctober.lines.slice(5)).toEqual([
      { position: 6, kind: "credit", refId: startup.id, description: "Credit: Startup program", inputTokens: null, outputTokens: null, quantitySeconds: null, amountNano: -100_000_000_000n },
      { position: 7, kind: "credit", refId: partner.id, description: "Credit: Design partner", inputTokens: null, outputTokens: null, quantitySeconds: null, amountNano: -365_365_000_000n },
    ]);
    expect(aliceOctober.creditsNano).toBe(465_365_000_000n);
    expect(aliceOctober.totalNano).toBe(0n);
  });

  it("exports as CSV with exact amounts, quoted where needed", () => {
    const n = "INV-2026-10-0001,2026-10-01";
    expect(invoiceCsvFilename(aliceOctober)).toBe("INV-2026-10-0001.csv");
    expect(invoiceCsv(aliceOctober).split("\r\n")).toEqual([
      "invoice,month,line,kind,reference,description,input_tokens,output_tokens,quantity_seconds,hours,amount_usd",
      `${n},1,model,deepseek-ai/deepseek-v3,DeepSeek-V3,2000000,1000000,,,1.64`,
      `${n},2,model,meta-llama/llama-3.1-8b-instruct,Llama 3.1 8B Instruct,1200000,800000,,,0.36`,
      `${n},3,instance_type,gpu-1x-h100-sxm,1× H100 SXM 80 GB instances on demand,,,5400,1.5,4.485`,
      `${n},4,instance_type,gpu-8x-h100-sxm,8× H100 SXM 80 GB instances in capacity blocks (paid with the block),,,7200,2,0.00`,
      `${n},5,reservation,${block.id},"Capacity block “Fine-tune run”: 8× H100 SXM 80 GB × 2, US East",,,86400,24,458.88`,
      `${n},6,credit,${startup.id},Credit: Startup program,,,,,-100.00`,
      `${n},7,credit,${partner.id},Credit: Design partner,,,,,-365.365`,
      `${n},,subtotal,,Subtotal,,,,,465.365`,
      `${n},,credits,,Credits applied,,,,,-465.365`,
      `${n},,total,,Total due,,,,,0.00`,
      "",
    ]);
  });

  it("is recorded in the team's activity as issued by the system", async () => {
    const rows = await db.select().from(auditEvents).where(eq(auditEvents.targetId, aliceOctober.id));
    expect(rows).toEqual([
      expect.objectContaining({
        teamId: A,
        actorType: "system",
        action: "invoice.issued",
        targetType: "invoice",
        metadata: { name: "INV-2026-10-0001", month: OCTOBER, subtotalUsd: "465.365", creditsUsd: "465.365", totalUsd: "0.00" },
      }),
    ]);
  });

  it("issuing it again returns the same invoice and writes nothing", async () => {
    const before = await tableCounts();
    const again = await issueInvoice(db, A, OCTOBER, at("2026-12-24T00:00:00Z"), quiet);
    expect(again).toEqual({ invoice: aliceOctober, created: false });
    expect(await tableCounts()).toEqual(before);
  });
});

describe("partial credit, a second team, concurrent issues", () => {
  it("two issues of one invoice at once: one is written, both return it", async () => {
    const [first, second] = await Promise.all([issueInvoice(db, B, OCTOBER, OCTOBER_CLOSED, quiet), issueInvoice(db, B, OCTOBER, OCTOBER_CLOSED, quiet)]);
    expect([first?.created, second?.created].sort()).toEqual([false, true]);
    expect(first?.invoice).toEqual(second?.invoice);
    const invoice = first!.invoice;
    expect(invoice).toMatchObject({ number: "INV-2026-10-0002", subtotalNano: 13_200_000_000n, creditsNano: 5_000_000_000n, totalNano: 8_200_000_000n });
    expect(invoice.lines).toEqual([
      { position: 1, kind: "model", refId: LLAMA_70B.id, description: "Llama 3.1 70B Instruct", inputTokens: 10_000_000, outputTokens: 5_000_000, quantitySeconds: null, amountNano: 13_200_000_000n },
      { position: 2, kind: "credit", refId: bobGrant.id, description: "Credit: Welcome", inputTokens: null, outputTokens: null, quantitySeconds: null, amountNano: -5_000_000_000n },
    ]);
    expect(await creditBalance(db, B, OCTOBER_CLOSED)).toBe(0n);
  });

  it("another team's invoice is not found, by service and by the team's door", async () => {
    expect((await appErrorOf(getInvoice(db, B, aliceOctober.id))).code).toBe("NOT_FOUND");
    const error = await appErrorOf(teamInvoice(await bob.teamCtx(), { invoiceId: aliceOctober.id }));
    expect(error).toMatchObject({ code: "NOT_FOUND", message: "Invoice not found." });
    expect((await appErrorOf(teamInvoiceCsv(await bob.teamCtx(), { invoiceId: aliceOctober.id }))).code).toBe("NOT_FOUND");
    expect((await teamInvoices(await bob.teamCtx())).map((i) => i.number)).toEqual(["INV-2026-10-0002"]);
  });

  it("a member whose role lacks usage:read is refused", async () => {
    const viewer = await createTestUser(db, "Vic Viewer");
    await db.insert(memberships).values({ teamId: A, userId: viewer.userId, role: "viewer", createdAt: new Date() });
    const ctx = await enterTeam(testContext(db, viewer.userId), { teamId: A });
    expect((await appErrorOf(teamInvoices(ctx))).code).toBe("FORBIDDEN");
    expect((await appErrorOf(teamInvoice(ctx, { invoiceId: aliceOctober.id }))).code).toBe("FORBIDDEN");
  });
});

describe("closing October for everyone", () => {
  it("issues only the invoices still missing, numbered on; a second close issues nothing", async () => {
    const report = await closeMonth(db, OCTOBER, OCTOBER_CLOSED, quiet);
    expect(report.failed).toEqual([]);
    expect(report.issued.map((i) => i.number)).toEqual(["INV-2026-10-0003"]);
    const erinOctober = await getInvoice(db, E, report.issued[0]!.id);
    // $23.90 less the whole $20 grant.
    expect(erinOctober).toMatchObject({ subtotalNano: 23_900_000_000n, creditsNano: 20_000_000_000n, totalNano: 3_900_000_000n });

    const before = await tableCounts();
    expect((await closeMonth(db, OCTOBER, at("2026-11-02T00:00:00Z"), quiet)).issued).toEqual([]);
    expect(await tableCounts()).toEqual(before);
  });

  it("a team without usage in the month gets no invoice", async () => {
    const idle = await createTestUser(db, "Ivy Idle");
    await grantAt(db, at("2026-10-01T00:00:00Z"), { teamId: idle.team.id, amountNano: 10n * USD, reason: "Unused", expiresAt: null });
    expect(await issueInvoice(db, idle.team.id, OCTOBER, OCTOBER_CLOSED, quiet)).toBeNull();
    expect(await listInvoices(db, idle.team.id)).toEqual([]);
  });

  it("a month that has not ended cannot be invoiced", async () => {
    const error = await appErrorOf(issueInvoice(db, A, NOVEMBER, at("2026-11-30T23:59:59.999Z"), quiet));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toContain("November 2026 has not ended yet");
  });
});

describe("November: what is left of the grants, and a month of refunds", () => {
  it("balances follow grants, expiries and invoices over time", async () => {
    expect(await creditBalance(db, A, at("2026-10-25T00:00:00Z"))).toBe(600n * USD); // startup + partner
    expect(await creditBalance(db, A, at("2026-11-02T00:00:00Z"))).toBe(134_635_000_000n); // partner's rest
    expect(await creditBalance(db, A, at("2026-11-06T00:00:00Z"))).toBe(1_134_635_000_000n); // + conference
  });

  it("the next invoice draws on the later grant, which expires first, and leaves the other", async () => {
    const report = await closeMonth(db, NOVEMBER, NOVEMBER_CLOSED, quiet);
    // Teams A and E; which is numbered first depends on their (random) ids.
    expect(report.issued.map((i) => i.number).sort()).toEqual(["INV-2026-11-0001", "INV-2026-11-0002"]);
    const aliceNovember = await getInvoice(db, A, (await listInvoices(db, A))[0]!.id);
    expect(report.issued.map((i) => i.id)).toContain(aliceNovember.id);
    expect(aliceNovember).toMatchObject({ month: NOVEMBER, subtotalNano: 110_180_000_000n, creditsNano: 110_180_000_000n, totalNano: 0n });
    expect(aliceNovember.lines.filter((l) => l.kind === "credit")).toEqual([
      { position: 3, kind: "credit", refId: late.id, description: "Credit: Conference", inputTokens: null, outputTokens: null, quantitySeconds: null, amountNano: -110_180_000_000n },
    ]);
    expect(await creditBalance(db, A, NOVEMBER_CLOSED)).toBe(134_635_000_000n + 889_820_000_000n);
    expect((await listInvoices(db, A)).map((i) => i.number)).toEqual([aliceNovember.number, "INV-2026-10-0001"]);
  });

  it("a month whose usage nets negative (a refund) uses no credit and totals below zero", async () => {
    const [erinNovember] = await listInvoices(db, E);
    expect(erinNovember).toMatchObject({ month: NOVEMBER, subtotalNano: -11_950_000_000n, creditsNano: 0n, totalNano: -11_950_000_000n });
    const detail = await getInvoice(db, E, erinNovember!.id);
    expect(detail.lines).toEqual([
      {
        position: 1,
        kind: "reservation",
        refId: erinBlock.id,
        description: "Capacity block “Short block”: 1× H100 SXM 80 GB × 1, US East",
        inputTokens: null,
        outputTokens: null,
        quantitySeconds: -36_000,
        amountNano: -11_950_000_000n,
      },
    ]);
  });

  it("credit history shows each grant's use per invoice and its status", async () => {
    const history = await creditHistory(db, A, at("2026-12-02T00:00:00Z"));
    const [aliceNovember] = await listInvoices(db, A);
    expect(history.map((g) => [g.reason, g.status, g.usedNano, g.remainingNano])).toEqual([
      ["Conference", "active", 110_180_000_000n, 889_820_000_000n],
      ["Design partner", "active", 365_365_000_000n, 134_635_000_000n],
      ["Startup program", "used", 100n * USD, 0n],
      ["Expired before October ended", "expired", 0n, 50n * USD],
    ]);
    expect(history[0]!.applications).toEqual([{ invoiceId: aliceNovember!.id, invoiceNumber: aliceNovember!.number, month: NOVEMBER, amountNano: 110_180_000_000n }]);
    expect(history[1]!.applications).toEqual([{ invoiceId: aliceOctober.id, invoiceNumber: "INV-2026-10-0001", month: OCTOBER, amountNano: 365_365_000_000n }]);
    expect(history[3]).toMatchObject({ id: expiredGrant.id, applications: [] });
  });
});

describe("month boundaries", () => {
  it("an event at 23:59:59.999 on the last day and one at midnight land in their own months", async () => {
    const carol = await createTestUser(db, "Carol Boundary");
    const C = carol.team.id;
    await recordUsage(db, [
      modelEvent(C, at("2026-08-31T23:59:59.999Z"), LLAMA_8B.id, { input: 1000, output: 0 }, LLAMA_8B.price),
      modelEvent(C, at("2026-09-01T00:00:00.000Z"), LLAMA_8B.id, { input: 2000, output: 0 }, LLAMA_8B.price),
    ]);
    const august = await closeMonth(db, "2026-08-01", at("2026-09-01T01:00:00Z"), quiet);
    const september = await closeMonth(db, "2026-09-01", at("2026-10-01T01:00:00Z"), quiet);
    expect(august.issued.map((i) => [i.number, i.subtotalNano])).toEqual([["INV-2026-08-0001", 180_000n]]);
    expect(september.issued.map((i) => [i.number, i.subtotalNano])).toEqual([["INV-2026-09-0001", 360_000n]]);
    const lines = async (id: string) => (await getInvoice(db, C, id)).lines.map((l) => l.inputTokens);
    expect(await lines(august.issued[0]!.id)).toEqual([1000]);
    expect(await lines(september.issued[0]!.id)).toEqual([2000]);
  });

  it("the worker's close waits for the grace hour after the month's end, then closes once", async () => {
    const dan = await createTestUser(db, "Dan Due");
    const D = dan.team.id;
    await recordUsage(db, [modelEvent(D, at("2026-06-30T23:30:00Z"), LLAMA_8B.id, { input: 500, output: 0 }, LLAMA_8B.price)]);

    const early = await closeDueMonths(db, at("2026-07-01T00:59:59.999Z"), quiet);
    expect(early).toMatchObject({ month: "2026-05-01", issued: [] });
    expect(await listInvoices(db, D)).toEqual([]);

    const due = await closeDueMonths(db, at("2026-07-01T01:00:00Z"), quiet);
    expect(due.month).toBe("2026-06-01");
    expect(due.issued.map((i) => [i.number, i.subtotalNano])).toEqual([["INV-2026-06-0001", 90_000n]]);

    // Later ticks find nothing to do, and an event of June written now changes no invoice.
    const [issued] = await listInvoices(db, D);
    await recordUsage(db, [modelEvent(D, at("2026-06-30T23:59:00Z"), LLAMA_8B.id, { input: 500, output: 0 }, LLAMA_8B.price)]);
    expect((await closeDueMonths(db, at("2026-07-01T01:00:20Z"), quiet)).issued).toEqual([]);
    expect((await closeDueMonths(db, at("2026-07-15T00:00:00Z"), quiet)).issued).toEqual([]);
    expect(await listInvoices(db, D)).toEqual([issued]);
  });
});
