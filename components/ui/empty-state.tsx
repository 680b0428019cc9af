import type { LucideIcon } from "lucide-react";
import type { ReactNode } from "react";
import { Card } from "./card";
import { cn } from "./cn";

/**
 * What a list shows when it has nothing yet, or nothing that matches: an icon, a heading that says
 * so, a sentence on what would appear here and how, and the action that starts it. On its own it
 * is a card; `inCard` lays it out inside a card that already has a header.
 */
export function EmptyState({
  icon: Icon,
  title,
  description,
  children,
  actions,
  headingLevel = 2,
  inCard = false,
}: {
  icon: LucideIcon;
  title: ReactNode;
  description?: ReactNode;
  /** More than a sentence: instructions, an example. */
  children?: ReactNode;
  actions?: ReactNode;
  headingLevel?: 2 | 3;
  inCard?: boolean;
}) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  const body = (
    <>
      <Icon className="h-8 w-8 text-zinc-400" aria-hidden />
      <Heading className="mt-3 text-base font-semibold">{title}</Heading>
      {description && <p className="mt-1 max-w-md text-sm text-zinc-500 dark:text-zinc-400">{description}</p>}
      {children}
      {actions && <div className="mt-5 flex flex-wrap justify-center gap-3">{actions}</div>}
    </>
  );
  const layout = "flex flex-col items-center px-6 text-center";
  return inCard ? <div className={cn(layout, "py-10")}>{body}</div> : <Card className={cn(layout, "py-12")}>{body}</Card>;
}
