// The pre-commit path's speed rests on what it does not load: this guards the lazy imports that the
// benchmark's `check --offline` figure depends on (a static import of the SDK or the diff engine
// would double its time). Not a timed test: it lists the modules a real run loads.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { generateReferenceRepo, writeFiles } from "../../bench/generate.mjs";

const bin = resolve("bin/mcp-contract.js");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bench-offline-"));
  await writeFiles(dir, generateReferenceRepo({ servers: 3, tools: 30, templates: 5 }));
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
  git("init", "-q");
  git("add", "-A");
  git("-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-qm", "init");
  // An ESM loader hook that writes every URL loaded through import to stderr.
  await writeFile(
    join(dir, "hooks.mjs"),
    "export async function load(url, context, next) { process.stderr.write(`LOADED ${url}\\n`); return next(url, context); }\n",
  );
  await writeFile(
    join(dir, "register.mjs"),
    `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(join(dir, "hooks.mjs")).href)});\n`,
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it("check --offline on a committed repo loads no MCP SDK, no diff engine and no ajv compiler", () => {
  const run = spawnSync(
    process.execPath,
    ["--import", join(dir, "register.mjs"), bin, "check", "--offline"],
    {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    },
  );
  expect(run.status, run.stderr).toBe(0);
  const loaded = run.stderr.split("\n").filter((l) => l.startsWith("LOADED "));
  expect(loaded.some((l) => l.includes("/dist/cli/commands/check.js"))).toBe(true);
  expect(loaded.some((l) => l.includes("/templates/"))).toBe(true);
  const forbidden = loaded.filter((l) =>
    /@modelcontextprotocol|\/zod\/|\/dist\/diff\/index\.js|\/dist\/fetch\/|\/ajv\/dist\/ajv\.js/.test(l),
  );
  expect(forbidden).toEqual([]);
});
