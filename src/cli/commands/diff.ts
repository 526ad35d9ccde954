/**
 * `mcp-contract diff BEFORE AFTER`: diff two snapshots with no server. Each
 * side is a lockfile, a file holding a tools/list result, or a bare array of
 * tools.
 */

import { resolve } from "node:path";
import { diffLockfiles } from "../../diff/index.js";
import { LockfileError } from "../../errors.js";
import { parseToolsDocument } from "../../fetch/file.js";
import { lockTools } from "../../lockfile/build.js";
import type { Lockfile } from "../../lockfile/format.js";
import { parseJson, validateLockfile } from "../../lockfile/parse.js";
import { verifyLockfile } from "../../lockfile/verify.js";
import { readFileArgument } from "../git-source.js";
import type { CommandIO } from "../io.js";
import { acknowledgementsPath, finishReport, type ReportCommandOptions } from "../report-output.js";

export interface DiffOptions extends ReportCommandOptions {}

/** Server name given to bare tool lists, so both sides line up. */
const TOOLS_ONLY_SERVER = "tools";

export async function runDiff(
  beforePath: string,
  afterPath: string,
  options: DiffOptions,
  io: CommandIO,
): Promise<number> {
  const [before, after] = await Promise.all([readSide(beforePath, io), readSide(afterPath, io)]);
  // A tool list diffed against a one-server lockfile takes that server's name.
  const name = [before, after].find((s) => s.lock && Object.keys(s.lock.servers).length === 1)?.lock;
  const serverName = name ? Object.keys(name.servers)[0]! : TOOLS_ONLY_SERVER;
  const changes = diffLockfiles(
    before.lock ?? lockTools(serverName, before.tools!),
    after.lock ?? lockTools(serverName, after.tools!),
  );
  for (const [side, path] of [
    [before, beforePath],
    [after, afterPath],
  ] as const)
    if (side.lock) changes.unshift(...verifyLockfile(side.lock, path));
  const servers = new Set([
    ...Object.keys(before.lock?.servers ?? { [serverName]: 0 }),
    ...Object.keys(after.lock?.servers ?? { [serverName]: 0 }),
  ]);
  return finishReport(
    {
      changes,
      servers: [...servers],
      // Acknowledgements and annotations belong to the working tree's side: the new lockfile.
      lockfile: after.lock && !afterPath.startsWith("git:") ? resolve(io.cwd, afterPath) : undefined,
      acknowledgementsFile: acknowledgementsPath(options, io.cwd, io.cwd),
    },
    options,
    io,
  );
}

type Side =
  | { lock: Lockfile; tools?: undefined }
  | { lock?: undefined; tools: ReturnType<typeof parseToolsDocument> };

async function readSide(path: string, io: CommandIO): Promise<Side> {
  const text = await readFileArgument(path, io.cwd);
  const data = parseJson(text, path);
  if (data && typeof data === "object" && !Array.isArray(data) && "lockfileVersion" in data) {
    return { lock: validateLockfile(data, path) };
  }
  try {
    return { tools: parseToolsDocument(data, path) };
  } catch (error) {
    throw new LockfileError((error as Error).message);
  }
}
