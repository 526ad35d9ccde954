// The fetch benchmark's `lock` figure rests on what a lock does not load: ajv's compiler (the
// tool schemas are checked against precompiled meta-schema validators unless one holds a $ref),
// the diff engine on a first lock (every server is new), the template checker and its glob
// library, and every report format but text. Not a timed test:
// it lists the modules a real `lock` of an HTTP server loads, ES modules through a loader hook and
// CommonJS files from require.cache at exit. A lock runs from the bundle (dist/bundle/, one
// chunk per lazily imported part): its chunks are read back as the src/ and package files in them.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startHttpFixture } from "../../fixtures/servers/fixture-server.mjs";

const bin = resolve("bin/mcp-contract.js");
// Prints "LOADED <url>" to stderr for every module the process loads.
const traceLoads = resolve("test/helpers/trace-loads.mjs");
let dir: string;
let fixture: Awaited<ReturnType<typeof startHttpFixture>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bench-lock-"));
  fixture = await startHttpFixture({
    transport: "streamable-http",
    tools: [
      {
        name: "search",
        description: "Search the catalogue.",
        inputSchema: { type: "object", properties: { q: { type: "string", pattern: "^\\w+$" } } },
        outputSchema: { type: "object", properties: { hits: { type: "array", items: { type: "string" } } } },
      },
      {
        name: "legacy",
        inputSchema: { $schema: "http://json-schema.org/draft-07/schema#", type: "object" },
      },
    ],
  });
  await writeFile(
    join(dir, "mcp-contract.yaml"),
    `servers:\n  shop:\n    url: ${fixture.url}\n    transport: streamable-http\n`,
  );
  await writeFile(
    join(dir, "required.cjs"),
    'process.on("exit", () => { for (const f of Object.keys(require.cache)) process.stderr.write(`REQUIRED ${f}\\n`); });\n',
  );
});
afterAll(async () => {
  await fixture.close();
  await rm(dir, { recursive: true, force: true });
});

it("a first lock of an HTTP server loads no ajv compiler, no diff engine, no template checker or glob, and only the text report", async () => {
  // Asynchronously: the fixture server answers from this process's event loop.
  const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
    const child = execFile(
      process.execPath,
      ["--import", traceLoads, "--require", join(dir, "required.cjs"), bin, "lock"],
      { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
      (_error, stdout, stderr) => done({ status: child.exitCode, stdout, stderr }),
    );
  });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toContain("wrote ");
  const locked = JSON.parse(await readFile(join(dir, "mcp-contract.lock.json"), "utf8"));
  expect(Object.keys(locked.servers.shop.tools)).toEqual(["legacy", "search"]);
  const files = run.stderr
    .split("\n")
    .filter((l) => /^(LOADED|REQUIRED) /.test(l))
    .map((l) => l.replace(/^(LOADED|REQUIRED) /, ""));
  // The bin runs a lock from the bundle (scripts/bundle.mjs), never from the CLI as tsc wrote it.
  const bundle = pathToFileURL(resolve("dist/bundle")).href;
  expect(files).toContain(`${bundle}/main.js`);
  expect(files.filter((f) => /\/dist\/(?!bundle\/|hot\.bundle\.js$)/.test(f))).toEqual([]);
  // Every package it imports is bundled in: no package file of JavaScript is loaded on its own.
  expect(files.filter((f) => /\/node_modules\/.*\.[cm]?js$/.test(f))).toEqual([]);
  // What the loaded chunks hold (dist/bundle/inputs.json), named as tsc's output would be, and
  // what was loaded besides.
  const inputs = JSON.parse(await readFile(resolve("dist/bundle/inputs.json"), "utf8")) as Record<
    string,
    string[]
  >;
  const loaded = files.flatMap((f) =>
    f.startsWith(`${bundle}/`)
      ? (inputs[f.slice(bundle.length + 1)] ?? []).map((input) =>
          input.startsWith("src/") ? `/dist/${input.slice(4).replace(/\.ts$/, ".js")}` : `/${input}`,
        )
      : [f],
  );
  // It did fetch and lock: the SDK, the schema check and the lock stage were loaded.
  for (const expected of [
    "@modelcontextprotocol/client",
    "/dist/fetch/validate.js",
    "/dist/fetch/meta-2020.generated.js",
    "/dist/pipeline/lock-changes.js",
    "/dist/report/formats/text.js",
  ])
    expect(loaded.some((l) => l.includes(expected))).toBe(true);
  const forbidden = loaded.filter((l) =>
    /\/ajv\/dist\/(ajv|2020|core)\.js|\/dist\/diff\/(index|engine)\.js|\/ajv\/dist\/compile\/|\/dist\/templates\/|\/dist\/pipeline\/live\.js|tinyglobby|\/fdir\/|picomatch|handlebars|\/report\/formats\/(json|markdown|github|sarif|junit|html|text-chalk)\.js|\/dist\/report\/index\.js|\/chalk\//.test(
      l,
    ),
  );
  expect(forbidden).toEqual([]);
});
