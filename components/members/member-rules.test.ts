import { describe, expect, it } from "vitest";
import { formatLastActive, grantableRoles, leaveBlocker, rowActions } from "./member-rules";

const row = (role: "owner" | "admin" | "developer" | "billing" | "viewer", isYou = false) => ({ userId: `usr_${role}`, name: `Pat ${role}`, role, isYou });

describe("grantableRoles", () => {
  it("never goes above the caller's own role", () => {
    expect(grantableRoles("owner")).toEqual(["owner", "admin", "developer", "billing", "viewer"]);
    expect(grantableRoles("admin")).toEqual(["admin", "developer", "billing", "viewer"]);
  });
});

describe("rowActions", () => {
  it("offers nothing to roles that cannot manage members", () => {
    for (const role of ["developer", "billing", "viewer"] as const) expect(rowActions(role, row("viewer"), 1)).toBeNull();
  });

  it("lets an owner do everything to others, and hand over ownership to non-owners", () => {
    expect(rowActions("owner", row("developer"), 1)).toEqual({ changeRole: { allowed: true }, remove: { allowed: true }, makeOwner: true });
    expect(rowActions("owner", row("owner"), 2)).toEqual({ changeRole: { allowed: true }, remove: { allowed: true }, makeOwner: false });
  });

  it("explains why an admin cannot touch an owner", () => {
    expect(rowActions("admin", row("owner"), 2)).toEqual({
      changeRole: { allowed: false, reason: "Only an owner can change an owner's role." },
      remove: { allowed: false, reason: "Only an owner can remove an owner." },
      makeOwner: false,
    });
    expect(rowActions("admin", row("admin"), 1)).toMatchObject({ changeRole: { allowed: true }, remove: { allowed: true }, makeOwner: false });
  });

  it("keeps the last owner an owner, and sends people removing themselves to Leave", () => {
    expect(rowActions("owner", row("owner", true), 1)).toEqual({
      changeRole: { allowed: false, reason: "You are the only owner. Make someone else owner first." },
      remove: null,
      makeOwner: false,
    });
    expect(rowActions("owner", row("owner", true), 2)?.changeRole).toEqual({ allowed: true });
  });
});

describe("leaveBlocker", () => {
  it("stops only the last owner", () => {
    expect(leaveBlocker("owner", 1)).toMatch(/only owner/);
    expect(leaveBlocker("owner", 2)).toBeNull();
    expect(leaveBlocker("viewer", 1)).toBeNull();
  });
});

describe("formatLastActive", () => {
  const now = new Date("2030-05-10T12:00:00Z");
  const ago = (ms: number) => new Date(now.getTime() - ms);
  it.each([
    [null, "Never"],
    [ago(4 * 60_000), "Just now"],
    [ago(5 * 60_000), "5 min ago"],
    [ago(59 * 60_000), "59 min ago"],
    [ago(3 * 3_600_000), "3 h ago"],
    [ago(30 * 3_600_000), "Yesterday"],
    [ago(4 * 86_400_000), "4 days ago"],
    [new Date("2030-01-02T12:00:00Z"), "Jan 2, 2030"],
  ])("%s → %s", (value, text) => {
    expect(formatLastActive(value, now)).toBe(text);
  });
});
