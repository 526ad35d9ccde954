// V8's code cache of the offline check's compiled bundle (src/cache/code.ts; src/hot.ts
// `compiledCheck`, on a Node without module.enableCompileCache): a `check --offline` the hot path
// cannot answer writes it, the next compiles from it. A corrupt, truncated, foreign or unreadable
// file is no cache: the report and exit code are those of a run without any, nothing crashes, and
// the file is written again. It holds no secret of the config. (Where Node has its own compile
// cache, the bin uses that instead, and no code cache file is written.) This is for a Node the
// build's own code cache is not for: the runs here are of a copy of the package without it (the
// one the build ships: test/cli/shipped-code-cache.test.ts).
import { createHash } from "node:crypto";
import { cpSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import * as nodeModule from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Script } from "node:vm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { generateReferenceRepo, writeFiles } from "../../bench/generate.mjs";
import { type CliResult, repoRoot, runProcess } from "../helpers/cli.js";
import { git } from "../helpers/git.js";

const compiles = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache !== "function";
const TOKEN = "code-cache-secret-7f3a9c1e5b";
let dir: string;
let cacheDir: string;
let codeDir: string;
let template: string;
let reference: CliResult;
/** A copy of the package (bin, dist, package.json) without the code cache the build ships. */
let pkg: string;

beforeAll(async () => {
  pkg = await mkdtemp(join(tmpdir(), "code-cache-pkg-"));
  for (const part of ["bin", "dist", "package.json"])
    cpSync(join(repoRoot, part), join(pkg, part), { recursive: true });
  symlinkSync(join(repoRoot, "node_modules"), join(pkg, "node_modules"), "dir");
  for (const name of readdirSync(join(pkg, "dist", "bundle")))
    if (name.endsWith(".bin")) rmSync(join(pkg, "dist", "bundle", name));
  dir = await mkdtemp(join(tmpdir(), "code-cache-"));
  cacheDir = await mkdtemp(join(tmpdir(), "code-cache-dir-"));
  codeDir = join(cacheDir, "code");
  await writeFiles(dir, generateReferenceRepo({ servers: 3, tools: 30, templates: 5 }));
  // A server whose header names a secret: the run reads and redacts it, and it must not be cached.
  const config = await readFile(join(dir, "mcp-contract.yaml"), "utf8");
  expect(config).toContain("\nlockfile:");
  await writeFile(
    join(dir, "mcp-contract.yaml"),
    config.replace(
      "\nlockfile:",
      '\n  remote:\n    url: http://127.0.0.1:9/mcp\n    headers:\n      Authorization: "Bearer ${CODE_CACHE_TOKEN}"\nlockfile:',
    ),
  );
  template = join(dir, "prompts", "agent_000.hbs");
  await writeFile(template, `${await readFile(template, "utf8")}See {{tool "server_00/no_such_tool"}}.\n`);
  git(dir, "init", "-q");
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "init");
  reference = await check(["--no-cache"]);
  expect(reference.code).toBe(1);
  expect(reference.stdout).toContain("no_such_tool");
});
afterAll(async () => {
  await rm(pkg, { recursive: true, force: true });
  await rm(dir, { recursive: true, force: true });
  await rm(cacheDir, { recursive: true, force: true });
});

/** `check --offline ARGS` through the copy's bin, in the project, with `env`. */
async function run(args: string[], env: Record<string, string>): Promise<CliResult> {
  const result = await runProcess(
    process.execPath,
    [join(pkg, "bin", "mcp-contract.js"), "check", "--offline", ...args],
    {
      cwd: dir,
      env: {
        ...process.env,
        NO_COLOR: "1",
        FORCE_COLOR: undefined,
        CI: undefined,
        CODE_CACHE_TOKEN: TOKEN,
        ...env,
      },
      timeoutMs: 60_000,
    },
  );
  return { code: result.code, stdout: result.stdout, stderr: result.stderr };
}

/** `check --offline ARGS` through the bin, with the template rewritten first (so the hot path cannot answer). */
async function check(args: string[] = []): Promise<CliResult> {
  await writeFile(template, await readFile(template));
  return run(args, { MCP_CONTRACT_CACHE_DIR: cacheDir });
}

/** The code cache files (full paths). */
async function codeFiles(): Promise<string[]> {
  try {
    return (await readdir(codeDir)).map((name) => join(codeDir, name));
  } catch {
    return [];
  }
}

/** Whether the file holds a checksum over the rest that holds. */
async function intact(path: string): Promise<boolean> {
  const bytes = await readFile(path);
  return (
    bytes.length > 32 &&
    createHash("sha256").update(bytes.subarray(32)).digest().equals(bytes.subarray(0, 32))
  );
}

it("is written by a run and read by the next, which prints what a run without any cache prints", async () => {
  expect(await check()).toEqual(reference);
  const files = await codeFiles();
  if (!compiles) {
    expect(files).toEqual([]);
    return;
  }
  expect(files).toHaveLength(1);
  const file = files[0]!;
  expect(await intact(file)).toBe(true);
  const written = await readFile(file);
  expect(await check()).toEqual(reference);
  // Read, not rewritten: V8 accepted it.
  expect((await readFile(file)).equals(written)).toBe(true);
  // Nothing of the secret the run read, in any form.
  for (const form of [TOKEN, Buffer.from(TOKEN).toString("base64"), `Bearer ${TOKEN}`])
    expect(written.includes(Buffer.from(form, "latin1"))).toBe(false);
  expect(written.includes(Buffer.from(TOKEN, "utf16le"))).toBe(false);
});

it("a corrupt, truncated, foreign or unreadable code cache changes nothing and is written again", async () => {
  if (!compiles) {
    expect(await check()).toEqual(reference);
    expect(await codeFiles()).toEqual([]);
    return;
  }
  const [file] = await codeFiles();
  expect(file).toBeDefined();
  const good = await readFile(file!);
  const withChecksum = (data: Buffer) => Buffer.concat([createHash("sha256").update(data).digest(), data]);
  const cases: [string, Buffer][] = [
    [
      "one byte flipped",
      Buffer.from(good).fill(good[good.length >> 1]! ^ 0xff, good.length >> 1, (good.length >> 1) + 1),
    ],
    ["truncated", good.subarray(0, 5)],
    ["empty", Buffer.alloc(0)],
    // V8's data for another script, behind a checksum that holds: V8 refuses it.
    ["foreign", withChecksum(new Script("globalThis.codeCacheTest = 1;").createCachedData())],
    // Not V8's data at all, behind a checksum that holds.
    ["garbage", withChecksum(Buffer.alloc(4096, 0x5a))],
    // The bundle's own data cut short, behind a new checksum.
    ["cut short", withChecksum(good.subarray(32, 32 + ((good.length - 32) >> 1)))],
  ];
  // An earlier build's code cache beside it: removed when this one is written again.
  const stale = join(codeDir, `${"0".repeat(64)}.bin`);
  await writeFile(stale, good);
  for (const [what, bytes] of cases) {
    await writeFile(file!, bytes);
    expect(await check(), what).toEqual(reference);
    expect(await intact(file!), what).toBe(true);
  }
  expect(await codeFiles()).toEqual([file]);
  // A directory where the file should be: neither read nor written, and the run is the same.
  await rm(file!);
  await mkdir(file!);
  expect(await check()).toEqual(reference);
  await rm(file!, { recursive: true });
  expect(await check()).toEqual(reference);
  expect(await intact(file!)).toBe(true);
});

it("is neither read nor written with the result cache turned off", async () => {
  const off = await mkdtemp(join(tmpdir(), "code-cache-off-"));
  try {
    await writeFile(template, await readFile(template));
    expect(await run([], { MCP_CONTRACT_CACHE_DIR: off, MCP_CONTRACT_NO_CACHE: "1" })).toEqual(reference);
    expect(await readdir(off)).toEqual([]);
    await writeFile(template, await readFile(template));
    expect(await run(["--no-cache"], { MCP_CONTRACT_CACHE_DIR: off })).toEqual(reference);
    expect(await readdir(off)).toEqual([]);
  } finally {
    await rm(off, { recursive: true, force: true });
  }
});
