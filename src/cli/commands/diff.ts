/**
 * `mcp-contract diff BEFORE AFTER`: diff two snapshots with no server. Each
 * side is a lockfile, a file holding a tools/list result, or a bare array of
 * tools. Findings point at the side that holds their tool (see `runDiff`).
 */

import { resolve } from "node:path";
import { diffLockfiles } from "../../diff/index.js";
import { LockfileError } from "../../errors.js";
import { parseToolsDocument } from "../../fetch/file.js";
import { lockTools } from "../../lockfile/build.js";
import type { Lockfile } from "../../lockfile/format.js";
import { parseJson, validateLockfile } from "../../lockfile/parse.js";
import { verifyLockfile } from "../../lockfile/verify.js";
import { parseGitSource, readFileArgument } from "../git-source.js";
import type { CommandIO } from "../io.js";
import {
  acknowledgementsPath,
  type ContractFile,
  finishReport,
  type ReportCommandOptions,
} from "../report-output.js";
import { gitToplevel } from "../repository-root.js";

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
  const beforeLock = before.lock ?? lockTools(serverName, before.tools!);
  const afterLock = after.lock ?? lockTools(serverName, after.tools!);
  const changes = diffLockfiles(beforeLock, afterLock);
  for (const [side, path] of [
    [before, beforePath],
    [after, afterPath],
  ] as const)
    if (side.lock) changes.unshift(...verifyLockfile(side.lock, path));
  const servers = new Set([...Object.keys(beforeLock.servers), ...Object.keys(afterLock.servers)]);
  // Findings point at the side that holds the tool: AFTER, or BEFORE for what only it has (removed
  // tools and servers, a renamed tool's old name) when BEFORE is a file of the working tree: a git
  // revision's lines are not where GitHub looks, so then they point at AFTER's server entry.
  const beforeHoldsOnly = (server: string, tool?: string) =>
    holds(beforeLock, server, tool) && !holds(afterLock, server, tool);
  return finishReport(
    {
      changes,
      servers: [...servers],
      lockfile: await contractFile(afterPath, after, io),
      ...(!beforePath.startsWith("git:") && {
        before: { ...(await contractFile(beforePath, before, io)), holdsOnly: beforeHoldsOnly },
      }),
      tools: toolNames(beforeLock, afterLock),
      acknowledgementsFile: acknowledgementsPath(options, io.cwd, io.cwd),
    },
    options,
    io,
  );
}

/** Whether a lockfile has the server, or the server's tool when `tool` is given. */
function holds(lock: Lockfile, server: string, tool?: string): boolean {
  if (!Object.hasOwn(lock.servers, server)) return false;
  return tool === undefined || Object.hasOwn(lock.servers[server]!.tools, tool);
}

/** Every tool of either side, by server: the JUnit report has a test case for each. */
function toolNames(...locks: Lockfile[]): Map<string, string[]> {
  const names = new Map<string, Set<string>>();
  for (const lock of locks)
    for (const [server, entry] of Object.entries(lock.servers)) {
      const set = names.get(server) ?? new Set<string>();
      for (const tool of Object.keys(entry.tools)) set.add(tool);
      names.set(server, set);
    }
  return new Map([...names].map(([server, set]) => [server, [...set]]));
}

/** A side as reports point at it: its file in the working tree (PATH for `git:REF:PATH`), with the text read. */
async function contractFile(argument: string, side: Side, io: CommandIO): Promise<ContractFile> {
  const { cwd } = io;
  const git = parseGitSource(argument);
  let path = resolve(cwd, argument);
  if (git) {
    // A leading "/" names the path from the repository root, as `git show` reads it.
    const root = git.path.startsWith("/") ? ((await gitToplevel(cwd, io.env)) ?? cwd) : cwd;
    path = resolve(root, git.path.replace(/^\/+/, ""));
  }
  return { path, text: side.text, kind: side.lock ? "lockfile" : "tools" };
}

type Side = (
  | { lock: Lockfile; tools?: undefined }
  | { lock?: undefined; tools: ReturnType<typeof parseToolsDocument> }
) & { text: string };

async function readSide(path: string, io: CommandIO): Promise<Side> {
  const text = await readFileArgument(path, io.cwd, io.env);
  const data = parseJson(text, path);
  if (data && typeof data === "object" && !Array.isArray(data) && "lockfileVersion" in data) {
    return { lock: validateLockfile(data, path), text };
  }
  try {
    return { tools: parseToolsDocument(data, path), text };
  } catch (error) {
    throw new LockfileError((error as Error).message);
  }
}
