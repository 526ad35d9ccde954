/**
 * The fixture servers the tests start as child processes (stdio, or Streamable HTTP in a process
 * of their own), each bundled with esbuild into one file, the official SDK inside it, by
 * test/global-setup.ts. Node then loads one module instead of some three hundred (the SDK's, zod's,
 * ajv's, express's): a server starts in about 0.2 s of CPU instead of 0.45, and the suite starts
 * one a few hundred times. Same code, same SDK, same protocol on the wire; only the loading differs.
 *
 * The bundles live in node_modules/.cache/mcp-contract-test-servers/ at the path of their source
 * (with the data files beside it that a server reads relative to itself), and are built again
 * whenever anything under fixtures/servers/ or package-lock.json changed. `serverScript` gives the
 * bundle when there is one, else the source itself.
 */
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { repoRoot } from "./cli.js";

/** The servers started as processes, relative to the repository. */
const SERVERS = [
  "fixtures/servers/crm/server.mjs",
  "fixtures/servers/fixture-server.mjs",
  "fixtures/servers/guard-server.mjs",
  "fixtures/servers/v2-server.mjs",
] as const;
type Server = (typeof SERVERS)[number];

const bundleDir = join(repoRoot, "node_modules", ".cache", "mcp-contract-test-servers");
const digestFile = join(bundleDir, "digest");

/** The script to run for `server`: its bundle once global setup built it, else the source. */
export function serverScript(server: Server): string {
  const bundle = join(bundleDir, server);
  return existsSync(bundle) ? bundle : join(repoRoot, server);
}

/** A digest of what the bundles are built from: every file under fixtures/servers/, and the lockfile of the packages. */
function inputsDigest(): string {
  const hash = createHash("sha256");
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(`${path}\0`).update(readFileSync(path)).update("\0");
    }
  };
  walk(join(repoRoot, "fixtures", "servers"));
  hash.update(readFileSync(join(repoRoot, "package-lock.json")));
  return hash.digest("hex");
}

/** Builds the bundles unless those of the same inputs are there (global setup, once per run). */
export async function bundleServers(): Promise<void> {
  const digest = inputsDigest();
  const current = existsSync(digestFile) ? readFileSync(digestFile, "utf8") : undefined;
  if (current === digest && SERVERS.every((server) => existsSync(join(bundleDir, server)))) return;
  const { build } = await import("esbuild");
  for (const server of SERVERS) {
    const out = join(bundleDir, server);
    mkdirSync(dirname(out), { recursive: true });
    // Another run may build at the same time: each writes a file of its own, then renames it.
    const temp = `${out}.${process.pid}.tmp`;
    await build({
      absWorkingDir: repoRoot,
      entryPoints: [server],
      outfile: temp,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      logLevel: "error",
      // The CommonJS packages inside (express, ...) call require() for Node's built-ins.
      banner: {
        js: 'import { createRequire as __bundleRequire } from "node:module"; const require = __bundleRequire(import.meta.url);',
      },
    });
    renameSync(temp, out);
    // What the server reads beside itself (crm/tools.v1.json, ...).
    const source = dirname(join(repoRoot, server));
    for (const name of readdirSync(source)) {
      if (name.endsWith(".json")) copyFileSync(join(source, name), join(dirname(out), name));
    }
  }
  writeFileSync(digestFile, digest);
}
