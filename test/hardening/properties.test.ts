// Properties that must hold for every input, not only the hand-picked ones: the canonical form, the
// lockfile format and the direction of the diff. Generated with fast-check; numRuns stays modest so the
// suite stays fast, and a failure prints the seed and the shrunk counterexample to replay it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, hashTool } from "../../src/canonical/index.js";
import type { Lockfile, ToolDefinition } from "../../src/core/lockfile.js";
import { diffTools } from "../../src/diff/index.js";
import { lockServer } from "../../src/lockfile/build.js";
import { serializeLockfile } from "../../src/lockfile/io.js";
import { parseLockfile } from "../../src/lockfile/parse.js";

const RUNS = { numRuns: 60 };

/** The same JSON value with every object's keys in reverse insertion order (arrays keep their order). */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).reverse())
    Object.defineProperty(out, key, {
      value: reverseKeys((value as Record<string, unknown>)[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/);

/** A JSON Schema of the shapes MCP servers send: typed leaves with constraints, objects, arrays, unions. */
const { schema } = fc.letrec((tie) => ({
  schema: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record(
      {
        type: fc.constant("string"),
        maxLength: fc.nat(50),
        enum: fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 4 }),
        description: fc.string(),
      },
      { requiredKeys: ["type"] },
    ),
    fc.record(
      { type: fc.constantFrom("integer", "number"), minimum: fc.integer(), description: fc.string() },
      { requiredKeys: ["type"] },
    ),
    fc.constant({ type: "boolean" }),
    tie("object"),
    fc.record({ type: fc.constant("array"), items: tie("schema") }),
    fc.record({ anyOf: fc.array(tie("schema"), { minLength: 1, maxLength: 3 }) }),
  ),
  object: fc
    .dictionary(name, tie("schema"), { maxKeys: 4 })
    .chain((properties) =>
      fc.subarray(Object.keys(properties)).map((required) => ({ type: "object", properties, required })),
    ),
}));

const rootSchema = fc
  .constant(null)
  .chain(() =>
    fc
      .dictionary(name, schema, { maxKeys: 4 })
      .chain((properties) =>
        fc
          .subarray(Object.keys(properties))
          .map((required) => ({ type: "object", properties, required }) as Record<string, unknown>),
      ),
  );

const tool = fc.record(
  {
    name,
    description: fc.string(),
    inputSchema: rootSchema,
    outputSchema: rootSchema,
    annotations: fc.record(
      { readOnlyHint: fc.boolean(), destructiveHint: fc.boolean(), title: fc.string() },
      { requiredKeys: [] },
    ),
    _meta: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  },
  { requiredKeys: ["name", "inputSchema"] },
) as fc.Arbitrary<ToolDefinition>;

const tools = fc.uniqueArray(tool, { selector: (t) => t.name, maxLength: 5 });

describe("canonical form", () => {
  it("is idempotent: canonicalising the parsed canonical text gives the same text", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it("does not depend on key order", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(reverseKeys(value))).toBe(canonicalJson(value));
      }),
      { numRuns: 200 },
    );
  });

  it("hashTool does not depend on key order", () => {
    fc.assert(
      fc.property(tool, (t) => {
        expect(hashTool(reverseKeys(t) as ToolDefinition)).toBe(hashTool(t));
      }),
      RUNS,
    );
  });

  it("the server hash and entry do not depend on tool order", () => {
    fc.assert(
      fc.property(tools, fc.infiniteStream(fc.nat()), (list, stream) => {
        // A random permutation of the same tools, each with its keys reordered too.
        const order = list.map((t, i) => ({ t, k: stream.next().value + i / 1000 }));
        const shuffled = order.sort((x, y) => x.k - y.k).map((x) => reverseKeys(x.t) as ToolDefinition);
        const a = lockServer({ tools: list });
        const b = lockServer({ tools: shuffled });
        expect(b.hash).toBe(a.hash);
        const lock = (entry: typeof a): Lockfile => ({ lockfileVersion: 1, servers: { s: entry } });
        expect(serializeLockfile(lock(b))).toBe(serializeLockfile(lock(a)));
      }),
      RUNS,
    );
  });
});

describe("the lockfile", () => {
  it("round-trips exactly: serialize(parse(serialize(l))) === serialize(l)", () => {
    fc.assert(
      fc.property(
        fc.dictionary(name, tools, { minKeys: 1, maxKeys: 3 }),
        fc.option(fc.record({ name: fc.string(), version: fc.string() }), { nil: undefined }),
        (servers, serverInfo) => {
          const lock: Lockfile = { lockfileVersion: 1, servers: {} };
          for (const [server, list] of Object.entries(servers))
            lock.servers[server] = lockServer({ tools: list, serverInfo, protocolVersion: "2025-06-18" });
          const text = serializeLockfile(lock);
          expect(serializeLockfile(parseLockfile(text, "prop.lock.json"))).toBe(text);
        },
      ),
      RUNS,
    );
  });
});

const byName = (list: ToolDefinition[]) => Object.fromEntries(list.map((t) => [t.name, t]));

describe("the diff", () => {
  it("diff(a, a) is empty", () => {
    fc.assert(
      fc.property(tools, (list) => {
        // A deep copy, so no shortcut on object identity hides a difference.
        expect(diffTools("s", byName(list), byName(structuredClone(list)))).toEqual([]);
      }),
      RUNS,
    );
  });

  /** Known narrowings of an input schema: each is breaking one way and safe the other way. */
  const narrowings = {
    "remove an enum value": (s: Record<string, unknown>, values: string[]) => {
      const props = s.properties as Record<string, unknown>;
      const a = { ...s, properties: { ...props, zz_mode: { type: "string", enum: values } } };
      const b = { ...s, properties: { ...props, zz_mode: { type: "string", enum: values.slice(1) } } };
      return [a, b];
    },
    "make an optional parameter required": (s: Record<string, unknown>) => {
      const props = s.properties as Record<string, unknown>;
      const required = (s.required as string[]).filter((r) => r !== "zz_opt");
      const a = { ...s, properties: { ...props, zz_opt: { type: "string" } }, required };
      const b = { ...a, required: [...required, "zz_opt"] };
      return [a, b];
    },
    "tighten maxLength": (s: Record<string, unknown>, _v: string[], n: number) => {
      const props = s.properties as Record<string, unknown>;
      const a = { ...s, properties: { ...props, zz_text: { type: "string", maxLength: n + 1 } } };
      const b = { ...s, properties: { ...props, zz_text: { type: "string", maxLength: n } } };
      return [a, b];
    },
  } satisfies Record<string, (s: Record<string, unknown>, v: string[], n: number) => unknown[]>;

  for (const [label, narrow] of Object.entries(narrowings)) {
    it(`narrowing a→b is widening b→a: ${label}`, () => {
      fc.assert(
        fc.property(
          rootSchema,
          fc.uniqueArray(fc.string(), { minLength: 2, maxLength: 5 }),
          fc.nat(100),
          (root, values, n) => {
            const [a, b] = narrow(root, values, n);
            const before = { t: { name: "t", inputSchema: a } as ToolDefinition };
            const after = { t: { name: "t", inputSchema: b } as ToolDefinition };
            const forward = diffTools("s", before, after);
            const backward = diffTools("s", after, before);
            expect(forward.filter((c) => c.severity === "breaking").length).toBeGreaterThan(0);
            expect(backward.filter((c) => c.severity === "breaking")).toEqual([]);
          },
        ),
        RUNS,
      );
    });
  }
});
