import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, Tx } from "@/server/db";
import { newId } from "@/server/db/ids";
import { creditApplications, creditGrants, invoices, teams } from "@/server/db/schema";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";
import { nanoToUsd } from "../compute/capacity/catalog";
import { AppError } from "../errors";

/**
 * Prepaid credit. The operator grants it (`npm run credits`, or automatically at sign-up); each
 * monthly invoice draws on the team's grants, earliest expiry first (see invoices.ts). A grant's
 * balance is its amount less what invoices took from it; nothing else ever changes a grant.
 */

const NANO_PER_USD = 1_000_000_000n;
/** $10,000,000: far above any real grant, low enough that a typo of a few extra digits is refused. */
export const MAX_GRANT_NANO = 10_000_000n * NANO_PER_USD;
export const MAX_REASON_LENGTH = 200;

export const grantCreditInput = z.object({
  teamId: z.string({ error: "Name the team." }).trim().min(1, "Name the team.").max(64, "Team not found."),
  amountNano: z
    .bigint({ error: "Give the amount in nano-USD." })
    .positive("The amount must be more than $0.")
    .max(MAX_GRANT_NANO, `The amount must be at most $${nanoToUsd(MAX_GRANT_NANO)}.`),
  reason: z
    .string({ error: "Give a reason, e.g. “Startup program”." })
    .trim()
    .min(1, "Give a reason, e.g. “Startup program”.")
    .max(MAX_REASON_LENGTH, `Keep the reason to ${MAX_REASON_LENGTH} characters.`),
  expiresAt: z.date({ error: "Give the expiry as a date, or none." }).nullable(),
  grantedBy: z.string().trim().min(1, "Say who grants the credit.").max(100, "Keep “granted by” to 100 characters."),
});
export type GrantCreditInput = z.input<typeof grantCreditInput>;

export type CreditGrantStatus = "active" | "used" | "expired";

export interface CreditGrantView {
  id: string;
  amountNano: bigint;
  reason: string;
  expiresAt: Date | null;
  grantedBy: string;
  createdAt: Date;
}

export interface CreditApplicationView {
  invoiceId: string;
  invoiceNumber: string;
  month: string;
  amountNano: bigint;
}

export interface CreditHistoryEntry extends CreditGrantView {
  usedNano: bigint;
  /** What is left of the grant; spendable only while the grant is active. */
  remainingNano: bigint;
  status: CreditGrantStatus;
  /** The invoices that drew on the grant, oldest first. */
  applications: CreditApplicationView[];
}

/** A grant is spent before it expires; expired, whatever was left of it is gone. */
export function grantStatus(grant: { expiresAt: Date | null; remainingNano: bigint }, now: Date): CreditGrantStatus {
  if (grant.remainingNano <= 0n) return "used";
  if (grant.expiresAt && grant.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}

/**
 * Grants credit to a team and records it in the team's activity, both or neither. Inside the
 * caller's transaction when `db` is one (sign-up grants credit in the transaction that makes the
 * team). `ctx` supplies the clock, the actor and the request for the audit event.
 */
export async function grantCredit(db: Db | Tx, ctx: ServiceContext, rawInput: GrantCreditInput): Promise<CreditGrantView> {
  // An AppError naming the field, so that the operator's CLI can print the sentence as it is.
  const parsed = grantCreditInput.safeParse(rawInput);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw AppError.field("BAD_REQUEST", String(issue.path[0] ?? "_form"), issue.message);
  }
  const input = parsed.data;
  const now = ctx.now();
  if (input.expiresAt && input.expiresAt.getTime() <= now.getTime()) {
    throw AppError.field("BAD_REQUEST", "expiresAt", "The expiry must be in the future.");
  }
  return db.transaction(async (tx) => {
    const [team] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, input.teamId)).limit(1);
    if (!team) throw AppError.field("NOT_FOUND", "teamId", "Team not found.");
    const grant: CreditGrantView = {
      id: newId("crd"),
      amountNano: input.amountNano,
      reason: input.reason,
      expiresAt: input.expiresAt,
      grantedBy: input.grantedBy,
      createdAt: now,
    };
    await tx.insert(creditGrants).values({ ...grant, teamId: team.id });
    await recordAuditEvent(tx, ctx, {
      teamId: team.id,
      action: "credit.granted",
      target: { type: "credit_grant", id: grant.id },
      // `name` is what the activity log quotes: “granted credit “Startup program””.
      metadata: {
        name: grant.reason,
        amountUsd: nanoToUsd(grant.amountNano),
        expiresAt: grant.expiresAt?.toISOString() ?? null,
        grantedBy: grant.grantedBy,
      },
    });
    return grant;
  });
}

/** What a grant had given to invoices issued by `now`. */
const usedBy = (now: Date) => sql<string>`(select coalesce(sum(${creditApplications.amountNano}), 0)
  from ${creditApplications} join ${invoices} on ${invoices.id} = ${creditApplications.invoiceId}
  where ${creditApplications.grantId} = ${creditGrants.id} and ${invoices.issuedAt} <= ${now.toISOString()}::timestamptz)`;

/** Credit the team can spend at `now`: grants made by then and not yet expired, less what invoices took from them. */
export async function creditBalance(db: Db | Tx, teamId: string, now: Date): Promise<bigint> {
  const [row] = await db
    .select({ balance: sql<string>`coalesce(sum(${creditGrants.amountNano} - ${usedBy(now)}), 0)::text` })
    .from(creditGrants)
    .where(
      and(
        eq(creditGrants.teamId, teamId),
        sql`${creditGrants.createdAt} <= ${now.toISOString()}::timestamptz`,
        sql`(${creditGrants.expiresAt} is null or ${creditGrants.expiresAt} > ${now.toISOString()}::timestamptz)`,
      ),
    );
  return BigInt(row?.balance ?? "0");
}

/** Every grant of the team made by `now`, newest first, with what each invoice issued by then took from it. */
export async function creditHistory(db: Db | Tx, teamId: string, now: Date): Promise<CreditHistoryEntry[]> {
  const grants = await db
    .select({
      id: creditGrants.id,
      amountNano: creditGrants.amountNano,
      reason: creditGrants.reason,
      expiresAt: creditGrants.expiresAt,
      grantedBy: creditGrants.grantedBy,
      createdAt: creditGrants.createdAt,
    })
    .from(creditGrants)
    .where(and(eq(creditGrants.teamId, teamId), sql`${creditGrants.createdAt} <= ${now.toISOString()}::timestamptz`))
    .orderBy(desc(creditGrants.createdAt), desc(creditGrants.id));
  if (grants.length === 0) return [];
  const applied = await db
    .select({
      grantId: creditApplications.grantId,
      invoiceId: invoices.id,
      invoiceNumber: invoices.number,
      month: invoices.month,
      amountNano: creditApplications.amountNano,
    })
    .from(creditApplications)
    .innerJoin(invoices, eq(invoices.id, creditApplications.invoiceId))
    .where(
      and(
        eq(invoices.teamId, teamId),
        sql`${invoices.issuedAt} <= ${now.toISOString()}::timestamptz`,
        inArray(
          creditApplications.grantId,
          grants.map((g) => g.id),
        ),
      ),
    )
    .orderBy(asc(invoices.month));
  return grants.map((grant) => {
    const applications = applied.filter((a) => a.grantId === grant.id).map(({ grantId: _grantId, ...a }) => a);
    const usedNano = applications.reduce((sum, a) => sum + a.amountNano, 0n);
    const remainingNano = grant.amountNano - usedNano;
    return { ...grant, usedNano, remainingNano, status: grantStatus({ expiresAt: grant.expiresAt, remainingNano }, now), applications };
  });
}

export interface SignUpCredit {
  amountNano: bigint;
  days: number;
}

/**
 * The credit every new personal team gets, if the operator configured one. Granted by the system,
 * inside the sign-up transaction, so that a failed sign-up leaves no grant behind.
 */
export async function grantSignUpCredit(tx: Tx, ctx: ServiceContext, teamId: string, credit: SignUpCredit): Promise<CreditGrantView> {
  const expiresAt = new Date(ctx.now().getTime() + credit.days * 86_400_000);
  return grantCredit(tx, { ...ctx, actor: { type: "system" } }, { teamId, amountNano: credit.amountNano, reason: "Sign-up credit", expiresAt, grantedBy: "sign-up" });
}
