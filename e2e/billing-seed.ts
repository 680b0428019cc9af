/**
 * Seeds a billing fixture for e2e/billing.spec.ts and prints it as JSON: a new person and team,
 * usage in last month (a model, on-demand instance time, a capacity block) written through the
 * ingest path, two credit grants (one granted before last month ended, one after), and last
 * month's close, exactly as the worker runs it. Run with tsx against the database the server uses:
 * DATABASE_URL (PostgreSQL, while the server runs) or DATA_DIR (PGlite, before it starts: an
 * embedded database is single-process).
 */
import { randomBytes } from "node:crypto";
import { getDatabase } from "@/server/db";
import { reservations } from "@/server/db/schema";
import { signUp } from "@/server/services/auth/sign-up";
import { closeMonth, listInvoices, monthPeriod, previousMonth } from "@/server/services/billing";
import { grantAt, instanceEvent, modelEvent, recordUsage, reservationEvent } from "@/server/services/billing/testing";
import { loadCatalog, seedCatalog } from "@/server/services/catalog";
import { loadComputeCatalog, seedComputeCatalog } from "@/server/services/compute/fleet";
import { monthKey } from "@/server/services/metering/cost";

const quiet = { info() {}, warn() {}, error() {} };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function main() {
  const now = new Date();
  const database = await getDatabase();
  const { db } = database;
  try {
    await seedCatalog(db, loadCatalog(), now);
    await seedComputeCatalog(db, loadComputeCatalog());

    const id = randomBytes(5).toString("hex");
    const email = `e2e-billing-${id}@example.com`;
    const password = `correct-horse-${id}`;
    const { team } = await signUp(
      { db, actor: { type: "anonymous" }, request: { ip: null, userAgent: "billing-seed" }, now: () => now, log: quiet },
      { name: "Bill Tester", email, password },
      { signUpCredit: null },
    );

    const month = previousMonth(monthKey(now));
    const { start } = monthPeriod(month);
    const blockId = `res_e2eBilling${id}`;
    await db.insert(reservations).values({
      id: blockId,
      teamId: team.id,
      name: "Fine-tune run",
      instanceTypeId: "gpu-8x-h100-sxm",
      regionId: "us-east-1",
      instanceCount: 2,
      startsAt: new Date(start.getTime() + 2 * DAY),
      endsAt: new Date(start.getTime() + 2 * DAY + 10 * HOUR),
      state: "completed",
      priceNano: 382_400_000_000n,
      createdAt: start,
      updatedAt: start,
    });
    const h100 = { id: `ins_e2eBilling${id}`, instanceTypeId: "gpu-1x-h100-sxm", nanoPerHour: 2_990_000_000n };
    await recordUsage(db, [
      // 1.5M tokens × $0.18 per 1M = $0.27
      modelEvent(team.id, new Date(start.getTime() + 3 * DAY), "meta-llama/llama-3.1-8b-instruct", { input: 1_000_000, output: 500_000 }, { input: 180n, output: 180n }),
      // 1.5 h × $2.99 = $4.485, metered hour by hour
      instanceEvent(team.id, new Date(start.getTime() + 5 * DAY + 9 * HOUR), h100, 3600),
      instanceEvent(team.id, new Date(start.getTime() + 5 * DAY + 10 * HOUR), h100, 1800),
      // 2 × 10 h × $19.12 = $382.40, paid up front
      reservationEvent(team.id, start, { id: blockId, instanceTypeId: "gpu-8x-h100-sxm" }, { seconds: 72_000, costNano: 382_400_000_000n }),
    ]);
    const startup = await grantAt(db, start, { teamId: team.id, amountNano: 100_000_000_000n, reason: "Startup program", expiresAt: new Date(start.getTime() + 400 * DAY) });
    // Granted after last month ended: it stays in the balance for this month.
    const welcome = await grantAt(db, now, { teamId: team.id, amountNano: 50_000_000_000n, reason: "Welcome credit", expiresAt: null });

    const report = await closeMonth(db, month, now, quiet);
    if (report.failed.length > 0) throw new Error(`closing ${month} failed for ${report.failed.join(", ")}`);
    const [invoice] = await listInvoices(db, team.id);
    if (!invoice) throw new Error("the close issued no invoice for the seeded team");

    process.stdout.write(
      `${JSON.stringify({ email, password, teamId: team.id, teamSlug: team.slug, month, blockId, startupGrantId: startup.id, welcomeGrantId: welcome.id, invoiceId: invoice.id, invoiceNumber: invoice.number })}\n`,
    );
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
