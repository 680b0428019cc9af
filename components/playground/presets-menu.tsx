"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Bookmark, ChevronDown, Trash2 } from "lucide-react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { z } from "zod";
import { applyServerError } from "@/components/forms/server-errors";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError, TextField } from "@/components/ui/field";
import { Form } from "@/components/ui/form";
import { Menu, MenuContent, MenuItem, MenuLabel, MenuSeparator, MenuTrigger } from "@/components/ui/menu";
import { PRESET_NAME_MAX, presetNameSchema, type PresetInput } from "@/server/services/playground/schemas";

const nameForm = z.object({ name: presetNameSchema });

export interface LoadedPreset {
  name: string;
  modelId: string;
  systemPrompt: string;
  params: PresetInput["params"];
}

/** The team's presets: load one into the page, save the current setup, delete old ones. */
export function PresetsMenu({
  teamId,
  canSave,
  current,
  onLoad,
}: {
  teamId: string;
  canSave: boolean;
  /** The setup to save, or why it cannot be saved now. */
  current: Omit<PresetInput, "name"> | { error: string };
  onLoad: (preset: LoadedPreset) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: presets = [], isPending } = useQuery(trpc.playground.presets.queryOptions({ teamId }));
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<z.input<typeof nameForm>, unknown, z.output<typeof nameForm>>({ resolver: zodResolver(nameForm), defaultValues: { name: "" } });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.playground.presets.queryKey({ teamId }) });

  const save = useMutation(
    trpc.playground.savePreset.mutationOptions({
      onSuccess: async (result, input) => {
        await invalidate();
        toast.success(result.created ? `Saved preset “${input.name}”` : `Updated preset “${input.name}”`);
        setSaving(false);
      },
      onError: (error) => setFormError(applyServerError(error, form.setError, ["name"])),
    }),
  );
  const remove = useMutation(
    trpc.playground.deletePreset.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        toast.success("Preset deleted");
      },
      onError: (error) => toast.error(error.message),
    }),
  );

  const openSave = () => {
    form.reset({ name: "" });
    setFormError("error" in current ? current.error : null);
    setSaving(true);
  };

  return (
    <>
      <Menu>
        <MenuTrigger asChild>
          <Button variant="secondary">
            <Bookmark className="h-4 w-4" aria-hidden />
            Presets
            <ChevronDown className="h-3.5 w-3.5 opacity-60" aria-hidden />
          </Button>
        </MenuTrigger>
        <MenuContent align="end" className="max-h-96 w-72 overflow-y-auto">
          <MenuLabel>Team presets</MenuLabel>
          {isPending && <p className="px-2.5 py-1.5 text-sm text-zinc-500">Loading…</p>}
          {!isPending && presets.length === 0 && (
            <p className="px-2.5 py-1.5 text-sm text-zinc-500 dark:text-zinc-400">None yet. Save the current model, system prompt and parameters.</p>
          )}
          {presets.map((preset) => (
            <MenuItem key={preset.id} onSelect={() => onLoad(preset)} className="flex-col items-start gap-0">
              <span className="font-medium">{preset.name}</span>
              <span className="w-full truncate text-xs text-zinc-500 dark:text-zinc-400">{preset.modelId}</span>
            </MenuItem>
          ))}
          {canSave && (
            <>
              <MenuSeparator />
              <MenuItem onSelect={openSave}>Save current as preset…</MenuItem>
            </>
          )}
        </MenuContent>
      </Menu>
      <Dialog open={saving} onOpenChange={setSaving} title="Save as preset" description="Saves the first pane's model and parameters with the system prompt, for everyone in the team.">
        <Form
          className="space-y-4"
          noValidate
          onSubmit={form.handleSubmit(({ name }) => {
            if ("error" in current) return setFormError(current.error);
            setFormError(null);
            save.mutate({ teamId, name, ...current });
          })}
        >
          <TextField
            label="Name"
            maxLength={PRESET_NAME_MAX}
            autoFocus
            {...form.register("name")}
            error={form.formState.errors.name?.message}
            hint="Saving under an existing name replaces that preset."
          />
          <FormError>{formError}</FormError>
          {presets.length > 0 && (
            <div>
              <p className="mb-1.5 text-xs font-medium text-zinc-500 dark:text-zinc-400">Existing presets</p>
              <ul className="max-h-40 divide-y divide-zinc-200 overflow-y-auto rounded-md border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
                {presets.map((preset) => (
                  <li key={preset.id} className="flex items-center justify-between gap-2 px-3 py-1.5 text-sm">
                    <button type="button" className="min-w-0 truncate text-left hover:underline" onClick={() => form.setValue("name", preset.name)}>
                      {preset.name}
                    </button>
                    <button
                      type="button"
                      onClick={() => remove.mutate({ teamId, presetId: preset.id })}
                      aria-label={`Delete preset ${preset.name}`}
                      className="rounded p-1 text-zinc-500 hover:bg-red-50 hover:text-red-600 dark:hover:bg-red-950/40"
                    >
                      <Trash2 className="h-3.5 w-3.5" aria-hidden />
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          )}
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setSaving(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={save.isPending}>
              Save preset
            </Button>
          </div>
        </Form>
      </Dialog>
    </>
  );
}
