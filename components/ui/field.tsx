import { useId, type ComponentProps, type ReactNode } from "react";
import { cn } from "./cn";

export const inputClasses =
  "block h-9 w-full rounded-md border border-zinc-300 bg-white px-3 text-sm text-zinc-900 shadow-sm placeholder:text-zinc-400 focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/30 focus:outline-none disabled:opacity-60 aria-invalid:border-red-500 aria-invalid:focus:ring-red-500/30 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-500";

interface FieldFrameProps {
  label: string;
  error?: string;
  hint?: ReactNode;
  className?: string;
  id?: string;
  /** Renders the control, given the ids and ARIA attributes that tie it to its label, hint and error. */
  children: (control: { id: string; "aria-invalid": true | undefined; "aria-describedby": string | undefined }) => ReactNode;
}

/** A label above a control, with the control's hint or error below it, wired for screen readers. */
function FieldFrame({ label, error, hint, className, id, children }: FieldFrameProps) {
  const autoId = useId();
  const controlId = id ?? autoId;
  const hintId = `${controlId}-hint`;
  const errorId = `${controlId}-error`;
  const describedBy = [hint && !error ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={cn("space-y-1.5", className)}>
      <label htmlFor={controlId} className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
        {label}
      </label>
      {children({ id: controlId, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy })}
      {hint && !error && (
        <p id={hintId} className="text-xs text-zinc-500 dark:text-zinc-400">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}

export interface TextFieldProps extends ComponentProps<"input"> {
  label: string;
  error?: string;
  hint?: ReactNode;
  prefix?: string;
}

/** A labelled input with its hint and its error. */
export function TextField({ label, error, hint, prefix, className, id, ...props }: TextFieldProps) {
  return (
    <FieldFrame label={label} error={error} hint={hint} className={className} id={id}>
      {(control) => (
        <div className="flex">
          {prefix && (
            <span className="inline-flex items-center rounded-l-md border border-r-0 border-zinc-300 bg-zinc-100 px-3 text-sm text-zinc-500 dark:border-zinc-700 dark:bg-zinc-800 dark:text-zinc-400">
              {prefix}
            </span>
          )}
          <input {...control} className={cn(inputClasses, prefix && "rounded-l-none")} {...props} />
        </div>
      )}
    </FieldFrame>
  );
}

export interface SelectFieldProps extends ComponentProps<"select"> {
  label: string;
  error?: string;
  hint?: ReactNode;
  options: readonly { value: string; label: string }[];
}

/** A labelled native select, styled like the text fields, with its hint and error. */
export function SelectField({ label, error, hint, options, className, id, ...props }: SelectFieldProps) {
  return (
    <FieldFrame label={label} error={error} hint={hint} className={className} id={id}>
      {(control) => (
        <select {...control} className={cn(inputClasses, "cursor-pointer pr-8")} {...props}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}

export function FormError({ children }: { children?: ReactNode }) {
  if (!children) return null;
  return (
    <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700 dark:border-red-900 dark:bg-red-950/50 dark:text-red-300">
      {children}
    </div>
  );
}

export interface CheckboxFieldProps extends Omit<ComponentProps<"input">, "type" | "id"> {
  id: string;
  label: ReactNode;
  description?: ReactNode;
}

/** A checkbox with its label and a line that explains it, for lists of choices (scopes, notification kinds). */
export function CheckboxField({ id, label, description, className, ...props }: CheckboxFieldProps) {
  return (
    <div className="flex items-start gap-3">
      <input
        id={id}
        type="checkbox"
        aria-describedby={description ? `${id}-description` : undefined}
        className={cn("mt-0.5 h-4 w-4 shrink-0 cursor-pointer rounded border-zinc-300 accent-indigo-600 dark:border-zinc-600", className)}
        {...props}
      />
      <div className="min-w-0">
        <label htmlFor={id} className="block cursor-pointer text-sm leading-5 font-medium">
          {label}
        </label>
        {description && (
          <p id={`${id}-description`} className="text-xs text-zinc-500 dark:text-zinc-400">
            {description}
          </p>
        )}
      </div>
    </div>
  );
}
