// Deeply nested unions: compared down to the walk's limit, and only what lies below it reported as
// `schema-too-deep`, at the pointer where the walk stopped (not at the schema root). Nullable
// chains (`anyOf: [X, {type: "null"}]` inside each other) fold into one node at any depth.
import { describe, expect, it } from "vitest";
import type { ToolDefinition } from "../../src/core/lockfile.js";
import { MAX_SCHEMA_DEPTH } from "../../src/diff/engine.js";
import { diffTools } from "../../src/diff/index.js";

const wraps: Record<string, (s: unknown) => unknown> = {
  anyOf: (s) => ({ anyOf: [s, { type: "boolean" }] }),
  oneOf: (s) => ({ oneOf: [s, { type: "boolean" }] }),
  allOf: (s) => ({ allOf: [s, { description: "layer" }] }),
};

function tool(
  depth: number,
  leaf: unknown,
  via: string,
  extra: Record<string, unknown> = {},
): ToolDefinition {
  let schema: unknown = leaf;
  for (let i = 0; i < depth; i++) schema = wraps[via]!(schema);
  return { name: "t", inputSchema: { type: "object", properties: { deep: schema, ...extra } } };
}

const segments = (pointer: string) => pointer.split("/").length - 1;

describe("unions nested 2,000 deep", () => {
  for (const via of Object.keys(wraps)) {
    it(`through ${via}: schema-too-deep where the walk stopped, below the changed path`, () => {
      const changes = diffTools(
        "s",
        { t: tool(2_000, { type: "string" }, via) },
        { t: tool(2_000, { type: "integer" }, via) },
      );
      expect(changes.map((c) => c.rule)).toEqual(["schema-too-deep"]);
      const pointer = changes[0]!.pointer;
      expect(pointer.startsWith(`/inputSchema/properties/deep/${via}/0/${via}/0/`)).toBe(true);
      expect(segments(pointer)).toBeGreaterThan(MAX_SCHEMA_DEPTH);
      expect(segments(pointer)).toBeLessThanOrEqual(MAX_SCHEMA_DEPTH + 10);
    }, 60_000);
  }

  it("a change above the limit is reported next to it, and an unchanged deep union costs nothing", () => {
    const changes = diffTools(
      "s",
      { t: tool(2_000, { type: "string" }, "anyOf", { p: { type: "string" } }) },
      { t: tool(2_000, { type: "integer" }, "anyOf", { p: { type: "integer" } }) },
    );
    expect(changes.map((c) => [c.rule, c.pointer.slice(0, 40)]).sort()).toEqual([
      ["param-type-changed", "/inputSchema/properties/p"],
      ["schema-too-deep", "/inputSchema/properties/deep/anyOf/0/any"],
    ]);
    const same = diffTools(
      "s",
      { t: tool(10_000, { type: "string" }, "oneOf", { p: { type: "string" } }) },
      { t: tool(10_000, { type: "string" }, "oneOf", { p: { type: "integer" } }) },
    );
    expect(same.map((c) => c.rule)).toEqual(["param-type-changed"]);
  }, 60_000);
});

describe("nullable chains", () => {
  it("fold at any depth: 300 nested nullable anyOf/oneOf read as one nullable node", () => {
    const chain = (leaf: unknown) => {
      let s: unknown = leaf;
      for (let i = 0; i < 300; i++)
        s = i % 2 ? { anyOf: [s, { type: "null" }] } : { oneOf: [{ type: "null" }, s] };
      return s;
    };
    const before: ToolDefinition = {
      name: "t",
      inputSchema: { type: "object", properties: { x: chain({ type: "string", enum: ["a", "b"] }) } },
    };
    const after: ToolDefinition = {
      name: "t",
      inputSchema: { type: "object", properties: { x: { type: "string", enum: ["a"] } } },
    };
    expect(
      diffTools("s", { t: before }, { t: after })
        .map((c) => [c.rule, c.pointer])
        .sort(),
    ).toEqual([
      ["enum-value-removed", "/inputSchema/properties/x/enum"],
      ["nullable-removed", "/inputSchema/properties/x"],
    ]);
  });

  it("a chain that loops back through $ref stops folding and still diffs in finite time", () => {
    const schema = (description: string) => ({
      type: "object",
      properties: { x: { $ref: "#/$defs/n" } },
      $defs: { n: { description, anyOf: [{ $ref: "#/$defs/n" }, { type: "null" }] } },
    });
    const changes = diffTools(
      "s",
      { t: { name: "t", inputSchema: schema("A list.") } },
      { t: { name: "t", inputSchema: schema("A longer list.") } },
    );
    expect(changes.map((c) => c.rule)).toContain("param-description-changed");
    expect(changes.map((c) => c.rule)).not.toContain("schema-too-deep");
  });
});
