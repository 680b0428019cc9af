"use client";

import { memo, type ComponentProps } from "react";
import ReactMarkdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";
import { CopyButton } from "@/components/models/copy-button";

/** Fenced code blocks get a language label and a Copy button; inline code stays inline. */
function Pre({ children, node, ...props }: ComponentProps<"pre"> & { node?: unknown }) {
  void node;
  const code = (children as { props?: { className?: string; children?: unknown } } | undefined)?.props;
  const text = String(code?.children ?? "").replace(/\n$/, "");
  const language = /language-([\w+-]+)/.exec(code?.className ?? "")?.[1];
  return (
    <div className="not-prose my-3 overflow-hidden rounded-md border border-zinc-200 bg-zinc-950 dark:border-zinc-800">
      <div className="flex items-center justify-between border-b border-white/10 py-1 pr-1.5 pl-3">
        <span className="font-mono text-xs text-zinc-400">{language ?? "code"}</span>
        <CopyButton
          text={text}
          what="code block"
          size="icon"
          className="border-white/15 bg-white/5 text-zinc-100 shadow-none hover:bg-white/10 dark:border-white/15 dark:bg-white/5 dark:hover:bg-white/10"
        />
      </div>
      <pre className="overflow-x-auto px-3 py-2.5 font-mono text-[13px] leading-relaxed text-zinc-100" {...props}>
        {children}
      </pre>
    </div>
  );
}

const components: Components = {
  pre: Pre,
  code: ({ className, children, node, ...props }) => {
    void node;
    // Block code is styled by Pre; only inline code needs a chip.
    if (/language-/.test(className ?? "") || String(children).includes("\n")) {
      return (
        <code className={className} {...props}>
          {children}
        </code>
      );
    }
    return (
      <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-[0.85em] dark:bg-zinc-800" {...props}>
        {children}
      </code>
    );
  },
  a: ({ node, ...props }) => {
    void node;
    return <a {...props} target="_blank" rel="noreferrer noopener" className="text-indigo-600 underline dark:text-indigo-400" />;
  },
  p: ({ node, ...props }) => (void node, <p className="my-2 first:mt-0 last:mb-0" {...props} />),
  ul: ({ node, ...props }) => (void node, <ul className="my-2 list-disc pl-5" {...props} />),
  ol: ({ node, ...props }) => (void node, <ol className="my-2 list-decimal pl-5" {...props} />),
  h1: ({ node, ...props }) => (void node, <h3 className="mt-3 mb-1 text-base font-semibold" {...props} />),
  h2: ({ node, ...props }) => (void node, <h3 className="mt-3 mb-1 text-base font-semibold" {...props} />),
  h3: ({ node, ...props }) => (void node, <h4 className="mt-3 mb-1 font-semibold" {...props} />),
  blockquote: ({ node, ...props }) => (void node, <blockquote className="my-2 border-l-2 border-zinc-300 pl-3 text-zinc-600 dark:border-zinc-700 dark:text-zinc-400" {...props} />),
  table: ({ node, ...props }) => (
    void node,
    (
      <div className="my-2 overflow-x-auto">
        <table className="text-sm [&_td]:border [&_td]:border-zinc-200 [&_td]:px-2 [&_td]:py-1 [&_th]:border [&_th]:border-zinc-200 [&_th]:px-2 [&_th]:py-1 dark:[&_td]:border-zinc-700 dark:[&_th]:border-zinc-700" {...props} />
      </div>
    )
  ),
};

/**
 * A model's answer as Markdown. Raw HTML in the answer is shown as text, never rendered, so a model
 * cannot inject markup into the console.
 */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <div className="text-sm leading-relaxed break-words text-zinc-800 dark:text-zinc-200">
      <ReactMarkdown remarkPlugins={[remarkGfm]} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
});
