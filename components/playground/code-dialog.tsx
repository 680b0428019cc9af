"use client";

import { API_KEY_ENV, type CodeExample } from "@/components/models/code-examples";
import { CopyButton } from "@/components/models/copy-button";
import { Dialog } from "@/components/ui/dialog";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";

/** The current request (model, messages, parameters) as curl, Python and TypeScript. */
export function CodeDialog({
  open,
  onOpenChange,
  examples,
  note,
  compare,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  examples: CodeExample[];
  /** Why the code may not match what the page would run, e.g. a parameter out of range. */
  note?: string;
  /** Several models are compared: the code is the first one's request. */
  compare: boolean;
}) {
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title="Code for this request"
      description={
        <>
          {compare ? "The first model's request" : "This request"} (model, messages and parameters), ready to run with an API key in{" "}
          <code className="font-mono text-xs">{API_KEY_ENV}</code>.
        </>
      }
      className="max-w-3xl"
    >
      {note && <p className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800 dark:bg-amber-950/40 dark:text-amber-200">{note}</p>}
      <Tabs defaultValue="curl">
        <TabsList aria-label="Language">
          {examples.map((example) => (
            <TabsTrigger key={example.language} value={example.language}>
              {example.label}
            </TabsTrigger>
          ))}
        </TabsList>
        {examples.map((example) => (
          <TabsContent key={example.language} value={example.language} className="mt-3 overflow-hidden rounded-md bg-zinc-950">
            <div className="flex justify-end border-b border-white/10 px-2 py-1.5">
              <CopyButton
                text={example.code}
                what={`${example.label} code`}
                className="h-7 border-white/15 bg-white/5 text-zinc-100 shadow-none hover:bg-white/10 dark:border-white/15 dark:bg-white/5 dark:hover:bg-white/10"
              />
            </div>
            <pre className="max-h-[55vh] overflow-auto px-4 py-3 font-mono text-[13px] leading-relaxed text-zinc-100" data-testid={`code-${example.language}`}>
              <code>{example.code}</code>
            </pre>
          </TabsContent>
        ))}
      </Tabs>
    </Dialog>
  );
}
