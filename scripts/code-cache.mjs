#!/usr/bin/env node
// Writes the code cache of the offline check's bundle that ships with the build
// (dist/bundle/check-offline.<name>.bin; src/cache/code.ts `shippedCodeCachePath`): V8's compiled
// code of dist/bundle/check-offline.cjs, for the Node running the build, which the bin compiles
// that bundle from on Node 20 (src/hot.ts `compiledCheck`) when the hot path cannot answer a
// `check --offline`, `--no-cache` included; nothing writes it at run time. Run by `npm run build`
// after scripts/build-id.mjs (the file is not a script: the build id does not cover it). A Node
// with `module.enableCompileCache` (22.1 and later) compiles the bundles with its own compile
// cache and gets no file. The bundle is run once, in a child with no flags (they would name another
// file), on a small generated project (bench/generate.mjs) committed to git, with a template naming
// a tool that is not locked, so the functions such a check calls (the lockfile, the templates, the
// poisoning scan, the text report) are compiled and kept, not only the bundle's top level. When
// that run fails, the build goes on without the file (a warning): only the speed depends on it.
// Usage: node scripts/code-cache.mjs
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import * as nodeModule from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const root = join(import.meta.dirname, "..");
const dist = join(root, "dist");
const ARGV = ["check", "--offline", "--no-cache"];

if (process.argv[2] === "--run") {
  // The child, in the project's directory.
  const { writeShippedCodeCache } = await import(pathToFileURL(join(dist, "hot.bundle.cjs")).href);
  const { path, code } = await writeShippedCodeCache(pathToFileURL(`${dist}/`), ARGV);
  if (code !== 1) {
    process.stderr.write(`code-cache: the representative check exited ${code}, not 1\n`);
    rmSync(path, { force: true });
    process.exit(1);
  }
  process.exit(0);
}

for (const name of readdirSync(join(dist, "bundle")))
  if (name.endsWith(".bin")) rmSync(join(dist, "bundle", name), { force: true });
if (typeof nodeModule.enableCompileCache === "function") process.exit(0);

const { generateReferenceRepo, writeFiles } = await import(
  pathToFileURL(join(root, "bench", "generate.mjs")).href
);
const dir = mkdtempSync(join(tmpdir(), "mcp-contract-code-cache-"));
try {
  await writeFiles(dir, generateReferenceRepo({ servers: 3, tools: 30, templates: 10 }));
  appendFileSync(join(dir, "prompts", "agent_000.hbs"), 'See {{tool "server_00/no_such_tool"}}.\n');
  // A committed project, as at a pre-commit hook (the check asks git whether the lockfile changed);
  // without git the check still runs, with no history.
  try {
    const git = (...args) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
    git("init", "-q");
    git("add", "-A");
    git(
      ...["-c", "user.name=build", "-c", "user.email=build@localhost", "-c", "commit.gpgsign=false"],
      ...["commit", "-qm", "project"],
    );
  } catch {
    // No git.
  }
  const env = { ...process.env, NO_COLOR: "1" };
  delete env.NODE_OPTIONS;
  for (const name of Object.keys(env)) if (name.startsWith("OTEL_")) delete env[name];
  const child = spawnSync(process.execPath, [join(import.meta.dirname, "code-cache.mjs"), "--run"], {
    cwd: dir,
    env,
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
  });
  // Only speed depends on it: a build without it still works (the bundle is compiled from source,
  // test/cli/shipped-code-cache.test.ts fails), so this warns instead of failing the build.
  if (child.status !== 0)
    process.stderr.write(`code-cache: warning: no code cache written (${child.status}): ${child.stderr}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
