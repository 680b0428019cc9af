"use client";

import Link from "next/link";
import { Avatar } from "@/components/shell/avatar";
import { cn } from "@/components/ui/cn";
import { TableBody, Th } from "@/components/ui/table";
import { describeAuditEvent } from "@/server/services/audit/labels";
import type { AuditEventRow } from "@/server/services/audit/list-audit-events";

/*
 * The audit log's rows. How each action is worded lives in server/services/audit/labels.ts, shared
 * with the CSV download's description column: add labels for new actions there.
 */

const TARGET_LABELS: Record<string, string> = {
  api_key: "API key",
  instance: "Instance",
  reservation: "Capacity block",
  ssh_key: "SSH key",
  team: "Team",
  user: "Person",
  invitation: "Invitation",
  invoice: "Invoice",
  credit_grant: "Credit",
  playground_preset: "Preset",
};

export function targetTypeLabel(type: string): string {
  return TARGET_LABELS[type] ?? type.replace(/_/g, " ");
}

const timeFormat = new Intl.DateTimeFormat("en", {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
  timeZone: "UTC",
});

function actorOf(event: AuditEventRow): { name: string; detail: string | null } {
  if (event.actorType === "system") return { name: "System", detail: null };
  if (event.actorType === "api_key") return { name: event.actorName ? `API key “${event.actorName}”` : "An API key", detail: event.actorId };
  if (event.actorType === "anonymous" || !event.actorId) return { name: "Someone not signed in", detail: null };
  return { name: event.actorName ?? "Deleted account", detail: event.actorEmail };
}

function targetNameOf(event: AuditEventRow): string | null {
  const fromMetadata = (key: string) => (typeof event.metadata[key] === "string" && event.metadata[key] ? (event.metadata[key] as string) : null);
  return event.targetName ?? fromMetadata("name") ?? fromMetadata("email");
}

const filterLink = "rounded hover:underline focus-visible:underline focus-visible:outline-none";

/**
 * The events as a table: time, actor, what happened, target, address. On narrow screens the row
 * folds into one cell: the actor and the event, with time, target and address below. Actors and
 * targets are links that narrow the log to them (`hrefFor`).
 */
export function ActivityLog({ events, hrefFor }: { events: AuditEventRow[]; hrefFor: (filter: { actor?: string; targetId?: string }) => string }) {
  return (
    <table className="w-full table-fixed text-sm">
      <thead className="hidden border-b border-zinc-200 md:table-header-group dark:border-zinc-800">
        <tr>
          <Th className="w-48">
            Time (UTC)<span className="2xl:hidden"> · IP</span>
          </Th>
          <Th className="w-44 xl:w-52">Actor</Th>
          <Th>Event</Th>
          <Th className="w-44 xl:w-52">Target</Th>
          <Th className="hidden w-36 2xl:table-cell">IP address</Th>
        </tr>
      </thead>
      <TableBody>
        {events.map((event) => {
          const actor = actorOf(event);
          const description = describeAuditEvent(event);
          const time = <time dateTime={event.createdAt.toISOString()}>{timeFormat.format(event.createdAt)}</time>;
          const actorName =
            (event.actorType === "user" || event.actorType === "api_key") && event.actorId ? (
              <Link href={hrefFor({ actor: event.actorId })} scroll={false} className={cn(filterLink, "font-medium")} title={`Show only what ${actor.name} did`}>
                {actor.name}
              </Link>
            ) : (
              <span className="font-medium">{actor.name}</span>
            );
          const target = event.targetType ? <Target event={event} href={event.targetId ? hrefFor({ targetId: event.targetId }) : null} /> : null;
          return (
            <tr key={event.id} data-testid="audit-row" data-action={event.action} className="align-top">
              <td className="hidden px-4 py-3 text-zinc-600 md:table-cell dark:text-zinc-400">
                <p className="whitespace-nowrap tabular-nums">{time}</p>
                {event.ip && (
                  <p className="mt-0.5 truncate font-mono text-xs text-zinc-500 2xl:hidden dark:text-zinc-400" title={event.userAgent ?? undefined}>
                    {event.ip}
                  </p>
                )}
              </td>
              <td className="hidden px-4 py-3 md:table-cell">
                <div className="flex min-w-0 items-center gap-2.5">
                  <Avatar name={actor.name.replace(/^API key “|”$/g, "")} square={event.actorType !== "user"} className="h-7 w-7" />
                  <div className="min-w-0">
                    <p className="truncate">{actorName}</p>
                    {actor.detail && <p className="truncate text-xs text-zinc-500 dark:text-zinc-400">{actor.detail}</p>}
                  </div>
                </div>
              </td>
              <td className="px-4 py-3">
                <div className="flex gap-3">
                  <Avatar name={actor.name.replace(/^API key “|”$/g, "")} square={event.actorType !== "user"} className="mt-0.5 h-7 w-7 md:hidden" />
                  <div className="min-w-0 flex-1">
                    <p className="break-words text-zinc-900 dark:text-zinc-100">
                      <span className="md:hidden">{actorName} </span>
                      <span data-testid="audit-description">{description}</span>
                    </p>
                    <p className="mt-0.5 truncate font-mono text-xs text-zinc-500 dark:text-zinc-400" title={event.userAgent ?? undefined}>
                      {event.action}
                    </p>
                    <div className="mt-1 space-y-0.5 text-xs text-zinc-500 md:hidden dark:text-zinc-400">
                      <p className="tabular-nums">
                        {time} UTC{event.ip && <> · {event.ip}</>}
                      </p>
                      {target && <div className="min-w-0">{target}</div>}
                    </div>
                  </div>
                </div>
              </td>
              <td className="hidden px-4 py-3 md:table-cell">{target}</td>
              <td className="hidden px-4 py-3 font-mono text-xs break-all text-zinc-600 2xl:table-cell dark:text-zinc-400" title={event.userAgent ?? undefined}>
                {event.ip ?? <span className="text-zinc-400 dark:text-zinc-600">—</span>}
              </td>
            </tr>
          );
        })}
      </TableBody>
    </table>
  );
}

function Target({ event, href }: { event: AuditEventRow; href: string | null }) {
  const type = targetTypeLabel(event.targetType!);
  const name = targetNameOf(event);
  const id = event.targetId ? (
    href ? (
      <Link href={href} scroll={false} className={cn(filterLink, "font-mono")} title={`Show only events about this ${type.toLowerCase()}`}>
        {event.targetId}
      </Link>
    ) : (
      <span className="font-mono">{event.targetId}</span>
    )
  ) : null;
  return (
    <div className="min-w-0 text-xs" data-testid="audit-target">
      <p className="truncate text-sm text-zinc-800 dark:text-zinc-200">
        <span className="text-zinc-500 dark:text-zinc-400">{type}</span>
        {name && <> {name}</>}
      </p>
      {id && <p className="truncate text-zinc-500 dark:text-zinc-400">{id}</p>}
    </div>
  );
}
