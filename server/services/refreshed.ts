/** A value read from the database on first use and kept for a while; see `refreshedEvery`. */
export interface Refreshed<T> {
  get(): Promise<T>;
}

/**
 * Loads a value on first use and keeps it for `ttlMs`, so that a hot path pays no query for data
 * that changes rarely while a change still shows up within `ttlMs`. Concurrent readers of a stale
 * value share one load; a failed load is not kept, and the next reader tries again.
 */
export function refreshedEvery<T>(load: () => Promise<T>, ttlMs: number, nowMs: () => number = Date.now): Refreshed<T> {
  let loadedAt = -Infinity;
  let value: T;
  let loading: Promise<T> | null = null;
  return {
    async get() {
      if (nowMs() - loadedAt < ttlMs) return value;
      loading ??= load()
        .then((loaded) => {
          value = loaded;
          loadedAt = nowMs();
          return loaded;
        })
        .finally(() => {
          loading = null;
        });
      return loading;
    },
  };
}
