"use client";

import { KeyRound } from "lucide-react";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { API_KEY_ENV, type CodeExample, type ExampleLanguage } from "./code-examples";
import { CopyButton } from "./copy-button";

const LANGUAGE_NAMES: Record<ExampleLanguage, string> = {
  curl: "Shell",
  python: "Python · pip install openai",
  typescript: "TypeScript · npm install openai",
};

/** The model's examples in tabs (curl, Python, TypeScript), each with a Copy button. */
export function CodeExamplesCard({
  examples,
  baseUrl,
  endpointPath,
  createKeyHref,
}: {
  examples: CodeExample[];
  baseUrl: string;
  endpointPath: string;
  /** Where to create an API key; omitted for roles that may not. */
  createKeyHref?: string;
}) {
  return (
    <Card>
      <Tabs defaultValue={examples[0]?.language}>
        <div className="flex flex-wrap items-center justify-between gap-3 border-b border-zinc-200 px-5 py-4 dark:border-zinc-800">
          <div className="min-w-0">
            <h2 className="text-base font-semibold">Try it</h2>
            <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">
              <code className="font-mono text-xs [overflow-wrap:anywhere]">POST {endpointPath}</code> on the base URL{" "}
              <code className="font-mono text-xs [overflow-wrap:anywhere]">{baseUrl}</code>
            </p>
          </div>
          <TabsList aria-label="Example language">
            {examples.map((example) => (
              <TabsTrigger key={example.language} value={example.language}>
                {example.label}
              </TabsTrigger>
            ))}
          </TabsList>
        </div>
        {examples.map((example) => (
          <TabsContent key={example.language} value={example.language} className="bg-zinc-950 dark:bg-black/40">
            <div className="flex items-center justify-between gap-3 border-b border-white/10 py-2 pr-3 pl-5">
              <span className="text-xs font-medium text-zinc-400">{LANGUAGE_NAMES[example.language]}</span>
              <CopyButton
                text={example.code}
                what={`${example.label} example`}
                className="h-7 border-white/15 bg-white/5 text-zinc-100 shadow-none hover:bg-white/10 dark:border-white/15 dark:bg-white/5 dark:hover:bg-white/10"
              />
            </div>
            <pre className="overflow-x-auto px-5 py-4 font-mono text-[13px] leading-relaxed text-zinc-100">
              <code>{example.code}</code>
            </pre>
          </TabsContent>
        ))}
      </Tabs>
      <div className="flex flex-wrap items-center justify-between gap-3 rounded-b-lg border-t border-zinc-200 px-5 py-3 text-sm text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
        <p>
          Set <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-xs dark:bg-zinc-800">{API_KEY_ENV}</code> to
          one of your team&apos;s API keys first.
        </p>
        {createKeyHref && (
          <Link
            href={createKeyHref}
            className="inline-flex items-center gap-1.5 font-medium text-indigo-600 hover:text-indigo-500 dark:text-indigo-400 dark:hover:text-indigo-300"
          >
            <KeyRound className="h-4 w-4" aria-hidden />
            Create an API key
          </Link>
        )}
      </div>
    </Card>
  );
}
