import { describe, expect, it } from "vitest";
import { dayLabel, formatInstanceHours, formatTokens, shareOf } from "./format";

describe("spend formatting", () => {
  it("instance hours read as a bill does", () => {
    expect([0, 90, 5400, 7200, 36_000_000, -7200].map(formatInstanceHours)).toEqual(["0 h", "0.03 h", "1.5 h", "2 h", "10,000 h", "-2 h"]);
  });

  it("tokens exact below a million, compact above", () => {
    expect([0, 999_999, 2_500_000, 3_210_000_000].map(formatTokens)).toEqual(["0", "999,999", "2.5M", "3.2B"]);
  });

  it("shares in percent with two decimals, none without a total or for refunds", () => {
    expect(shareOf(1n, 3n)).toBe(33.33);
    expect(shareOf(5n, 0n)).toBe(0);
    expect(shareOf(-5n, 10n)).toBe(0);
    expect(shareOf(10n ** 20n, 10n ** 20n)).toBe(100);
  });

  it("labels days in UTC, whatever the reader's zone", () => {
    expect(dayLabel("2026-11-01")).toBe("Nov 1");
    expect(dayLabel("2026-12-31", true)).toBe("Dec 31, 2026");
  });
});
