/**
 * `mcp-contract diff BEFORE AFTER`: diff two snapshots with no server (the
 * pipeline's `diffFiles`), print the report, exit by the policy. Findings point
 * at the side that holds their tool.
 */

import { resolve } from "node:path";
import { type DiffSide, diffFiles } from "../../pipeline/diff.js";
import { parseGitSource } from "../../pipeline/git-source.js";
import { getExitCode } from "../../policy/policy.js";
import type { CommandIO } from "../io.js";
import {
  type ContractFile,
  definitionsOf,
  itemsOfBoth,
  type ReportCommandOptions,
  writeReport,
} from "../report-output.js";
import { gitToplevel } from "../repository-root.js";

export interface DiffOptions extends ReportCommandOptions {}

export async function runDiff(
  beforePath: string,
  afterPath: string,
  options: DiffOptions,
  io: CommandIO,
): Promise<number> {
  const result = await diffFiles(beforePath, afterPath, {
    cwd: io.cwd,
    env: io.env,
    ...(options.acknowledgements !== undefined && { acknowledgements: options.acknowledgements }),
    ...(options.failOn !== undefined && { failOn: options.failOn }),
  });
  // Findings point at the side that holds the tool: AFTER, or BEFORE for what only it has (removed
  // tools and servers, a renamed tool's old name) when BEFORE is a file of the working tree: a git
  // revision's lines are not where GitHub looks, so then they point at AFTER's server entry.
  const after = await contractFile(result.after, io);
  const before = await contractFile(result.before, io);
  await writeReport(result.report, options, io, {
    file: after,
    ...(!beforePath.startsWith("git:") && {
      before: { ...before, holdsOnly: result.beforeHoldsOnly },
    }),
    // A git side's PATH is a working-tree file too (usually the lockfile): never replaced either.
    inputs: [
      { path: before.path, what: "the BEFORE file" },
      { path: after.path, what: "the AFTER file" },
    ],
    tools: result.tools,
    items: itemsOfBoth(result.before.lock.servers, result.after.lock.servers),
    definitions: {
      before: definitionsOf(result.before.lock.servers),
      after: definitionsOf(result.after.lock.servers),
    },
  });
  return getExitCode(result.report);
}

/** A side as reports point at it: its file in the working tree (PATH for `git:REF:PATH`), with the text read. */
async function contractFile(side: DiffSide, io: CommandIO): Promise<ContractFile> {
  const { cwd } = io;
  const git = parseGitSource(side.argument);
  let path = resolve(cwd, side.argument);
  if (git) {
    // A leading "/" names the path from the repository root, as `git show` reads it.
    const root = git.path.startsWith("/") ? ((await gitToplevel(cwd, io.env)) ?? cwd) : cwd;
    path = resolve(root, git.path.replace(/^\/+/, ""));
  }
  return { path, text: side.text, kind: side.kind };
}
