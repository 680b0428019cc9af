"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { inputClasses } from "@/components/ui/field";
import { Form } from "@/components/ui/form";
import { RANGE_LABELS, RANGE_PRESETS, rangeInput, type RangeInput, type RangePreset } from "@/server/services/spend/range";

/**
 * The date range: presets as a segmented control (a select on narrow screens), and for "Custom"
 * two UTC days with inline errors. Changes go to the URL through `onChange`, so a range can be
 * shared and survives a reload.
 */
export function RangePicker({
  value,
  current,
  onChange,
}: {
  value: RangeInput;
  /** The days the page shows now, to start a custom range from. */
  current: { first: string; last: string } | null;
  onChange: (range: RangeInput) => void;
}) {
  const preset = value.preset ?? "30d";
  const [customOpen, setCustomOpen] = useState(preset === "custom");
  const [start, setStart] = useState(value.start ?? current?.first ?? "");
  const [end, setEnd] = useState(value.end ?? current?.last ?? "");
  const [errors, setErrors] = useState<{ start?: string; end?: string }>({});
  const showCustom = customOpen || preset === "custom";

  const choose = (next: RangePreset) => {
    if (next === "custom") {
      setStart(value.start ?? current?.first ?? "");
      setEnd(value.end ?? current?.last ?? "");
      setErrors({});
      setCustomOpen(true);
      return;
    }
    setCustomOpen(false);
    onChange({ preset: next });
  };

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const checked = rangeInput.safeParse({ preset: "custom", start, end });
    if (!checked.success) {
      const found: { start?: string; end?: string } = {};
      for (const issue of checked.error.issues) {
        const field = issue.path[0] === "start" ? "start" : "end";
        found[field] ??= issue.message;
      }
      setErrors(found);
      return;
    }
    setErrors({});
    onChange({ preset: "custom", start, end });
  };

  const selected: RangePreset = showCustom ? "custom" : preset;
  return (
    <div className="space-y-3">
      <div className="sm:hidden">
        <label htmlFor="spend-range-select" className="sr-only">
          Date range
        </label>
        <select id="spend-range-select" className={cn(inputClasses, "cursor-pointer")} value={selected} onChange={(e) => choose(e.target.value as RangePreset)}>
          {RANGE_PRESETS.map((p) => (
            <option key={p} value={p}>
              {RANGE_LABELS[p]}
            </option>
          ))}
        </select>
      </div>
      <div role="group" aria-label="Date range" className="hidden items-center gap-1 rounded-lg bg-zinc-100 p-1 sm:inline-flex dark:bg-zinc-800/70">
        {RANGE_PRESETS.map((p) => (
          <button
            key={p}
            type="button"
            aria-pressed={selected === p}
            onClick={() => choose(p)}
            className={cn(
              "inline-flex h-7 cursor-pointer items-center rounded-md px-3 text-sm font-medium whitespace-nowrap text-zinc-600 transition-colors hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100",
              selected === p && "bg-white text-zinc-900 shadow-sm dark:bg-zinc-950 dark:text-zinc-100",
            )}
          >
            {RANGE_LABELS[p]}
          </button>
        ))}
      </div>
      {showCustom && (
        <Form onSubmit={apply} aria-label="Custom range" className="flex flex-wrap items-start gap-3" noValidate>
          {(["start", "end"] as const).map((field) => (
            <div key={field} className="space-y-1">
              <label htmlFor={`spend-range-${field}`} className="block text-xs font-medium text-zinc-700 dark:text-zinc-300">
                {field === "start" ? "From (UTC)" : "To (UTC), included"}
              </label>
              <input
                id={`spend-range-${field}`}
                type="date"
                className={cn(inputClasses, "w-44")}
                value={field === "start" ? start : end}
                onChange={(e) => (field === "start" ? setStart : setEnd)(e.target.value)}
                aria-invalid={errors[field] ? true : undefined}
                aria-describedby={errors[field] ? `spend-range-${field}-error` : undefined}
              />
              {errors[field] && (
                <p id={`spend-range-${field}-error`} className="max-w-56 text-xs text-red-600 dark:text-red-400">
                  {errors[field]}
                </p>
              )}
            </div>
          ))}
          <Button type="submit" variant="secondary" className="mt-5">
            Apply
          </Button>
        </Form>
      )}
    </div>
  );
}
