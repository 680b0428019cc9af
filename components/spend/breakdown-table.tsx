"use client";

import { ArrowDown, ArrowUp, ChevronsUpDown } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { cn } from "@/components/ui/cn";
import { formatCount, formatUsd } from "@/components/ui/format";
import { TableBody, TableHead } from "@/components/ui/table";
import type { BreakdownDimension } from "@/server/services/spend/range";
import type { BreakdownRow } from "@/server/services/spend/report";
import { formatInstanceHours, formatTokens, shareOf } from "./format";

type ColumnKey = "label" | "requests" | "inputTokens" | "outputTokens" | "tokens" | "instanceSeconds" | "reservedSeconds" | "costNano";

interface Column {
  key: ColumnKey;
  title: string;
  value: (row: BreakdownRow) => number | bigint | string;
  render: (row: BreakdownRow) => string;
}

const COLUMNS: Record<Exclude<ColumnKey, "label" | "costNano">, Column> = {
  requests: { key: "requests", title: "Requests", value: (r) => r.requests, render: (r) => formatCount(r.requests) },
  inputTokens: { key: "inputTokens", title: "Input tokens", value: (r) => r.inputTokens, render: (r) => formatTokens(r.inputTokens) },
  outputTokens: { key: "outputTokens", title: "Output tokens", value: (r) => r.outputTokens, render: (r) => formatTokens(r.outputTokens) },
  tokens: { key: "tokens", title: "Tokens", value: (r) => r.inputTokens + r.outputTokens, render: (r) => formatTokens(r.inputTokens + r.outputTokens) },
  instanceSeconds: { key: "instanceSeconds", title: "Instance hours", value: (r) => r.instanceSeconds, render: (r) => formatInstanceHours(r.instanceSeconds) },
  reservedSeconds: { key: "reservedSeconds", title: "Reserved hours", value: (r) => r.reservedSeconds, render: (r) => formatInstanceHours(r.reservedSeconds) },
};

/** The figures that mean something for each breakdown. */
const COLUMNS_OF: Record<BreakdownDimension, Column[]> = {
  model: [COLUMNS.requests, COLUMNS.inputTokens, COLUMNS.outputTokens],
  key: [COLUMNS.requests, COLUMNS.tokens, COLUMNS.instanceSeconds],
  instance_type: [COLUMNS.instanceSeconds, COLUMNS.reservedSeconds],
  member: [COLUMNS.requests, COLUMNS.tokens, COLUMNS.instanceSeconds],
};

const NAME_TITLE: Record<BreakdownDimension, string> = { model: "Model", key: "API key", instance_type: "Instance type", member: "Member" };

const th = "px-4 py-2.5 text-xs font-medium tracking-wide whitespace-nowrap text-zinc-500 uppercase dark:text-zinc-400";
const td = "px-4 py-2.5 align-top";

type Sort = { key: ColumnKey; descending: boolean };

function compare(a: number | bigint | string, b: number | bigint | string): number {
  if (typeof a === "string" || typeof b === "string") return String(a).localeCompare(String(b));
  return a === b ? 0 : a < b ? -1 : 1;
}

/**
 * One breakdown as a table: sortable by any column (click a heading), each row a link that narrows
 * the whole page to it. Costs carry a bar of their share of the breakdown's total.
 */
export function BreakdownTable({
  dimension,
  rows,
  hrefFor,
  emptyText,
}: {
  dimension: BreakdownDimension;
  rows: BreakdownRow[];
  /** The page's URL narrowed to a row. */
  hrefFor: (row: BreakdownRow) => string;
  emptyText: string;
}) {
  const router = useRouter();
  const [sort, setSort] = useState<Sort>({ key: "costNano", descending: true });
  const columns = COLUMNS_OF[dimension];
  const total = rows.reduce((sum, r) => sum + (r.costNano > 0n ? r.costNano : 0n), 0n);

  if (rows.length === 0) return <p className="px-5 py-8 text-center text-sm text-zinc-500 dark:text-zinc-400">{emptyText}</p>;

  const valueOf = (row: BreakdownRow, key: ColumnKey) =>
    key === "label" ? row.label : key === "costNano" ? row.costNano : (columns.find((c) => c.key === key) ?? COLUMNS[key as keyof typeof COLUMNS]).value(row);
  const sorted = [...rows].sort((a, b) => {
    const order = compare(valueOf(a, sort.key), valueOf(b, sort.key));
    return (sort.descending ? -order : order) || a.label.localeCompare(b.label);
  });

  const ariaSort = (key: ColumnKey) => (sort.key === key ? (sort.descending ? "descending" : "ascending") : "none");
  const sortButton = (key: ColumnKey, title: string) => {
    const active = sort.key === key;
    const Icon = active ? (sort.descending ? ArrowDown : ArrowUp) : ChevronsUpDown;
    return (
      <button
        type="button"
        className={cn("inline-flex cursor-pointer items-center gap-1 uppercase hover:text-zinc-900 dark:hover:text-zinc-100", active && "text-zinc-900 dark:text-zinc-100")}
        // Names sort A→Z first, figures largest first: what people look for.
        onClick={() => setSort(active ? { key, descending: !sort.descending } : { key, descending: key !== "label" })}
      >
        {title}
        <Icon className="h-3 w-3" aria-hidden />
      </button>
    );
  };

  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <TableHead>
          <th scope="col" className={cn(th, "text-left")} aria-sort={ariaSort("label")}>
            {sortButton("label", NAME_TITLE[dimension])}
          </th>
          {columns.map((c) => (
            <th key={c.key} scope="col" className={cn(th, "hidden text-right sm:table-cell")} aria-sort={ariaSort(c.key)}>
              {sortButton(c.key, c.title)}
            </th>
          ))}
          <th scope="col" className={cn(th, "text-right")} aria-sort={ariaSort("costNano")}>
            {sortButton("costNano", "Cost")}
          </th>
        </TableHead>
        <TableBody>
          {sorted.map((row) => {
            const href = hrefFor(row);
            const share = shareOf(row.costNano, total);
            return (
              <tr
                key={row.value}
                data-testid="breakdown-row"
                className="cursor-pointer transition-colors hover:bg-zinc-50 dark:hover:bg-zinc-800/50"
                onClick={(event) => {
                  // The name is a real link (middle click, keyboard); a click elsewhere on the row follows it too.
                  if ((event.target as HTMLElement).closest("a")) return;
                  router.push(href, { scroll: false });
                }}
              >
                <td className={cn(td, "max-w-72 min-w-40")}>
                  <Link href={href} scroll={false} className="font-medium [overflow-wrap:anywhere] text-zinc-900 hover:text-indigo-600 hover:underline dark:text-zinc-100 dark:hover:text-indigo-400" title={`Show only ${row.label}`}>
                    {row.label}
                  </Link>
                  {row.detail && <div className="truncate text-xs text-zinc-500 dark:text-zinc-400" title={row.detail}>{row.detail}</div>}
                </td>
                {columns.map((c) => (
                  <td key={c.key} className={cn(td, "hidden text-right whitespace-nowrap tabular-nums sm:table-cell")}>
                    {c.render(row)}
                  </td>
                ))}
                <td className={cn(td, "text-right whitespace-nowrap tabular-nums")}>
                  <div data-testid="breakdown-cost" className="font-medium">{formatUsd(row.costNano)}</div>
                  <div className="mt-1 ml-auto flex w-20 items-center gap-1.5" title={`${share}% of this breakdown`}>
                    <div className="h-1.5 flex-1 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800">
                      <div className="h-full rounded-full bg-indigo-500 dark:bg-indigo-400" style={{ width: `${Math.min(100, share)}%` }} />
                    </div>
                    <span className="w-8 text-right text-[11px] text-zinc-500 dark:text-zinc-400">{Math.round(share)}%</span>
                  </div>
                </td>
              </tr>
            );
          })}
        </TableBody>
      </table>
    </div>
  );
}
