// CLI tests run the built bin: build once (as `npm run build` does) before the suite so `npm test` works on a fresh clone.
// MCP_CONTRACT_SKIP_BUILD=1 skips it when dist/ is known to be current.
//
// The build is incremental: tsc keeps what it compiled in node_modules/.cache/mcp-contract-test-build
// (beside, not in, the result cache a check run in the repository uses) and, when no source
// changed since, checks and writes nothing (about 3 s of one core instead of 10 s, before any test
// file can start). That record describes dist/ as this setup left it. When dist/ was written since
// by anything else (`npm run build` rewrites every file) after the last change to a source, it was
// built from these sources: tsc compares them with its record and writes what changed. When a source
// changed after that build (an edit, a checkout: dist/ may hold other code than the record says), or
// an entry point is gone (tsc does not notice deleted outputs), the record is dropped and everything
// is built again.
//
// Before any of that, a digest of what the build reads and one of every file in dist/ (the ones
// `prepare` keeps, scripts/prepared.mjs) are compared with those this setup recorded after its last
// build: while both are the same, dist/ is what that build left from these sources, and neither tsc
// nor the bundler runs (a few tens of ms instead of about 4 s of one core).
//
// The same holds for the build `npm ci` has just made in a fresh clone (scripts/prepare.mjs runs
// `npm run build` and records the same two digests, scripts/prepared.mjs): while dist/ is what that
// build left from these sources, nothing runs either. Without this, the first `npm test` of every
// clone rebuilt everything (a full tsc run, 10-40 s of one core while no test file could start).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { distDigest, preparedHolds, sourcesDigest } from "../scripts/prepared.mjs";
import { bundleServers } from "./helpers/servers.js";
import { RUN_TMP } from "./run-tmp.js";

const root = join(import.meta.dirname, "..");
const cache = join(root, "node_modules", ".cache", "mcp-contract-test-build");
const buildInfo = join(cache, "test-build.tsbuildinfo");
/** The modification times of dist/'s entry points right after this setup's last build. */
const stampFile = join(cache, "test-build.stamp");
/** The digests of the build's inputs and of dist/ right after this setup's last build. */
const digestFile = join(cache, "test-build.digest");
const ENTRIES = ["index.js", "cli/main.js", "guard/index.js"].map((file) => join(root, "dist", file));

const mtime = (path: string): bigint => statSync(path, { bigint: true }).mtimeNs;

function stamp(): string | undefined {
  if (!ENTRIES.every((file) => existsSync(file))) return undefined;
  return ENTRIES.map((file) => `${mtime(file)}`).join(" ");
}

/** The latest modification of what the build reads: src/, the tsconfigs, package.json. */
function newestInput(): bigint {
  let newest = 0n;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (mtime(path) > newest) newest = mtime(path);
    }
  };
  walk(join(root, "src"));
  for (const file of ["tsconfig.json", "tsconfig.build.json", "package.json"]) {
    const time = mtime(join(root, file));
    if (time > newest) newest = time;
  }
  return newest;
}

/** Whether tsc's record can be trusted to describe dist/ (see above). */
function recordHolds(): boolean {
  const now = stamp();
  if (now === undefined) return false;
  const recorded = existsSync(stampFile) ? readFileSync(stampFile, "utf8") : undefined;
  if (now === recorded) return true;
  // Written by another build: from these sources only if none changed after it began.
  const builtAt = ENTRIES.map(mtime).reduce((a, b) => (a < b ? a : b));
  return newestInput() < builtAt;
}

export default async function setup(): Promise<() => void> {
  mkdirSync(RUN_TMP, { recursive: true });
  const teardown = () => rmSync(RUN_TMP, { recursive: true, force: true });
  // The fixture servers the tests start as processes, each one file (test/helpers/servers.ts).
  await bundleServers();
  if (process.env.MCP_CONTRACT_SKIP_BUILD !== "1") build();
  return teardown;
}

/** `npm run build`, unless dist/ is known to be what it would write from these sources. */
function build(): void {
  const sources = sourcesDigest(root);
  const built = existsSync(digestFile) ? readFileSync(digestFile, "utf8") : undefined;
  if (built !== undefined && built === `${sources} ${distDigest(root)}`) return;
  if (preparedHolds(root)) return;
  if (!recordHolds()) rmSync(buildInfo, { force: true });
  execFileSync(
    process.execPath,
    [
      join(root, "node_modules", "typescript", "bin", "tsc"),
      "-p",
      join(root, "tsconfig.build.json"),
      "--incremental",
      "--tsBuildInfoFile",
      buildInfo,
    ],
    { cwd: root, stdio: "inherit" },
  );
  mkdirSync(cache, { recursive: true });
  writeFileSync(stampFile, stamp() ?? "");
  // The rest of `npm run build`: the hot path's bundle, the build id that covers it, then the code
  // cache of the offline check's bundle that ships with the build.
  for (const script of ["scripts/bundle.mjs", "scripts/build-id.mjs", "scripts/code-cache.mjs"])
    execFileSync(process.execPath, [join(root, script)], { cwd: root, stdio: "inherit" });
  writeFileSync(digestFile, `${sources} ${distDigest(root)}`);
}
