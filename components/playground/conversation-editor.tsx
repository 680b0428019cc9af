"use client";

import { ArrowDown, ArrowUp, Plus, Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { inputClasses } from "@/components/ui/field";
import { newId, type Turn } from "./state";

const iconButton =
  "rounded p-1 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 disabled:pointer-events-none disabled:opacity-30 dark:hover:bg-zinc-800 dark:hover:text-zinc-100";

/**
 * The system prompt and the turns of the conversation, each editable, movable and removable
 * without running anything.
 */
export function ConversationEditor({
  system,
  turns,
  focusTurn,
  disabled,
  onSystemChange,
  onTurnsChange,
}: {
  system: string;
  turns: Turn[];
  /** A turn just added for the person to write, focused when it appears. */
  focusTurn: string | null;
  disabled: boolean;
  onSystemChange: (system: string) => void;
  onTurnsChange: (turns: Turn[]) => void;
}) {
  const update = (id: string, patch: Partial<Turn>) => onTurnsChange(turns.map((t) => (t.id === id ? { ...t, ...patch } : t)));
  const move = (index: number, by: -1 | 1) => {
    const next = [...turns];
    const [turn] = next.splice(index, 1);
    next.splice(index + by, 0, turn!);
    onTurnsChange(next);
  };
  const add = () => {
    const last = turns.at(-1);
    onTurnsChange([...turns, { id: newId(), role: last?.role === "user" ? "assistant" : "user", content: "" }]);
  };
  return (
    <div className="space-y-3">
      <div className="space-y-1.5">
        <label htmlFor="playground-system" className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
          System prompt
        </label>
        <textarea
          id="playground-system"
          value={system}
          disabled={disabled}
          onChange={(e) => onSystemChange(e.target.value)}
          placeholder="You are a helpful assistant."
          rows={3}
          className={cn(inputClasses, "h-auto min-h-16 resize-y py-2 leading-relaxed")}
        />
      </div>
      <ol className="space-y-2.5" aria-label="Conversation">
        {turns.map((turn, index) => (
          <li key={turn.id} className="rounded-md border border-zinc-200 bg-zinc-50/60 p-2 dark:border-zinc-800 dark:bg-zinc-950/40">
            <div className="mb-1.5 flex items-center justify-between gap-2">
              <button
                type="button"
                disabled={disabled}
                onClick={() => update(turn.id, { role: turn.role === "user" ? "assistant" : "user" })}
                title="Switch between user and assistant"
                aria-label={`Message ${index + 1} is from the ${turn.role}; switch role`}
                className={cn(
                  "rounded px-1.5 py-0.5 text-xs font-semibold tracking-wide uppercase",
                  turn.role === "user"
                    ? "bg-indigo-50 text-indigo-700 hover:bg-indigo-100 dark:bg-indigo-500/10 dark:text-indigo-300"
                    : "bg-emerald-50 text-emerald-700 hover:bg-emerald-100 dark:bg-emerald-500/10 dark:text-emerald-300",
                )}
              >
                {turn.role}
              </button>
              <div className="flex items-center gap-0.5">
                <button type="button" className={iconButton} disabled={disabled || index === 0} onClick={() => move(index, -1)} aria-label={`Move message ${index + 1} up`}>
                  <ArrowUp className="h-3.5 w-3.5" aria-hidden />
                </button>
                <button
                  type="button"
                  className={iconButton}
                  disabled={disabled || index === turns.length - 1}
                  onClick={() => move(index, 1)}
                  aria-label={`Move message ${index + 1} down`}
                >
                  <ArrowDown className="h-3.5 w-3.5" aria-hidden />
                </button>
                <button
                  type="button"
                  className={iconButton}
                  disabled={disabled}
                  onClick={() => onTurnsChange(turns.filter((t) => t.id !== turn.id))}
                  aria-label={`Delete message ${index + 1}`}
                >
                  <Trash2 className="h-3.5 w-3.5" aria-hidden />
                </button>
              </div>
            </div>
            <textarea
              autoFocus={turn.id === focusTurn}
              value={turn.content}
              disabled={disabled}
              aria-label={`Message ${index + 1} (${turn.role})`}
              placeholder={turn.role === "user" ? "Write a message… (Ctrl+Enter runs)" : "Write the assistant's reply…"}
              onChange={(e) => update(turn.id, { content: e.target.value })}
              rows={Math.min(12, Math.max(2, turn.content.split("\n").length))}
              className={cn(inputClasses, "h-auto resize-y border-transparent bg-white py-1.5 leading-relaxed shadow-none dark:border-transparent dark:bg-zinc-900")}
            />
          </li>
        ))}
      </ol>
      <Button type="button" variant="ghost" size="sm" onClick={add} disabled={disabled} className="w-full border border-dashed border-zinc-300 dark:border-zinc-700">
        <Plus className="h-4 w-4" aria-hidden />
        Add message
      </Button>
    </div>
  );
}
