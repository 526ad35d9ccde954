// What scripts/prepare.mjs built last: a digest of what the build reads (src/, the tsconfigs,
// package.json, package-lock.json, the build's scripts) and one of every file it left in dist/,
// kept in node_modules/.cache (never packed). pre-commit's `language: node` runs `npm install`
// and then `npm pack` in the hook's clone, and npm runs `prepare` for each: the second finds dist/
// as the first left it, from the same sources, and need not build again. Any difference (a
// source edited, added or removed, a dist/ file written by another build, changed or missing, no
// record) means a build.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

/** The files a build reads besides src/, relative to the package root. */
export const BUILD_FILES = [
  "tsconfig.json",
  "tsconfig.build.json",
  "package.json",
  "package-lock.json",
  "scripts/prepare.mjs",
  "scripts/prepared.mjs",
  "scripts/bundle.mjs",
  "scripts/build-id.mjs",
  "scripts/code-cache.mjs",
  "bench/generate.mjs",
];

const recordPath = (root) => join(root, "node_modules", ".cache", "mcp-contract-prepared.json");

/** Every file under `dir`, sorted, relative to `root` with `/` separators; [] when `dir` is absent. */
function filesUnder(root, dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join("/"))
    .sort();
}

/** sha256 over the names and bytes of `files` (relative to `root`); a missing file counts as absent. */
function digest(root, files) {
  const hash = createHash("sha256");
  for (const file of files) {
    const path = join(root, file);
    const bytes = existsSync(path) ? readFileSync(path) : undefined;
    hash.update(`${file}\u0000${bytes === undefined ? "absent" : bytes.length}\u0000`);
    if (bytes !== undefined) hash.update(bytes);
  }
  return hash.digest("hex");
}

/** The digest of the build's inputs in the package at `root` now. */
export function sourcesDigest(root) {
  return digest(root, [...filesUnder(root, join(root, "src")), ...BUILD_FILES]);
}

/** The digest of every file in dist/ of the package at `root` now. */
export function distDigest(root) {
  return digest(root, filesUnder(root, join(root, "dist")));
}

/** Whether dist/ is exactly what the recorded build left, from the same inputs as now. */
export function preparedHolds(root) {
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(recordPath(root), "utf8"));
  } catch {
    return false;
  }
  if (!existsSync(join(root, "dist"))) return false;
  return recorded?.sources === sourcesDigest(root) && recorded?.dist === distDigest(root);
}

/** Records the build just made in the package at `root` from the inputs whose digest was `sources` before it began. */
export function recordPrepared(root, sources) {
  const path = recordPath(root);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify({ sources, dist: distDigest(root) })}\n`);
}
