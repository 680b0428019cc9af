"use client";

import { Download, Printer } from "lucide-react";
import { Button } from "@/components/ui/button";

export function InvoiceActions({ csvHref }: { csvHref: string }) {
  return (
    <div className="flex flex-wrap gap-3">
      <Button asChild variant="secondary">
        <a href={csvHref} download>
          <Download className="h-4 w-4" aria-hidden />
          Download CSV
        </a>
      </Button>
      <Button variant="secondary" onClick={() => window.print()}>
        <Printer className="h-4 w-4" aria-hidden />
        Print
      </Button>
    </div>
  );
}
