// Names are data: a tool, parameter, enum value or server called `constructor`, `toString`,
// `hasOwnProperty` or `__proto__` is reported exactly as an ordinary name would be, in the library
// and in every command. The exact cases first (each was a wrong verdict or a crash), then the
// property test, then the CLI.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { importForInit } from "../../src/cli/commands/init.js";
import { loadConfig } from "../../src/config/load.js";
import type { Lockfile, ToolDefinition } from "../../src/core/lockfile.js";
import { createReport } from "../../src/core/report.js";
import { diffLockfiles, diffTools } from "../../src/diff/index.js";
import { TemplateError } from "../../src/errors.js";
import { resolveHttpAuth } from "../../src/fetch/http.js";
import { lockServer, lockTools, nextLockfile } from "../../src/lockfile/build.js";
import { serializeLockfile } from "../../src/lockfile/io.js";
import { parseLockfile } from "../../src/lockfile/parse.js";
import { scanLockfile } from "../../src/poisoning/index.js";
import { applyPolicy } from "../../src/policy/policy.js";
import { formatReport } from "../../src/report/index.js";
import { RULES } from "../../src/rules.js";
import { checkTemplates } from "../../src/templates/check.js";
import { renderTemplate } from "../../src/templates/render.js";
import { runCliInProcess } from "../helpers/cli.js";

/** Parses JSON text, so `__proto__` is an own key as it is in anything a server sends. */
function json<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** A tool with an object inputSchema; `properties` and `required` given as JSON text. */
function tool(name: string, properties = "{}", required?: string): ToolDefinition {
  const req = required === undefined ? "" : `,"required":${required}`;
  return json(
    `{"name":${JSON.stringify(name)},"inputSchema":{"type":"object","properties":${properties}${req}}}`,
  );
}

/** Tools keyed by name, built by JSON.parse like a lockfile's. */
function tools(...list: ToolDefinition[]): Record<string, ToolDefinition> {
  return json(`{${list.map((t) => `${JSON.stringify(t.name)}:${JSON.stringify(t)}`).join(",")}}`);
}

const brief = (changes: { rule: string; severity: string; pointer: string }[]) =>
  changes.map((c) => `${c.severity} ${c.rule} ${c.pointer}`);

describe("the cases that were wrong", () => {
  it("removing a tool named constructor is tool-removed (was an info type change)", () => {
    const changes = diffTools("s", tools(tool("constructor"), tool("x")), tools(tool("x")));
    expect(brief(changes)).toEqual(["breaking tool-removed "]);
    expect(changes[0]!.message).toBe("Tool `constructor` was removed.");
  });

  it("adding a tool named toString is tool-added (was nothing)", () => {
    expect(brief(diffTools("s", tools(tool("x")), tools(tool("x"), tool("toString"))))).toEqual([
      "info tool-added ",
    ]);
  });

  it("removing a parameter named __proto__ is param-removed (was an info type change)", () => {
    const changes = diffTools(
      "s",
      tools(tool("t", '{"__proto__":{"type":"string"},"a":{"type":"string"}}')),
      tools(tool("t", '{"a":{"type":"string"}}')),
    );
    expect(brief(changes)).toEqual(["breaking param-removed /inputSchema/properties/__proto__"]);
    expect(changes[0]!.message).toBe("Parameter `__proto__` (optional) was removed.");
  });

  it("removing an object parameter named constructor is param-removed (was an internal error)", () => {
    const changes = diffTools(
      "s",
      tools(tool("t", '{"constructor":{"type":"object","properties":{"x":{"type":"string"}}}}')),
      tools(tool("t")),
    );
    expect(brief(changes)).toEqual(["breaking param-removed /inputSchema/properties/constructor"]);
  });

  it('required: ["constructor"] is a new required property (was read from Object.prototype)', () => {
    const changes = diffTools(
      "s",
      tools(tool("t", '{"a":{"type":"string"}}')),
      tools(tool("t", '{"a":{"type":"string"}}', '["constructor"]')),
    );
    expect(brief(changes)).toEqual(["breaking required-param-added /inputSchema/required"]);
    expect(changes[0]!.message).toBe("Property `constructor` is now required.");
    expect(changes[0]!.witness).toEqual({});
  });

  it("a witness sets a parameter named __proto__ as an own key", () => {
    const changes = diffTools(
      "s",
      tools(tool("t", '{"__proto__":{"enum":["a","b"]}}')),
      tools(tool("t", '{"__proto__":{"enum":["a"]}}')),
    );
    expect(brief(changes)).toEqual(["breaking enum-value-removed /inputSchema/properties/__proto__/enum"]);
    expect(JSON.stringify(changes[0]!.witness)).toBe('{"__proto__":"b"}');
  });

  it("a change only json-schema-diff judges (inside not) is judged alike for every Object.prototype name (was no change for __proto__)", () => {
    const verdict = (name: string) => {
      const schema = (type: string) =>
        `{"a":{"type":"object","not":{"type":"object","properties":{${JSON.stringify(name)}:{"type":"${type}"}},"required":[${JSON.stringify(name)}]}}}`;
      return brief(diffTools("s", tools(tool("t", schema("string"))), tools(tool("t", schema("number")))));
    };
    expect(verdict("alpha")).toEqual(["breaking schema-narrowed /inputSchema/properties/a"]);
    for (const name of Object.getOwnPropertyNames(Object.prototype))
      expect(verdict(name), name).toEqual(verdict("alpha"));
  });

  it("servers named constructor, toString and __proto__ are locked, round-trip and are diffed", () => {
    const names = ["constructor", "toString", "__proto__"];
    const fetched = new Map(names.map((n) => [n, lockServer({ tools: [tool("constructor"), tool("x")] })]));
    const lock = nextLockfile(undefined, names, fetched);
    expect(Object.keys(lock.servers).sort()).toEqual(["__proto__", "constructor", "toString"]);
    const text = serializeLockfile(lock);
    const back = parseLockfile(text, "names.lock.json");
    expect(serializeLockfile(back)).toBe(text);
    expect(Object.keys(back.servers).sort()).toEqual(["__proto__", "constructor", "toString"]);
    // A lockfile without them: each is a removed server, never one read from Object.prototype.
    const empty = parseLockfile('{"lockfileVersion":1,"servers":{}}', "empty.lock.json");
    expect(brief(diffLockfiles(back, empty))).toEqual([
      "breaking server-removed ",
      "breaking server-removed ",
      "breaking server-removed ",
    ]);
    expect(brief(diffLockfiles(empty, back))).toEqual([
      "info server-added ",
      "info server-added ",
      "info server-added ",
    ]);
    // The previous entry of a server that failed to fetch is kept, whatever it is called.
    expect(Object.keys(nextLockfile(back, names, new Map()).servers).sort()).toEqual(names.sort());
    expect(nextLockfile(empty, ["constructor"], new Map()).servers).toEqual({});
  });

  it("lockTools keeps a server named __proto__", () => {
    expect(Object.keys(lockTools("__proto__", [tool("a")]).servers)).toEqual(["__proto__"]);
  });
});

describe("names from configs, templates and reports", () => {
  it("render finds a parameter named __proto__ and refuses one named valueOf that the tool lacks", () => {
    const lock = lockTools("s", [tool("constructor", '{"__proto__":{"type":"string"}}')]);
    expect(renderTemplate('{{param "constructor" "__proto__"}} {{tools.constructor.name}}', lock)).toBe(
      "__proto__ constructor",
    );
    // Was rendered as "valueOf": the lookup fell through to Object.prototype.valueOf.
    expect(() => renderTemplate('{{param "constructor" "valueOf"}}', lock)).toThrow(
      new TemplateError("<template>:1:24: tool `s/constructor` has no parameter `valueOf`"),
    );
  });

  it("a foreign-shape server key __proto__ is ignored, never the server's prototype", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mcp-contract-names-"));
    const path = join(dir, "mcp-contract.json");
    writeFileSync(
      path,
      '{"mcpServers": {"x": {"command": "node", "__proto__": {"url": "http://127.0.0.1:1/"}}}}',
    );
    const config = await loadConfig({ configPath: path, cwd: dir, env: {} });
    expect(config.servers.x).toMatchObject({ kind: "stdio", command: "node" });
    expect("url" in config.servers.x!).toBe(false);
  });

  it("auth.tokenEnv named toString is an unset variable, not Object.prototype.toString", async () => {
    const config = {
      kind: "http" as const,
      url: "http://127.0.0.1:1/",
      transport: "auto" as const,
      headers: {},
      auth: { type: "bearer" as const, tokenEnv: "toString" },
    };
    await expect(resolveHttpAuth(config, {})).rejects.toThrow(
      "environment variable toString (auth.tokenEnv) is not set",
    );
  });

  it("init imports servers named __proto__ and constructor", () => {
    const result = importForInit(
      json(
        '{"mcpServers": {"__proto__": {"command": "a"}, "constructor": {"url": "https://example.com/mcp"}}}',
      ),
      ".mcp.json",
    );
    expect(Object.keys(result.servers)).toEqual(["__proto__", "constructor"]);
  });

  it("a rule id named like an Object.prototype member takes no severity from it, in the policy and in SARIF", () => {
    const change = { rule: "toString", severity: "info" as const, server: "s", pointer: "", message: "m" };
    const [reported] = applyPolicy([change], { rules: {}, now: new Date(0) });
    expect(reported?.severity).toBe("info");
    const sarif = JSON.parse(
      formatReport(createReport({ changes: [reported!], servers: ["s"] }), "sarif", { rules: RULES }),
    );
    expect(sarif.runs[0].tool.driver.rules[0].id).toBe("toString");
    expect(sarif.runs[0].tool.driver.rules[0].shortDescription).toEqual({
      text: "mcp-contract rule toString.",
    });
    expect(sarif.runs[0].tool.driver.rules[0].defaultConfiguration).toBeUndefined();
  });
});

// The property: a world of servers, tools, parameters (nested) and enum values is drawn with names from
// Object.prototype's own property names plus a few ordinary ones, then edited (add, remove, rename,
// required, enum values). Everything the library reports about it must equal what it reports about the
// same world with every name made ordinary by a trailing "_" (which keeps name words, edit distances and
// order: no name in the pool is a prefix of another), once names are replaced by placeholders.
const PROTO = Object.getOwnPropertyNames(Object.prototype);
const POOL = [...PROTO, "alpha", "bravo", "kilo", "zulu"];

interface Param {
  n: number;
  kind: "string" | "number" | "enum" | "object";
  values: number[];
  props: Param[];
  required: boolean;
}
interface Tool {
  n: number;
  mention: number;
  params: Param[];
}
interface Server {
  n: number;
  tools: Tool[];
}
type World = Server[];

const nameArb = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: PROTO.length - 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: PROTO.length, max: POOL.length - 1 }) },
);
const values = fc.uniqueArray(nameArb, { minLength: 2, maxLength: 3 });
const leaf: fc.Arbitrary<Param> = fc.record({
  n: nameArb,
  kind: fc.constantFrom("string" as const, "number" as const, "enum" as const),
  values,
  props: fc.constant([]),
  required: fc.boolean(),
});
const objectOf = (inner: fc.Arbitrary<Param>): fc.Arbitrary<Param> =>
  fc.record({
    n: nameArb,
    kind: fc.constant("object" as const),
    values: fc.constant([]),
    props: fc.uniqueArray(inner, { selector: (p) => p.n, maxLength: 3 }),
    required: fc.boolean(),
  });
const nested = fc.oneof(leaf, objectOf(leaf));
const paramArb = fc.oneof(leaf, objectOf(leaf), objectOf(nested));
const toolArb: fc.Arbitrary<Tool> = fc.record({
  n: nameArb,
  mention: nameArb,
  params: fc.uniqueArray(paramArb, { selector: (p) => p.n, maxLength: 4 }),
});
const worldArb: fc.Arbitrary<World> = fc.uniqueArray(
  fc.record({
    n: nameArb,
    tools: fc.uniqueArray(toolArb, { selector: (t) => t.n, minLength: 1, maxLength: 3 }),
  }),
  { selector: (s) => s.n, minLength: 1, maxLength: 3 },
);
const OPS = [
  "remove-server",
  "rename-server",
  "remove-tool",
  "rename-tool",
  "add-tool",
  "remove-param",
  "rename-param",
  "add-param",
  "toggle-required",
  "enum-remove",
  "enum-add",
  "retype",
] as const;
interface Op {
  kind: (typeof OPS)[number];
  at: number;
  to: number;
  flag: boolean;
}
const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom(...OPS),
  at: fc.nat(),
  to: nameArb,
  flag: fc.boolean(),
});

/** Every list of sibling parameters (a tool's top level, an object's properties), in document order. */
function containers(world: World): Param[][] {
  const out: Param[][] = [];
  const walk = (list: Param[]) => {
    out.push(list);
    for (const p of list) if (p.kind === "object") walk(p.props);
  };
  for (const s of world) for (const t of s.tools) walk(t.params);
  return out;
}

function pick<T>(list: readonly T[], at: number): T | undefined {
  return list.length === 0 ? undefined : list[at % list.length];
}

/** The world after one edit; edits that would repeat a name among siblings do nothing. */
function edit(world: World, op: Op): void {
  const tools = world.flatMap((s) => s.tools.map((t) => ({ s, t })));
  const slots = containers(world).flatMap((list) => list.map((p, i) => ({ list, p, i })));
  const free = (list: readonly { n: number }[]) => !list.some((x) => x.n === op.to);
  switch (op.kind) {
    case "remove-server":
      if (world.length > 0) world.splice(op.at % world.length, 1);
      break;
    case "rename-server": {
      const s = pick(world, op.at);
      if (s && free(world)) s.n = op.to;
      break;
    }
    case "remove-tool": {
      const hit = pick(tools, op.at);
      if (hit) hit.s.tools.splice(hit.s.tools.indexOf(hit.t), 1);
      break;
    }
    case "rename-tool": {
      const hit = pick(tools, op.at);
      if (hit && free(hit.s.tools)) hit.t.n = op.to;
      break;
    }
    case "add-tool": {
      const s = pick(world, op.at);
      const model = pick(tools, op.at + 1)?.t;
      if (s && free(s.tools))
        s.tools.push({
          n: op.to,
          mention: op.to,
          params: op.flag && model ? structuredClone(model.params) : [],
        });
      break;
    }
    case "remove-param": {
      const hit = pick(slots, op.at);
      if (hit) hit.list.splice(hit.i, 1);
      break;
    }
    case "rename-param": {
      const hit = pick(slots, op.at);
      if (hit && free(hit.list)) hit.p.n = op.to;
      break;
    }
    case "add-param": {
      const list = pick(containers(world), op.at);
      if (list && free(list))
        list.push({ n: op.to, kind: "string", values: [], props: [], required: op.flag });
      break;
    }
    case "toggle-required": {
      const hit = pick(slots, op.at);
      if (hit) hit.p.required = !hit.p.required;
      break;
    }
    case "enum-remove": {
      const hit = pick(
        slots.filter((x) => x.p.kind === "enum"),
        op.at,
      );
      if (hit && hit.p.values.length > 1) hit.p.values.splice(op.to % hit.p.values.length, 1);
      break;
    }
    case "enum-add": {
      const hit = pick(
        slots.filter((x) => x.p.kind === "enum"),
        op.at,
      );
      if (hit && !hit.p.values.includes(op.to)) hit.p.values.push(op.to);
      break;
    }
    case "retype": {
      const hit = pick(
        slots.filter((x) => x.p.kind === "string" || x.p.kind === "number"),
        op.at,
      );
      if (hit) hit.p.kind = hit.p.kind === "string" ? "number" : "string";
      break;
    }
  }
}

/** Index of a pool name. */
const N = (name: string): number => {
  const i = POOL.indexOf(name);
  if (i < 0) throw new Error(`${name} is not in the pool`);
  return i;
};

type Step = (world: World) => Op;
const slotsOf = (world: World, kind: Op["kind"]) => {
  const all = containers(world).flatMap((list) => list.map((p) => p));
  if (kind === "enum-remove" || kind === "enum-add") return all.filter((p) => p.kind === "enum");
  if (kind === "retype") return all.filter((p) => p.kind === "string" || p.kind === "number");
  return all;
};
const onParam =
  (kind: Op["kind"], name: string, to = name): Step =>
  (world) => ({ kind, at: slotsOf(world, kind).findIndex((p) => p.n === N(name)), to: N(to), flag: false });
const onTool =
  (kind: Op["kind"], name: string, to = name, flag = false): Step =>
  (world) => ({
    kind,
    at: world.flatMap((s) => s.tools).findIndex((t) => t.n === N(name)),
    to: N(to),
    flag,
  });
const onServer =
  (kind: Op["kind"], name: string, to = name): Step =>
  (world) => ({ kind, at: world.findIndex((s) => s.n === N(name)), to: N(to), flag: false });
const addParam =
  (owner: string, name: string, required: boolean): Step =>
  (world) => ({
    kind: "add-param",
    at: containers(world).findIndex(
      (list) =>
        world.some((s) => s.tools.some((t) => t.n === N(owner) && t.params === list)) ||
        containers(world).some((l) => l.some((p) => p.n === N(owner) && p.props === list)),
    ),
    to: N(name),
    flag: required,
  });

/** A drawn-by-hand case: the world and the edits, each edit's index taken from the world it applies to. */
function example(before: World, steps: readonly Step[]): [World, Op[]] {
  const world = structuredClone(before);
  const ops = steps.map((step) => {
    const op = step(world);
    if (op.at < 0) throw new Error(`example step ${op.kind} finds nothing`);
    edit(world, op);
    return op;
  });
  return [before, ops];
}

const param = (name: string, kind: Param["kind"], rest: Partial<Param> = {}): Param => ({
  n: N(name),
  kind,
  values: [],
  props: [],
  required: false,
  ...rest,
});

/** Worlds that make sure the property meets every kind of edit, whatever the random ones draw. */
const EXAMPLES: [World, Op[]][] = [
  example(
    [
      {
        n: N("constructor"),
        tools: [
          {
            n: N("toString"),
            mention: N("alpha"),
            params: [
              param("__proto__", "enum", { values: [N("hasOwnProperty"), N("valueOf")], required: true }),
              param("constructor", "object", {
                props: [param("__lookupGetter__", "string", { required: true }), param("valueOf", "number")],
              }),
              param("isPrototypeOf", "string"),
            ],
          },
          { n: N("valueOf"), mention: N("alpha"), params: [param("toString", "string")] },
        ],
      },
      { n: N("__proto__"), tools: [{ n: N("hasOwnProperty"), mention: N("toString"), params: [] }] },
      { n: N("toString"), tools: [{ n: N("__defineGetter__"), mention: N("alpha"), params: [] }] },
    ],
    [
      onParam("rename-param", "__lookupGetter__", "__lookupSetter__"),
      onParam("enum-remove", "__proto__", "hasOwnProperty"),
      onParam("enum-add", "__proto__", "toLocaleString"),
      onParam("toggle-required", "isPrototypeOf"),
      onParam("remove-param", "valueOf"),
      onParam("retype", "isPrototypeOf"),
      addParam("constructor", "propertyIsEnumerable", true),
      addParam("toString", "__defineSetter__", false),
      onTool("rename-tool", "valueOf", "toLocaleString"),
      onTool("add-tool", "toString", "__proto__"),
      onServer("remove-server", "toString"),
      onServer("rename-server", "__proto__", "valueOf"),
    ],
  ),
  example(
    [
      {
        n: N("hasOwnProperty"),
        tools: [
          { n: N("__proto__"), mention: N("kilo"), params: [param("constructor", "string")] },
          {
            n: N("constructor"),
            mention: N("kilo"),
            params: [param("toString", "number", { required: true })],
          },
        ],
      },
    ],
    [
      onTool("remove-tool", "__proto__"),
      onParam("remove-param", "toString"),
      onServer("add-tool", "hasOwnProperty", "valueOf"),
    ],
  ),
];

/** JSON text of an object with these own keys, `__proto__` included (as JSON.parse reads a server's reply). */
function objectText(entries: readonly (readonly [string, string])[]): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`;
}

function schemaText(p: Param, nm: (i: number) => string): string {
  if (p.kind === "string") return '{"type":"string"}';
  if (p.kind === "number") return '{"type":"number"}';
  if (p.kind === "enum") return JSON.stringify({ type: "string", enum: p.values.map(nm) });
  return objectSchemaText(p.props, nm);
}

function objectSchemaText(props: readonly Param[], nm: (i: number) => string): string {
  const properties = objectText(props.map((p) => [nm(p.n), schemaText(p, nm)] as const));
  const required = JSON.stringify(props.filter((p) => p.required).map((p) => nm(p.n)));
  return `{"type":"object","properties":${properties},"required":${required}}`;
}

function toolText(t: Tool, nm: (i: number) => string): string {
  const description = JSON.stringify(`Use \`${nm(t.mention)}\` for this.`);
  return `{"name":${JSON.stringify(nm(t.n))},"description":${description},"inputSchema":${objectSchemaText(t.params, nm)}}`;
}

/** The world locked, serialised and parsed back (the round trip must keep every byte and name). */
function lockOf(world: World, nm: (i: number) => string): Lockfile {
  const names = world.map((s) => nm(s.n));
  const fetched = new Map(
    world.map((s) => [
      nm(s.n),
      lockServer({ tools: s.tools.map((t) => json<ToolDefinition>(toolText(t, nm))) }),
    ]),
  );
  const text = serializeLockfile(nextLockfile(undefined, names, fetched));
  const back = parseLockfile(text, "world.lock.json");
  expect(serializeLockfile(back)).toBe(text);
  expect(Object.keys(back.servers).sort()).toEqual([...names].sort());
  return back;
}

/** A template naming every tool and top-level parameter of the world, in each syntax. */
function templateOf(world: World, nm: (i: number) => string): string {
  const lines: string[] = [];
  for (const s of world) {
    for (const t of s.tools) {
      lines.push(`{{tool "${nm(t.n)}"}}`);
      for (const p of t.params) {
        lines.push(`{{param "${nm(s.n)}/${nm(t.n)}" "${nm(p.n)}"}}`);
        lines.push(`{{#tool "${nm(s.n)}/${nm(t.n)}"}}{{param "${nm(p.n)}"}}{{/tool}}`);
        lines.push(`Call \`${nm(t.n)}\` with \`${nm(p.n)}\`.`);
      }
    }
  }
  return `${lines.join("\n")}\n`;
}

/** Everything reported about a before/after pair of worlds. */
function observe(before: World, after: World, nm: (i: number) => string) {
  const a = lockOf(before, nm);
  const b = lockOf(after, nm);
  const diff = diffLockfiles(a, b);
  const direct = before.flatMap((s) => {
    const after = own(b.servers, nm(s.n));
    const before = own(a.servers, nm(s.n))!;
    if (!after) return [];
    const defs = (tools: Record<string, { definition: ToolDefinition }>) =>
      json<Record<string, ToolDefinition>>(
        objectText(Object.entries(tools).map(([n, t]) => [n, JSON.stringify(t.definition)] as const)),
      );
    return diffTools(nm(s.n), defs(before.tools), defs(after.tools));
  });
  const templates = checkTemplates({
    templates: [{ file: "prompt.hbs", source: templateOf(before, nm) }],
    lock: b,
    previousLock: a,
    changes: diff,
  });
  return { diff, direct, templates, scan: scanLockfile(b) };
}

/** Own property only (the test must not fall for what it tests). */
function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Findings as sorted JSON texts with every name written `<i>`; template columns and spelling suggestions (which depend on a name's length) left out. */
function normalised(findings: readonly object[], nm: (i: number) => string): string[] {
  const names = POOL.map((_, i) => ({ i, text: nm(i) })).sort((x, y) => y.text.length - x.text.length);
  const pattern = new RegExp(
    `(?<![A-Za-z0-9_$])(${names.map((n) => n.text).join("|")})(?![A-Za-z0-9_$])`,
    "g",
  );
  const index = new Map(names.map((n) => [n.text, n.i]));
  return findings
    .map((f) => {
      const copy = { ...f } as Record<string, unknown>;
      if (typeof copy.hint === "string" && copy.hint.startsWith("did you mean")) delete copy.hint;
      if (copy.location) copy.location = { ...(copy.location as object), column: 0 };
      return JSON.stringify(copy).replace(pattern, (m) => `<${index.get(m)}>`);
    })
    .sort();
}

describe("property: prototype names are reported exactly as ordinary names", () => {
  it("the pool holds every Object.prototype name and no name is a prefix of another", () => {
    expect(PROTO).toEqual(expect.arrayContaining(["__proto__", "constructor", "toString", "hasOwnProperty"]));
    for (const a of POOL) for (const b of POOL) if (a !== b) expect(b.startsWith(a)).toBe(false);
  });

  it("in diffTools, diffLockfiles, the lockfile round trip, templates check and the poisoning scan", () => {
    const proto = (i: number) => POOL[i]!;
    const ordinary = (i: number) => `${POOL[i]}_`;
    const seen = new Set<string>();
    fc.assert(
      fc.property(worldArb, fc.array(opArb, { minLength: 1, maxLength: 6 }), (before, ops) => {
        const after = structuredClone(before);
        for (const op of ops) edit(after, op);
        const p = observe(before, after, proto);
        const o = observe(before, after, ordinary);
        for (const list of Object.values(p)) for (const c of list) seen.add(c.rule);
        for (const key of ["diff", "direct", "templates", "scan"] as const) {
          expect(normalised(p[key], proto), key).toEqual(normalised(o[key], ordinary));
        }
        // Nothing leaked onto Object.prototype along the way.
        expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual([...PROTO].sort());
      }),
      { numRuns: 150, examples: EXAMPLES },
    );
    // The worlds drawn do exercise what the property is about.
    expect([...seen].sort()).toEqual(
      expect.arrayContaining([
        "enum-value-added",
        "enum-value-removed",
        "param-added",
        "param-became-required",
        "param-removed",
        "param-renamed",
        "param-type-changed",
        "required-param-added",
        "server-added",
        "server-removed",
        "template-affected",
        "template-unknown-param",
        "template-unknown-tool",
        "tool-added",
        "tool-removed",
        "tool-renamed",
        "tool-shadowing",
      ]),
    );
  });
});

describe("the CLI", () => {
  const names = ["constructor", "toString", "__proto__"];

  function project(): string {
    const dir = mkdtempSync(join(tmpdir(), "mcp-contract-names-"));
    const servers = names.map((n, i) => `${JSON.stringify(n)}: {"file": "s${i}.json"}`).join(", ");
    writeFileSync(join(dir, "mcp-contract.json"), `{"servers": {${servers}}}`);
    for (let i = 0; i < names.length; i++) {
      writeFileSync(join(dir, `s${i}.json`), JSON.stringify({ tools: [tool("constructor"), tool("x")] }));
    }
    return dir;
  }

  it("lock writes servers named constructor, toString and __proto__; check sees a removed tool constructor as breaking", async () => {
    const dir = project();
    const lock = await runCliInProcess(["lock"], { cwd: dir });
    expect(lock.code).toBe(0);
    expect(lock.stderr.split("\n").sort()).toEqual([
      "",
      "fetched __proto__: 2 tools",
      "fetched constructor: 2 tools",
      "fetched toString: 2 tools",
    ]);
    expect(lock.stdout).toContain(`wrote ${join(dir, "mcp-contract.lock.json")} (3 servers)\n`);
    for (const name of names) expect(lock.stdout).toContain(`Server \`${name}\` was added with 2 tools.`);
    const text = readFileSync(join(dir, "mcp-contract.lock.json"), "utf8");
    const written = JSON.parse(text) as { servers: Record<string, { tools: object }> };
    expect(Object.keys(written.servers)).toEqual(["__proto__", "constructor", "toString"]);
    for (const name of names) expect(Object.keys(written.servers[name]!.tools)).toEqual(["constructor", "x"]);

    const clean = await runCliInProcess(["check"], { cwd: dir });
    expect(clean).toMatchObject({ code: 0, stdout: "no changes\n" });

    for (let i = 0; i < names.length; i++)
      writeFileSync(join(dir, `s${i}.json`), JSON.stringify({ tools: [tool("x")] }));
    const check = await runCliInProcess(["check"], { cwd: dir });
    expect(check.code).toBe(1);
    for (const name of names) {
      expect(check.stdout).toContain(
        `server ${name}\n  tool constructor\n    BREAKING Tool \`constructor\` was removed.  tool-removed\n`,
      );
    }
    expect(check.stdout).toContain("3 breaking, 0 warning, 0 info\n");
    expect(readFileSync(join(dir, "mcp-contract.lock.json"), "utf8")).toBe(text);
  });

  it("lock --accept-breaking, diff of two lockfiles and check --offline with a template see the same names", async () => {
    const dir = project();
    expect((await runCliInProcess(["lock"], { cwd: dir })).code).toBe(0);
    writeFileSync(join(dir, "before.lock.json"), readFileSync(join(dir, "mcp-contract.lock.json")));
    for (let i = 0; i < names.length; i++)
      writeFileSync(join(dir, `s${i}.json`), JSON.stringify({ tools: [tool("x")] }));
    // The breaking changes are accepted by fingerprint, whatever the servers are called.
    const relock = await runCliInProcess(["lock", "--accept-breaking", "tools retired"], { cwd: dir });
    expect(relock.code).toBe(0);
    expect(relock.stdout).toContain(
      `accepted 3 breaking changes; recorded in ${join(dir, "mcp-contract.acks.json")}\n`,
    );
    expect(relock.stdout).toContain(`wrote ${join(dir, "mcp-contract.lock.json")} (3 servers)\n`);
    const acks = JSON.parse(readFileSync(join(dir, "mcp-contract.acks.json"), "utf8")) as {
      acknowledgements: { server: string; tool: string; rule: string }[];
    };
    expect(acks.acknowledgements.map((a) => `${a.server} ${a.tool} ${a.rule}`).sort()).toEqual([
      "__proto__ constructor tool-removed",
      "constructor constructor tool-removed",
      "toString constructor tool-removed",
    ]);
    const accepted = await runCliInProcess(["diff", "before.lock.json", "mcp-contract.lock.json"], {
      cwd: dir,
    });
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain("0 breaking, 0 warning, 0 info, 3 acknowledged\n");

    rmSync(join(dir, "mcp-contract.acks.json"));
    const diff = await runCliInProcess(["diff", "before.lock.json", "mcp-contract.lock.json"], { cwd: dir });
    expect(diff.code).toBe(1);
    for (const name of names) {
      expect(diff.stdout).toContain(
        `server ${name}\n  tool constructor\n    BREAKING Tool \`constructor\` was removed.  tool-removed\n`,
      );
    }
    expect(diff.stdout).toContain("3 breaking, 0 warning, 0 info\n");

    mkdirSync(join(dir, "prompts"));
    writeFileSync(join(dir, "prompts", "a.hbs"), '{{tool "__proto__/constructor"}}\n{{tool "toString/x"}}\n');
    const offline = await runCliInProcess(["check", "--offline", "--no-cache"], { cwd: dir });
    expect(offline.code).toBe(1);
    expect(offline.stdout).toContain(
      "server __proto__\n  tool constructor\n    BREAKING prompts/a.hbs:1:9 server `__proto__` has no tool `constructor`  template-unknown-tool\n",
    );
    expect(offline.stdout).toContain("1 breaking, 0 warning, 0 info\n");
  });
});
