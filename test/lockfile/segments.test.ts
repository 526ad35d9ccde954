// A lockfile parsed server by server is the lockfile parsed whole; text the splitter cannot describe
// exactly has no pieces (the caller then parses it whole, errors and all).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateReferenceRepo } from "../../bench/generate.mjs";
import { LockfileError } from "../../src/errors.js";
import { parseLockfile } from "../../src/lockfile/parse.js";
import {
  parseLockfileSegments,
  parseServerEntry,
  serverSegments,
  splitLockfile,
} from "../../src/lockfile/segments.js";
import { repoRoot } from "../helpers/cli.js";

const entry = (name: string, description: string) => ({
  hash: "0".repeat(64),
  tools: {
    [name]: {
      hash: "1".repeat(64),
      definition: {
        name,
        description,
        inputSchema: { type: "object", properties: { a: { enum: [[], {}] } } },
      },
    },
  },
});

/** Parses `text` both ways: the pieces' names and the parsed lockfile, which must equal parseLockfile's. */
function bothWays(text: string) {
  const segments = serverSegments(text);
  expect(segments).toBeDefined();
  const pieces = parseLockfileSegments(text, segments!, "lock.json");
  expect(pieces).toEqual(parseLockfile(text, "lock.json"));
  for (const s of segments!)
    expect(JSON.parse(text.slice(s.start, s.end))).toEqual(JSON.parse(text).servers[s.name]);
  return { names: segments!.map((s) => s.name), lock: pieces! };
}

describe("serverSegments and parseLockfileSegments", () => {
  it("split the repository's lockfiles and the bench's into their servers, parsing to the same lockfile", () => {
    for (const file of [
      "fixtures/templates/crm-v1.lock.json",
      "fixtures/templates/crm-v2.lock.json",
      "examples/crm-agent/mcp-contract.lock.json",
    ]) {
      const text = readFileSync(join(repoRoot, file), "utf8");
      expect(bothWays(text).names).toEqual(Object.keys(JSON.parse(text).servers));
    }
    const bench = generateReferenceRepo({ servers: 4, tools: 40, templates: 1 })["mcp-contract.lock.json"]!;
    expect(bothWays(bench).names).toEqual(["server_00", "server_01", "server_02", "server_03"]);
  });

  it("follow JSON, not the layout: minified text, strings with braces, quotes and backslashes, escaped keys", () => {
    const servers = {
      a: entry("t", 'braces } ] { [ and a quote " and a backslash \\ then "}'),
      'b"}': entry("u", "\\"),
      "": entry("v", '\\\\"{'),
    };
    expect(bothWays(JSON.stringify({ lockfileVersion: 1, servers })).names).toEqual(["a", 'b"}', ""]);
    expect(
      bothWays(JSON.stringify({ servers, lockfileVersion: 1, extra: { servers: [1] } }, null, 3)).names,
    ).toEqual(["a", 'b"}', ""]);
    const escaped = `{"lockfileVersion":1,"serv\\u0065rs":{"\\u0061":${JSON.stringify(entry("t", "x"))}}}`;
    expect(bothWays(escaped).names).toEqual(["a"]);
  });

  it("keep names that are data: __proto__, constructor and integer-like names, in JSON.parse's order", () => {
    const text = `{"lockfileVersion":1,"servers":{"__proto__":${JSON.stringify(entry("p", "x"))},"constructor":${JSON.stringify(entry("c", "y"))},"7":${JSON.stringify(entry("n", "z"))}}}`;
    const { names, lock } = bothWays(text);
    expect(names).toEqual(["__proto__", "constructor", "7"]);
    expect(Object.keys(lock.servers)).toEqual(["7", "__proto__", "constructor"]);
    expect(Object.hasOwn(lock.servers, "__proto__")).toBe(true);
    expect(
      Object.getOwnPropertyDescriptor(lock.servers, "__proto__")?.value.tools.p.definition.description,
    ).toBe("x");
  });

  it("give no pieces for text they cannot describe exactly", () => {
    const one = JSON.stringify(entry("t", "x"));
    for (const text of [
      `\ufeff{"lockfileVersion":1,"servers":{"a":${one}}}`, // a byte order mark: parsed whole
      `[{"servers":{"a":${one}}}]`, // not an object
      `{"lockfileVersion":1,"servers":{"a":${one}},"servers":{}}`, // servers twice
      `{"lockfileVersion":1,"servers":{"a":${one},"a":${one}}}`, // a server twice
      `{"lockfileVersion":1,"servers":{"a":[]}}`, // an entry that is not an object
      `{"lockfileVersion":1,"servers":[]}`, // servers not an object
      `{"lockfileVersion":1,"servers":{"a":${one}}`, // unclosed
      `{"lockfileVersion":1,"servers":{"a":{"hash":"x}}}`, // unclosed string
      `{"lockfileVersion":1}`, // no servers
    ])
      expect(serverSegments(text), text).toBeUndefined();
  });

  it("give undefined for invalid JSON inside a piece or around the pieces, and parseLockfile's error for a valid-JSON bad shape", () => {
    const one = JSON.stringify(entry("t", "x"));
    for (const text of [
      `{"lockfileVersion":1,"servers":{"a":{"hash":"x",}}}`,
      `{"lockfileVersion":1,"servers":{"a":${one}}} trailing`,
      `{"lockfileVersion":1,,"servers":{"a":${one}}}`,
      `{"lockfileVersion":1,"servers":{"a":{"hash":"\u0001"}}}`,
    ]) {
      const segments = serverSegments(text);
      if (segments) expect(parseLockfileSegments(text, segments, "lock.json"), text).toBeUndefined();
      expect(() => parseLockfile(text, "lock.json")).toThrow(LockfileError);
    }
    const wrongName = `{"lockfileVersion":1,"servers":{"a":${JSON.stringify({ ...entry("t", "x"), tools: { t: { hash: "1", definition: { name: "u" } } } })}}}`;
    const segments = serverSegments(wrongName)!;
    expect(() => parseLockfileSegments(wrongName, segments, "lock.json")).toThrow(
      'lock.json: $.servers["a"].tools["t"].definition.name: expected "t"',
    );
    expect(() => parseLockfile(wrongName, "lock.json")).toThrow(
      'lock.json: $.servers["a"].tools["t"].definition.name: expected "t"',
    );
  });

  it("split text laid out as lock writes it by its lines, and never put a piece where it does not stand", () => {
    const one = entry("t", "x");
    const laid = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
    // As lock writes it: split by lines, the same lockfile.
    expect(bothWays(laid({ lockfileVersion: 1, servers: { a: one, 'b"\\': one } })).names).toEqual([
      "a",
      'b"\\',
    ]);
    // Entries of four-space lines elsewhere than under servers: either no pieces or the same lockfile.
    for (const value of [
      { lockfileVersion: 1, servers: { a: { hash: "0", tools: {} } }, zz: { a: one } },
      { aa: { a: one }, lockfileVersion: 1, servers: { a: one } },
      { lockfileVersion: 1, servers: { a: one }, zz: [{ a: one }] },
    ]) {
      const text = laid(value);
      const segments = serverSegments(text);
      const pieces = segments && parseLockfileSegments(text, segments, "lock.json");
      if (pieces !== undefined) expect(pieces).toEqual(parseLockfile(text, "lock.json"));
      expect(() => parseLockfile(text, "lock.json")).not.toThrow();
    }
    // A duplicate name hidden on a closing line: the last one wins in JSON.parse, so no pieces.
    const hidden = laid({ lockfileVersion: 1, servers: { a: one } }).replace(
      "\n    }\n",
      '\n    }, "a": {"hash": "0", "tools": {}}\n',
    );
    const segments = serverSegments(hidden)!;
    expect(parseLockfileSegments(hidden, segments, "lock.json")).toBeUndefined();
    expect(parseLockfile(hidden, "lock.json").servers.a!.tools).toEqual({});
  });

  it("hand back the object parseEntry gives for a piece's text, so equal entries are shared", () => {
    const text = JSON.stringify({ lockfileVersion: 1, servers: { a: entry("t", "x") } });
    const seen: string[] = [];
    const shared = { hash: "0".repeat(64), tools: {} };
    const lock = parseLockfileSegments(text, serverSegments(text)!, "lock.json", (slice) => {
      seen.push(slice);
      return shared;
    })!;
    expect(seen).toEqual([JSON.stringify(entry("t", "x"))]);
    expect(lock.servers.a!.tools).toEqual({});
  });
});

/** Splits `text` without parsing its entries, then parses each: the same lockfile as parseLockfile's. */
function entryByEntry(text: string) {
  const split = splitLockfile(text, "lock.json");
  expect(split).toBeDefined();
  const whole = parseLockfile(text, "lock.json");
  expect(split!.names).toEqual(Object.keys(whole.servers));
  expect(split!.base).toEqual({ ...whole, servers: {} });
  for (const name of split!.names)
    expect(parseServerEntry(split!, name, split!.entries.get(name)!, "lock.json")).toEqual(
      Object.getOwnPropertyDescriptor(whole.servers, name)!.value,
    );
  return split!;
}

describe("splitLockfile and parseServerEntry", () => {
  it("split a lockfile into its entries' texts and parse each as parseLockfile does", () => {
    for (const file of [
      "fixtures/templates/crm-v1.lock.json",
      "fixtures/templates/crm-v2.lock.json",
      "examples/crm-agent/mcp-contract.lock.json",
    ])
      entryByEntry(readFileSync(join(repoRoot, file), "utf8"));
    const bench = generateReferenceRepo({ servers: 4, tools: 40, templates: 1 })["mcp-contract.lock.json"]!;
    const split = entryByEntry(bench);
    expect(split.names).toEqual(["server_00", "server_01", "server_02", "server_03"]);
    expect(JSON.parse(split.entries.get("server_02")!)).toEqual(JSON.parse(bench).servers.server_02);
  });

  it("keep names that are data, in parseLockfile's order, and the keys beside servers", () => {
    const text = `{"lockfileVersion":1,"extra":{"servers":[1]},"servers":{"__proto__":${JSON.stringify(entry("p", "x"))},"constructor":${JSON.stringify(entry("c", "y"))},"7":${JSON.stringify(entry("n", "z"))}}}`;
    const split = entryByEntry(text);
    expect(split.names).toEqual(["7", "__proto__", "constructor"]);
    expect((split.base as unknown as { extra: unknown }).extra).toEqual({ servers: [1] });
    const proto = parseServerEntry(split, "__proto__", split.entries.get("__proto__")!, "lock.json")!;
    expect(proto.tools.p!.definition.description).toBe("x");
  });

  it("parse no entry that parseLockfile would refuse, and split no file whose rest it would refuse", () => {
    const bad = (value: unknown) =>
      `{"lockfileVersion":2,"servers":{"a":${JSON.stringify(entry("t", "x"))},"b":${JSON.stringify(value)}}}`;
    for (const [text, error] of [
      [bad({ hash: 1, tools: {} }), 'lock.json: $.servers["b"].hash: expected a string'],
      [bad({ hash: "0", tools: { t: { hash: "1", definition: { name: "u" } } } }), 'expected "t"'],
      [bad({ hash: "0" }), 'lock.json: $.servers["b"].tools: expected an object keyed by tool name'],
    ] as const) {
      const split = splitLockfile(text, "lock.json")!;
      expect(parseServerEntry(split, "a", split.entries.get("a")!, "lock.json")).toBeDefined();
      expect(parseServerEntry(split, "b", split.entries.get("b")!, "lock.json")).toBeUndefined();
      expect(() => parseLockfile(text, "lock.json")).toThrow(error);
    }
    const one = JSON.stringify(entry("t", "x"));
    for (const text of [
      `{"lockfileVersion":9,"servers":{"a":${one}}}`, // the rest invalid: parsed whole for the error
      `{"lockfileVersion":1,"servers":{"a":${one}},"x":"\u0000"}`, // a NUL escape: no placeholders
      `{"lockfileVersion":1,"servers":{"a":${one}},"servers":{}}`, // servers twice
      `{"lockfileVersion":1,"servers":{"a":${one}}} trailing`,
    ])
      expect(splitLockfile(text, "lock.json"), text).toBeUndefined();
  });
});
