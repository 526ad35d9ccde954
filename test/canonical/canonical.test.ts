import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { canonicalJson, hashServer, hashTool } from "../../src/canonical/index.js";
import type { ToolDefinition } from "../../src/core/lockfile.js";
import { lockServer } from "../../src/lockfile/build.js";
import { CORPUS_SNAPSHOTS } from "../helpers/corpus.js";

const corpus = CORPUS_SNAPSHOTS;

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    );
  }
  return value;
}

describe("canonical JSON (RFC 8785)", () => {
  it("sorts keys and drops whitespace", () => {
    expect(canonicalJson({ b: 1, a: [2, { d: true, c: null }] })).toBe('{"a":[2,{"c":null,"d":true}],"b":1}');
  });

  it("normalises number spellings as RFC 8785 requires", () => {
    expect(canonicalJson(JSON.parse('{"n": 1.0, "m": 1e3, "z": -0}'))).toBe('{"m":1000,"n":1,"z":0}');
  });

  it("keeps array order (arrays are ordered in JSON)", () => {
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });
});

describe("hashes", () => {
  const tools = JSON.parse(
    readFileSync(`${corpus}/@modelcontextprotocol__server-filesystem/2025.7.29.json`, "utf8"),
  ).tools as ToolDefinition[];

  it("a tool's hash ignores key order at every depth", () => {
    for (const tool of tools) {
      expect(hashTool(reverseKeys(tool) as ToolDefinition)).toBe(hashTool(tool));
    }
  });

  it("a server's hash ignores tool order", () => {
    const forward = lockServer({ tools });
    const backward = lockServer({ tools: [...tools].reverse() });
    expect(backward.hash).toBe(forward.hash);
    expect(Object.keys(forward.tools)).toHaveLength(tools.length);
  });

  it("any change to a definition changes both hashes", () => {
    const changed = structuredClone(tools);
    changed[0]!.description = `${changed[0]!.description} (changed)`;
    expect(hashTool(changed[0]!)).not.toBe(hashTool(tools[0]!));
    expect(lockServer({ tools: changed }).hash).not.toBe(lockServer({ tools }).hash);
  });

  it("the server hash is over the sorted tool hashes", () => {
    expect(hashServer(["b", "a"])).toBe(hashServer(["a", "b"]));
    expect(hashServer(["a"])).not.toBe(hashServer(["a", "b"]));
  });
});
