import { describe, expect, it } from "vitest";
import { parseCreditsArgs, UsageError } from "./credits-args";

const usageError = (argv: string[]) => {
  try {
    parseCreditsArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`expected ${argv.join(" ")} to be refused`);
};

describe("npm run credits arguments", () => {
  it("reads a grant, with the amount exact and the expiry at 00:00 UTC", () => {
    expect(parseCreditsArgs(["grant", "--team", "acme", "--amount", "100", "--reason", "Startup program", "--expires", "2027-03-01"])).toEqual({
      command: "grant",
      team: "acme",
      amountNano: 100_000_000_000n,
      reason: "Startup program",
      expiresAt: new Date("2027-03-01T00:00:00Z"),
      grantedBy: "operator",
    });
    expect(parseCreditsArgs(["grant", "--team", "team_abc", "--amount", "$1,234.000000001", "--reason", "x", "--expires", "2027-03-01T12:30:00+02:00", "--by", "Dana"])).toMatchObject({
      amountNano: 1_234_000_000_001n,
      expiresAt: new Date("2027-03-01T10:30:00Z"),
      grantedBy: "Dana",
    });
    expect(parseCreditsArgs(["grant", "--team", "acme", "--amount", "5", "--reason", "x"])).toMatchObject({ expiresAt: null });
  });

  it("reads list and help", () => {
    expect(parseCreditsArgs(["list", "--team", "acme"])).toEqual({ command: "list", team: "acme" });
    expect(parseCreditsArgs(["--help"])).toEqual({ command: "help" });
  });

  it.each([
    [[], "Give a command: grant or list."],
    [["refund", "--team", "acme"], "Unknown command “refund”: use grant or list."],
    [["list"], "--team is required: the team's URL slug or its id."],
    [["list", "--team", "acme", "--amount", "5"], "--amount is for grant, not list."],
    [["grant", "--team", "acme", "--reason", "x"], "--amount is required, in US dollars, e.g. --amount 100."],
    [["grant", "--team", "acme", "--amount", "ten", "--reason", "x"], "--amount must be an amount in US dollars, e.g. 100 or 12.50, got “ten”."],
    [["grant", "--team", "acme", "--amount", "1.0000000001", "--reason", "x"], "--amount must be an amount in US dollars, e.g. 100 or 12.50, got “1.0000000001”."],
    [["grant", "--team", "acme", "--amount", "5"], '--reason is required, e.g. --reason "Startup program".'],
    [["grant", "--team", "acme", "--amount", "5", "--reason", "Startup", "program"], "Unexpected argument “program”. Quote a reason that has spaces."],
    [["grant", "--team", "acme", "--amount", "5", "--reason", "x", "--expires", "2027-02-30"], "--expires must be a date such as 2027-03-01"],
    [["grant", "--team", "acme", "--amount", "5", "--reason", "x", "--expires", "2027-03-01T12:00"], "--expires must be a date such as 2027-03-01"],
    [["grant", "--team", "acme", "--amount", "5", "--reason", "x", "--colour", "red"], "Unknown option '--colour'"],
  ])("refuses %j with a message saying what to fix", (argv, message) => {
    expect(usageError(argv)).toContain(message);
  });
});
