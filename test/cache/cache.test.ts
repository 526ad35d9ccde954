import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateReferenceRepo, writeFiles } from "../../bench/generate.mjs";
import { cacheDirectory, isJsonSafe, openCache, ResultCache } from "../../src/cache/index.js";
import { sha256 } from "../../src/core/hash.js";

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

  it("writes the sha256 of the body's UTF-8 bytes, a newline and the body; non-ASCII text reads back", () => {
    const dir = temp();
    const cache = new ResultCache(dir);
    const key = cache.key("k", "é");
    const value = { text: "é 😀 \u2028 \ud800", ключ: ["\n"] };
    cache.set("k", key, value);
    const [file] = entries(dir);
    const body = JSON.stringify({ key, value });
    expect(readFileSync(file!, "utf8")).toBe(`${sha256(body)}\n${body}`);
    expect(cache.get("k", key)).toEqual(value);
    // A newline anywhere but right after the 64 hex digits is not an entry.
    writeFileSync(file!, `${sha256(body)}\n\n${body}`);
    expect(cache.get("k", key)).toBeUndefined();
    writeFileSync(file!, `\n${sha256(body)}${body}`);
    expect(cache.get("k", key)).toBeUndefined();
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

describe("the result cache across builds of one version", () => {
  it("an installed build with other code (same version, npm's one fixed file time) does not read the old build's results", async () => {
    const repoRoot = join(import.meta.dirname, "..", "..");
    const root = temp();
    // An installed package as npm leaves it: bin, dist, schema and package.json, every file stamped 1985-10-26.
    const pkg = join(root, "pkg");
    for (const part of ["bin", "dist", "schema", "package.json"])
      cpSync(join(repoRoot, part), join(pkg, part), { recursive: true });
    symlinkSync(join(repoRoot, "node_modules"), join(pkg, "node_modules"), "dir");
    const npmTime = new Date("1985-10-26T08:15:00.000Z");
    const install = () => {
      // `npm run build` in the package's own repository, then npm's packing.
      execFileSync(process.execPath, [join(repoRoot, "scripts", "build-id.mjs"), join(pkg, "dist")]);
      for (const e of readdirSync(pkg, { withFileTypes: true, recursive: true }))
        if (e.isFile()) utimesSync(join(e.parentPath, e.name), npmTime, npmTime);
    };
    const project = join(root, "project");
    mkdirSync(project);
    await writeFiles(project, generateReferenceRepo({ servers: 2, tools: 5, templates: 2 }));
    writeFileSync(
      join(project, "prompts", "agent_000.hbs"),
      '{{#tool "server_01/update_customer_3"}}{{param "no_such_param"}}{{/tool}}\n',
    );
    const check = () =>
      spawnSync(process.execPath, [join(pkg, "bin", "mcp-contract.js"), "check", "--offline"], {
        cwd: project,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1", MCP_CONTRACT_CACHE_DIR: join(root, "cache") },
      });

    install();
    const first = check();
    expect(first.stdout, first.stderr).toContain("has no parameter `no_such_param`");
    // The next build of the same version words the finding differently: the template checker as tsc
    // writes it and as the bin runs it, in its chunk of the CLI's bundle, of `check`'s and in the
    // offline check's compiled script (dist/bundle/inputs.json; on Node 20 the bin runs that one,
    // from a code cache keyed by the build).
    const inputs = JSON.parse(readFileSync(join(pkg, "dist", "bundle", "inputs.json"), "utf8")) as Record<
      string,
      string[]
    >;
    const chunks = Object.keys(inputs).filter((chunk) => inputs[chunk]?.includes("src/templates/check.ts"));
    expect(chunks).toEqual([
      expect.not.stringMatching(/^check-/),
      expect.stringMatching(/^check-.*\.js$/),
      "check-offline.cjs",
    ]);
    for (const checker of [
      join(pkg, "dist", "templates", "check.js"),
      ...chunks.map((chunk) => join(pkg, "dist", "bundle", chunk)),
    ])
      writeFileSync(
        checker,
        readFileSync(checker, "utf8").replace("has no parameter", "lacks the parameter"),
      );
    install();
    const second = check();
    expect(second.stdout, second.stderr).toContain("lacks the parameter `no_such_param`");
    expect(second.stdout).not.toContain("has no parameter");
  });
});
