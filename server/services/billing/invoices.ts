import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db, Tx } from "@/server/db";
import { newId } from "@/server/db/ids";
import { rowsOf, ts } from "@/server/db/sql";
import {
  creditApplications,
  creditGrants,
  instanceTypes,
  invoiceLines,
  invoices,
  models,
  regions,
  reservations,
  teams,
  teamSpend,
  usageEvents,
  type InvoiceLineKind,
} from "@/server/db/schema";
import { recordAuditEvent } from "../audit/record-audit-event";
import { nanoToUsd } from "../compute/capacity/catalog";
import { consoleLogger, type Logger, type ServiceContext, type TeamRef } from "../context";
import { AppError } from "../errors";
import { CLOSE_GRACE_MS, monthKey, monthLabel, monthPeriod, monthSchema, previousMonth } from "./shared";

/**
 * Monthly invoices. At a UTC month's close (plus a grace hour) each team with usage events in the
 * month gets one invoice: a line per model, per instance type and per capacity block, the credit
 * its grants cover, and the total due. An invoice is written once, in one transaction, and never
 * changed; the unique (team, month) index makes a second close of the same month a no-op.
 */

export const INVOICE_NOT_FOUND = "Invoice not found.";

export interface InvoiceSummary {
  id: string;
  number: string;
  month: string;
  periodStart: Date;
  periodEnd: Date;
  subtotalNano: bigint;
  creditsNano: bigint;
  totalNano: bigint;
  issuedAt: Date;
}

export interface InvoiceLineView {
  position: number;
  kind: InvoiceLineKind;
  /** The model id, instance type id, reservation id or credit grant id. */
  refId: string;
  description: string;
  inputTokens: number | null;
  outputTokens: number | null;
  quantitySeconds: number | null;
  /** Negative for credits (and for a block refunded in a later month than it was bought). */
  amountNano: bigint;
}

export interface InvoiceDetail extends InvoiceSummary {
  team: TeamRef;
  lines: InvoiceLineView[];
}

export interface IssueResult {
  invoice: InvoiceDetail;
  /** False when the month already had its invoice: that one is returned, unchanged. */
  created: boolean;
}

type DraftLine = Omit<InvoiceLineView, "position">;

/** Every issue takes this lock: invoice numbers count up per month and grants are drawn one invoice at a time. */
const ISSUE_LOCK = "billing:issue_invoice";

const KIND_ORDER: Record<InvoiceLineKind, number> = { model: 0, instance_type: 1, reservation: 2, credit: 3 };

const summaryColumns = {
  id: invoices.id,
  number: invoices.number,
  month: invoices.month,
  periodStart: invoices.periodStart,
  periodEnd: invoices.periodEnd,
  subtotalNano: invoices.subtotalNano,
  creditsNano: invoices.creditsNano,
  totalNano: invoices.totalNano,
  issuedAt: invoices.issuedAt,
};

/**
 * Issues the team's invoice for `month` ("YYYY-MM-01") from its usage events in that UTC month,
 * or returns the one already issued. Null when the team had no usage events in the month.
 */
export async function issueInvoice(db: Db, teamId: string, month: string, now: Date, log: Logger = consoleLogger): Promise<IssueResult | null> {
  const key = monthSchema.parse(month);
  const period = monthPeriod(key);
  if (now.getTime() < period.end.getTime()) {
    throw AppError.field("BAD_REQUEST", "month", `${monthLabel(key)} has not ended yet: its invoice can be issued from ${period.end.toISOString()}.`);
  }
  const outcome = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${ISSUE_LOCK}, 0))`);
    const existing = await invoiceIdFor(tx, teamId, key);
    if (existing) return { id: existing, created: false };
    const [team] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId)).limit(1);
    if (!team) throw new AppError("NOT_FOUND", "Team not found.");

    const usage = await draftUsageLines(tx, teamId, period);
    if (usage.length === 0) return null;
    const subtotalNano = usage.reduce((sum, line) => sum + line.amountNano, 0n);
    // A month of nothing but refunds owes nothing, and credit is not spent on it.
    const drawn = subtotalNano > 0n ? await drawCredits(tx, teamId, period.end, subtotalNano) : [];
    const creditsNano = drawn.reduce((sum, d) => sum + d.amountNano, 0n);
    const totalNano = subtotalNano - creditsNano;

    const id = newId("inv");
    const number = await nextInvoiceNumber(tx, key);
    const inserted = await tx
      .insert(invoices)
      .values({ id, teamId, number, month: key, periodStart: period.start, periodEnd: period.end, subtotalNano, creditsNano, totalNano, issuedAt: now })
      .onConflictDoNothing({ target: [invoices.teamId, invoices.month] })
      .returning({ id: invoices.id });
    if (inserted.length === 0) {
      // Only reachable by a writer that skipped the lock; nothing else was written yet.
      const other = await invoiceIdFor(tx, teamId, key);
      if (!other) throw new Error(`invoice for ${teamId} ${key} conflicted but is not there`);
      return { id: other, created: false };
    }
    const credits: DraftLine[] = drawn.map((d) => ({
      kind: "credit",
      refId: d.grantId,
      description: `Credit: ${d.reason}`,
      inputTokens: null,
      outputTokens: null,
      quantitySeconds: null,
      amountNano: -d.amountNano,
    }));
    await tx.insert(invoiceLines).values([...usage, ...credits].map((line, i) => ({ ...line, invoiceId: id, position: i + 1 })));
    if (drawn.length > 0) {
      await tx.insert(creditApplications).values(drawn.map((d) => ({ invoiceId: id, grantId: d.grantId, amountNano: d.amountNano })));
    }
    await recordAuditEvent(tx, systemContext(db, now, log), {
      teamId,
      action: "invoice.issued",
      target: { type: "invoice", id },
      metadata: { name: number, month: key, subtotalUsd: nanoToUsd(subtotalNano), creditsUsd: nanoToUsd(creditsNano), totalUsd: nanoToUsd(totalNano) },
    });
    return { id, created: true };
  });
  if (!outcome) return null;
  return { invoice: await getInvoice(db, teamId, outcome.id), created: outcome.created };
}

export interface CloseMonthReport {
  month: string;
  /** Invoices issued by this call; a month already closed gives none. */
  issued: InvoiceSummary[];
  /** Teams whose invoice could not be issued (logged); the next close retries them. */
  failed: string[];
}

/** Issues the month's invoice for every team that has usage events in it and no invoice yet. */
export async function closeMonth(db: Db, month: string, now: Date, log: Logger = consoleLogger): Promise<CloseMonthReport> {
  const key = monthSchema.parse(month);
  const report: CloseMonthReport = { month: key, issued: [], failed: [] };
  for (const teamId of await teamsAwaitingInvoice(db, key)) {
    try {
      const result = await issueInvoice(db, teamId, key, now, log);
      if (result?.created) report.issued.push(result.invoice);
    } catch (error) {
      // One team's failure must not hold up everyone else's invoice.
      report.failed.push(teamId);
      log.error("issuing an invoice failed", { teamId, month: key, error: String(error) });
    }
  }
  return report;
}

/**
 * Closes the previous UTC month once `now` is an hour past its end. Meant for every worker tick:
 * when the month is closed already it costs one query over the month's per-team spend rows.
 */
export async function closeDueMonths(db: Db, now: Date, log: Logger = consoleLogger): Promise<CloseMonthReport> {
  const month = previousMonth(monthKey(new Date(now.getTime() - CLOSE_GRACE_MS)));
  const report = await closeMonth(db, month, now, log);
  if (report.issued.length > 0) log.info("invoices issued", { month, issued: report.issued.length, failed: report.failed.length });
  return report;
}

/**
 * Teams with usage events in the month and no invoice for it. Every event is written together
 * with its team's row in team_spend for the event's month (metering/rollups.ts), so those rows
 * list the month's teams without scanning the month's events; the event probe (an index range
 * on team and time) leaves out a row that holds only a budget reservation.
 */
export async function teamsAwaitingInvoice(db: Db | Tx, month: string): Promise<string[]> {
  const { start, end } = monthPeriod(month);
  const rows = await db
    .select({ teamId: teamSpend.teamId })
    .from(teamSpend)
    .innerJoin(teams, eq(teams.id, teamSpend.teamId))
    .where(
      and(
        eq(teamSpend.month, month),
        sql`not exists (select 1 from ${invoices} where ${invoices.teamId} = ${teamSpend.teamId} and ${invoices.month} = ${month})`,
        sql`exists (select 1 from ${usageEvents} where ${usageEvents.teamId} = ${teamSpend.teamId}
          and ${usageEvents.createdAt} >= ${ts(start)}::timestamptz and ${usageEvents.createdAt} < ${ts(end)}::timestamptz)`,
      ),
    )
    .orderBy(asc(teamSpend.teamId));
  return rows.map((r) => r.teamId);
}

/** The team's invoices, the latest month first. */
export async function listInvoices(db: Db | Tx, teamId: string): Promise<InvoiceSummary[]> {
  return db.select(summaryColumns).from(invoices).where(eq(invoices.teamId, teamId)).orderBy(desc(invoices.month));
}

/** One of the team's invoices with its lines; NOT_FOUND for another team's, exactly as for none. */
export async function getInvoice(db: Db | Tx, teamId: string, invoiceId: string): Promise<InvoiceDetail> {
  const [row] = await db
    .select({ ...summaryColumns, team: { id: teams.id, name: teams.name, slug: teams.slug } })
    .from(invoices)
    .innerJoin(teams, eq(teams.id, invoices.teamId))
    .where(and(eq(invoices.teamId, teamId), eq(invoices.id, invoiceId)))
    .limit(1);
  if (!row) throw new AppError("NOT_FOUND", INVOICE_NOT_FOUND);
  const lines = await db
    .select({
      position: invoiceLines.position,
      kind: invoiceLines.kind,
      refId: invoiceLines.refId,
      description: invoiceLines.description,
      inputTokens: invoiceLines.inputTokens,
      outputTokens: invoiceLines.outputTokens,
      quantitySeconds: invoiceLines.quantitySeconds,
      amountNano: invoiceLines.amountNano,
    })
    .from(invoiceLines)
    .where(eq(invoiceLines.invoiceId, row.id))
    .orderBy(asc(invoiceLines.position));
  return { ...row, lines };
}

async function invoiceIdFor(db: Db | Tx, teamId: string, month: string): Promise<string | null> {
  const [row] = await db
    .select({ id: invoices.id })
    .from(invoices)
    .where(and(eq(invoices.teamId, teamId), eq(invoices.month, month)))
    .limit(1);
  return row?.id ?? null;
}

/** INV-2026-11-0001, INV-2026-11-0002, …: numbered per month across the deployment, under ISSUE_LOCK. */
async function nextInvoiceNumber(tx: Tx, month: string): Promise<string> {
  const prefix = `INV-${month.slice(0, 7)}-`;
  const [row] = await rowsOf<{ last: number | null }>(
    tx,
    sql`select max(split_part(${invoices.number}, '-', 4)::int) as last
      from ${invoices} where ${invoices.month} = ${month} and ${invoices.number} like ${`${prefix}%`}`,
  );
  return `${prefix}${String(Number(row?.last ?? 0) + 1).padStart(4, "0")}`;
}

interface UsageGroup {
  product: "model_tokens" | "instance_hours" | "reservation";
  ref: string;
  in_block: boolean;
  input_tokens: string;
  output_tokens: string;
  quantity_seconds: string;
  amount_nano: string;
}

/**
 * The month's usage as invoice lines: per model (tokens), per instance type (on-demand time, and
 * separately the time instances ran inside capacity blocks, which the block's line has paid for),
 * and per capacity block (its purchase, extensions and refunds in the month). Sorted by kind, then
 * by description.
 */
async function draftUsageLines(tx: Tx, teamId: string, period: { start: Date; end: Date }): Promise<DraftLine[]> {
  const groups = await rowsOf<UsageGroup>(
    tx,
    sql`select e.product,
        case e.product when 'model_tokens' then coalesce(e.model, '')
          when 'instance_hours' then coalesce(e.instance_type_id, '')
          else coalesce(e.resource_id, '') end as ref,
        (e.product = 'instance_hours' and i.reservation_id is not null) as in_block,
        sum(e.input_tokens)::text as input_tokens, sum(e.output_tokens)::text as output_tokens,
        coalesce(sum(e.quantity_seconds), 0)::text as quantity_seconds, sum(e.cost_nano)::text as amount_nano
      from usage_events e
      left join instances i on e.product = 'instance_hours' and i.id = e.resource_id
      where e.team_id = ${teamId} and e.created_at >= ${ts(period.start)}::timestamptz and e.created_at < ${ts(period.end)}::timestamptz
      group by 1, 2, 3`,
  );
  if (groups.length === 0) return [];
  const names = await lineNames(tx, teamId, groups);
  const lines = groups.map((g): DraftLine => {
    const amountNano = BigInt(g.amount_nano);
    const seconds = Number(g.quantity_seconds);
    if (g.product === "model_tokens") {
      return {
        kind: "model",
        refId: g.ref,
        description: g.ref === "" ? "Requests without a model" : (names.models.get(g.ref) ?? g.ref),
        inputTokens: Number(g.input_tokens),
        outputTokens: Number(g.output_tokens),
        quantitySeconds: null,
        amountNano,
      };
    }
    if (g.product === "instance_hours") {
      const type = names.instanceTypes.get(g.ref) ?? g.ref;
      return {
        kind: "instance_type",
        refId: g.ref,
        description: g.in_block ? `${type} instances in capacity blocks (paid with the block)` : `${type} instances on demand`,
        inputTokens: null,
        outputTokens: null,
        quantitySeconds: seconds,
        amountNano,
      };
    }
    return {
      kind: "reservation",
      refId: g.ref,
      description: names.reservations.get(g.ref) ?? `Capacity block ${g.ref}`,
      inputTokens: null,
      outputTokens: null,
      quantitySeconds: seconds,
      amountNano,
    };
  });
  return lines.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.description.localeCompare(b.description, "en") || a.refId.localeCompare(b.refId, "en"));
}

/** Display names as of issue time: the invoice keeps them even if the catalog changes later. */
async function lineNames(tx: Tx, teamId: string, groups: UsageGroup[]) {
  const refs = (product: UsageGroup["product"]) => [...new Set(groups.filter((g) => g.product === product && g.ref !== "").map((g) => g.ref))];
  const modelIds = refs("model_tokens");
  const typeIds = refs("instance_hours");
  const reservationIds = refs("reservation");
  const modelRows = modelIds.length ? await tx.select({ id: models.id, name: models.displayName }).from(models).where(inArray(models.id, modelIds)) : [];
  const typeRows = typeIds.length ? await tx.select({ id: instanceTypes.id, name: instanceTypes.displayName }).from(instanceTypes).where(inArray(instanceTypes.id, typeIds)) : [];
  const blockRows = reservationIds.length
    ? await tx
        .select({ id: reservations.id, name: reservations.name, count: reservations.instanceCount, type: instanceTypes.displayName, region: regions.name })
        .from(reservations)
        .innerJoin(instanceTypes, eq(instanceTypes.id, reservations.instanceTypeId))
        .innerJoin(regions, eq(regions.id, reservations.regionId))
        .where(and(eq(reservations.teamId, teamId), inArray(reservations.id, reservationIds)))
    : [];
  return {
    models: new Map(modelRows.map((r) => [r.id, r.name])),
    instanceTypes: new Map(typeRows.map((r) => [r.id, r.name])),
    reservations: new Map(blockRows.map((r) => [r.id, `Capacity block “${r.name}”: ${r.type} × ${r.count}, ${r.region}`])),
  };
}

interface Drawn {
  grantId: string;
  reason: string;
  amountNano: bigint;
}

/**
 * Takes up to `amountNano` from the team's grants, earliest expiry first (grants without expiry
 * last, then the oldest grant first). Kept simple on purpose: a grant counts for a month when it
 * was granted before the month ended and had not expired by then (its expiry is at or after the
 * month's end), so every charge of the month was made while the grant was valid. A grant that
 * expired mid-month covers none of that month.
 */
async function drawCredits(tx: Tx, teamId: string, periodEnd: Date, amountNano: bigint): Promise<Drawn[]> {
  const grants = await tx
    .select({
      id: creditGrants.id,
      reason: creditGrants.reason,
      remaining: sql<string>`(${creditGrants.amountNano} - (select coalesce(sum(${creditApplications.amountNano}), 0)
        from ${creditApplications} where ${creditApplications.grantId} = ${creditGrants.id}))::text`,
    })
    .from(creditGrants)
    .where(
      and(
        eq(creditGrants.teamId, teamId),
        sql`${creditGrants.createdAt} < ${ts(periodEnd)}::timestamptz`,
        sql`(${creditGrants.expiresAt} is null or ${creditGrants.expiresAt} >= ${ts(periodEnd)}::timestamptz)`,
      ),
    )
    .orderBy(sql`${creditGrants.expiresAt} asc nulls last`, asc(creditGrants.createdAt), asc(creditGrants.id));
  const drawn: Drawn[] = [];
  let left = amountNano;
  for (const grant of grants) {
    if (left <= 0n) break;
    const remaining = BigInt(grant.remaining);
    if (remaining <= 0n) continue;
    const take = remaining < left ? remaining : left;
    drawn.push({ grantId: grant.id, reason: grant.reason, amountNano: take });
    left -= take;
  }
  return drawn;
}

function systemContext(db: Db, now: Date, log: Logger): ServiceContext {
  return { db, actor: { type: "system" }, request: { ip: null, userAgent: null }, now: () => now, log };
}
