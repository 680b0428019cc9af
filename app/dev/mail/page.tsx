import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/server/db";
import { env } from "@/server/env";
import { listMails } from "@/server/services/mail";
import { Logo } from "@/components/ui/logo";
import { cn } from "@/components/ui/cn";

export const metadata: Metadata = { title: "Mail outbox (development)" };
export const dynamic = "force-dynamic";

/** The links in a mail, to open from here: the HTML version below is sandboxed and cannot navigate. */
function linksIn(text: string | null): string[] {
  return [...new Set(text?.match(/https?:\/\/\S+/g) ?? [])];
}

const timeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });

/**
 * The development outbox: without SMTP_URL every mail the console sends is kept in the database
 * and shown here, so invitations and password resets work on a fresh machine. It exists only
 * under `next dev`: its mails carry sign-in links for anyone's account.
 */
export default async function MailOutboxPage({ searchParams }: PageProps<"/dev/mail">) {
  if (env().NODE_ENV === "production") notFound();
  const params = await searchParams;
  const to = typeof params.to === "string" && params.to.trim() ? params.to.trim() : undefined;
  const mails = await listMails(await getDb(), { to, limit: 50 });
  const selectedId = typeof params.id === "string" ? params.id : mails[0]?.id;
  const selected = mails.find((m) => m.id === selectedId);
  const query = (id: string) => `?${new URLSearchParams({ ...(to ? { to } : {}), id }).toString()}`;

  return (
    <main className="mx-auto flex min-h-dvh max-w-6xl flex-col gap-6 px-4 py-8">
      <header className="flex flex-wrap items-center justify-between gap-4">
        <div className="flex items-center gap-3">
          <Logo />
          <h1 className="text-lg font-semibold">Mail outbox</h1>
          <span className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-900/40 dark:text-amber-200">development only</span>
        </div>
        <form className="flex gap-2" action="/dev/mail">
          <input
            name="to"
            type="email"
            defaultValue={to}
            placeholder="Filter by recipient"
            aria-label="Recipient"
            className="h-9 w-64 max-w-full rounded-md border border-zinc-300 bg-white px-3 text-sm dark:border-zinc-700 dark:bg-zinc-900"
          />
          <button className="h-9 rounded-md bg-zinc-900 px-3 text-sm font-medium text-white dark:bg-zinc-100 dark:text-zinc-900">Filter</button>
        </form>
      </header>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        No <code>SMTP_URL</code> is set, so mails stay here (and in the server&apos;s log) instead of being sent. Newest first.
      </p>
      {mails.length === 0 ? (
        <div className="rounded-lg border border-dashed border-zinc-300 p-10 text-center text-sm text-zinc-500 dark:border-zinc-700">
          {to ? `No mail to ${to} yet.` : "No mail yet. Invite someone or ask for a password reset, and it appears here."}
        </div>
      ) : (
        <div className="grid gap-4 md:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
          <ul className="divide-y divide-zinc-200 overflow-hidden rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
            {mails.map((mail) => (
              <li key={mail.id}>
                <Link
                  href={query(mail.id)}
                  className={cn("block px-4 py-3 text-sm hover:bg-zinc-50 dark:hover:bg-zinc-900", mail.id === selected?.id && "bg-zinc-100 dark:bg-zinc-800")}
                >
                  <span className="block truncate font-medium">{mail.subject}</span>
                  <span className="block truncate text-zinc-500">
                    to {mail.to} · {timeFormat.format(mail.createdAt)} UTC · {mail.status}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
          {selected ? (
            <article className="flex min-w-0 flex-col gap-4 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
              <div className="text-sm">
                <p className="font-semibold">{selected.subject}</p>
                <p className="text-zinc-500">to {selected.to}</p>
              </div>
              {linksIn(selected.text).map((link) => (
                <a key={link} href={link} className="break-all text-sm font-medium text-blue-700 underline dark:text-blue-400">
                  {link}
                </a>
              ))}
              {selected.html ? (
                <iframe title="HTML version" sandbox="" srcDoc={selected.html} className="h-[28rem] w-full rounded-md border border-zinc-200 bg-white dark:border-zinc-800" />
              ) : null}
              <details open={!selected.html}>
                <summary className="cursor-pointer text-sm font-medium">Plain-text version</summary>
                <pre className="mt-2 whitespace-pre-wrap break-words rounded-md bg-zinc-50 p-3 text-sm dark:bg-zinc-900">{selected.text ?? "(body not kept: delivered over SMTP)"}</pre>
              </details>
            </article>
          ) : null}
        </div>
      )}
    </main>
  );
}
