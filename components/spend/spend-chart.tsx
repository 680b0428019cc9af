"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import type { NameType, ValueType } from "recharts/types/component/DefaultTooltipContent";
import { formatUsd } from "@/components/ui/format";
import { PRODUCT_LABELS, SPEND_PRODUCTS, type SpendProduct } from "@/server/services/spend/range";
import type { DailySpend } from "@/server/services/spend/report";
import { dayLabel, nanoToChartUsd, PRODUCT_COLOUR } from "./format";

/**
 * The daily spend, stacked by product. Loaded on demand (recharts is most of the page's script)
 * and only in the browser. Colours come from CSS variables set by the page, so the same bars read
 * well on the light and the dark background.
 */

interface Point {
  day: string;
  label: string;
  source: DailySpend;
  model_tokens: number;
  instance_hours: number;
  reservation: number;
}

function compactUsd(value: number): string {
  if (value === 0) return "$0";
  if (Math.abs(value) >= 1000) return `$${(value / 1000).toLocaleString("en-US", { maximumFractionDigits: 1 })}k`;
  if (Math.abs(value) >= 1) return `$${value.toLocaleString("en-US", { maximumFractionDigits: 2 })}`;
  return `$${value.toLocaleString("en-US", { maximumSignificantDigits: 2 })}`;
}

function DayTooltip({ active, payload }: TooltipContentProps<ValueType, NameType>) {
  const point = payload?.[0]?.payload as Point | undefined;
  if (!active || !point) return null;
  return (
    <div className="rounded-md border border-zinc-200 bg-white px-3 py-2 text-xs shadow-md dark:border-zinc-700 dark:bg-zinc-900">
      <div className="mb-1 font-medium text-zinc-900 dark:text-zinc-100">{dayLabel(point.day, true)} (UTC)</div>
      <dl className="space-y-0.5">
        {SPEND_PRODUCTS.map((product) => (
          <div key={product} className="flex items-center justify-between gap-4">
            <dt className="flex items-center gap-1.5 text-zinc-600 dark:text-zinc-400">
              <span className="h-2 w-2 rounded-sm" style={{ background: PRODUCT_COLOUR[product] }} aria-hidden />
              {PRODUCT_LABELS[product]}
            </dt>
            <dd className="tabular-nums text-zinc-900 dark:text-zinc-100">{formatUsd(point.source.byProduct[product])}</dd>
          </div>
        ))}
        <div className="flex justify-between gap-4 border-t border-zinc-200 pt-0.5 font-medium dark:border-zinc-700">
          <dt>Total</dt>
          <dd className="tabular-nums">{formatUsd(point.source.totalNano)}</dd>
        </div>
      </dl>
    </div>
  );
}

export default function SpendChart({ daily, products }: { daily: DailySpend[]; products: readonly SpendProduct[] }) {
  const withYear = daily.length > 0 && daily[0]!.day.slice(0, 4) !== daily.at(-1)!.day.slice(0, 4);
  const data: Point[] = daily.map((d) => ({
    day: d.day,
    label: dayLabel(d.day, withYear),
    source: d,
    model_tokens: nanoToChartUsd(d.byProduct.model_tokens),
    instance_hours: nanoToChartUsd(d.byProduct.instance_hours),
    reservation: nanoToChartUsd(d.byProduct.reservation),
  }));
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} barCategoryGap={daily.length > 60 ? 1 : "20%"}>
        <CartesianGrid vertical={false} stroke="var(--spend-grid)" />
        <XAxis dataKey="label" tickLine={false} axisLine={{ stroke: "var(--spend-grid)" }} tick={{ fill: "var(--spend-axis)", fontSize: 12 }} minTickGap={16} />
        <YAxis tickFormatter={compactUsd} tickLine={false} axisLine={false} tick={{ fill: "var(--spend-axis)", fontSize: 12 }} width={56} />
        <Tooltip content={DayTooltip} cursor={{ fill: "var(--spend-cursor)" }} isAnimationActive={false} />
        {products.map((product, i) => (
          <Bar
            key={product}
            dataKey={product}
            name={PRODUCT_LABELS[product]}
            stackId="spend"
            fill={PRODUCT_COLOUR[product]}
            isAnimationActive={false}
            radius={i === products.length - 1 ? [2, 2, 0, 0] : undefined}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
