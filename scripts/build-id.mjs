#!/usr/bin/env node
// Writes dist/build-id: the sha256 of every compiled file, so the offline result cache
// (src/cache) tells two builds apart even when they share a version and their files share
// one modification time (npm pack stamps every file 1985-10-26, so installs of two
// different builds of 0.1.0, from a git dependency or a CI tarball, look alike).
// Usage: node scripts/build-id.mjs [dist-directory]
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve, sep } from "node:path";

const dist = resolve(process.argv[2] ?? join(import.meta.dirname, "..", "dist"));
const files = readdirSync(dist, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && /\.c?js$/.test(entry.name))
  .map((entry) => join(entry.parentPath, entry.name))
  .sort();
const hash = createHash("sha256");
for (const file of files) {
  const name = file
    .slice(dist.length + 1)
    .split(sep)
    .join("/");
  const bytes = readFileSync(file);
  hash.update(`${name}\u0000${bytes.length}\u0000`);
  hash.update(bytes);
}
writeFileSync(join(dist, "build-id"), `${hash.digest("hex")}\n`);
