type Hook = () => Promise<void> | void;

const globalHooks = globalThis as unknown as { __shutdownHooks?: Array<{ order: number; hook: Hook }> };
const hooks = (globalHooks.__shutdownHooks ??= []);

/**
 * Registers work for a graceful stop (SIGTERM/SIGINT). Lower `order` runs first: flush what is
 * buffered (usage events) before closing what it is written to (the database).
 */
export function onShutdown(hook: Hook, order = 0): void {
  hooks.push({ order, hook });
}

let running: Promise<void> | null = null;

export function runShutdownHooks(): Promise<void> {
  running ??= (async () => {
    for (const { hook } of [...hooks].sort((a, b) => a.order - b.order)) {
      try {
        await hook();
      } catch (error) {
        console.error("shutdown step failed", error);
      }
    }
  })();
  return running;
}

/** Runs the hooks on SIGTERM/SIGINT, then exits. */
export function exitOnSignals(): void {
  const stop = () => void runShutdownHooks().finally(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
