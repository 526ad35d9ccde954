// The pre-commit path's speed rests on what it does not load: this guards the lazy imports that the
// benchmark's `check --offline` figure depends on (a static import of the SDK or the diff engine
// would double its time). Not a timed test: it lists the modules a real run loads. What the hot path
// cannot answer runs from the CLI's bundle (dist/bundle/): its chunks are read back as the src/ and
// package files in them (dist/bundle/inputs.json), named as tsc's output would be.
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { generateReferenceRepo, writeFiles } from "../../bench/generate.mjs";
import { unbundled } from "../helpers/bundle-inputs.js";
import { git } from "../helpers/git.js";

const bin = resolve("bin/mcp-contract.js");
// Prints "LOADED <url>" to stderr for every module the process loads.
const traceLoads = resolve("test/helpers/trace-loads.mjs");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bench-offline-"));
  await writeFiles(dir, generateReferenceRepo({ servers: 3, tools: 30, templates: 5 }));
  git(dir, "init", "-q");
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "init");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Runs `check --offline ARGS` in the reference repo and returns the module URLs it loaded (each
 * "LOADED url"), a chunk of the CLI's bundle as the modules in it.
 */
function loadedModules(...args: string[]): string[] {
  const run = spawnSync(process.execPath, ["--import", traceLoads, bin, "check", "--offline", ...args], {
    cwd: dir,
    encoding: "utf8",
    // Its own result cache, so the first run is cold and the second warm whatever ran before.
    env: { ...process.env, NO_COLOR: "1", MCP_CONTRACT_CACHE_DIR: join(dir, ".cache") },
  });
  expect(run.status, run.stderr).toBe(0);
  const urls = run.stderr
    .split("\n")
    .filter((l) => l.startsWith("LOADED "))
    .map((l) => l.slice("LOADED ".length));
  // The full CLI runs from its bundle, never as tsc wrote it.
  const dist = `${pathToFileURL(resolve("dist")).href}/`;
  expect(
    urls.filter((u) => u.startsWith(dist) && !/^(bundle\/|hot\.bundle\.cjs$)/.test(u.slice(dist.length))),
  ).toEqual([]);
  return unbundled(urls).map((u) => `LOADED ${u}`);
}

// Loaded by no offline run with the default (uncoloured) text report: the other formatters and
// chalk load per format (report/lazy.ts), the fetch-only helpers with the fetch, and fingerprints
// use the project's own RFC 8785 serialiser rather than the canonicalize package.
const NOT_FOR_TEXT =
  /\/report\/formats\/(json|markdown|github|sarif|junit|text-chalk)\.js|\/dist\/report\/index\.js|\/chalk\/|\/canonicalize\/|\/dist\/cli\/progress\.js|\/dist\/lockfile\/build\.js/;

// Loaded by no offline run: the fetch layer and the MCP SDK, OpenTelemetry, the diff engine (the
// lockfile equals HEAD's; diff/descriptions.ts, which the per-entry facts import to leave the engine
// out of a description edit, is no part of it), ajv's compiler.
const NOT_OFFLINE =
  /@modelcontextprotocol|\/zod\/|\/dist\/diff\/(?!descriptions\.js$)|\/dist\/fetch\/|@opentelemetry|\/dist\/telemetry\/otel\.js|\/ajv\/dist\/ajv\.js/;
// Loaded by no warm offline run besides: Handlebars, the template checker, the poisoning scan, YAML
// and the config validators (the cached parse was validated).
const NOT_WARM =
  /\/dist\/(templates|poisoning)\/|handlebars|\/yaml\/|\/dist\/config\/(validate|validators\.generated)\.js/;
// Nor, once the listing was remembered (its directories were older than a second), the glob library.
const GLOB = /tinyglobby|\/fdir\/|picomatch/;
// Stamps younger than a second are never recorded (coarse file-system clocks); age the files past it.
const settle = () => new Promise((done) => setTimeout(done, 1100));

it("check --offline on a committed repo loads no MCP SDK, no diff engine and no ajv compiler", async () => {
  const loaded = loadedModules();
  expect(loaded.some((l) => l.includes("/dist/cli/commands/check.js"))).toBe(true);
  expect(loaded.some((l) => l.includes("/dist/pipeline/offline.js"))).toBe(true);
  expect(loaded.some((l) => l.includes("/templates/"))).toBe(true);
  expect(loaded.some((l) => l.includes("/report/formats/text.js"))).toBe(true);
  expect(loaded.filter((l) => NOT_OFFLINE.test(l) || NOT_FOR_TEXT.test(l))).toEqual([]);

  // Warm (the result cache answers), through the full CLI: not even Handlebars, the template
  // checker, the poisoning scan or the config validators; then (another command line, which the hot
  // path has not seen) not the glob library either.
  await settle();
  const warm = loadedModules();
  expect(warm.some((l) => l.includes("/report/formats/text.js"))).toBe(true);
  expect(warm.filter((l) => NOT_OFFLINE.test(l) || NOT_WARM.test(l) || NOT_FOR_TEXT.test(l))).toEqual([]);
  const verbose = loadedModules("--verbose");
  expect(verbose.some((l) => l.includes("/dist/cli/main.js"))).toBe(true);
  expect(
    verbose.filter((l) => NOT_OFFLINE.test(l) || NOT_WARM.test(l) || GLOB.test(l) || NOT_FOR_TEXT.test(l)),
  ).toEqual([]);

  // Warm again: the hot path's bundle answers alone, one file besides the bin and Node's built-ins.
  const hot = loadedModules();
  // (The bin, CommonJS, is seen both by the loader hooks, which run it under --import, and by require.)
  expect([...new Set(hot.filter((l) => !l.startsWith("LOADED node:")))]).toEqual([
    `LOADED ${pathToFileURL(bin).href}`,
    `LOADED ${pathToFileURL(resolve("dist/hot.bundle.cjs")).href}`,
  ]);
});

it("only the formats asked for are loaded, and chalk only for coloured text", () => {
  const run = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, ["--import", traceLoads, bin, "check", "--offline", ...args], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "", ...env, MCP_CONTRACT_CACHE_DIR: join(dir, ".cache") },
    });
  const modules = (r: ReturnType<typeof run>) =>
    unbundled(
      r.stderr
        .split("\n")
        .filter((l) => l.startsWith("LOADED "))
        .map((l) => l.slice("LOADED ".length)),
    );

  const json = run(["--format", "json"], { FORCE_COLOR: "1" });
  expect(json.status, json.stderr).toBe(0);
  expect(JSON.parse(json.stdout).summary).toBeDefined();
  expect(modules(json).some((l) => l.includes("/report/formats/json.js"))).toBe(true);
  expect(
    modules(json).filter((l) => /\/report\/formats\/(text|markdown|sarif)\.js|\/chalk\//.test(l)),
  ).toEqual([]);

  const coloured = run([], { FORCE_COLOR: "1" });
  expect(coloured.status, coloured.stderr).toBe(0);
  expect(coloured.stdout).toBe("no changes\n");
  expect(modules(coloured).some((l) => l.includes("/chalk/"))).toBe(true);
});
