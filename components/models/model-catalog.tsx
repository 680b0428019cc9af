"use client";

import { useQuery } from "@tanstack/react-query";
import { ChevronDown, Search, SearchX } from "lucide-react";
import Link from "next/link";
import { useEffect, useId, useMemo, useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { inputClasses } from "@/components/ui/field";
import type { ModelView } from "@/server/services/catalog/model-views";
import { formatUsdPerMillion } from "@/server/services/catalog/prices";
import {
  applyFilters,
  DEFAULT_FILTERS,
  ENDPOINT_FILTER_LABELS,
  ENDPOINT_FILTERS,
  filtersToQuery,
  isFiltered,
  PRICE_FILTER_LABELS,
  PRICE_FILTERS,
  SIZE_FILTER_LABELS,
  SIZE_FILTERS,
  SORT_LABELS,
  SORTS,
  type CatalogFilters,
} from "./catalog-filters";
import { ENDPOINT_LABELS, formatParameters, formatTokenCount } from "./format";
import { Chip, LocalEngineBadge, StatusBadge } from "./model-badges";

function FilterSelect<V extends string>({
  label,
  value,
  options,
  labels,
  onChange,
}: {
  label: string;
  value: V;
  options: readonly V[];
  labels: Record<V, string>;
  onChange: (value: V) => void;
}) {
  const id = useId();
  return (
    <div className="min-w-0 space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
        {label}
      </label>
      <div className="relative">
        <select
          id={id}
          value={value}
          onChange={(e) => onChange(e.target.value as V)}
          className={cn(inputClasses, "cursor-pointer appearance-none truncate pr-8")}
        >
          {options.map((option) => (
            <option key={option} value={option}>
              {labels[option]}
            </option>
          ))}
        </select>
        <ChevronDown
          className="pointer-events-none absolute top-1/2 right-2.5 h-4 w-4 -translate-y-1/2 text-zinc-400"
          aria-hidden
        />
      </div>
    </div>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="min-w-0">
      <dt className="truncate text-xs text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="mt-0.5 truncate text-sm font-medium tabular-nums">{value}</dd>
    </div>
  );
}

function ModelCard({ model, href }: { model: ModelView; href: string }) {
  const embeddingsOnly = model.maxOutputTokens === 0;
  return (
    <Card className="relative flex h-full flex-col p-4 transition-colors focus-within:border-indigo-400 hover:border-indigo-300 sm:p-5 dark:focus-within:border-indigo-500 dark:hover:border-indigo-700">
      <div className="flex flex-wrap items-start justify-between gap-x-3 gap-y-2">
        <div className="min-w-0">
          <h2 className="text-base leading-6 font-semibold">
            {/* The link covers the whole card; its name is the model's name. */}
            <Link href={href} className="after:absolute after:inset-0 after:rounded-lg focus-visible:outline-none">
              {model.displayName}
            </Link>
          </h2>
          <p className="mt-0.5 truncate font-mono text-xs text-zinc-500 dark:text-zinc-400">{model.id}</p>
        </div>
        <div className="flex flex-wrap gap-1.5">
          <StatusBadge status={model.status} />
          {model.localEngine && <LocalEngineBadge />}
        </div>
      </div>
      <p className="mt-3 line-clamp-2 text-sm text-zinc-600 dark:text-zinc-400">{model.description}</p>
      <dl className="mt-4 grid grid-cols-4 gap-3 border-t border-zinc-100 pt-3 dark:border-zinc-800">
        <Stat label="Size" value={formatParameters(model.parametersB)} />
        <Stat label="Context" value={formatTokenCount(model.contextWindow)} />
        <Stat label="Input / 1M" value={formatUsdPerMillion(model.pricing.inputPerMillion)} />
        <Stat
          label={embeddingsOnly ? "Dimensions" : "Output / 1M"}
          value={embeddingsOnly ? String(model.embeddingDimensions ?? "—") : formatUsdPerMillion(model.pricing.outputPerMillion)}
        />
      </dl>
      <div className="mt-auto flex flex-wrap items-center gap-1.5 pt-4">
        <span className="mr-1 text-xs text-zinc-500 dark:text-zinc-400">{model.family}</span>
        {model.endpoints.map((endpoint) => (
          <Chip key={endpoint}>{ENDPOINT_LABELS[endpoint]}</Chip>
        ))}
      </div>
    </Card>
  );
}

/**
 * The catalog with search, filters and sort. Filtering happens in the browser (the catalog is
 * small); the state lives in the URL's query so that a filtered list can be shared and reloaded.
 */
export function ModelCatalog({
  teamId,
  teamSlug,
  initialModels,
  initialFilters,
}: {
  teamId: string;
  teamSlug: string;
  initialModels: ModelView[];
  initialFilters: CatalogFilters;
}) {
  const trpc = useTRPC();
  const { data: models } = useQuery({ ...trpc.models.list.queryOptions({ teamId }), initialData: initialModels });
  const [filters, setFilters] = useState(initialFilters);
  const shown = useMemo(() => applyFilters(models, filters), [models, filters]);
  const searchId = useId();

  useEffect(() => {
    const url = `${window.location.pathname}${filtersToQuery(filters)}`;
    if (url !== `${window.location.pathname}${window.location.search}`) window.history.replaceState(null, "", url);
  }, [filters]);

  const set = <K extends keyof CatalogFilters>(key: K) => (value: CatalogFilters[K]) =>
    setFilters((current) => ({ ...current, [key]: value }));
  const reset = () => setFilters(DEFAULT_FILTERS);
  const filtered = isFiltered(filters);

  return (
    <div className="space-y-4">
      <Card className="space-y-4 p-4" role="search" aria-label="Filter models">
        <div className="space-y-1.5">
          <label htmlFor={searchId} className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
            Search models
          </label>
          <div className="relative">
            <Search className="pointer-events-none absolute top-1/2 left-3 h-4 w-4 -translate-y-1/2 text-zinc-400" aria-hidden />
            <input
              id={searchId}
              type="search"
              value={filters.q}
              onChange={(e) => set("q")(e.target.value)}
              placeholder="Name, family or id, e.g. llama 70b"
              autoComplete="off"
              spellCheck={false}
              className={cn(inputClasses, "pl-9")}
            />
          </div>
        </div>
        <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
          <FilterSelect label="Endpoint" value={filters.endpoint} options={ENDPOINT_FILTERS} labels={ENDPOINT_FILTER_LABELS} onChange={set("endpoint")} />
          <FilterSelect label="Size" value={filters.size} options={SIZE_FILTERS} labels={SIZE_FILTER_LABELS} onChange={set("size")} />
          <FilterSelect label="Max price" value={filters.price} options={PRICE_FILTERS} labels={PRICE_FILTER_LABELS} onChange={set("price")} />
          <FilterSelect label="Sort by" value={filters.sort} options={SORTS} labels={SORT_LABELS} onChange={set("sort")} />
        </div>
      </Card>

      <div className="flex min-h-8 items-center justify-between gap-3">
        <p className="text-sm text-zinc-600 dark:text-zinc-400" role="status" aria-live="polite">
          {filtered
            ? `${shown.length} of ${models.length} ${models.length === 1 ? "model" : "models"}`
            : `${models.length} ${models.length === 1 ? "model" : "models"}`}
          <span className="hidden sm:inline"> · prices in USD per 1M tokens</span>
        </p>
        {filtered && shown.length > 0 && (
          <Button variant="ghost" size="sm" onClick={reset}>
            Reset filters
          </Button>
        )}
      </div>

      {shown.length === 0 ? (
        <EmptyState
          icon={SearchX}
          title={models.length === 0 ? "The catalog is empty." : "No models match these filters."}
          description={
            models.length === 0 ? "An operator can add models with the CATALOG_FILE setting." : "Try another search, or widen the endpoint, size or price."
          }
          actions={
            models.length > 0 && (
              <Button variant="secondary" onClick={reset}>
                Reset filters
              </Button>
            )
          }
        />
      ) : (
        <ul className="grid gap-4 lg:grid-cols-2" aria-label="Models">
          {shown.map((model) => (
            <li key={model.id}>
              <ModelCard model={model} href={`/${teamSlug}/models/${model.id}`} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
