// CLI tests run the built bin: build once (as `npm run build` does) before the suite so `npm test` works on a fresh clone.
// MCP_CONTRACT_SKIP_BUILD=1 skips it when dist/ is known to be current.
//
// The build is incremental: tsc keeps what it compiled in node_modules/.cache and, when no source
// changed since, checks and writes nothing (about 3 s of one core instead of 10 s, before any test
// file can start). That record only describes dist/ as this setup left it: when dist/ was written
// since by anything else (`npm run build` rewrites every file), or an entry point is gone (tsc does
// not notice deleted outputs), the record is dropped and everything is built again.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const cache = join(root, "node_modules", ".cache", "mcp-contract");
const buildInfo = join(cache, "test-build.tsbuildinfo");
/** The modification times of dist/'s entry points right after this setup's last build. */
const stampFile = join(cache, "test-build.stamp");
const ENTRIES = ["index.js", "cli/main.js", "guard/index.js"].map((file) => join(root, "dist", file));

function stamp(): string | undefined {
  if (!ENTRIES.every((file) => existsSync(file))) return undefined;
  return ENTRIES.map((file) => `${statSync(file, { bigint: true }).mtimeNs}`).join(" ");
}

export default function setup(): void {
  if (process.env.MCP_CONTRACT_SKIP_BUILD === "1") return;
  const recorded = existsSync(stampFile) ? readFileSync(stampFile, "utf8") : undefined;
  const now = stamp();
  if (now === undefined || now !== recorded) rmSync(buildInfo, { force: true });
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
  // The rest of `npm run build`: the hot path's bundle, then the build id that covers it.
  for (const script of ["scripts/bundle.mjs", "scripts/build-id.mjs"])
    execFileSync(process.execPath, [join(root, script)], { cwd: root, stdio: "inherit" });
}
