import { Cpu } from "lucide-react";
import { cn } from "./cn";

export function Logo({ className, withName = true }: { className?: string; withName?: boolean }) {
  return (
    <span className={cn("inline-flex items-center gap-2 font-semibold tracking-tight", className)}>
      <span className="inline-flex h-7 w-7 items-center justify-center rounded-md bg-indigo-600 text-white">
        <Cpu className="h-4 w-4" aria-hidden />
      </span>
      {withName && <span>Compute Console</span>}
    </span>
  );
}
