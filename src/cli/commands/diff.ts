/**
 * `mcp-contract diff BEFORE AFTER`: diff two snapshots with no server. Each
 * side is a lockfile, a file holding a tools/list result, or a bare array of
 * tools.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { diffLockfiles } from "../../diff/index.js";
import { ExitCode, LockfileError } from "../../errors.js";
import { parseToolsDocument } from "../../fetch/file.js";
import { lockTools } from "../../lockfile/build.js";
import type { Lockfile } from "../../lockfile/format.js";
import { parseJson, validateLockfile } from "../../lockfile/parse.js";
import { verifyLockfile } from "../../lockfile/verify.js";
import type { CommandIO } from "../io.js";
import { useColor } from "../io.js";
import { buildReport, formatJson, formatText } from "../output.js";

export interface DiffOptions {
  format: "text" | "json";
}

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
  const report = buildReport(changes);
  io.stdout(options.format === "json" ? formatJson(report) : formatText(report, useColor(io)));
  return report.summary.breaking > 0 ? ExitCode.PolicyFailed : ExitCode.Ok;
}

type Side =
  | { lock: Lockfile; tools?: undefined }
  | { lock?: undefined; tools: ReturnType<typeof parseToolsDocument> };

async function readSide(path: string, io: CommandIO): Promise<Side> {
  const absolute = resolve(io.cwd, path);
  let text: string;
  try {
    text = await readFile(absolute, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new LockfileError(`${path}: file not found`);
    if (code === "EISDIR")
      throw new LockfileError(`${path}: is a directory, expected a lockfile or tools/list JSON file`);
    throw new LockfileError(`${path}: cannot read (${code ?? (error as Error).message})`);
  }
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
