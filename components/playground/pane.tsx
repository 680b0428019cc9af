"use client";

import { useQuery } from "@tanstack/react-query";
import { CheckCircle2, ChevronDown, CornerDownLeft, Loader2, SlidersHorizontal, X } from "lucide-react";
import { useState } from "react";
import { formatTokenCount } from "@/components/models/format";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { inputClasses } from "@/components/ui/field";
import { formatUsd } from "@/components/ui/format";
import type { ModelView } from "@/server/services/catalog/model-views";
import { Markdown } from "./markdown";
import { ParamsEditor } from "./params-editor";
import type { RunResult } from "./run-chat";
import type { PaneConfig, ParamErrors } from "./state";

export interface PaneRun {
  running: boolean;
  text: string;
  requestId: string | null;
  model: ModelView;
  result: RunResult | null;
}

function costOf(model: ModelView, inputTokens: number, outputTokens: number): bigint {
  return BigInt(inputTokens) * BigInt(model.pricing.inputNanoPerToken) + BigInt(outputTokens) * BigInt(model.pricing.outputNanoPerToken);
}

export function modelOptionLabel(model: ModelView): string {
  return `${model.displayName} · ${formatTokenCount(model.contextWindow)} ctx · $${model.pricing.inputPerMillion}/$${model.pricing.outputPerMillion} per 1M`;
}

const FINISH_LABELS: Record<string, string> = {
  stop: "stop",
  length: "length (max tokens)",
  stopped: "stopped by you",
  content_filter: "content filter",
  tool_calls: "tool calls",
};

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-[11px] text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="truncate font-mono text-xs text-zinc-900 tabular-nums dark:text-zinc-100" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

/** What the ledger recorded for the run: the amount actually billed, once the writer has flushed it. */
function RecordedUsage({ teamId, requestId }: { teamId: string; requestId: string }) {
  const trpc = useTRPC();
  const { data, isError } = useQuery(
    trpc.playground.runUsage.queryOptions(
      { teamId, requestId },
      { refetchInterval: (query) => (query.state.data || query.state.dataUpdateCount > 40 ? false : 250), staleTime: Infinity },
    ),
  );
  if (isError) return null;
  if (!data) {
    return (
      <p className="flex items-center gap-1.5 text-xs text-zinc-500 dark:text-zinc-400">
        <Loader2 className="h-3 w-3 animate-spin" aria-hidden /> Recording usage…
      </p>
    );
  }
  if (data.status === "error" && data.costNano === "0") {
    return (
      <p className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="recorded-usage">
        Refused before reaching the model: not billed.
      </p>
    );
  }
  return (
    <p className="flex items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-400" data-testid="recorded-usage">
      <CheckCircle2 className="h-3.5 w-3.5 text-emerald-600 dark:text-emerald-400" aria-hidden />
      Billed to the team: {data.inputTokens.toLocaleString("en")} in · {data.outputTokens.toLocaleString("en")} out ·{" "}
      {formatUsd(BigInt(data.costNano))}
      {data.status === "cancelled" ? " (stopped)" : data.status === "error" ? " (failed part-way)" : ""}
    </p>
  );
}

function RunStats({ run, teamId }: { run: PaneRun; teamId: string }) {
  const result = run.result;
  if (!result) return null;
  const ttft = result.firstTokenAt === null ? null : result.firstTokenAt - result.startedAt;
  const usage = result.usage;
  const generating = result.firstTokenAt === null ? 0 : (result.endedAt - result.firstTokenAt) / 1000;
  const tps = usage && usage.outputTokens > 1 && generating > 0 ? (usage.outputTokens - 1) / generating : null;
  return (
    <div className="space-y-2 border-t border-zinc-200 px-4 py-3 dark:border-zinc-800">
      {!result.error && (
        <dl className="grid grid-cols-[repeat(auto-fill,minmax(5.5rem,1fr))] gap-x-3 gap-y-2" aria-label="Run statistics">
          <Stat label="First token" value={ttft === null ? "—" : `${Math.round(ttft)} ms`} testId="stat-ttft" />
          <Stat label="Speed" value={tps === null ? "—" : `${tps.toFixed(1)} tok/s`} testId="stat-tps" />
          <Stat label="Input" value={usage ? `${usage.inputTokens} tok` : "—"} testId="stat-input" />
          <Stat label="Output" value={usage ? `${usage.outputTokens} tok` : "—"} testId="stat-output" />
          <Stat label="Cost" value={usage ? formatUsd(costOf(run.model, usage.inputTokens, usage.outputTokens)) : "—"} testId="stat-cost" />
          <Stat label="Finish" value={FINISH_LABELS[result.finishReason ?? ""] ?? result.finishReason ?? "—"} testId="stat-finish" />
        </dl>
      )}
      {run.requestId && <RecordedUsage teamId={teamId} requestId={run.requestId} />}
    </div>
  );
}

function RunErrorNotice({ error }: { error: NonNullable<RunResult["error"]> }) {
  const title =
    error.code === "insufficient_quota"
      ? "Spend limit reached"
      : error.status === 429
        ? "Rate limit reached"
        : error.status === 403
          ? "Not allowed"
          : error.status === 400
            ? "The request was refused"
            : "The run failed";
  return (
    <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2.5 text-sm text-red-800 dark:border-red-900/60 dark:bg-red-950/40 dark:text-red-200">
      <p className="font-medium">{title}</p>
      <p className="mt-0.5">{error.message}</p>
      {error.status === 429 && (
        <p className="mt-1 text-xs text-red-700/80 dark:text-red-300/80">
          Playground runs count against the same limits as your team&apos;s API calls.
        </p>
      )}
    </div>
  );
}

/** One model's column: its model and parameters, its answer as it streams, and the run's numbers. */
export function Pane({
  index,
  teamId,
  config,
  models,
  errors,
  run,
  disabled,
  canRemove,
  onChange,
  onRemove,
  onKeep,
}: {
  index: number;
  teamId: string;
  config: PaneConfig;
  models: ModelView[];
  errors: ParamErrors;
  run: PaneRun | undefined;
  disabled: boolean;
  canRemove: boolean;
  onChange: (config: PaneConfig) => void;
  onRemove: () => void;
  onKeep: (text: string) => void;
}) {
  const model = models.find((m) => m.id === config.modelId) ?? models[0]!;
  const [showParams, setShowParams] = useState(false);
  const invalid = Object.keys(errors).length > 0;
  const name = `pane ${index + 1}`;
  return (
    <Card className="@container flex min-w-0 flex-col" aria-label={`Model ${index + 1}`} data-testid={`pane-${index + 1}`}>
      <div className="space-y-2 border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
        <div className="flex items-center gap-2">
          <select
            aria-label={`Model for ${name}`}
            value={model.id}
            disabled={disabled}
            onChange={(e) => onChange({ ...config, modelId: e.target.value })}
            className={cn(inputClasses, "min-w-0 flex-1 truncate pr-8")}
          >
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {modelOptionLabel(m)}
              </option>
            ))}
          </select>
          <Button
            type="button"
            variant={showParams || invalid ? "secondary" : "ghost"}
            size="icon"
            onClick={() => setShowParams((v) => !v)}
            aria-expanded={showParams || invalid}
            aria-label={`Parameters of ${name}`}
            className={cn(invalid && "border-red-400 text-red-600 dark:border-red-700 dark:text-red-400")}
          >
            <SlidersHorizontal className="h-4 w-4" aria-hidden />
          </Button>
          {canRemove && (
            <Button type="button" variant="ghost" size="icon" onClick={onRemove} disabled={disabled} aria-label={`Remove ${name}`}>
              <X className="h-4 w-4" aria-hidden />
            </Button>
          )}
        </div>
        <p className="flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-zinc-500 dark:text-zinc-400">
          <span>{formatTokenCount(model.contextWindow)} context</span>
          <span>
            ${model.pricing.inputPerMillion} in / ${model.pricing.outputPerMillion} out per 1M tokens
          </span>
          {model.localEngine && <span>local engine</span>}
        </p>
        {(showParams || invalid) && (
          <div className="pt-2">
            <ParamsEditor
              draft={config.params}
              errors={errors}
              maxOutputTokens={model.maxOutputTokens}
              disabled={disabled}
              idPrefix={`pane-${config.id}`}
              onChange={(params) => onChange({ ...config, params })}
            />
            <button
              type="button"
              onClick={() => setShowParams(false)}
              className="mt-2 flex items-center gap-1 text-xs text-zinc-500 hover:text-zinc-900 dark:hover:text-zinc-100"
            >
              <ChevronDown className="h-3 w-3 rotate-180" aria-hidden /> Hide parameters
            </button>
          </div>
        )}
      </div>
      <div className="min-h-40 flex-1 px-4 py-3" aria-live="polite" aria-busy={run?.running || undefined} data-testid="pane-output">
        {!run && <p className="text-sm text-zinc-400 dark:text-zinc-500">The answer appears here. Press Run or Ctrl+Enter.</p>}
        {run && run.text === "" && run.running && (
          <p className="flex items-center gap-2 text-sm text-zinc-500 dark:text-zinc-400">
            <Loader2 className="h-4 w-4 animate-spin" aria-hidden /> Waiting for the first token…
          </p>
        )}
        {run && run.text !== "" && <Markdown text={run.text} />}
        {run?.running && run.text !== "" && <span className="ml-0.5 inline-block h-4 w-1.5 animate-pulse bg-zinc-400 align-middle" aria-hidden />}
        {run?.result?.error && <RunErrorNotice error={run.result.error} />}
        {run && !run.running && !run.result?.error && run.text !== "" && (
          <Button type="button" variant="secondary" size="sm" className="mt-3" onClick={() => onKeep(run.text)}>
            <CornerDownLeft className="h-3.5 w-3.5" aria-hidden />
            Add to conversation
          </Button>
        )}
      </div>
      {run && !run.running && <RunStats run={run} teamId={teamId} />}
    </Card>
  );
}
