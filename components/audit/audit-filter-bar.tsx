"use client";

import { X } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { inputClasses, TextField } from "@/components/ui/field";
import { Form } from "@/components/ui/form";
import type { AuditFacets, AuditFilterOption } from "@/server/services/audit/facets";
import { auditFilterInput, hasFilters, type AuditFilterInput } from "@/server/services/audit/filters";
import { ACTION_GROUPS, actionLabel } from "@/server/services/audit/labels";

export type FilterErrors = Partial<Record<keyof AuditFilterInput, string>>;

/** The first message per field of a filter that does not validate; {} when it does. */
export function filterErrors(filter: AuditFilterInput): FilterErrors {
  const checked = auditFilterInput.safeParse(filter);
  const errors: FilterErrors = {};
  if (checked.success) return errors;
  for (const issue of checked.error.issues) {
    const field = issue.path[0] as keyof AuditFilterInput;
    errors[field] ??= issue.message;
  }
  return errors;
}

/** A date input's value that is a day people mean, not a year still being typed. */
function isWholeDay(day: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && Number(day.slice(0, 4)) >= 1970;
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function Select({
  id,
  label,
  value,
  error,
  onChange,
  children,
}: {
  id: string;
  label: string;
  value: string;
  error?: string;
  onChange: (value: string) => void;
  children: React.ReactNode;
}) {
  return (
    <div className="col-span-2 min-w-0 space-y-1.5 sm:col-span-1">
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
        {label}
      </label>
      <select
        id={id}
        className={cn(inputClasses, "cursor-pointer truncate pr-8")}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      >
        {children}
      </select>
      {error && (
        <p id={`${id}-error`} className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}

/** An option for a value the lists do not (yet) hold, so that the select shows what the URL asks for. */
function extraOption(value: string | undefined, known: readonly string[]) {
  return value && !known.includes(value) ? <option value={value}>{value}</option> : null;
}

function options(list: AuditFilterOption[]) {
  return list.map((o) => (
    <option key={o.value} value={o.value}>
      {o.detail && o.detail !== o.value ? `${o.label} (${o.detail})` : o.label}
    </option>
  ));
}

/**
 * The audit log's filters: actor and action apply as they are chosen, the dates as soon as they are
 * whole, the target on Enter or when the field is left. A filter that does not validate is shown
 * at its field and not applied. `value` is what the URL holds; `urlErrors` what is wrong with it.
 */
export function AuditFilterBar({
  value,
  urlErrors,
  facets,
  onApply,
}: {
  value: AuditFilterInput;
  urlErrors: FilterErrors;
  facets: AuditFacets | undefined;
  onApply: (next: AuditFilterInput) => void;
}) {
  const draftOf = (filter: AuditFilterInput) => ({ targetId: filter.targetId ?? "", from: filter.from ?? "", to: filter.to ?? "" });
  const [draft, setDraft] = useState(() => draftOf(value));
  const [errors, setErrors] = useState<FilterErrors>(urlErrors);
  // The URL changed (this bar applied a filter, a row's link narrowed the log, Back): show what it holds.
  const urlKey = JSON.stringify(value);
  const [shown, setShown] = useState(urlKey);
  if (shown !== urlKey) {
    setShown(urlKey);
    setDraft(draftOf(value));
    setErrors(urlErrors);
  }

  const apply = (changes: Partial<AuditFilterInput>) => {
    const next: AuditFilterInput = { ...value, targetId: draft.targetId.trim() || undefined, from: draft.from || undefined, to: draft.to || undefined, ...changes };
    for (const key of Object.keys(next) as (keyof AuditFilterInput)[]) if (!next[key]) delete next[key];
    const found = filterErrors(next);
    setErrors(found);
    if (Object.keys(found).length === 0) onApply(next);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    apply({});
  };

  const actorValues = facets ? [...facets.actors.members, ...facets.actors.formerMembers, ...facets.actors.other].map((o) => o.value) : [];
  // The known actions need no query; the facets add any the team's log holds that have no words yet.
  const actionGroups = facets?.actions ?? ACTION_GROUPS.map((g) => ({ ...g, actions: g.actions.map((a) => ({ value: a, label: actionLabel(a) })) }));
  const actionValues = actionGroups.flatMap((g) => [g.prefix, ...g.actions.map((a) => a.value)]);

  return (
    <Form onSubmit={submit} noValidate aria-label="Filters" className="grid grid-cols-2 gap-3 lg:grid-cols-3 2xl:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_minmax(0,1fr)_11rem_11rem]">
      <Select id="audit-actor" label="Actor" value={value.actor ?? ""} error={errors.actor} onChange={(actor) => apply({ actor: actor || undefined })}>
        <option value="">Everyone</option>
        {extraOption(value.actor, actorValues)}
        {facets && facets.actors.members.length > 0 && <optgroup label="Members">{options(facets.actors.members)}</optgroup>}
        {facets && facets.actors.formerMembers.length > 0 && <optgroup label="Former members">{options(facets.actors.formerMembers)}</optgroup>}
        {facets && facets.actors.other.length > 0 && (
          <optgroup label="System and API keys">
            {facets.actors.other.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </optgroup>
        )}
      </Select>

      <Select id="audit-action" label="Action" value={value.action ?? ""} error={errors.action} onChange={(action) => apply({ action: action || undefined })}>
        <option value="">All actions</option>
        {extraOption(value.action, actionValues)}
        {actionGroups.map((group) => (
          <optgroup key={group.prefix} label={group.label}>
            <option value={group.prefix}>{group.label}: all</option>
            {group.actions.map((action) => (
              <option key={action.value} value={action.value}>
                {capitalised(action.label)}
              </option>
            ))}
          </optgroup>
        ))}
      </Select>

      <TextField
        label="Target"
        name="target"
        placeholder="An id, e.g. key_…"
        autoComplete="off"
        spellCheck={false}
        value={draft.targetId}
        error={errors.targetId}
        onChange={(e) => setDraft({ ...draft, targetId: e.target.value })}
        onBlur={() => {
          if (draft.targetId.trim() !== (value.targetId ?? "")) apply({});
        }}
        className="col-span-2 min-w-0 lg:col-span-1"
      />

      {(["from", "to"] as const).map((field) => (
        <TextField
          key={field}
          label={field === "from" ? "From (UTC)" : "To (UTC), included"}
          type="date"
          value={draft[field]}
          error={errors[field]}
          onChange={(e) => {
            const day = e.target.value;
            setDraft({ ...draft, [field]: day });
            // Typing a year passes through 0002, 0020, 0202: apply once it is a plausible day, or on leaving.
            if (isWholeDay(day)) apply({ [field]: day });
          }}
          onBlur={() => {
            if (draft[field] !== (value[field] ?? "")) apply({});
          }}
          className="min-w-0"
        />
      ))}
      {/* Enter in the target field applies it; the button is for keyboards that have no Enter. */}
      <button type="submit" className="sr-only">
        Apply filters
      </button>
      {hasFilters(value) && (
        <div className="col-span-2 flex items-end lg:col-span-3 2xl:col-span-5">
          <Button type="button" variant="ghost" size="sm" onClick={() => onApply({})}>
            <X className="h-4 w-4" aria-hidden />
            Clear filters
          </Button>
        </div>
      )}
    </Form>
  );
}
