/**
 * An npm registry on 127.0.0.1 that serves exactly the packages package-lock.json pins, so the
 * packaging tests run the real npm client (install, pack, install -g, install from git) and
 * never reach beyond this machine.
 *
 * Packuments are made from the lockfile's entries (version, dependencies, bin, engines, os, cpu,
 * integrity); tarballs are the bytes `npm ci` already put in npm's cache (content-addressed by
 * their integrity: <cache>/_cacache/content-v2/<algorithm>/<hex>). A package the lockfile does
 * not pin is a 404, and a tarball missing from the cache is a 404 recorded in `misses`: the test
 * fails at once instead of going to the network. Optional packages are the exception: the npm
 * that filled the cache may have skipped some another npm version still asks for (npm 10 fetches
 * the wasm32 fallbacks' dependencies that npm 11 leaves out); their 404 is what npm tolerates.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { listenOnLoopback } from "../../fixtures/servers/loopback.mjs";

interface LockEntry {
  name?: string;
  version?: string;
  integrity?: string;
  link?: boolean;
  optional?: boolean;
  [field: string]: unknown;
}

/** Fields of a lockfile entry that npm reads from a packument's version to resolve and place it. */
const MANIFEST_FIELDS = [
  "dependencies",
  "optionalDependencies",
  "peerDependencies",
  "peerDependenciesMeta",
  "bin",
  "engines",
  "os",
  "cpu",
  "libc",
  "hasInstallScript",
  "deprecated",
];

export interface LockfileRegistry {
  /** Base URL with a trailing slash, for npm_config_registry. */
  url: string;
  /** Requests that found nothing: `packument NAME` or `tarball PATH` (not optional packages' tarballs). */
  misses: string[];
  close(): Promise<void>;
}

/** Numeric compare of x.y.z versions (pre-release tags sort before the release). */
function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split(/[.+-]/).map((p) => (/^\d+$/.test(p) ? Number(p) : -1));
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Where the public registry keeps a tarball: /NAME/-/BASENAME-VERSION.tgz (BASENAME without the scope). */
function tarballPath(name: string, version: string): string {
  return `/${name}/-/${name.slice(name.lastIndexOf("/") + 1)}-${version}.tgz`;
}

export async function startLockfileRegistry(
  lockfilePath: string,
  npmCache: string,
): Promise<LockfileRegistry> {
  const lock = JSON.parse(readFileSync(lockfilePath, "utf8")) as { packages: Record<string, LockEntry> };
  const versions = new Map<string, Map<string, LockEntry>>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === "" || entry.link || !entry.version || !entry.integrity) continue;
    const name = entry.name ?? path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
    const byVersion = versions.get(name) ?? new Map<string, LockEntry>();
    byVersion.set(entry.version, entry);
    versions.set(name, byVersion);
  }
  // URL path -> lockfile entry. These are also the URLs npm builds itself for a lockfile without `resolved`.
  const tarballs = new Map<string, LockEntry>();
  for (const [name, byVersion] of versions) {
    for (const [version, entry] of byVersion) tarballs.set(tarballPath(name, version), entry);
  }
  const misses: string[] = [];
  let base = "";
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const tarball = tarballs.get(path);
    if (tarball !== undefined) {
      const [algorithm, digest] = tarball.integrity!.split("-") as [string, string];
      const hex = Buffer.from(digest, "base64").toString("hex");
      const content = join(npmCache, "_cacache", "content-v2", algorithm);
      const file = join(content, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
      let body: Buffer;
      try {
        body = readFileSync(file);
      } catch {
        if (tarball.optional !== true) misses.push(`tarball ${path}`);
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not in npm\'s cache"}');
        return;
      }
      res.writeHead(200, { "content-type": "application/octet-stream" }).end(body);
      return;
    }
    const name = decodeURIComponent(path.slice(1));
    const byVersion = versions.get(name);
    if (!byVersion) {
      misses.push(`packument ${name}`);
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
      return;
    }
    const packument = {
      name,
      "dist-tags": { latest: [...byVersion.keys()].sort(compareVersions).at(-1) },
      versions: Object.fromEntries(
        [...byVersion].map(([version, entry]) => {
          const manifest: Record<string, unknown> = { name, version };
          for (const field of MANIFEST_FIELDS) if (entry[field] !== undefined) manifest[field] = entry[field];
          manifest.dist = { integrity: entry.integrity, tarball: `${base}${tarballPath(name, version)}` };
          return [version, manifest];
        }),
      ),
    };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(packument));
  });
  const { port, close } = await listenOnLoopback(server);
  base = `http://127.0.0.1:${port}`;
  return { url: `${base}/`, misses, close };
}
