import { nanoToUsd } from "../compute/capacity/catalog";
import type { InvoiceDetail } from "./invoices";
import { secondsToHours } from "./shared";

export const INVOICE_CSV_HEADER = [
  "invoice",
  "month",
  "line",
  "kind",
  "reference",
  "description",
  "input_tokens",
  "output_tokens",
  "quantity_seconds",
  "hours",
  "amount_usd",
] as const;

/**
 * RFC 4180 quoting. Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is
 * prefixed with an apostrophe: descriptions carry names customers typed, such as a block's name.
 */
function textCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The invoice as CSV: a header, one row per line, then subtotal, credits and total rows. Amounts
 * are exact decimal USD (up to nine places), never rounded, so the rows add up to the total.
 */
export function invoiceCsv(invoice: InvoiceDetail): string {
  const rows: string[][] = [[...INVOICE_CSV_HEADER]];
  const row = (cells: { line?: number; kind: string; reference?: string; description: string; inputTokens?: number | null; outputTokens?: number | null; seconds?: number | null; amountNano: bigint }) => [
    textCell(invoice.number),
    invoice.month,
    cells.line === undefined ? "" : String(cells.line),
    cells.kind,
    textCell(cells.reference ?? ""),
    textCell(cells.description),
    cells.inputTokens == null ? "" : String(cells.inputTokens),
    cells.outputTokens == null ? "" : String(cells.outputTokens),
    cells.seconds == null ? "" : String(cells.seconds),
    cells.seconds == null ? "" : secondsToHours(cells.seconds),
    nanoToUsd(cells.amountNano),
  ];
  for (const line of invoice.lines) {
    rows.push(
      row({
        line: line.position,
        kind: line.kind,
        reference: line.refId,
        description: line.description,
        inputTokens: line.inputTokens,
        outputTokens: line.outputTokens,
        seconds: line.quantitySeconds,
        amountNano: line.amountNano,
      }),
    );
  }
  rows.push(row({ kind: "subtotal", description: "Subtotal", amountNano: invoice.subtotalNano }));
  rows.push(row({ kind: "credits", description: "Credits applied", amountNano: -invoice.creditsNano }));
  rows.push(row({ kind: "total", description: "Total due", amountNano: invoice.totalNano }));
  return `${rows.map((cells) => cells.join(",")).join("\r\n")}\r\n`;
}

/** "INV-2026-11-0001.csv": invoice numbers are made of letters, digits and hyphens only. */
export function invoiceCsvFilename(invoice: Pick<InvoiceDetail, "number">): string {
  return `${invoice.number.replace(/[^A-Za-z0-9-]/g, "_")}.csv`;
}
