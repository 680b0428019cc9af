/** Pacing of streamed tokens, like a real GPU decoding at a fixed rate, interruptible by abort. */

export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

/** Resolves after `ms`, or rejects with the abort reason as soon as `signal` aborts (timer cleared). */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Unpaced answers still let other requests run now and then (long answers take milliseconds). */
const YIELD_EVERY = 256;

/**
 * Keeps a schedule (token n is due at start + n / rate) rather than sleeping a fixed time per
 * chunk, so timer lateness does not accumulate into a slower rate than configured.
 */
export class Pacer {
  private readonly started = performance.now();
  private readonly msPerToken: number;
  private chunks = 0;

  constructor(tokensPerSecond: number) {
    this.msPerToken = tokensPerSecond > 0 ? 1000 / tokensPerSecond : 0;
  }

  /**
   * What to await before sending the chunk that brings the total to `tokens`, or undefined when
   * it may go right away (no promise, no timer: the unpaced path stays allocation-free).
   */
  due(tokens: number, signal: AbortSignal): Promise<void> | undefined {
    if (signal.aborted) throw abortReason(signal);
    if (this.msPerToken === 0) {
      return ++this.chunks % YIELD_EVERY === 0 ? new Promise((resolve) => setImmediate(resolve)) : undefined;
    }
    const wait = this.started + tokens * this.msPerToken - performance.now();
    return wait >= 1 ? delay(wait, signal) : undefined;
  }
}
