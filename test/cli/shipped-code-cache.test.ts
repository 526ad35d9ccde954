// The code cache of the offline check's bundle that ships with the build (scripts/code-cache.mjs
// writes dist/bundle/check-offline.<name>.bin; src/hot.ts `compiledCheck` reads it), on a Node
// without module.enableCompileCache (Node 20): a `check --offline --no-cache` runs the bundle from
// it, with the report and exit code of the ES bundle the bin runs without it; a flipped,
// truncated or foreign file is no cache (the same report again), the file is never written at run
// time, and nothing under the result cache directory is created or read. Where Node has its own
// compile cache, the build ships no file.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import * as nodeModule from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Script } from "node:vm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { generateReferenceRepo, writeFiles } from "../../bench/generate.mjs";
import { shippedCodeCachePath } from "../../src/cache/code.js";
import { sha256 } from "../../src/core/hash.js";
import type { Lockfile, ToolDefinition } from "../../src/core/lockfile.js";
import { lockServer } from "../../src/lockfile/build.js";
import { serializeLockfile } from "../../src/lockfile/io.js";
import { type CliResult, repoRoot, runProcess } from "../helpers/cli.js";
import { CORPUS_SNAPSHOTS } from "../helpers/corpus.js";
import { git } from "../helpers/git.js";

const compiles = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache !== "function";
const bundleFile = join(repoRoot, "dist", "bundle", "check-offline.cjs");
const traceLoads = join(repoRoot, "test", "helpers", "trace-loads.mjs");
const traceFs = join(repoRoot, "test", "helpers", "trace-fs.cjs");

let root: string;
/** A copy of the package (bin, dist, docs, package.json), its node_modules linked. */
let pkg: string;
/** The shipped file's name in the copy. */
let shipped: string;
let good: Buffer;
let bench: string;
let corpus: string;
let cacheDir: string;

/** The .bin files of a dist/bundle/. */
const binFiles = (dist: string) => readdirSync(join(dist, "bundle")).filter((name) => name.endsWith(".bin"));

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "shipped-code-cache-"));
  pkg = join(root, "pkg");
  for (const part of ["bin", "dist", "docs", "package.json"])
    cpSync(join(repoRoot, part), join(pkg, part), { recursive: true });
  symlinkSync(join(repoRoot, "node_modules"), join(pkg, "node_modules"), "dir");
  cacheDir = join(root, "cache");
  mkdirSync(cacheDir);

  // The bench's project, committed, with a template naming a tool that is not locked.
  bench = join(root, "bench");
  mkdirSync(bench);
  await writeFiles(bench, generateReferenceRepo({ servers: 3, tools: 30, templates: 6 }));
  writeFileSync(
    join(bench, "prompts", "agent_000.hbs"),
    `${readFileSync(join(bench, "prompts", "agent_000.hbs"), "utf8")}See {{tool "server_00/no_such_tool"}}.\n`,
  );
  commit(bench);

  // The real-world corpus: each package's oldest tool list committed, its newest in the working
  // lockfile (so the check diffs against HEAD's), and a template naming every tool of the oldest.
  corpus = join(root, "corpus");
  mkdirSync(join(corpus, "prompts"), { recursive: true });
  const packages = readdirSync(CORPUS_SNAPSHOTS).sort();
  // Each package a server of a name a config may hold.
  const server = (p: string) => p.replace(/[^A-Za-z0-9_-]/g, "_");
  const versions = (p: string) =>
    readdirSync(join(CORPUS_SNAPSHOTS, p))
      .map((f) => f.replace(/\.json$/, ""))
      .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  const tools = (p: string, v: string) =>
    (JSON.parse(readFileSync(join(CORPUS_SNAPSHOTS, p, `${v}.json`), "utf8")) as { tools: ToolDefinition[] })
      .tools;
  const lockOf = (pick: (all: string[]) => string): Lockfile => ({
    lockfileVersion: 1,
    servers: Object.fromEntries(
      packages.map((p) => [server(p), lockServer({ tools: tools(p, pick(versions(p))) })]),
    ),
  });
  writeFileSync(
    join(corpus, "mcp-contract.yaml"),
    `servers:\n${packages.map((p) => `  ${server(p)}:\n    file: tools/${server(p)}.json\n`).join("")}templates:\n  - prompts/**/*.hbs\n`,
  );
  writeFileSync(
    join(corpus, "prompts", "all.hbs"),
    packages
      .flatMap((p) => tools(p, versions(p)[0]!).map((t) => `{{tool "${server(p)}/${t.name}"}}\n`))
      .join(""),
  );
  writeFileSync(join(corpus, "mcp-contract.lock.json"), serializeLockfile(lockOf((all) => all[0]!)));
  commit(corpus);
  writeFileSync(join(corpus, "mcp-contract.lock.json"), serializeLockfile(lockOf((all) => all.at(-1)!)));

  if (compiles) {
    const [name] = binFiles(join(repoRoot, "dist"));
    expect(name).toBeDefined();
    shipped = join(pkg, "dist", "bundle", name!);
    good = readFileSync(shipped);
  }
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function commit(dir: string): void {
  git(dir, "init", "-q");
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "init");
}

/** `check --offline --no-cache ARGS` in `cwd` through the copy's bin (`nodeArgs` before it). */
async function check(
  cwd: string,
  args: string[] = [],
  nodeArgs: string[] = [],
  env = {},
): Promise<CliResult> {
  const run = await runProcess(
    process.execPath,
    [...nodeArgs, join(pkg, "bin", "mcp-contract.js"), "check", "--offline", "--no-cache", ...args],
    {
      cwd,
      env: {
        ...process.env,
        NO_COLOR: "1",
        FORCE_COLOR: undefined,
        CI: undefined,
        // JUnit's timestamp.
        SOURCE_DATE_EPOCH: "1764578400",
        MCP_CONTRACT_CACHE_DIR: cacheDir,
        ...env,
      },
      timeoutMs: 60_000,
    },
  );
  return { code: run.code, stdout: run.stdout, stderr: run.stderr };
}

/** Which bundle a run used: the offline check's, compiled (its trace names its modules), or the ES one. */
async function bundleUsed(cwd: string, args: string[] = []): Promise<string> {
  const run = await check(cwd, args, ["--import", traceLoads]);
  const loaded = run.stderr.split("\n").filter((l) => l.startsWith("LOADED "));
  const compiled = loaded.some((l) => l.includes("/dist/bundle/check-offline.cjs#"));
  const es = loaded.some((l) => l.endsWith("/dist/bundle/check-main.js"));
  return compiled && !es ? "compiled" : es && !compiled ? "es" : `both or neither: ${loaded.join("\n")}`;
}

/** Every file under `dir` with its size and modification time. */
const listing = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true }).map((e) => {
    const path = join(e.parentPath, e.name);
    const { size, mtimeMs } = statSync(path);
    return [path, size, mtimeMs];
  });

it("the build ships one for this Node, named by the bundle's bytes, which V8 accepts", () => {
  const files = binFiles(join(repoRoot, "dist"));
  if (!compiles) {
    expect(files).toEqual([]);
    return;
  }
  const bytes = readFileSync(bundleFile);
  expect(files.map((f) => join(repoRoot, "dist", "bundle", f))).toEqual([
    shippedCodeCachePath(bundleFile, sha256(bytes), []),
  ]);
  // Preloads and profilers leave the name as it is; a V8 flag or another bundle names another file.
  const path = shippedCodeCachePath(bundleFile, sha256(bytes), []);
  expect(
    shippedCodeCachePath(bundleFile, sha256(bytes), ["--import", "x.mjs", "--cpu-prof", "--require=y"]),
  ).toBe(path);
  expect(shippedCodeCachePath(bundleFile, sha256(bytes), ["--max-old-space-size=100"])).not.toBe(path);
  expect(shippedCodeCachePath(bundleFile, sha256(Buffer.concat([bytes, Buffer.from(" ")])), [])).not.toBe(
    path,
  );
  expect(createHash("sha256").update(good.subarray(32)).digest().equals(good.subarray(0, 32))).toBe(true);
  // V8 takes it for the bundle as the hot path wraps it (in a process with no flags of its own).
  const hot = pathToFileURL(join(repoRoot, "dist", "hot.bundle.cjs")).href;
  const script = `const { offlineScript } = await import(${JSON.stringify(hot)});\nconst { readFileSync } = await import("node:fs");\nconst s = offlineScript(${JSON.stringify(bundleFile)}, readFileSync(${JSON.stringify(bundleFile)}), readFileSync(${JSON.stringify(shipped)}).subarray(32));\nprocess.stdout.write(String(s.cachedDataRejected));\n`;
  const probe = join(root, "probe.mjs");
  writeFileSync(probe, script);
  expect(execFileSync(process.execPath, [probe], { encoding: "utf8" })).toBe("false");
});

it("holds no path of the machine that built it (V8 keeps the script's name), and the bundle no import() to resolve against that name", () => {
  if (!compiles) return;
  const data = readFileSync(join(repoRoot, "dist", "bundle", binFiles(join(repoRoot, "dist"))[0]!));
  expect(data.includes(Buffer.from("mcp-contract/dist/bundle/check-offline.cjs"))).toBe(true);
  // The repository, and the build's representative project (scripts/code-cache.mjs).
  for (const form of [repoRoot, pathToFileURL(repoRoot).href, "mcp-contract-code-cache-"])
    expect(data.includes(Buffer.from(form))).toBe(false);
  // A dynamic import() in code run from the shipped cache would resolve against the script's name.
  expect(readFileSync(bundleFile, "latin1")).not.toMatch(/(?<![\w$.])import\s*\(/);
});

it("check --offline --no-cache runs from it, and prints what the ES bundle prints without it", async () => {
  const cases: [string, string[]][] = [
    [bench, []],
    [bench, ["--format", "json"]],
    [bench, ["--format", "markdown"]],
    // Formats the hot path does not serve (they read git, rule pages, the clock or the host).
    [bench, ["--format", "github"]],
    [bench, ["--format", "sarif"]],
    [bench, ["--format", "junit"]],
    [bench, ["--format", "html"]],
    [corpus, []],
    [corpus, ["--format", "json"]],
  ];
  const withFile = [];
  for (const [cwd, args] of cases) withFile.push(await check(cwd, args));
  expect(await bundleUsed(bench)).toBe(compiles ? "compiled" : "es");
  expect(await bundleUsed(bench, ["--format", "sarif"])).toBe(compiles ? "compiled" : "es");
  if (compiles) rmSync(shipped);
  try {
    expect(await bundleUsed(bench)).toBe("es");
    for (const [i, [cwd, args]] of cases.entries())
      expect(withFile[i], `${cwd} ${args}`).toEqual(await check(cwd, args));
  } finally {
    if (compiles) writeFileSync(shipped, good);
  }
  expect(withFile[0]!.code).toBe(1);
  expect(withFile[0]!.stdout).toContain("no_such_tool");
  // The corpus's newest versions dropped tools its template names, and the diff against HEAD's
  // lockfile (the oldest versions) is what reports them.
  const corpusText = withFile[cases.findIndex(([cwd]) => cwd === corpus)]!;
  expect(corpusText.code, corpusText.stderr).toBe(1);
  expect(corpusText.stdout).toMatch(/template-unknown-tool|template-tool-removed/);
}, 180_000);

it("a flipped, truncated, empty or foreign file is no cache: the same report, and the file is left as it was", async () => {
  if (!compiles) {
    expect(binFiles(join(pkg, "dist"))).toEqual([]);
    return;
  }
  const reference = await check(bench);
  const withChecksum = (data: Buffer) => Buffer.concat([createHash("sha256").update(data).digest(), data]);
  const half = good.length >> 1;
  const cases: [string, Buffer][] = [
    ["one byte flipped", Buffer.from(good).fill(good[half]! ^ 0xff, half, half + 1)],
    ["truncated", good.subarray(0, 5)],
    ["empty", Buffer.alloc(0)],
    ["foreign", withChecksum(new Script("globalThis.shippedCodeCacheTest = 1;").createCachedData())],
    ["garbage", withChecksum(Buffer.alloc(4096, 0x5a))],
    ["cut short", withChecksum(good.subarray(32, 32 + ((good.length - 32) >> 1)))],
  ];
  try {
    for (const [what, bytes] of cases) {
      writeFileSync(shipped, bytes);
      expect(await check(bench), what).toEqual(reference);
      expect(readFileSync(shipped).equals(bytes), what).toBe(true);
    }
    // A directory where the file should be.
    rmSync(shipped);
    mkdirSync(shipped);
    expect(await check(bench)).toEqual(reference);
    rmSync(shipped, { recursive: true });
    // None: nothing writes one.
    expect(await check(bench)).toEqual(reference);
    expect(binFiles(join(pkg, "dist"))).toEqual([]);
  } finally {
    rmSync(shipped, { recursive: true, force: true });
    writeFileSync(shipped, good);
  }
  expect(readdirSync(cacheDir)).toEqual([]);
}, 180_000);

it("under --no-cache nothing in the result cache directory is created or read, with the shipped file or without", async () => {
  // A cache directory a cached run filled (entries, the hot path's record, on Node 20 a code cache).
  const filled = join(root, "filled-cache");
  const cached = await runProcess(
    process.execPath,
    [join(pkg, "bin", "mcp-contract.js"), "check", "--offline"],
    {
      cwd: bench,
      env: {
        ...process.env,
        NO_COLOR: "1",
        FORCE_COLOR: undefined,
        CI: undefined,
        MCP_CONTRACT_CACHE_DIR: filled,
      },
    },
  );
  expect(cached.code).toBe(1);
  const before = listing(filled);
  expect(before.length).toBeGreaterThan(0);
  const trace = join(root, "fs-trace.txt");
  const touched = async () => {
    writeFileSync(trace, "");
    const run = await check(bench, [], ["--require", traceFs], {
      MCP_CONTRACT_CACHE_DIR: filled,
      MCP_CONTRACT_FS_TRACE: trace,
    });
    expect(run.code).toBe(1);
    const paths = readFileSync(trace, "utf8").split("\n").filter(Boolean);
    // The trace works: the run read the lockfile through it.
    expect(paths).toContain(`FS ${join(bench, "mcp-contract.lock.json")}`);
    return paths.filter((p) => p.startsWith(`FS ${filled}`));
  };
  expect(await touched()).toEqual([]);
  if (compiles) rmSync(shipped);
  try {
    expect(await touched()).toEqual([]);
  } finally {
    if (compiles) writeFileSync(shipped, good);
  }
  expect(listing(filled)).toEqual(before);
}, 180_000);
