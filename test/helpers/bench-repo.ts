// The offline check's cache tests each start from the bench's generated repository, committed in a
// fresh temporary directory, with a cache directory of its own inside it.
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateReferenceRepo, writeFiles } from "../../bench/generate.mjs";
import { git } from "./git.js";

export interface CommittedBenchRepo {
  dir: string;
  /** Where the test points MCP_CONTRACT_CACHE_DIR (not created yet). */
  cacheDir: string;
  /** The committed lockfile's text. */
  committed: string;
}

/** Writes the generated repository of `size` into a new temporary directory and commits it. */
export async function makeCommittedBenchRepo(
  prefix: string,
  size: { servers: number; tools: number; templates: number },
): Promise<CommittedBenchRepo> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await writeFiles(dir, generateReferenceRepo(size));
  git(dir, "init", "-q");
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "init");
  return {
    dir,
    cacheDir: join(dir, ".cache-under-test"),
    committed: await readFile(join(dir, "mcp-contract.lock.json"), "utf8"),
  };
}
