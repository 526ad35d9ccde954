import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import type { Lockfile, ToolDefinition } from "../../src/core/lockfile.js";
import { type Change, diffLockfiles, diffTools, requiredBump } from "../../src/diff/index.js";
import { DIFF_RECORDS } from "../../src/diff/rules/index.js";
import { actualBump } from "../../src/diff/semver.js";
import { wordChanges } from "../../src/diff/words.js";
import { CORPUS } from "../helpers/corpus.js";

const tool = (inputSchema: unknown, extra: Record<string, unknown> = {}): ToolDefinition => ({
  name: "t",
  inputSchema,
  ...extra,
});
const obj = (properties: Record<string, unknown>, required?: string[]) => ({
  type: "object",
  properties,
  ...(required ? { required } : {}),
});

/** Input narrowing → what the same change reads as when before and after are swapped. */
/** Rules whose edit read backwards is not always its inverse's finding, and why. */
const NOT_EXACT: Record<string, string> = {
  "branch-added":
    "read backwards the alternative is removed, reported only when no other one accepts what it did",
  "schema-narrowed": "a oneOf whose alternatives overlap narrows, and has no widening counterpart",
};

/**
 * Each rule's inverse, from its record: what the same edit reads as with before and after swapped.
 * Not the annotations (meta family): one moved into a union's alternative is compared where it
 * moved (`deferredAnnotations`), so read backwards it may be reported at the other level.
 */
const REVERSED: Record<string, readonly string[]> = Object.fromEntries(
  [...DIFF_RECORDS.values()]
    .filter((r) => r.inverse.length > 0 && r.family !== "meta" && !Object.hasOwn(NOT_EXACT, r.id))
    .map((r) => [r.id, r.inverse]),
);

/** A one-sided union is pointed at through its alternative on one side only: compare pointers without branch steps. */
const unbranched = (pointer: string) => pointer.replace(/\/(anyOf|oneOf)\/\d+/g, "");

function checkSwap(forward: Change[], backward: Change[]): string[] {
  const problems: string[] = [];
  for (const c of forward) {
    const expected = REVERSED[c.rule];
    if (!expected || !c.pointer.startsWith("/inputSchema")) continue;
    // A rename points at the old name: read backwards, that is the successor's.
    const pointer =
      c.rule === "param-renamed"
        ? `${c.pointer.slice(0, c.pointer.lastIndexOf("/"))}/${String(c.after)}`
        : c.pointer;
    const found = backward.some(
      (r) => r.tool === c.tool && expected.includes(r.rule) && unbranched(r.pointer) === unbranched(pointer),
    );
    if (!found) problems.push(`${c.tool} ${c.rule} ${c.pointer}`);
  }
  return problems;
}

describe("diffTools", () => {
  it("swapping before and after reads every input change as its record's inverse (fixtures and corpus)", () => {
    const fixtures = join(import.meta.dirname, "../../fixtures/rules");
    let checked = 0;
    const read = (dir: string, f: string) =>
      JSON.parse(readFileSync(join(dir, f), "utf8")) as { tools?: ToolDefinition[] };
    const sides: [Record<string, ToolDefinition>, Record<string, ToolDefinition>][] = [];
    for (const rule of readdirSync(fixtures)) {
      for (const name of readdirSync(join(fixtures, rule))) {
        const dir = join(fixtures, rule, name);
        const a = read(dir, "before.json").tools;
        const b = read(dir, "after.json").tools;
        if (!a || !b) continue;
        sides.push([
          Object.fromEntries(a.map((t) => [t.name, t])),
          Object.fromEntries(b.map((t) => [t.name, t])),
        ]);
      }
    }
    const pairs = JSON.parse(readFileSync(join(CORPUS, "expected.json"), "utf8")) as {
      server: string;
      from: string;
      to: string;
    }[];
    for (const p of pairs) {
      const load = (v: string) =>
        Object.fromEntries(
          (
            JSON.parse(
              readFileSync(join(CORPUS, "snapshots", p.server.replace("/", "__"), `${v}.json`), "utf8"),
            ) as {
              tools: ToolDefinition[];
            }
          ).tools.map((t) => [t.name, t]),
        );
      sides.push([load(p.from), load(p.to)]);
    }
    for (const [a, b] of sides) {
      const forward = diffTools("s", a, b, { detectRenames: false });
      const backward = diffTools("s", b, a, { detectRenames: false });
      expect(checkSwap(forward, backward)).toEqual([]);
      checked += forward.filter((c) => REVERSED[c.rule]).length;
    }
    expect(checked).toBeGreaterThan(50);
  });

  it("hints renamed parameters and tools as renamed to `NEW`", () => {
    const before = {
      t: tool(
        obj({ customer_email: { type: "string", description: "Email of the customer" } }, ["customer_email"]),
      ),
    };
    const after = {
      t: tool(
        obj({ email_address: { type: "string", description: "Email of the customer" } }, ["email_address"]),
      ),
    };
    const changes = diffTools("crm", before, after);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      rule: "param-renamed",
      severity: "breaking",
      tool: "t",
      pointer: "/inputSchema/properties/customer_email",
      hint: "renamed to `email_address`",
      before: "customer_email",
      after: "email_address",
    });
    const renamedTool = diffTools(
      "crm",
      { get_customer: { ...before.t, name: "get_customer" } },
      { fetch_customer: { ...before.t, name: "fetch_customer" } },
    );
    expect(renamedTool).toEqual([
      expect.objectContaining({
        rule: "tool-renamed",
        tool: "get_customer",
        hint: "renamed to `fetch_customer`",
      }),
    ]);
  });

  it("says that a renamed tool's findings compare it with its predecessor", () => {
    const schema = obj({ q: { type: "string" }, limit: { type: "integer" }, page: { type: "integer" } });
    const changes = diffTools(
      "crm",
      { search_customers: { ...tool(schema), name: "search_customers", description: "Find customers." } },
      { find_customers: { ...tool(schema), name: "find_customers", description: "Find the customers." } },
    );
    expect(changes.map((c) => [c.rule, c.tool, c.message])).toEqual([
      [
        "tool-description-changed",
        "find_customers",
        'Tool `find_customers` changed its description: added "the". Compared with its predecessor `search_customers`.',
      ],
      [
        "tool-renamed",
        "search_customers",
        "Tool `search_customers` was removed and `find_customers` looks like its successor.",
      ],
    ]);
  });

  it("reports a tool's changed behaviour hints as one finding with each hint's old and new value", () => {
    const before = { t: tool(obj({}), { annotations: { readOnlyHint: false } }) };
    const after = { t: tool(obj({}), { annotations: { readOnlyHint: true, destructiveHint: false } }) };
    expect(diffTools("s", before, after)).toEqual([
      {
        rule: "tool-annotation-changed",
        severity: "warning",
        server: "s",
        tool: "t",
        pointer: "/annotations",
        message:
          "Tool `t` changed its behaviour hints: readOnlyHint false → true (safer claim: the tool now claims not to modify anything, so clients may skip the user's confirmation — verify it is true); destructiveHint true → false (safer claim: the tool now claims to be non-destructive, so clients may skip the user's confirmation — verify it is true).",
        before: { readOnlyHint: false, destructiveHint: true },
        after: { readOnlyHint: true, destructiveHint: false },
      },
    ]);
    // Defaults written out (readOnlyHint false, destructiveHint true, idempotentHint false,
    // openWorldHint true, taskSupport "forbidden") or dropped are no finding at all.
    const bare = { t: tool(obj({})) };
    const explicit = {
      t: tool(obj({}), {
        annotations: {
          readOnlyHint: false,
          destructiveHint: true,
          idempotentHint: false,
          openWorldHint: true,
        },
        execution: { taskSupport: "forbidden" },
      }),
    };
    expect(diffTools("s", bare, explicit)).toEqual([]);
    expect(diffTools("s", explicit, bare)).toEqual([]);
    // A hint that is not a boolean is no hint: its change is metadata.
    const odd = { t: tool(obj({}), { annotations: { readOnlyHint: "yes" } }) };
    expect(diffTools("s", bare, odd).map((c) => c.rule)).toEqual(["tool-annotation-metadata-changed"]);
  });

  it("attaches a witness the old schema accepts and the new one rejects", () => {
    const a = obj(
      { mode: { type: "string", enum: ["fast", "safe"] }, n: { type: "integer", maximum: 100 } },
      ["mode"],
    );
    const b = obj(
      {
        mode: { type: "string", enum: ["safe"] },
        n: { type: "integer", maximum: 10 },
        id: { type: "string" },
      },
      ["mode", "id"],
    );
    const changes = diffTools("s", { t: tool(a) }, { t: tool(b) }).filter((c) => c.severity === "breaking");
    expect(changes.map((c) => c.rule).sort()).toEqual([
      "bound-tightened",
      "enum-value-removed",
      "required-param-added",
    ]);
    const ajv = new Ajv({ strict: false });
    const oldOk = ajv.compile(a);
    const newOk = ajv.compile(b);
    for (const c of changes) {
      expect(c.witness, c.rule).toBeDefined();
      expect(oldOk(c.witness), c.rule).toBe(true);
      expect(newOk(c.witness), c.rule).toBe(false);
    }
  });

  it("diffs a recursive schema and 12 mutually recursive unions in bounded time", () => {
    const tree = (leaf: string) => ({
      type: "object",
      properties: { root: { $ref: "#/$defs/node" } },
      $defs: {
        node: obj({
          value: { type: leaf },
          children: { type: "array", items: { $ref: "#/$defs/node" } },
          parent: { $ref: "#/$defs/node" },
        }),
      },
    });
    const unions = (leaf: string) => {
      const defs: Record<string, unknown> = {};
      for (let i = 0; i < 12; i++) {
        defs[`u${i}`] = {
          anyOf: [
            obj({
              next: { $ref: `#/$defs/u${(i + 1) % 12}` },
              skip: { $ref: `#/$defs/u${(i + 5) % 12}` },
              v: { type: leaf },
            }),
            { type: "array", items: { $ref: `#/$defs/u${(i + 7) % 12}` } },
            { $ref: `#/$defs/u${(i + 3) % 12}` },
            { type: "number" },
          ],
        };
      }
      return { type: "object", properties: { x: { $ref: "#/$defs/u0" } }, $defs: defs };
    };
    const started = performance.now();
    const recursive = diffTools("s", { t: tool(tree("string")) }, { t: tool(tree("integer")) });
    const mutual = diffTools("s", { t: tool(unions("string")) }, { t: tool(unions("boolean")) });
    const elapsed = performance.now() - started;
    expect(recursive.map((c) => c.rule)).toEqual(["param-type-changed"]);
    expect(mutual.some((c) => c.rule === "param-type-changed")).toBe(true);
    expect(diffTools("s", { t: tool(unions("string")) }, { t: tool(unions("string")) })).toEqual([]);
    expect(elapsed).toBeLessThan(30_000); // generous: only catches a blow-up; the real figure is in the benchmark
  });
});

describe("diffLockfiles", () => {
  const lock = (servers: Record<string, { version?: string; tools: ToolDefinition[] }>): Lockfile => ({
    lockfileVersion: 1,
    servers: Object.fromEntries(
      Object.entries(servers).map(([name, s]) => [
        name,
        {
          hash: "",
          ...(s.version ? { serverInfo: { name, version: s.version } } : {}),
          tools: Object.fromEntries(s.tools.map((t) => [t.name, { hash: "", definition: t }])),
        },
      ]),
    ),
  });

  it("reports servers removed and added, and diffs servers in both", () => {
    const changes = diffLockfiles(
      lock({ a: { tools: [tool(obj({ x: { type: "string" } }))] }, gone: { tools: [] } }),
      lock({ a: { tools: [tool(obj({}))] }, fresh: { tools: [] } }),
    );
    expect(changes.map((c) => [c.server, c.rule, c.severity])).toEqual([
      ["a", "param-removed", "breaking"],
      ["fresh", "server-added", "info"],
      ["gone", "server-removed", "breaking"],
    ]);
  });
});

describe("semver", () => {
  it("requires major for breaking, minor for additions and warnings, patch otherwise", () => {
    const c = (rule: string, severity: Change["severity"]): Change => ({
      rule,
      severity,
      server: "s",
      pointer: "",
      message: "x.",
    });
    expect(requiredBump([])).toBe("none");
    expect(requiredBump([c("tool-title-changed", "info")])).toBe("patch");
    expect(requiredBump([c("tool-added", "info")])).toBe("minor");
    expect(requiredBump([c("tool-description-changed", "warning")])).toBe("minor");
    expect(requiredBump([c("tool-added", "info"), c("tool-removed", "breaking")])).toBe("major");
  });

  it("reads the actual bump, counting 0.x minor bumps as major", () => {
    expect(actualBump("1.2.3", "2.0.0")).toBe("major");
    expect(actualBump("1.2.3", "1.3.0")).toBe("minor");
    expect(actualBump("1.2.3", "1.2.4")).toBe("patch");
    expect(actualBump("1.2.3", "1.2.3")).toBe("none");
    expect(actualBump("0.2.3", "0.3.0")).toBe("major");
    expect(actualBump("0.2.3", "0.2.4")).toBe("minor");
    expect(actualBump("1.64.0-alpha-1", "1.64.0")).toBe("none");
    expect(actualBump("latest", "1.0.0")).toBeUndefined();
  });
});

describe("word diff", () => {
  it("shows the runs of words removed and added", () => {
    expect(
      wordChanges("Read a file from disk.", "Read a file from disk and send it to http://evil.example."),
    ).toEqual({
      removed: ["disk."],
      added: ["disk and send it to http://evil.example."],
    });
  });
});
