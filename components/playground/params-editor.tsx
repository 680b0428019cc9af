"use client";

import { X } from "lucide-react";
import { useState } from "react";
import { inputClasses } from "@/components/ui/field";
import { cn } from "@/components/ui/cn";
import { MAX_STOP_SEQUENCES } from "@/server/services/playground/schemas";
import { escapeStop, unescapeStop, type ParamDraft, type ParamErrors } from "./state";

interface NumberSpec {
  field: Exclude<keyof ParamDraft, "stop">;
  label: string;
  min: number;
  max: number;
  step: number;
  hint: string;
  placeholder?: string;
}

/** One number field with its range, wired to its error for screen readers. */
function NumberParam({
  spec,
  value,
  error,
  disabled,
  idPrefix,
  onChange,
}: {
  spec: NumberSpec;
  value: string;
  error?: string;
  disabled: boolean;
  idPrefix: string;
  onChange: (value: string) => void;
}) {
  const id = `${idPrefix}-${spec.field}`;
  const slider = spec.field !== "max_tokens" && spec.field !== "seed";
  return (
    <div className="space-y-1">
      <div className="flex items-center justify-between gap-2">
        <label htmlFor={id} className="text-xs font-medium text-zinc-700 dark:text-zinc-300">
          {spec.label}
        </label>
        <input
          id={id}
          inputMode="decimal"
          value={value}
          placeholder={spec.placeholder}
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : `${id}-hint`}
          onChange={(e) => onChange(e.target.value)}
          className={cn(inputClasses, "h-7 w-24 px-2 text-right font-mono text-xs")}
        />
      </div>
      {slider && (
        <input
          type="range"
          aria-label={`${spec.label} slider`}
          min={spec.min}
          max={spec.max}
          step={spec.step}
          value={Number.isFinite(Number(value)) && value.trim() !== "" ? Number(value) : spec.min}
          disabled={disabled}
          onChange={(e) => onChange(e.target.value)}
          className="h-1.5 w-full cursor-pointer accent-indigo-600 disabled:cursor-not-allowed dark:accent-indigo-400"
        />
      )}
      {error ? (
        <p id={`${id}-error`} className="text-xs text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : (
        <p id={`${id}-hint`} className="text-[11px] text-zinc-500 dark:text-zinc-400">
          {spec.hint}
        </p>
      )}
    </div>
  );
}

/** Sampling parameters of one pane, each with the range the API accepts. */
export function ParamsEditor({
  draft,
  errors,
  maxOutputTokens,
  disabled,
  idPrefix,
  onChange,
}: {
  draft: ParamDraft;
  errors: ParamErrors;
  maxOutputTokens: number;
  disabled: boolean;
  idPrefix: string;
  onChange: (draft: ParamDraft) => void;
}) {
  const [stopText, setStopText] = useState("");
  const specs: NumberSpec[] = [
    { field: "temperature", label: "Temperature", min: 0, max: 2, step: 0.05, hint: "0 to 2. Higher is more varied." },
    { field: "top_p", label: "Top P", min: 0, max: 1, step: 0.05, hint: "0 to 1. Samples from the top share of probability." },
    {
      field: "max_tokens",
      label: "Max tokens",
      min: 1,
      max: maxOutputTokens,
      step: 1,
      hint: `1 to ${maxOutputTokens.toLocaleString("en")}; empty for the model's limit.`,
      placeholder: "default",
    },
    { field: "seed", label: "Seed", min: 0, max: 0, step: 1, hint: "Same seed, same answer. Empty for random.", placeholder: "random" },
    { field: "presence_penalty", label: "Presence penalty", min: -2, max: 2, step: 0.1, hint: "-2 to 2. Pushes toward new topics." },
    { field: "frequency_penalty", label: "Frequency penalty", min: -2, max: 2, step: 0.1, hint: "-2 to 2. Discourages repeating words." },
  ];
  const addStop = () => {
    const value = unescapeStop(stopText);
    if (!value || draft.stop.length >= MAX_STOP_SEQUENCES || draft.stop.includes(value)) return;
    onChange({ ...draft, stop: [...draft.stop, value] });
    setStopText("");
  };
  const stopId = `${idPrefix}-stop`;
  return (
    <div className="grid gap-x-5 gap-y-3 @md:grid-cols-2">
      {specs.map((spec) => (
        <NumberParam
          key={spec.field}
          spec={spec}
          value={draft[spec.field]}
          error={errors[spec.field]}
          disabled={disabled}
          idPrefix={idPrefix}
          onChange={(value) => onChange({ ...draft, [spec.field]: value })}
        />
      ))}
      <div className="space-y-1 @md:col-span-2">
        <label htmlFor={stopId} className="text-xs font-medium text-zinc-700 dark:text-zinc-300">
          Stop sequences
        </label>
        <div className="flex flex-wrap items-center gap-1.5">
          {draft.stop.map((stop) => (
            <span key={stop} className="inline-flex items-center gap-1 rounded bg-zinc-100 py-0.5 pr-1 pl-2 font-mono text-xs dark:bg-zinc-800">
              {escapeStop(stop)}
              <button
                type="button"
                disabled={disabled}
                aria-label={`Remove stop sequence ${escapeStop(stop)}`}
                onClick={() => onChange({ ...draft, stop: draft.stop.filter((s) => s !== stop) })}
                className="rounded p-0.5 text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900 dark:hover:bg-zinc-700 dark:hover:text-zinc-100"
              >
                <X className="h-3 w-3" aria-hidden />
              </button>
            </span>
          ))}
          {draft.stop.length < MAX_STOP_SEQUENCES && (
            <input
              id={stopId}
              value={stopText}
              disabled={disabled}
              placeholder={draft.stop.length === 0 ? "Type one, press Enter (\\n for a newline)" : "Add another"}
              onChange={(e) => setStopText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && !e.metaKey && !e.ctrlKey) {
                  e.preventDefault();
                  addStop();
                }
              }}
              onBlur={addStop}
              className={cn(inputClasses, "h-7 min-w-0 flex-1 px-2 font-mono text-xs")}
            />
          )}
        </div>
        <p className="text-[11px] text-zinc-500 dark:text-zinc-400">
          {errors.stop ?? `Up to ${MAX_STOP_SEQUENCES}. Generation ends before any of them.`}
        </p>
      </div>
    </div>
  );
}
