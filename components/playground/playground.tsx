"use client";

import { Code2, Columns2, Eraser, Play, Square } from "lucide-react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { chatRequestExamples } from "@/components/models/code-examples";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { PageHeader } from "@/components/ui/page-header";
import { ReadOnlyNotice } from "@/components/ui/read-only-notice";
import type { ModelView } from "@/server/services/catalog/model-views";
import { CodeDialog } from "./code-dialog";
import { ConversationEditor } from "./conversation-editor";
import { Pane, type PaneRun } from "./pane";
import { PresetsMenu, type LoadedPreset } from "./presets-menu";
import { runChat } from "./run-chat";
import {
  conversationMessages,
  draftFrom,
  initialState,
  MAX_PANES,
  newId,
  parseParams,
  requestParams,
  restoreState,
  storageKey,
  type PlaygroundState,
} from "./state";
import { presetParamsSchema } from "@/server/services/playground/schemas";

/**
 * The playground: one conversation, run against one to three models side by side. Runs go through
 * the team's gateway exactly like API calls (limits, metering, billing), authenticated by the session.
 */
export function Playground({
  teamId,
  models,
  canRun,
  role,
  baseUrl,
}: {
  teamId: string;
  models: ModelView[];
  canRun: boolean;
  role: string;
  baseUrl: string;
}) {
  const defaultModel = models[0]!.id;
  const [state, setState] = useState<PlaygroundState>(() => initialState(defaultModel));
  const [restored, setRestored] = useState(false);
  const [runs, setRuns] = useState<Record<string, PaneRun>>({});
  const [blocked, setBlocked] = useState<string | null>(null);
  const [showCode, setShowCode] = useState(false);
  const [focusTurn, setFocusTurn] = useState<string | null>(null);
  const controllers = useRef(new Map<string, AbortController>());
  const running = Object.values(runs).some((run) => run.running);

  // The saved state is read after hydration, so that server and browser render the same first frame.
  useEffect(() => {
    const saved = restoreState(window.localStorage.getItem(storageKey(teamId)), models.map((m) => m.id), defaultModel);
    // eslint-disable-next-line react-hooks/set-state-in-effect -- localStorage exists only in the browser
    if (saved) setState(saved);
    setRestored(true);
  }, [teamId, models, defaultModel]);
  useEffect(() => {
    if (restored) window.localStorage.setItem(storageKey(teamId), JSON.stringify(state));
  }, [state, restored, teamId]);
  useEffect(() => () => controllers.current.forEach((c) => c.abort()), []);

  const modelOf = useCallback((id: string) => models.find((m) => m.id === id) ?? models[0]!, [models]);
  const parsed = useMemo(
    () => state.panes.map((pane) => parseParams(pane.params, modelOf(pane.modelId).maxOutputTokens)),
    [state.panes, modelOf],
  );
  const conversation = conversationMessages(state);

  const run = useCallback(() => {
    if (!canRun || running) return;
    if (!conversation.ok) return setBlocked(conversation.error);
    const invalid = parsed.findIndex((p) => !p.ok);
    if (invalid >= 0) return setBlocked(`Fix the parameters of model ${invalid + 1} first.`);
    setBlocked(null);
    const started: Record<string, PaneRun> = {};
    state.panes.forEach((pane, i) => {
      const params = (parsed[i] as { ok: true; params: Parameters<typeof requestParams>[0] }).params;
      const model = modelOf(pane.modelId);
      const controller = new AbortController();
      controllers.current.set(pane.id, controller);
      started[pane.id] = { running: true, text: "", requestId: null, model, result: null };
      const patch = (update: Partial<PaneRun>) => setRuns((all) => (all[pane.id] ? { ...all, [pane.id]: { ...all[pane.id]!, ...update } } : all));
      void runChat(teamId, { model: model.id, messages: conversation.messages, ...requestParams(params) }, controller.signal, {
        onStart: (requestId) => patch({ requestId }),
        onDelta: (text) => patch({ text }),
      }).then((result) => {
        controllers.current.delete(pane.id);
        patch({ running: false, text: result.text, requestId: result.requestId, result });
      });
    });
    setRuns(started);
  }, [canRun, running, conversation, parsed, state.panes, modelOf, teamId]);

  const stop = () => controllers.current.forEach((controller) => controller.abort());

  const first = state.panes[0]!;
  const firstParams = parsed[0]!;
  const examples = chatRequestExamples(
    {
      model: first.modelId,
      messages: conversation.ok ? conversation.messages : [...(state.system.trim() ? [{ role: "system" as const, content: state.system }] : []), ...state.turns.map(({ role, content }) => ({ role, content }))],
      params: firstParams.ok ? requestParams(firstParams.params) : {},
    },
    baseUrl,
  );

  const presetToSave = firstParams.ok
    ? { modelId: first.modelId, systemPrompt: state.system, params: firstParams.params }
    : { error: "Fix the first model's parameters before saving them as a preset." };

  const loadPreset = (preset: LoadedPreset) => {
    const params = presetParamsSchema.parse(preset.params);
    setState((s) => ({
      ...s,
      system: preset.systemPrompt,
      panes: s.panes.map((pane, i) => (i === 0 ? { ...pane, modelId: modelOf(preset.modelId).id, params: draftFrom(params) } : pane)),
    }));
  };

  const keep = (text: string) => {
    const next = newId();
    setState((s) => ({ ...s, turns: [...s.turns, { id: newId(), role: "assistant", content: text }, { id: next, role: "user", content: "" }] }));
    setFocusTurn(next);
    setRuns({});
  };

  const compare = state.panes.length > 1;
  return (
    <div
      onKeyDown={(e) => {
        if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) {
          e.preventDefault();
          run();
        }
      }}
    >
      <PageHeader
        title="Playground"
        description="Try the hosted models on your own prompts. Runs are billed to this team like API calls."
        actions={
          <div className="flex flex-wrap items-center gap-2">
            <PresetsMenu teamId={teamId} canSave={canRun} current={presetToSave} onLoad={loadPreset} />
            <Button variant="secondary" onClick={() => setShowCode(true)}>
              <Code2 className="h-4 w-4" aria-hidden />
              View code
            </Button>
            <Button
              variant="secondary"
              disabled={state.panes.length >= MAX_PANES || running}
              onClick={() =>
                setState((s) => ({
                  ...s,
                  panes: [...s.panes, { id: newId(), modelId: models[s.panes.length % models.length]!.id, params: { ...s.panes.at(-1)!.params } }],
                }))
              }
              title={state.panes.length >= MAX_PANES ? `Compare up to ${MAX_PANES} models` : undefined}
            >
              <Columns2 className="h-4 w-4" aria-hidden />
              {compare ? "Add model" : "Compare"}
            </Button>
            {running ? (
              <Button variant="danger" onClick={stop}>
                <Square className="h-3.5 w-3.5 fill-current" aria-hidden />
                Stop
              </Button>
            ) : (
              <Button onClick={run} disabled={!canRun} title="Run (Ctrl+Enter)">
                <Play className="h-4 w-4 fill-current" aria-hidden />
                Run
                <kbd className="hidden rounded bg-white/20 px-1 font-sans text-[10px] sm:inline">Ctrl ↵</kbd>
              </Button>
            )}
          </div>
        }
      />
      {!canRun && (
        <ReadOnlyNotice>
          Your role ({role}) can look at the playground and its presets, but not run models: running needs the inference permission, which
          owners, admins and developers have.
        </ReadOnlyNotice>
      )}
      {blocked && (
        <p role="alert" className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-4 py-2.5 text-sm text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-200">
          {blocked}
        </p>
      )}
      <div className={cn("grid gap-4", compare ? "grid-cols-1" : "lg:grid-cols-[minmax(18rem,26rem)_minmax(0,1fr)]")}>
        <Card className="p-4">
          <div className="mb-3 flex items-center justify-between">
            <h2 className="text-sm font-semibold">Conversation</h2>
            <Button
              variant="ghost"
              size="sm"
              disabled={running}
              onClick={() => {
                setState((s) => ({ ...s, turns: [{ id: newId(), role: "user", content: "" }] }));
                setRuns({});
              }}
            >
              <Eraser className="h-3.5 w-3.5" aria-hidden />
              Clear
            </Button>
          </div>
          <ConversationEditor
            system={state.system}
            turns={state.turns}
            focusTurn={focusTurn}
            disabled={running}
            onSystemChange={(system) => setState((s) => ({ ...s, system }))}
            onTurnsChange={(turns) => setState((s) => ({ ...s, turns }))}
          />
        </Card>
        <div className={cn("grid min-w-0 gap-4", state.panes.length === 2 && "md:grid-cols-2", state.panes.length === 3 && "md:grid-cols-2 xl:grid-cols-3")}>
          {state.panes.map((pane, index) => (
            <Pane
              key={pane.id}
              index={index}
              teamId={teamId}
              config={pane}
              models={models}
              errors={parsed[index]!.ok ? {} : (parsed[index] as { errors: object }).errors}
              run={runs[pane.id]}
              disabled={running}
              canRemove={compare}
              onChange={(config) => setState((s) => ({ ...s, panes: s.panes.map((p) => (p.id === pane.id ? config : p)) }))}
              onRemove={() => setState((s) => ({ ...s, panes: s.panes.filter((p) => p.id !== pane.id) }))}
              onKeep={keep}
            />
          ))}
        </div>
      </div>
      <CodeDialog
        open={showCode}
        onOpenChange={setShowCode}
        examples={examples}
        compare={compare}
        note={firstParams.ok ? undefined : "Some parameters are out of range; the code leaves them all out until they are fixed."}
      />
    </div>
  );
}
