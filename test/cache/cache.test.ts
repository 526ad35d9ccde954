import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cacheDirectory, isJsonSafe, openCache, ResultCache } from "../../src/cache/index.js";

const temp = () => mkdtempSync(join(tmpdir(), "mcp-contract-cache-"));

function entries(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) out.push(join(e.parentPath, e.name));
  return out;
}

describe("ResultCache", () => {
  it("stores and returns JSON by key; other keys and kinds miss", () => {
    const cache = new ResultCache(join(temp(), "c"));
    const key = cache.key("k", "a", "b");
    expect(cache.get("k", key)).toBeUndefined();
    cache.set("k", key, { x: [1, "two", null] });
    expect(cache.get("k", key)).toEqual({ x: [1, "two", null] });
    expect(cache.get("other", key)).toBeUndefined();
    expect(cache.get("k", cache.key("k", "a", "c"))).toBeUndefined();
  });

  it("keys are unambiguous in how inputs are split", () => {
    const cache = new ResultCache(temp());
    expect(cache.key("k", "ab", "c")).not.toBe(cache.key("k", "a", "bc"));
    expect(cache.key("k", "a")).not.toBe(cache.key("j", "a"));
  });

  it("treats truncated, edited, foreign and garbage entries as misses", () => {
    const dir = temp();
    const cache = new ResultCache(dir);
    const key = cache.key("k", "x");
    cache.set("k", key, ["value"]);
    const [file] = entries(dir);
    const good = readFileSync(file!, "utf8");
    for (const bad of [
      "",
      "garbage",
      good.slice(0, -3),
      good.replace("value", "valuf"),
      `${"0".repeat(64)}\n${good.slice(65)}`,
      "\u0000\u0001\u0002",
    ]) {
      writeFileSync(file!, bad);
      expect(cache.get("k", key), JSON.stringify(bad)).toBeUndefined();
    }
    // A well-formed entry stored under another key's file name is not that key's answer.
    const other = cache.key("k", "y");
    cache.set("k", other, ["other"]);
    const otherFile = entries(dir).find((f) => f.includes(other))!;
    writeFileSync(file!, readFileSync(otherFile, "utf8"));
    expect(cache.get("k", key)).toBeUndefined();
  });

  it("ignores a cache directory it cannot write (a file in the way)", () => {
    const dir = temp();
    writeFileSync(join(dir, "blocked"), "not a directory");
    const cache = new ResultCache(join(dir, "blocked"));
    const key = cache.key("k");
    expect(() => cache.set("k", key, 1)).not.toThrow();
    expect(cache.get("k", key)).toBeUndefined();
  });

  it("leaves no temporary files behind", () => {
    const dir = temp();
    const cache = new ResultCache(dir);
    for (let i = 0; i < 20; i++) cache.set("k", cache.key("k", String(i)), i);
    expect(entries(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(entries(dir)).toHaveLength(20);
  });
});

describe("cacheDirectory", () => {
  it("honours MCP_CONTRACT_CACHE_DIR, then the nearest node_modules, then XDG_CACHE_HOME and ~/.cache", () => {
    const root = temp();
    const project = join(root, "project");
    mkdirSync(join(project, "node_modules"), { recursive: true });
    mkdirSync(join(project, "sub"), { recursive: true });
    expect(cacheDirectory(join(project, "sub"), { MCP_CONTRACT_CACHE_DIR: "/x/y" })).toBe("/x/y");
    expect(cacheDirectory(join(project, "sub"), {})).toBe(
      join(project, "node_modules", ".cache", "mcp-contract"),
    );
    const bare = join(root, "bare");
    mkdirSync(bare);
    // A temp dir may sit under a directory with node_modules on some machines; only assert when it does not.
    const found = cacheDirectory(bare, { XDG_CACHE_HOME: "/xdg", HOME: "/home/u" }, "linux");
    if (!found?.includes("node_modules")) {
      expect(found).toBe("/xdg/mcp-contract");
      expect(cacheDirectory(bare, { HOME: "/home/u" }, "linux")).toBe("/home/u/.cache/mcp-contract");
      expect(cacheDirectory(bare, { HOME: "/Users/u" }, "darwin")).toBe(
        "/Users/u/Library/Caches/mcp-contract",
      );
    }
  });

  it("is off with MCP_CONTRACT_NO_CACHE or --no-cache", () => {
    expect(cacheDirectory("/", { MCP_CONTRACT_NO_CACHE: "1", MCP_CONTRACT_CACHE_DIR: "/x" })).toBeUndefined();
    expect(cacheDirectory("/", { MCP_CONTRACT_NO_CACHE: "0", MCP_CONTRACT_CACHE_DIR: "/x" })).toBe("/x");
    expect(cacheDirectory("/", { MCP_CONTRACT_NO_CACHE: "", MCP_CONTRACT_CACHE_DIR: "/x" })).toBe("/x");
    expect(openCache({ cache: false }, "/", { MCP_CONTRACT_CACHE_DIR: "/x" })).toBeUndefined();
    expect(openCache({}, "/", { MCP_CONTRACT_CACHE_DIR: "/x" })?.dir).toBe("/x");
  });
});

describe("isJsonSafe", () => {
  it("accepts plain JSON and rejects what a JSON round trip would change", () => {
    expect(isJsonSafe({ a: [1, "s", true, null, { b: 2.5 }] })).toBe(true);
    for (const bad of [
      Number.POSITIVE_INFINITY,
      Number.NaN,
      -0,
      undefined,
      new Date(0),
      { a: undefined },
      () => 1,
    ]) {
      expect(isJsonSafe(bad), String(bad)).toBe(false);
    }
    expect(isJsonSafe(JSON.parse('{"__proto__": 1}'))).toBe(false);
  });
});
