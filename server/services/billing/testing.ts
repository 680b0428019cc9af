import { randomBytes } from "node:crypto";
import type { Db } from "@/server/db";
import { costForSeconds, tokenCost } from "../metering/cost";
import { insertUsageEvents, type UsageEvent } from "../metering/usage-writer";
import type { ServiceContext } from "../context";
import { grantCredit, type GrantCreditInput } from "./credits";

/**
 * Test-only builders of usage events as the real writers make them (ids, products, costs), for
 * invoices computed by hand. Events go through insertUsageEvents, the ingest path, so rollups and
 * monthly spend are written exactly as in production.
 */

const uid = () => randomBytes(8).toString("hex");

/** Tokens of one request at per-token prices in nano-USD (the catalog's $0.18 per 1M is 180). */
export function modelEvent(teamId: string, at: Date, model: string, tokens: { input: number; output: number }, price: { input: bigint; output: bigint }): UsageEvent {
  return {
    id: `req_test_${uid()}`,
    teamId,
    product: "model_tokens",
    model,
    endpoint: "chat",
    source: "api",
    inputTokens: tokens.input,
    outputTokens: tokens.output,
    costNano: tokenCost(tokens.input, tokens.output, { inputNanoPerToken: price.input, outputNanoPerToken: price.output }),
    status: "ok",
    httpStatus: 200,
    createdAt: at,
  };
}

/** One metered stretch of an instance's running time at an hourly price. */
export function instanceEvent(teamId: string, at: Date, instance: { id: string; instanceTypeId: string; nanoPerHour: bigint }, seconds: number): UsageEvent {
  return {
    id: `use_ins_${instance.id}_${at.toISOString().slice(0, 13)}_${uid()}`,
    teamId,
    product: "instance_hours",
    instanceTypeId: instance.instanceTypeId,
    resourceId: instance.id,
    source: "console",
    quantitySeconds: seconds,
    costNano: costForSeconds(instance.nanoPerHour, seconds),
    status: "ok",
    createdAt: at,
  };
}

/** A capacity block's charge (or, negative, its refund) as purchase, extend and cancel write it. */
export function reservationEvent(
  teamId: string,
  at: Date,
  block: { id: string; instanceTypeId: string },
  charge: { seconds: number; costNano: bigint },
): UsageEvent {
  return {
    id: `use_${block.id}_${uid()}`,
    teamId,
    product: "reservation",
    instanceTypeId: block.instanceTypeId,
    resourceId: block.id,
    source: "console",
    quantitySeconds: charge.seconds,
    costNano: charge.costNano,
    status: "ok",
    createdAt: at,
  };
}

export async function recordUsage(db: Db, events: UsageEvent[]): Promise<void> {
  const written = await insertUsageEvents(db, events);
  if (written !== events.length) throw new Error(`recordUsage: wrote ${written} of ${events.length} events`);
}

/** A grant made by the operator at `at` (the grant's created_at), through the real service. */
export function grantAt(db: Db, at: Date, input: Omit<GrantCreditInput, "grantedBy"> & { grantedBy?: string }) {
  const ctx: ServiceContext = {
    db,
    actor: { type: "system" },
    request: { ip: null, userAgent: "billing-test" },
    now: () => at,
    log: { info() {}, warn() {}, error() {} },
  };
  return grantCredit(db, ctx, { grantedBy: "operator", ...input });
}
