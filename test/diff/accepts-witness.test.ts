// A "no" from subsumption (src/diff/accepts.ts) is the finding's witness: the engine hands the value it
// found to attachWitnesses (src/diff/witness.ts), which places it where it sits in the arguments and
// keeps it only when the whole old inputSchema accepts it and the new one rejects it. Checked here
// with ajv, independently of the validator the engine uses.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, test } from "vitest";
import type { ToolDefinition } from "../../src/core/lockfile.js";
import { diffTools } from "../../src/diff/index.js";

const ROOT = join(import.meta.dirname, "../../fixtures/rules");
const ajv = new Ajv2020({ strict: false, allErrors: true });

function side(dir: string, name: string): Record<string, ToolDefinition> {
  const file = JSON.parse(readFileSync(join(ROOT, dir, `${name}.json`), "utf8")) as {
    tools: ToolDefinition[];
  };
  return Object.fromEntries(file.tools.map((t) => [t.name, t]));
}

describe("witnesses from subsumption", () => {
  test.each([
    // Each rule asks accepts() for its verdict; its counterexample is the witness.
    ["branch-removed/fires", "branch-removed", { a: 0 }],
    ["schema-narrowed/fires-any-of-to-overlapping-one-of", "schema-narrowed", { a: 0 }],
    ["contains-tightened/fires-narrower", "contains-tightened", { point: [""] }],
    ["dependent-schema-tightened/fires", "dependent-schema-tightened", { card: "" }],
    ["all-of-added/fires", "all-of-added", { a: {} }],
    // A split union that narrows: judged by the union as a whole, the witness from the pair's rule.
    ["param-type-changed/fires-union-split-narrower", "param-type-changed", { a: 1.5 }],
  ])("%s", (dir, rule, witness) => {
    const before = side(dir, "before");
    const after = side(dir, "after");
    const changes = diffTools("s", before, after).filter((c) => c.rule === rule);
    expect(changes.map((c) => c.witness)).toEqual([witness]);
    const [name] = Object.keys(before);
    const valid = (tools: Record<string, ToolDefinition>) =>
      ajv.compile(tools[name as string]?.inputSchema as object)(witness) === true;
    expect(valid(before), "the old inputSchema accepts the witness").toBe(true);
    expect(valid(after), "the new inputSchema rejects the witness").toBe(false);
  });
});
