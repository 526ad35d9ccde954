import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Lockfile, ToolDefinition } from "../../src/core/lockfile.js";
import { own } from "../../src/core/own.js";
import { LockfileError } from "../../src/errors.js";
import { lockServer, nextLockfile } from "../../src/lockfile/build.js";
import { readLockfileIfExists, serializeLockfile, writeLockfile } from "../../src/lockfile/io.js";
import { parseLockfile } from "../../src/lockfile/parse.js";
import { stableStringify } from "../../src/lockfile/serialize.js";
import { CORPUS_SNAPSHOTS } from "../helpers/corpus.js";

const tools: ToolDefinition[] = JSON.parse(
  readFileSync(join(CORPUS_SNAPSHOTS, "@modelcontextprotocol__server-memory/2026.8.31.json"), "utf8"),
).tools;

function sampleLock(): Lockfile {
  return {
    lockfileVersion: 1,
    servers: {
      memory: lockServer({
        tools,
        serverInfo: { name: "memory-server", version: "0.6.3" },
        protocolVersion: "2025-11-25",
      }),
    },
  };
}

describe("stableStringify", () => {
  it("sorts keys, indents by two spaces and ends with a newline", () => {
    expect(stableStringify({ b: [1, {}], a: { d: [], c: "x" } })).toBe(
      '{\n  "a": {\n    "c": "x",\n    "d": []\n  },\n  "b": [\n    1,\n    {}\n  ]\n}\n',
    );
  });

  it("matches JSON.parse round trip for corpus data", () => {
    const text = stableStringify(tools);
    expect(JSON.parse(text)).toEqual(tools);
  });

  it("writes deep subtrees (past its recursion, which hands them to a work stack) the same way", () => {
    // Unsorted keys, arrays and objects alternating, 300 levels: deeper than the recursion goes.
    let deep: unknown = { z: 1, a: [true, null, "leaf"] };
    for (let i = 0; i < 300; i++) deep = i % 2 ? { z: i, m: deep, a: [] } : [i, deep, {}];
    const text = stableStringify(deep);
    expect(JSON.parse(text)).toEqual(deep);
    // Shallow levels are JSON.stringify's 2-space indent exactly; the indent stops at 64 levels.
    const lines = text.split("\n");
    expect(lines.slice(0, 4)).toEqual(["{", '  "a": [],', '  "m": [', "    298,"]);
    expect(Math.max(...lines.map((l) => l.length - l.trimStart().length))).toBe(128);
    expect(text.endsWith("}\n")).toBe(true);
  });

  it("orders keys by code unit where JavaScript would enumerate integer keys first, keeps __proto__, writes null for undefined items", () => {
    expect(stableStringify({ a: 3, "9": 1, "10": 2 })).toBe('{\n  "10": 2,\n  "9": 1,\n  "a": 3\n}\n');
    expect(stableStringify({ z: [{ "2": "x", "1": "y" }] })).toBe(
      '{\n  "z": [\n    {\n      "1": "y",\n      "2": "x"\n    }\n  ]\n}\n',
    );
    expect(stableStringify(JSON.parse('{"b": 2, "__proto__": {"x": 1}}'))).toBe(
      '{\n  "__proto__": {\n    "x": 1\n  },\n  "b": 2\n}\n',
    );
    expect(stableStringify({ b: [1, undefined, 2], a: undefined })).toBe(
      '{\n  "b": [\n    1,\n    null,\n    2\n  ]\n}\n',
    );
    // A hole is left out, as the writer always did (JSON.stringify would write null).
    // biome-ignore lint/suspicious/noSparseArray: the hole is the case
    expect(stableStringify([1, , 2])).toBe("[\n  1,\n  2\n]\n");
  });

  it("survives 10,000 levels of nesting", () => {
    let deep: unknown = "leaf";
    for (let i = 0; i < 10_000; i++) deep = { items: deep };
    expect(stableStringify(deep).length).toBeGreaterThan(10_000);
  });
});

describe("lockfile format", () => {
  it("round-trips byte for byte", () => {
    const text = serializeLockfile(sampleLock());
    expect(serializeLockfile(parseLockfile(text, "x.json"))).toBe(text);
  });

  it("has no timestamps and records serverInfo and protocol version", () => {
    const text = serializeLockfile(sampleLock());
    expect(text).not.toMatch(/20\d\d-\d\d-\d\dT/);
    const parsed = JSON.parse(text);
    expect(parsed.servers.memory.serverInfo).toEqual({ name: "memory-server", version: "0.6.3" });
    expect(parsed.servers.memory.protocolVersion).toBe("2025-11-25");
  });

  it("rejects a lockfile from a newer version with advice", () => {
    expect(() => parseLockfile('{"lockfileVersion": 3, "servers": {}}', "lock.json")).toThrow(
      "lock.json: $.lockfileVersion: version 3 is newer than this mcp-contract understands (2); upgrade mcp-contract",
    );
  });

  it("reports malformed JSON with file, line and column", () => {
    expect(() => parseLockfile('{\n  "lockfileVersion": 1,\n  "servers": {,}\n}', "lock.json")).toThrow(
      /^lock\.json:3:\d+: invalid JSON/,
    );
  });

  it("names the JSON path of a structural problem", () => {
    expect(() =>
      parseLockfile('{"lockfileVersion": 1, "servers": {"a": {"hash": "x", "tools": []}}}', "l.json"),
    ).toThrow(new LockfileError('l.json: $.servers["a"].tools: expected an object keyed by tool name'));
  });

  // schema/lockfile.schema.json decides; the message names the place and what belongs there.
  const server = (entry: unknown) => JSON.stringify({ lockfileVersion: 1, servers: { "my crm": entry } });
  it.each([
    ["[]", "$: expected an object with lockfileVersion and servers"],
    ['{"lockfileVersion": 1}', "$.servers: expected an object keyed by server name"],
    ['{"lockfileVersion": 1, "servers": []}', "$.servers: expected an object keyed by server name"],
    [server("x"), '$.servers["my crm"]: expected an object'],
    [server({ tools: {} }), '$.servers["my crm"].hash: expected a string'],
    [server({ hash: 1, tools: {} }), '$.servers["my crm"].hash: expected a string'],
    [server({ hash: "h" }), '$.servers["my crm"].tools: expected an object keyed by tool name'],
    [server({ hash: "h", tools: { t: [] } }), '$.servers["my crm"].tools["t"]: expected an object'],
    [
      server({ hash: "h", tools: { t: { definition: { name: "t" } } } }),
      '$.servers["my crm"].tools["t"].hash: expected a string',
    ],
    [
      server({ hash: "h", tools: { t: { hash: "h" } } }),
      '$.servers["my crm"].tools["t"].definition: expected the tool definition object',
    ],
    [
      server({ hash: "h", tools: { t: { hash: "h", definition: "t" } } }),
      '$.servers["my crm"].tools["t"].definition: expected the tool definition object',
    ],
    [
      server({ hash: "h", tools: { t: { hash: "h", definition: {} } } }),
      '$.servers["my crm"].tools["t"].definition.name: expected "t"',
    ],
    [
      server({ hash: "h", tools: { t: { hash: "h", definition: { name: 7 } } } }),
      '$.servers["my crm"].tools["t"].definition.name: expected "t"',
    ],
    // Beyond the schema (the second pass): the definition's name is the key it is locked under.
    [
      server({ hash: "h", tools: { t: { hash: "h", definition: { name: "u" } } } }),
      '$.servers["my crm"].tools["t"].definition.name: expected "t"',
    ],
    [
      server({ hash: "h", tools: {}, serverInfo: { name: "n", version: 2 } }),
      '$.servers["my crm"].serverInfo.version: expected a string',
    ],
    [
      server({ hash: "h", tools: {}, protocolVersion: null }),
      '$.servers["my crm"].protocolVersion: expected a string',
    ],
    // The version comes first: a newer lockfile says upgrade, whatever else its shape holds.
    [
      '{"lockfileVersion": 3, "servers": []}',
      "$.lockfileVersion: version 3 is newer than this mcp-contract understands (2); upgrade mcp-contract",
    ],
    [
      '{"lockfileVersion": 3}',
      "$.lockfileVersion: version 3 is newer than this mcp-contract understands (2); upgrade mcp-contract",
    ],
  ])("%s: %s", (text, message) => {
    expect(() => parseLockfile(text, "l.json")).toThrow(new LockfileError(`l.json: ${message}`));
  });

  it("accepts keys this version does not name, and a tool named like an Object.prototype member", () => {
    // Written as text: in an object literal, __proto__ would set the prototype instead of a key.
    const text = `{"lockfileVersion": 1, "note": "kept", "servers": {"constructor": {"hash": "h", "extra": 1,
      "tools": {"__proto__": {"hash": "h", "definition": {"name": "__proto__"}}}}}}`;
    const lock = parseLockfile(text, "l.json");
    // Read as the code reads names: an own-property lookup, never the prototype's `constructor`.
    expect(Object.keys(own(lock.servers, "constructor")!.tools)).toEqual(["__proto__"]);
    expect((lock as unknown as { note: string }).note).toBe("kept");
  });
});

describe("nextLockfile", () => {
  it("keeps the previous entry of a server that failed to fetch and drops unconfigured ones", () => {
    const previous = sampleLock();
    previous.servers.gone = previous.servers.memory!;
    const fresh = lockServer({ tools: tools.slice(0, 2) });
    const next = nextLockfile(previous, ["memory", "other"], new Map([["other", fresh]]));
    expect(Object.keys(next.servers)).toEqual(["memory", "other"]);
    expect(next.servers.memory).toBe(previous.servers.memory);
    expect(next.servers.other).toBe(fresh);
  });
});

describe("lockfile io", () => {
  it("writes atomically, reports whether bytes changed, leaves no temp files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mcp-contract-lock-"));
    const path = join(dir, "mcp-contract.lock.json");
    expect(await readLockfileIfExists(path)).toBeUndefined();
    expect(await writeLockfile(path, sampleLock())).toBe(true);
    const first = readFileSync(path, "utf8");
    expect(await writeLockfile(path, sampleLock())).toBe(false);
    expect(readFileSync(path, "utf8")).toBe(first);
    expect(readdirSync(dir)).toEqual(["mcp-contract.lock.json"]);
    expect(await readLockfileIfExists(path)).toEqual(JSON.parse(first));
  });

  it("names a directory given as the lockfile", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mcp-contract-lock-"));
    await expect(readLockfileIfExists(dir)).rejects.toThrow(`${dir}: is a directory, expected a lockfile`);
  });

  it("names a corrupt lockfile", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mcp-contract-lock-"));
    const path = join(dir, "l.json");
    writeFileSync(path, "not json");
    await expect(readLockfileIfExists(path)).rejects.toThrow(`${path}:1:1: invalid JSON`);
  });
});
