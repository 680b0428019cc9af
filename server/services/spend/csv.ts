import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/server/db";
import { rowsOf, ts } from "@/server/db/sql";
import { nanoToUsd } from "../compute/capacity/catalog";
import { AppError } from "../errors";
import { PRODUCT_LABELS, resolveRange, SPEND_PRODUCTS, type BreakdownDimension, type FilterDimension, type SpendFilter, type SpendRange } from "./range";
import { spendReport, type SpendReport } from "./report";
import { filterCondition, rollupWindow } from "./rollup-query";

/**
 * CSV exports of the spend page: a breakdown as the page shows it (from the rollups), and the raw
 * usage events of a range, read page by page so that a large export never sits in memory.
 */

/** A numeric cell written as is; other strings are text and are guarded against formulas. */
type Cell = string | number | bigint | null | { number: string };

const usd = (nano: bigint): Cell => ({ number: nanoToUsd(nano) });

/** Hours to three decimals, for reading; the exact seconds are in their own column. */
const hours = (seconds: number): Cell => ({ number: (seconds / 3600).toFixed(3) });

function cell(value: Cell): string {
  if (value === null) return "";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "object") return value.number;
  // A spreadsheet runs a cell that starts with = + - @ as a formula; key names are the customer's own text.
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: Cell[]): string {
  return `${values.map(cell).join(",")}\r\n`;
}

export const CSV_BREAKDOWNS = ["day", "product", "model", "key", "instance_type", "member"] as const;
export type CsvBreakdown = (typeof CSV_BREAKDOWNS)[number];

function fileRange(report: Pick<SpendReport, "range">): string {
  const first = report.range.days[0];
  const last = report.range.days.at(-1);
  return first === last ? `${first}` : `${first}-to-${last}`;
}

const ID_HEADER: Record<BreakdownDimension, string> = { model: "model", key: "api_key_id", instance_type: "instance_type", member: "user_id" };
const NAME_HEADER: Record<BreakdownDimension, string> = { model: "model_name", key: "api_key_name", instance_type: "instance_type_name", member: "member" };

/**
 * One breakdown of the spend page as CSV: the same figures, from the same report. Money in exact
 * USD and in integer nano-USD; a filter is repeated in the file's name so that the file says what it holds.
 */
export async function breakdownCsv(
  db: Db,
  teamId: string,
  range: SpendRange,
  filter: SpendFilter | null,
  by: CsvBreakdown,
  now: Date,
): Promise<{ filename: string; body: string }> {
  const report = await spendReport(db, teamId, range, filter, now);
  const lines: string[] = [];
  if (by === "day") {
    lines.push(csvLine(["date", ...SPEND_PRODUCTS.map((p) => `${p}_usd`), "total_usd", "total_nano"]));
    for (const day of report.daily) lines.push(csvLine([day.day, ...SPEND_PRODUCTS.map((p) => usd(day.byProduct[p])), usd(day.totalNano), day.totalNano]));
  } else if (by === "product") {
    lines.push(csvLine(["product", "product_name", "cost_usd", "cost_nano"]));
    for (const product of SPEND_PRODUCTS) lines.push(csvLine([product, PRODUCT_LABELS[product], usd(report.byProduct[product]), report.byProduct[product]]));
  } else {
    lines.push(
      csvLine([ID_HEADER[by], NAME_HEADER[by], "requests", "errors", "input_tokens", "output_tokens", "instance_hours", "instance_seconds", "reserved_instance_seconds", "cost_usd", "cost_nano"]),
    );
    for (const row of report.breakdowns[by]) {
      lines.push(
        csvLine([row.value, row.label, row.requests, row.errors, row.inputTokens, row.outputTokens, hours(row.instanceSeconds), row.instanceSeconds, row.reservedSeconds, usd(row.costNano), row.costNano]),
      );
    }
  }
  const filterPart = report.filter ? `-${report.filter.dimension}-${slug(report.filter.label)}` : "";
  return { filename: `spend-by-${by.replace("_", "-")}${filterPart}-${fileRange(report)}.csv`, body: lines.join("") };
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40) || "none";
}

/** The most events one raw export may hold; a longer range is refused before anything is sent. */
export const RAW_EXPORT_MAX_ROWS = 1_000_000;
const RAW_PAGE_SIZE = 5_000;

const EVENT_COLUMN: Record<FilterDimension, SQL> = {
  model: sql`coalesce(e.model, '')`,
  key: sql`coalesce(e.api_key_id, '')`,
  instance_type: sql`coalesce(e.instance_type_id, '')`,
  member: sql`coalesce(e.user_id, '')`,
  product: sql`e.product`,
};

const RAW_HEADER = [
  "id",
  "created_at",
  "product",
  "model",
  "instance_type",
  "resource_id",
  "api_key_id",
  "api_key_name",
  "user_id",
  "user_email",
  "source",
  "endpoint",
  "status",
  "http_status",
  "input_tokens",
  "output_tokens",
  "quantity_seconds",
  "cost_usd",
  "cost_nano",
  "latency_ms",
  "request_id",
];

interface RawRow {
  id: string;
  at: string;
  product: string;
  model: string | null;
  instance_type_id: string | null;
  resource_id: string | null;
  api_key_id: string | null;
  key_name: string | null;
  user_id: string | null;
  user_email: string | null;
  source: string;
  endpoint: string | null;
  status: string;
  http_status: number | null;
  input_tokens: number;
  output_tokens: number;
  quantity_seconds: number | null;
  cost_nano: string;
  latency_ms: number | null;
  request_id: string | null;
}

/**
 * The usage events of a range as CSV, oldest first. The number of events is known from the
 * rollups before anything is read, so an export over RAW_EXPORT_MAX_ROWS is refused with a message
 * rather than cut short. Pages are read by (created_at, id) after the last row sent, with the
 * timestamp carried at full (microsecond) precision so that no row is skipped or sent twice.
 */
export async function rawUsageExport(
  db: Db,
  teamId: string,
  range: SpendRange,
  filter: SpendFilter | null,
  now: Date,
  options: { pageSize?: number; maxRows?: number } = {},
): Promise<{ filename: string; events: number; chunks: AsyncIterable<string> }> {
  const resolved = resolveRange(range, now);
  const maxRows = options.maxRows ?? RAW_EXPORT_MAX_ROWS;
  const pageSize = options.pageSize ?? RAW_PAGE_SIZE;
  const [counted] = await rowsOf<{ events: string }>(
    db,
    sql`select coalesce(sum(requests), 0)::text as events from usage_rollups
        where team_id = ${teamId} and ${rollupWindow(resolved.start, resolved.end)}${filterCondition(filter)}`,
  );
  const events = Number(counted?.events ?? 0);
  if (events > maxRows) {
    throw new AppError(
      "BAD_REQUEST",
      `This range holds ${events.toLocaleString("en-US")} usage events; a raw export is limited to ${maxRows.toLocaleString("en-US")}. Choose a shorter range or narrow it with a filter.`,
    );
  }
  const filterSql = filter ? sql` and ${EVENT_COLUMN[filter.dimension]} = ${filter.value}` : sql``;

  async function* chunks(): AsyncGenerator<string> {
    yield csvLine(RAW_HEADER);
    let cursor: { at: string; id: string } | null = null;
    for (;;) {
      const after: SQL = cursor ? sql` and (e.created_at, e.id) > (${cursor.at}::timestamptz, ${cursor.id})` : sql``;
      const page: RawRow[] = await rowsOf<RawRow>(
        db,
        sql`
          select e.id, to_char(e.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at, e.product, e.model,
            e.instance_type_id, e.resource_id, e.api_key_id, k.name as key_name, e.user_id, u.email as user_email,
            e.source, e.endpoint, e.status, e.http_status, e.input_tokens, e.output_tokens, e.quantity_seconds,
            e.cost_nano::text as cost_nano, e.latency_ms, e.request_id
          from usage_events e
          left join api_keys k on k.id = e.api_key_id and k.team_id = e.team_id
          left join users u on u.id = e.user_id
          where e.team_id = ${teamId} and e.created_at >= ${ts(resolved.start)}::timestamptz and e.created_at < ${ts(resolved.end)}::timestamptz
            ${filterSql}${after}
          order by e.created_at, e.id
          limit ${pageSize}`,
      );
      if (page.length === 0) return;
      let text = "";
      for (const r of page) {
        const cost = BigInt(r.cost_nano);
        text += csvLine([
          r.id,
          r.at,
          r.product,
          r.model,
          r.instance_type_id,
          r.resource_id,
          r.api_key_id,
          r.key_name,
          r.user_id,
          r.user_email,
          r.source,
          r.endpoint,
          r.status,
          r.http_status,
          r.input_tokens,
          r.output_tokens,
          r.quantity_seconds,
          usd(cost),
          cost,
          r.latency_ms,
          r.request_id,
        ]);
      }
      yield text;
      if (page.length < pageSize) return;
      const last = page[page.length - 1]!;
      cursor = { at: last.at, id: last.id };
    }
  }

  const filterPart = filter ? `-${filter.dimension}` : "";
  const days = resolved.days;
  const span = days[0] === days.at(-1) ? days[0] : `${days[0]}-to-${days.at(-1)}`;
  return { filename: `usage-events${filterPart}-${span}.csv`, events, chunks: chunks() };
}
