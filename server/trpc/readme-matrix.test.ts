import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROLE_SCOPES, ROLES } from "@/server/services/teams/permissions";
import { listProcedures } from "./testing";

/**
 * The README's "Roles and scopes" matrix is what people read to learn who may do what; this test
 * holds it and `ROLE_SCOPES` to be the same table, cell for cell, and every scope a procedure
 * checks to be a row of it.
 */

type Matrix = Record<string, Record<string, boolean>>;

const README = readFileSync(path.join(import.meta.dirname, "../../README.md"), "utf8");

/** The `| scope | owner | … |` table under "## Roles and scopes": scope → role → ✓. */
function readmeMatrix(markdown: string): { roles: string[]; matrix: Matrix } {
  const section = markdown.split(/^## /m).find((s) => s.startsWith("Roles and scopes\n"));
  if (!section) throw new Error('README.md has no "## Roles and scopes" section');
  const lines = section.split("\n");
  const header = lines.findIndex((line) => /^\|\s*scope\s*\|/.test(line));
  if (header < 0) throw new Error('The "Roles and scopes" section has no "| scope | owner | … |" table');
  const cells = (line: string) => line.trim().replace(/^\||\|$/g, "").split("|").map((cell) => cell.trim());
  const roles = cells(lines[header]!).slice(1);
  const matrix: Matrix = {};
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith("|")) break;
    const [first = "", ...marks] = cells(line);
    const scope = /^`([^`]+)`/.exec(first)?.[1];
    if (!scope) throw new Error(`A row of the README's matrix names no \`scope\`: ${line}`);
    if (scope in matrix) throw new Error(`The README's matrix lists \`${scope}\` twice`);
    const unknown = marks.filter((mark) => mark !== "" && mark !== "✓");
    if (unknown.length > 0 || marks.length !== roles.length) throw new Error(`The README's row for \`${scope}\` needs one ✓ or blank cell per role: ${line}`);
    matrix[scope] = Object.fromEntries(roles.map((role, i) => [role, marks[i] === "✓"]));
  }
  return { roles, matrix };
}

/** permissions.ts as the same shape: every scope any role holds, with a ✓ where the role holds it. */
function codeMatrix(): Matrix {
  const scopes = [...new Set(ROLES.flatMap((role) => ROLE_SCOPES[role] as readonly string[]))];
  return Object.fromEntries(
    scopes.map((scope) => [scope, Object.fromEntries(ROLES.map((role) => [role, (ROLE_SCOPES[role] as readonly string[]).includes(scope)]))]),
  );
}

/** Every cell where the README and permissions.ts disagree, in words. */
function differences(readme: Matrix, code: Matrix): string[] {
  const out: string[] = [];
  for (const scope of Object.keys(code)) if (!(scope in readme)) out.push(`README.md has no row for \`${scope}\`, which permissions.ts grants`);
  for (const scope of Object.keys(readme)) if (!(scope in code)) out.push(`README.md has a row for \`${scope}\`, which no role holds in permissions.ts`);
  for (const scope of Object.keys(code).filter((s) => s in readme)) {
    for (const role of ROLES) {
      const documented = readme[scope]![role] ?? false;
      const granted = code[scope]![role] ?? false;
      if (documented !== granted) {
        out.push(`\`${scope}\` × ${role}: README.md shows ${documented ? "✓" : "blank"}, permissions.ts ${granted ? "grants it" : "does not grant it"}`);
      }
    }
  }
  return out;
}

const { roles, matrix } = readmeMatrix(README);
const procedures = listProcedures();

describe("the README's roles and scopes matrix", () => {
  it("has a column per role, in the order of permissions.ts", () => {
    expect(roles).toEqual([...ROLES]);
  });

  it("is ROLE_SCOPES exactly: every scope a row, no other rows, every ✓ where the role holds the scope", () => {
    expect(differences(matrix, codeMatrix()), "README.md and server/services/teams/permissions.ts disagree").toEqual([]);
  });

  it("the comparison names the cell that differs", () => {
    const changed = structuredClone(matrix);
    changed["keys:write"]!.viewer = true;
    delete changed["audit:read"];
    changed["made:up"] = Object.fromEntries(ROLES.map((role) => [role, false]));
    expect(differences(changed, codeMatrix())).toEqual([
      "README.md has no row for `audit:read`, which permissions.ts grants",
      "README.md has a row for `made:up`, which no role holds in permissions.ts",
      "`keys:write` × viewer: README.md shows ✓, permissions.ts does not grant it",
    ]);
  });

  it("the parser refuses a row it cannot read", () => {
    const table = "## Roles and scopes\n\n| scope | owner |\n|---|:-:|\n| `team:read` — see | yes |\n";
    expect(() => readmeMatrix(table)).toThrow("needs one ✓ or blank cell per role");
  });
});

describe("the scopes procedures check", () => {
  it("every team procedure checks exactly one scope with requires(), and no other procedure checks any", () => {
    const wrong = procedures.filter((p) => (p.team ? p.scopes.length !== 1 : p.scopes.length !== 0)).map((p) => `${p.path}: ${p.scopes.join(", ") || "none"}`);
    expect(wrong).toEqual([]);
  });

  it("every scope a procedure checks is a row of the README's matrix", () => {
    const undocumented = procedures.flatMap((p) => p.scopes.filter((scope) => !(scope in matrix)).map((scope) => `${p.path}: ${scope}`));
    expect(undocumented).toEqual([]);
    expect(procedures.filter((p) => p.team).length).toBeGreaterThan(40);
  });
});
