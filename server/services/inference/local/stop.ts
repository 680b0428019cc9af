/**
 * Stop sequences over a stream: text that might be the beginning of a stop sequence is held back
 * until the next pieces show whether it is one, so a stop sequence split across chunks is still
 * caught and never partly sent.
 */
export class StopMatcher {
  private readonly stops: string[];
  private held = "";
  stopped = false;

  constructor(stops: readonly string[]) {
    this.stops = stops.filter((stop) => stop.length > 0);
  }

  get active(): boolean {
    return this.stops.length > 0;
  }

  /** Feeds generated text; returns what can be sent now (possibly ""). Sets `stopped` on a match. */
  push(text: string): string {
    const pending = this.held + text;
    // A token-by-token generator halts as soon as a stop sequence is complete, so the match that
    // ends first wins (the longer one on a tie), whatever the chunking.
    let at = -1;
    let end = Infinity;
    for (const stop of this.stops) {
      const i = pending.indexOf(stop);
      if (i >= 0 && (i + stop.length < end || (i + stop.length === end && i < at))) {
        at = i;
        end = i + stop.length;
      }
    }
    if (at >= 0) {
      this.stopped = true;
      this.held = "";
      return pending.slice(0, at);
    }
    const hold = this.holdLength(pending);
    this.held = hold > 0 ? pending.slice(pending.length - hold) : "";
    return hold > 0 ? pending.slice(0, pending.length - hold) : pending;
  }

  /** What was held back, once the generation is over without a match. */
  flush(): string {
    const rest = this.held;
    this.held = "";
    return rest;
  }

  /** Length of the longest suffix of `text` that begins some stop sequence (shorter than it). */
  private holdLength(text: string): number {
    let hold = 0;
    for (const stop of this.stops) {
      const first = stop.charCodeAt(0);
      // Scanning from the left finds this stop's longest candidate first; only longer ones matter.
      for (let i = Math.max(0, text.length - stop.length + 1); i < text.length - hold; i++) {
        if (text.charCodeAt(i) === first && stop.startsWith(text.slice(i))) {
          hold = text.length - i;
          break;
        }
      }
    }
    return hold;
  }
}
