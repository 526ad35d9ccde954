// Names are data: a tool, parameter, enum value or server called `constructor`, `toString`,
// `hasOwnProperty` or `__proto__` is reported exactly as an ordinary name would be, in the library
// and in every command. The exact cases first (each was a wrong verdict or a crash), then the
// property test, then the CLI.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diffLockfiles, diffTools } from "../../src/diff/index.js";
import { lockServer, lockTools, nextLockfile } from "../../src/lockfile/build.js";
import type { ToolDefinition } from "../../src/lockfile/format.js";
import { serializeLockfile } from "../../src/lockfile/io.js";
import { parseLockfile } from "../../src/lockfile/parse.js";
import { runCli } from "../helpers/cli.js";

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
    const lock = await runCli(["lock"], { cwd: dir });
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

    const clean = await runCli(["check"], { cwd: dir });
    expect(clean).toMatchObject({ code: 0, stdout: "no changes\n" });

    for (let i = 0; i < names.length; i++)
      writeFileSync(join(dir, `s${i}.json`), JSON.stringify({ tools: [tool("x")] }));
    const check = await runCli(["check"], { cwd: dir });
    expect(check.code).toBe(1);
    for (const name of names) {
      expect(check.stdout).toContain(
        `server ${name}\n  tool constructor\n    BREAKING Tool \`constructor\` was removed.  tool-removed\n`,
      );
    }
    expect(check.stdout).toContain("3 breaking, 0 warning, 0 info\n");
    expect(readFileSync(join(dir, "mcp-contract.lock.json"), "utf8")).toBe(text);
  });
});
