import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Lockfile, ToolDefinition } from "../../src/core/lockfile.js";
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
    expect(() => parseLockfile('{"lockfileVersion": 2, "servers": {}}', "lock.json")).toThrow(
      "lock.json: $.lockfileVersion: version 2 is newer than this mcp-contract understands (1); upgrade mcp-contract",
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
