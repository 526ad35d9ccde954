// The offline check remembers what templates read of a lockfile (`catalogData`) and checks an edited
// template against the lockfile rebuilt from it: every finding must be the one the real lockfile gives.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateReferenceRepo } from "../../bench/generate.mjs";
import type { Lockfile, ToolDefinition } from "../../src/core/lockfile.js";
import { lockServer } from "../../src/lockfile/build.js";
import { parseLockfile } from "../../src/lockfile/parse.js";
import { catalogData, catalogLockfile, isCatalogData } from "../../src/templates/catalog.js";
import { checkEachTemplate, checkTemplates, type TemplateSource } from "../../src/templates/check.js";
import { CORPUS_SNAPSHOTS } from "../helpers/corpus.js";
import { loadLock } from "./helpers.js";

/** `lock` as the cache hands it back: its catalog data through a JSON round trip, rebuilt. */
function fromCache(lock: Lockfile): Lockfile {
  const data: unknown = JSON.parse(JSON.stringify(catalogData(lock)));
  expect(isCatalogData(data)).toBe(true);
  return catalogLockfile(data as ReturnType<typeof catalogData>);
}

/** Templates naming every tool and parameter of `lock` in each form, and near misses of them. */
function probing(lock: Lockfile): TemplateSource[] {
  const chunks: string[][] = [[], []];
  for (const [server, entry] of Object.entries(lock.servers)) {
    for (const [name, tool] of Object.entries(entry.tools)) {
      const props = (tool.definition.inputSchema as { properties?: unknown }).properties;
      const params = props && typeof props === "object" ? Object.keys(props) : [];
      chunks[chunks[0]!.length <= chunks[1]!.length ? 0 : 1]!.push(
        `{{tool "${name}"}} {{tool "${server}/${name}"}} {{tool "${name}x"}} {{tool "${server}/${name}s"}}`,
        `{{#tool "${server}/${name}"}}`,
        ...params.flatMap((p) => [`{{param "${p}"}} \`${p}\` {{param "${p}_old"}}`]),
        "{{/tool}}",
        `${name}(${params.map((p) => `${p}: 1`).join(", ")})`,
        `${name}(${params
          .slice(1)
          .map((p) => `${p}: 1`)
          .join(", ")}, extra: 2)`,
      );
    }
  }
  return [
    { file: "a.hbs", source: chunks[0]!.join("\n") },
    { file: "b.hbs", source: chunks[1]!.join("\n"), partial: true },
  ];
}

function expectSameFindings(lock: Lockfile, templates: TemplateSource[] = probing(lock)) {
  const real = checkTemplates({ templates, lock });
  expect(checkTemplates({ templates, lock: fromCache(lock) })).toEqual(real);
  expect(checkEachTemplate({ templates, lock }).flat()).toEqual(real);
  return real;
}

describe("templates checked against a lockfile's catalog data", () => {
  it("find what the real lockfile gives, on the fixtures and the bench repo", () => {
    expect(expectSameFindings(loadLock("crm-v1")).length).toBeGreaterThan(5);
    expectSameFindings(loadLock("crm-v2"));
    const files = generateReferenceRepo({ servers: 5, tools: 60, templates: 12 });
    const lock = parseLockfile(files["mcp-contract.lock.json"]!, "lock.json");
    const templates = Object.entries(files)
      .filter(([file]) => file.endsWith(".hbs"))
      .map(([file, source]) => ({ file, source }));
    expectSameFindings(lock, templates);
    expectSameFindings(lock);
  });

  it("find what the real lockfile gives over the real-world corpus (shared names, odd schemas)", () => {
    const lock: Lockfile = { lockfileVersion: 1, servers: {} };
    for (const pkg of readdirSync(CORPUS_SNAPSHOTS).sort()) {
      const newest = readdirSync(join(CORPUS_SNAPSHOTS, pkg)).sort().at(-1)!;
      const { tools } = JSON.parse(readFileSync(join(CORPUS_SNAPSHOTS, pkg, newest), "utf8")) as {
        tools: ToolDefinition[];
      };
      lock.servers[pkg] = lockServer({ tools });
    }
    expect(expectSameFindings(lock).length).toBeGreaterThan(100);
  });

  it("keep names that are data and schemas that are not the usual shape", () => {
    // Written as text: an object literal's `__proto__` would set the prototype, not a name.
    const tool = (name: string, inputSchema: string) =>
      `${JSON.stringify(name)}: {"hash": "x", "definition": {"name": ${JSON.stringify(name)}, "inputSchema": ${inputSchema}}}`;
    const text = `{"lockfileVersion": 1, "servers": {
      "__proto__": {"hash": "x", "tools": {
        ${tool("__proto__", '{"properties": {"__proto__": {}, "1": {}, "b": {}}}')},
        ${tool("constructor", '{"properties": [], "required": ["a", 3]}')}}},
      "empty": {"hash": "x", "tools": {}},
      "toString": {"hash": "x", "tools": {
        ${tool("__proto__", '{"required": "a"}')},
        ${tool("list", '{"properties": {"10": {}, "2": {}}, "required": [null, "2"]}')}}}}}`;
    const lock = parseLockfile(text, "lock.json");
    expect(Object.keys(lock.servers)).toEqual(["__proto__", "empty", "toString"]);
    const findings = expectSameFindings(lock);
    expect(findings.some((f) => f.rule === "template-ambiguous-tool")).toBe(true);
    expect(catalogData(lock)).toEqual([
      [
        "__proto__",
        [
          ["__proto__", ["1", "__proto__", "b"], []],
          ["constructor", [], ["a"]],
        ],
      ],
      ["empty", []],
      [
        "toString",
        [
          ["__proto__", [], []],
          ["list", ["2", "10"], ["2"]],
        ],
      ],
    ]);
  });

  it("find what the real lockfile gives for prompts, resource templates and resources", () => {
    const lock: Lockfile = { lockfileVersion: 2, servers: {} };
    lock.servers.crm = lockServer({
      tools: [{ name: "lookup", inputSchema: { type: "object" } }],
      prompts: [
        {
          name: "summarize",
          arguments: [null, { name: "id", required: true }, { name: "since" }, { name: "id" }],
        },
        { name: "constructor" },
      ],
      resourceTemplates: [{ name: "customer", uriTemplate: "crm://customers/{id}{?fields}" }],
      resources: [{ uri: "crm://status" }],
    } as never);
    lock.servers.files = lockServer({
      tools: [],
      resourceTemplates: [{ name: "f", uriTemplate: "file:///{+path}" }],
    });
    lock.servers.old = lockServer({ tools: [] });
    const source = [
      '{{prompt "summarize" since="x"}} {{prompt "crm/summarize" id=1 until=2}} {{prompt "constructor"}} {{prompt "sumarize"}}',
      '{{#prompt "summarize"}}{{arg "id"}} {{arg "ids"}}{{/prompt}} {{arg "x"}} {{prompts.summarize.args.since}}',
      '{{resource "crm://customers/1"}} {{resource "crm://customers/{id}"}} {{resource "crm://status"}} {{resource "crm://nope"}}',
      '{{resource "file:///etc/hosts"}} {{resources.[crm://status].name}} {{resource "old/x://y"}}',
    ].join("\n");
    const findings = expectSameFindings(lock, [{ file: "s.hbs", source }]);
    expect(findings.map((f) => f.rule)).toEqual([
      "template-missing-prompt-argument",
      "template-unknown-prompt-argument",
      "template-unknown-prompt",
      "template-unknown-prompt-argument",
      "template-unknown-prompt-argument",
      "template-unknown-resource",
      "template-unknown-resource",
    ]);
    expect(catalogData(lock)).toEqual([
      [
        "crm",
        [["lookup", [], []]],
        {
          prompts: [
            [
              "summarize",
              [
                ["id", true, 1],
                ["since", false, 2],
              ],
            ],
            ["constructor", []],
          ],
          resourceTemplates: [["customer", "crm://customers/{id}{?fields}"]],
          resources: ["crm://status"],
        },
      ],
      ["files", [], { resourceTemplates: [["f", "file:///{+path}"]] }],
      ["old", []],
    ]);
  });

  it("refuse cache entries of another shape", () => {
    for (const bad of [{}, [["s"]], [["s", [["t", ["p"]]]]], [["s", [["t", ["p"], [1]]]]], [[1, []]]])
      expect(isCatalogData(bad)).toBe(false);
    expect(isCatalogData([["s", [["t", ["p"], []]]]])).toBe(true);
    for (const bad of [
      { prompts: [["p", [["a", "yes", 0]]]] },
      { resourceTemplates: [["t"]] },
      { other: [] },
      [],
    ])
      expect(isCatalogData([["s", [], bad]])).toBe(false);
    expect(isCatalogData([["s", [], { prompts: [["p", [["a", true, 2]]]], resources: ["x://y"] }]])).toBe(
      true,
    );
  });
});
