"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Bell } from "lucide-react";
import Link from "next/link";
import { Popover } from "radix-ui";
import { useState } from "react";
import { DateText } from "@/components/keys/date-text";
import { useTRPC } from "@/components/trpc/client";
import { cn } from "@/components/ui/cn";

/** How often the bell looks for news while the page is open. */
const REFRESH_MS = 30_000;

/**
 * The bell: the member's notifications in this team (budget alerts, instances stopped at the cap)
 * with the unread count. Opening it marks everything read; what was unread keeps its dot until
 * it closes, so the reader can see what is new.
 */
export function NotificationsBell({ teamId }: { teamId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [shownUnread, setShownUnread] = useState<Set<string>>(new Set());
  const list = useQuery({ ...trpc.notifications.list.queryOptions({ teamId }), refetchInterval: REFRESH_MS });
  const markRead = useMutation(
    trpc.notifications.markRead.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.notifications.list.queryKey({ teamId }) }),
    }),
  );
  const unread = list.data?.unread ?? 0;

  const onOpenChange = (next: boolean) => {
    setOpen(next);
    if (next) {
      setShownUnread(new Set(list.data?.items.filter((n) => !n.read).map((n) => n.id)));
      if (unread > 0) markRead.mutate({ teamId });
    }
  };

  return (
    <Popover.Root open={open} onOpenChange={onOpenChange}>
      <Popover.Trigger
        aria-label={unread > 0 ? `Notifications, ${unread} unread` : "Notifications"}
        className="relative inline-flex h-9 w-9 items-center justify-center rounded-md text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
      >
        <Bell className="h-4.5 w-4.5" aria-hidden />
        {unread > 0 && (
          <span
            aria-hidden
            className="absolute top-1 right-1 min-w-4 rounded-full bg-rose-600 px-1 text-center text-[10px] leading-4 font-semibold text-white"
          >
            {unread > 9 ? "9+" : unread}
          </span>
        )}
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="start"
          sideOffset={6}
          collisionPadding={8}
          className="z-50 w-[min(22rem,calc(100vw-1rem))] rounded-lg border border-zinc-200 bg-white shadow-lg dark:border-zinc-800 dark:bg-zinc-900"
        >
          <div className="border-b border-zinc-200 px-3 py-2 text-sm font-semibold dark:border-zinc-800">Notifications</div>
          {list.isPending ? (
            <p className="px-3 py-6 text-center text-sm text-zinc-500">Loading…</p>
          ) : list.isError ? (
            <p className="px-3 py-6 text-center text-sm text-rose-600 dark:text-rose-400">Could not load notifications. Try again in a moment.</p>
          ) : list.data.items.length === 0 ? (
            <p className="px-3 py-6 text-center text-sm text-zinc-500 dark:text-zinc-400">
              Nothing yet. Budget alerts and instances stopped at the budget cap show up here.
            </p>
          ) : (
            <ul className="max-h-96 divide-y divide-zinc-100 overflow-y-auto dark:divide-zinc-800">
              {list.data.items.map((item) => {
                const body = (
                  <>
                    <span className="flex items-start gap-2">
                      <span
                        aria-label={shownUnread.has(item.id) ? "Unread" : undefined}
                        className={cn("mt-1.5 h-2 w-2 shrink-0 rounded-full", shownUnread.has(item.id) ? "bg-indigo-500" : "bg-transparent")}
                      />
                      <span className="min-w-0">
                        <span className="block text-sm font-medium text-zinc-900 dark:text-zinc-100">{item.title}</span>
                        <span className="mt-0.5 block text-sm text-zinc-600 dark:text-zinc-400">{item.body}</span>
                        <DateText value={item.createdAt} format="datetime" className="mt-1 block text-xs text-zinc-500" />
                      </span>
                    </span>
                  </>
                );
                return (
                  <li key={item.id}>
                    {item.href ? (
                      <Link href={item.href} onClick={() => setOpen(false)} className="block px-3 py-2.5 hover:bg-zinc-50 dark:hover:bg-zinc-800/60">
                        {body}
                      </Link>
                    ) : (
                      <div className="px-3 py-2.5">{body}</div>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
