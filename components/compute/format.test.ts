import { describe, expect, it } from "vitest";
import { formatDuration, formatPerHour } from "./format";

describe("compute formatting", () => {
  it.each([
    [0, "0s"],
    [45, "45s"],
    [754, "12m 34s"],
    [11_520, "3h 12m"],
    [190_800, "2d 5h"],
  ])("%d seconds → %s", (seconds, text) => expect(formatDuration(seconds)).toBe(text));

  it("prices per hour keep their cents", () => {
    expect(formatPerHour("2990000000")).toBe("$2.99/hr");
    expect(formatPerHour(23_920_000_000n)).toBe("$23.92/hr");
  });
});
