// The semantic diff on hostile nesting: 10,000 levels through properties, items or
// additionalProperties ends with `schema-too-deep` (or nothing, when the schema did not change), never
// a stack overflow. Nested nullable unions fold (below); other nested unions: test/diff/deep-unions.test.ts.
import { describe, expect, it } from "vitest";
import type { ToolDefinition } from "../../src/core/lockfile.js";
import { MAX_SCHEMA_DEPTH } from "../../src/diff/engine.js";
import { diffTools } from "../../src/diff/index.js";

const wraps: Record<string, (s: unknown) => unknown> = {
  properties: (s) => ({ type: "object", properties: { x: s }, required: ["x"] }),
  items: (s) => ({ type: "array", items: s }),
  additionalProperties: (s) => ({ type: "object", additionalProperties: s }),
};

/** `depth` nested schemas, built without recursion. */
function deep(depth: number, leaf: unknown, via: string): ToolDefinition {
  let schema: unknown = leaf;
  for (let i = 0; i < depth; i++) schema = wraps[via]!(schema);
  return {
    name: "deep",
    inputSchema: schema as Record<string, unknown>,
    outputSchema: schema as Record<string, unknown>,
  };
}

describe("diffTools on 10,000-deep schemas", () => {
  for (const via of Object.keys(wraps)) {
    it(`nested through ${via}: a change below the limit is schema-too-deep`, () => {
      const before = { deep: deep(10_000, { type: "string", enum: ["a", "b"] }, via) };
      const after = { deep: deep(10_000, { type: "string", enum: ["a"] }, via) };
      const changes = diffTools("s", before, after);
      const deepOnes = changes.filter((c) => c.rule === "schema-too-deep");
      expect(deepOnes.map((c) => c.pointer.split("/")[1])).toEqual(["inputSchema", "outputSchema"]);
      expect(deepOnes[0]!.severity).toBe("breaking");
      expect(deepOnes[0]!.message).toBe(
        `The input schema of \`deep\` nests more than ${MAX_SCHEMA_DEPTH} JSON Pointer segments deep; it was compared only down to that depth.`,
      );
      // Unchanged deep schemas are equal and cost nothing.
      expect(
        diffTools("s", before, { deep: deep(10_000, { type: "string", enum: ["a", "b"] }, via) }),
      ).toEqual([]);
    }, 60_000);
  }

  it("a change above the limit is still reported as usual next to schema-too-deep", () => {
    const leaf = deep(10_000, { type: "string" }, "properties").inputSchema;
    const a: ToolDefinition = {
      name: "t",
      inputSchema: { type: "object", properties: { p: { type: "string" }, d: leaf } },
    };
    const b: ToolDefinition = {
      name: "t",
      inputSchema: {
        type: "object",
        properties: { p: { type: "integer" }, d: deep(10_000, { type: "number" }, "properties").inputSchema },
      },
    };
    const rules = diffTools("s", { t: a }, { t: b }).map((c) => c.rule);
    expect(rules).toContain("param-type-changed");
    expect(rules).toContain("schema-too-deep");
  }, 60_000);

  it("schemas just under the limit are compared in full", () => {
    const before = { deep: deep(100, { type: "string", enum: ["a", "b"] }, "items") };
    const after = { deep: deep(100, { type: "string", enum: ["a"] }, "items") };
    const rules = diffTools("s", before, after).map((c) => c.rule);
    expect(rules).toContain("enum-value-removed");
    expect(rules).not.toContain("schema-too-deep");
  });
});

describe("deep unions", () => {
  it("10,000 nested nullable anyOf are folded into one node and compared in full, never a crash", () => {
    const nest = (leaf: unknown) => {
      let schema: unknown = leaf;
      for (let i = 0; i < 10_000; i++) schema = { anyOf: [schema, { type: "null" }] };
      return { type: "object", properties: { deep: schema } };
    };
    const before = { t: { name: "t", inputSchema: nest({ type: "string" }) } };
    const after = { t: { name: "t", inputSchema: nest({ type: "integer" }) } };
    const changes = diffTools("s", before, after);
    expect(changes.map((c) => [c.rule, c.severity, c.pointer])).toEqual([
      ["param-type-changed", "breaking", "/inputSchema/properties/deep"],
    ]);
  }, 240_000);
});
