import { describe, expect, it } from "vitest";
import { formatCount, formatUsd } from "./format";

describe("formatUsd", () => {
  it.each([
    [0n, "$0.00"],
    [1_000_000_000n, "$1.00"],
    [25_500_000_000n, "$25.50"],
    [1_234_567_890_000n, "$1,234.57"],
    [1_000_000_000_000_000n, "$1,000,000.00"],
    [1_004_999_999n, "$1.00"],
    [1_005_000_000n, "$1.01"],
    [500_000_000n, "$0.50"],
    [123_456_789n, "$0.1235"],
    [10_000_000n, "$0.01"],
    [9_999_999n, "$0.01"],
    [1_234_567n, "$0.001235"],
    [1_500n, "$0.000002"],
    [1_000n, "$0.000001"],
    [499n, "<$0.000001"],
    [-2_500_000_000n, "-$2.50"],
  ])("%s nano-USD → %s", (nano, text) => {
    expect(formatUsd(nano)).toBe(text);
  });
});

describe("formatCount", () => {
  it("groups thousands", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(1234567)).toBe("1,234,567");
  });
});
