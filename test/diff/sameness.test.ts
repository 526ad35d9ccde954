// The equality the diff walk asks of every sub-schema pair before recursing (`jsonSameness`), and
// the skips built on it: they must never hide a change, least of all one made through a `$ref`.
import { describe, expect, it } from "vitest";
import type { ToolDefinition } from "../../src/core/lockfile.js";
import { diffTools } from "../../src/diff/index.js";
import { DIFF_RECORDS } from "../../src/diff/rules/index.js";
import { DIFFERENT, EQUAL, EQUAL_WITH_REF, jsonEqual, jsonSameness } from "../../src/diff/schema.js";
import { attachWitnesses } from "../../src/diff/witness.js";

describe("jsonSameness", () => {
  it("is JSON equality: key order ignored, undefined members absent, array order kept", () => {
    expect(jsonSameness({ a: 1, b: [1, { c: "x" }] }, { b: [1, { c: "x" }], a: 1 })).toBe(EQUAL);
    expect(jsonSameness({ a: 1, b: undefined }, { a: 1 })).toBe(EQUAL);
    expect(jsonSameness({ a: 1 }, { a: 1, b: undefined })).toBe(EQUAL);
    expect(jsonSameness([1, 2], [2, 1])).toBe(DIFFERENT);
    expect(jsonSameness([1, 2], [1, 2, 3])).toBe(DIFFERENT);
    expect(jsonSameness({ a: 1 }, { a: 1, b: 2 })).toBe(DIFFERENT);
    expect(jsonSameness({ a: 1, b: 2 }, { a: 1, c: 2 })).toBe(DIFFERENT);
    expect(jsonSameness({ a: [] }, { a: {} })).toBe(DIFFERENT);
    expect(jsonSameness({ a: null }, { a: {} })).toBe(DIFFERENT);
    expect(jsonSameness("1", 1)).toBe(DIFFERENT);
    expect(jsonSameness(undefined, null)).toBe(DIFFERENT);
    expect(jsonSameness(undefined, undefined)).toBe(EQUAL);
    expect(jsonSameness(0, -0)).toBe(EQUAL);
  });

  it("agrees with canonical-text equality on __proto__, constructor and prototype keys", () => {
    const parsed = JSON.parse('{"__proto__": {"type": "string"}, "constructor": 1}');
    expect(jsonSameness(parsed, JSON.parse('{"constructor": 1, "__proto__": {"type": "string"}}'))).toBe(
      EQUAL,
    );
    // A missing own `__proto__` must not be read through to Object.prototype (which looks like `{}`).
    expect(jsonSameness(JSON.parse('{"__proto__": {}}'), {})).toBe(DIFFERENT);
    expect(jsonSameness({ constructor: {} }, {})).toBe(DIFFERENT);
    expect(jsonEqual(JSON.parse('{"prototype": {}}'), { prototype: {} })).toBe(true);
  });

  it("tells equal values containing a $ref apart (they may resolve differently)", () => {
    const withRef = () => ({ properties: { a: { $ref: "#/$defs/a" } } });
    expect(jsonSameness(withRef(), withRef())).toBe(EQUAL_WITH_REF);
    expect(jsonSameness({ items: [{ $dynamicRef: "#x" }] }, { items: [{ $dynamicRef: "#x" }] })).toBe(
      EQUAL_WITH_REF,
    );
    expect(jsonSameness(withRef(), withRef(), false)).toBe(EQUAL);
  });

  it("handles 100,000-deep values without overflowing the stack", () => {
    const deep = (leaf: unknown) => {
      let v: unknown = leaf;
      for (let i = 0; i < 100_000; i++) v = { x: [v] };
      return v;
    };
    expect(jsonSameness(deep(1), deep(1))).toBe(EQUAL);
    expect(jsonSameness(deep(1), deep(2))).toBe(DIFFERENT);
  });
});

describe("the walk skips only what cannot differ", () => {
  const tool = (inputSchema: unknown): ToolDefinition => ({ name: "t", inputSchema });

  it("a change made only in a $ref target is found under a reference that reads the same", () => {
    const schema = (type: string) => ({
      type: "object",
      properties: { a: { $ref: "#/$defs/id" }, b: { type: "string" } },
      $defs: { id: { type } },
    });
    const changes = diffTools("s", { t: tool(schema("string")) }, { t: tool(schema("integer")) });
    expect(changes.map((c) => [c.rule, c.pointer])).toEqual([
      ["param-type-changed", "/inputSchema/properties/a"],
    ]);
  });

  it("a change in a definition reached through $ref siblings is found too", () => {
    const schema = (max: number) => ({
      type: "object",
      properties: { a: { $ref: "#/definitions/n", description: "Count." } },
      definitions: { n: { type: "integer", maximum: max } },
    });
    const changes = diffTools("s", { t: tool(schema(10)) }, { t: tool(schema(5)) });
    expect(changes.map((c) => [c.rule, c.pointer])).toEqual([
      ["bound-tightened", "/inputSchema/properties/a/maximum"],
    ]);
  });

  it("allOf subschemas that differ only in type (equal keywords once normalised) are compared", () => {
    const schema = (type: string) => ({
      type: "object",
      properties: { a: { allOf: [{ type }, { description: "An id." }] } },
    });
    const changes = diffTools("s", { t: tool(schema("string")) }, { t: tool(schema("integer")) });
    expect(changes.map((c) => [c.rule, c.pointer])).toEqual([
      ["param-type-changed", "/inputSchema/properties/a/allOf/0"],
    ]);
  });

  it("an unchanged sub-schema deeper than the walk's limit is not reported as too deep", () => {
    const deep = () => {
      let d: unknown = { type: "string" };
      for (let i = 0; i < 1_000; i++) d = { type: "object", properties: { x: d } };
      return d;
    };
    const schema = (type: string) => ({ type: "object", properties: { p: { type }, d: deep() } });
    const changes = diffTools("s", { t: tool(schema("string")) }, { t: tool(schema("integer")) });
    expect(changes.map((c) => c.rule)).toEqual(["param-type-changed"]);
  });
});

describe("witnesses", () => {
  it("are the same whether or not the schema uses $ref (validator with and without its URI table)", () => {
    const plain = {
      type: "object",
      properties: { n: { type: "integer", maximum: 10 } },
      required: ["n"],
    };
    const referenced = {
      type: "object",
      properties: { n: { $ref: "#/$defs/n" } },
      required: ["n"],
      $defs: { n: { type: "integer", maximum: 10 } },
    };
    const tighten = <T>(s: T, set: (x: T) => void): T => {
      const copy = structuredClone(s);
      set(copy);
      return copy;
    };
    const plainAfter = tighten(plain, (s) => {
      s.properties.n.maximum = 5;
    });
    const refAfter = tighten(referenced, (s) => {
      s.$defs.n.maximum = 5;
    });
    const c1 = diffTools("s", { t: tool(plain) }, { t: tool(plainAfter) });
    const c2 = diffTools("s", { t: tool(referenced) }, { t: tool(refAfter) });
    expect(c1.map((c) => c.witness)).toEqual([{ n: 10 }]);
    expect(c2.map((c) => c.witness)).toEqual([{ n: 10 }]);
  });

  it("a search that finds nothing attaches nothing", () => {
    // The new schema rejects nothing the old accepted that the probes can reach (a pattern both
    // share makes every probe invalid before and after): no witness, and no error.
    const before = {
      type: "object",
      properties: { s: { type: "string", pattern: "^a+$" } },
      required: ["s"],
    };
    const after = structuredClone(before);
    const changes = [
      {
        rule: "bound-tightened",
        severity: "breaking" as const,
        server: "s",
        tool: "t",
        pointer: "/inputSchema/properties/s/maxLength",
        message: "m",
        before: 3,
      },
    ];
    attachWitnesses(changes, before, after, DIFF_RECORDS);
    expect(changes[0]).not.toHaveProperty("witness");
  });

  function tool(inputSchema: unknown): ToolDefinition {
    return { name: "t", inputSchema };
  }
});
