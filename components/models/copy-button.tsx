"use client";

import { Check, Copy } from "lucide-react";
import { useEffect, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";

/** Copies with the Clipboard API, or, where it is unavailable (plain http), a hidden textarea. */
async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return;
    } catch {
      // Permission refused or not focused: try the old way below.
    }
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("copy refused");
}

export function CopyButton({
  text,
  label = "Copy",
  what,
  className,
  size = "sm",
}: {
  text: string;
  /** Visible text. */
  label?: string;
  /** What is copied, for screen readers and the toast, e.g. "curl example". */
  what: string;
  className?: string;
  size?: "sm" | "icon";
}) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);

  const onClick = async () => {
    try {
      await copyText(text);
      setCopied(true);
      toast.success(`Copied the ${what}`);
    } catch {
      toast.error("Could not copy. Select the text and copy it by hand.");
    }
  };

  const Icon = copied ? Check : Copy;
  return (
    <Button
      type="button"
      variant="secondary"
      size={size === "icon" ? "icon" : "sm"}
      onClick={() => void onClick()}
      aria-label={`${label} ${what}`}
      className={cn(size === "icon" && "h-7 w-7", className)}
    >
      <Icon className={cn("h-3.5 w-3.5", copied && "text-emerald-600 dark:text-emerald-400")} aria-hidden />
      {size !== "icon" && (copied ? "Copied" : label)}
    </Button>
  );
}
