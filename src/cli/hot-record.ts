/**
 * Records a full `check --offline` run for the hot path (src/hot.ts): what it
 * printed, its exit code, and every path its output depends on: the config
 * (and the names searched for it), the lockfile, git's HEAD files, the
 * acknowledgements file (and when its expiry times fall), the templates and
 * the directories they were listed from. Only a run that ended with a report
 * (exit 0 or 1) is recorded.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { HotEntry } from "../cache/hot.js";
import { findGitDir, headFiles } from "../cache/stamp.js";
import { CONFIG_FILE_NAMES } from "../config/load.js";
import { type HotInputs, hotTarget, namesConfig, recordHot } from "../hot.js";
import type { CheckResult } from "../pipeline/check.js";
import { rememberedDirectories } from "../pipeline/listing.js";
import { expiryInstant } from "../policy/acknowledgements.js";
import type { CommandIO } from "./io.js";

/** A run being recorded: its IO (which keeps what is written) and the step that stores it. */
export interface HotRecorder {
  io: CommandIO;
  finish(exitCode: number): void;
}

/**
 * A recorder for a run the hot path could answer next time, or undefined. `dist`: the dist/
 * directory whose build id keys the entry; `start`: when the run started (ms since the epoch).
 */
export function hotRecorder(
  argv: readonly string[],
  io: CommandIO,
  dist: string,
  start: number,
): HotRecorder | undefined {
  try {
    return recorder(argv, io, dist, start);
  } catch {
    // Not recorded: the run itself goes on as without the hot path.
    return undefined;
  }
}

function recorder(
  argv: readonly string[],
  io: CommandIO,
  dist: string,
  start: number,
): HotRecorder | undefined {
  const target = hotTarget(
    argv,
    {
      cwd: io.cwd,
      env: io.env,
      stdoutIsTTY: io.stdoutIsTTY,
      stderrIsTTY: io.isTTY,
      ...(io.stdoutColumns !== undefined && { stdoutColumns: io.stdoutColumns }),
      ...(io.stderrColumns !== undefined && { stderrColumns: io.stderrColumns }),
    },
    dist,
  );
  if (!target) return undefined;
  const out: HotEntry["out"] = [];
  let checked: CheckResult | undefined;
  const recording: CommandIO = {
    ...io,
    stdout: (text) => {
      out.push([1, text]);
      io.stdout(text);
    },
    stderr: (text) => {
      out.push([2, text]);
      io.stderr(text);
    },
    checkedOffline: (result) => {
      checked = result;
    },
  };
  return {
    io: recording,
    finish: (exit) => {
      if (!checked || (exit !== 0 && exit !== 1)) return;
      try {
        const inputs = checkInputs(checked, argv, io);
        if (inputs) recordHot(target, inputs, { start, end: Date.now(), exit, out });
      } catch {
        // Not recorded: the next run is a full one again.
      }
    },
  };
}

/** What the output of an offline check depends on, or undefined when it cannot all be told. */
function checkInputs(result: CheckResult, argv: readonly string[], io: CommandIO): HotInputs | undefined {
  const { config } = result;
  const read = [config.path, config.lockfile];
  const absent: string[] = [];
  if (!namesConfig(argv)) {
    // The names looked for before the config was found, from the working directory up.
    for (let dir = resolve(io.cwd); ; dir = dirname(dir)) {
      const names = CONFIG_FILE_NAMES.map((name) => join(dir, name));
      const found = names.indexOf(config.path);
      absent.push(...(found === -1 ? names : names.slice(0, found)));
      if (found !== -1) break;
      if (dirname(dir) === dir) return undefined;
    }
  }
  // Git's HEAD (the lockfile's history) and where `.git` is from the config up (a client config's
  // lockfile goes to that top level), which must be the same repository. GIT_DIR is not searched
  // for by the config loader: not recorded.
  if (io.env.GIT_DIR) return undefined;
  const git = findGitDir(dirname(config.lockfile), io.env);
  const configGit = findGitDir(dirname(config.path), io.env);
  const head = git && headFiles(git.gitDir);
  if (!git || !head || configGit?.gitDir !== git.gitDir) return undefined;
  const dotGit = git.searched.at(-1);
  absent.push(...git.searched.slice(0, -1), ...configGit.searched.slice(0, -1));
  const gitFiles: string[] = head.filter((f): f is string => f !== undefined);
  if (dotGit !== undefined && dotGit !== git.gitDir) gitFiles.push(dotGit);
  const directories = rememberedDirectories(config, io.cwd, io.env);
  if (!directories) return undefined;
  read.push(...directories, ...result.templates.map((file) => resolve(io.cwd, file)));
  const instants: number[] = [];
  let acks: string | undefined;
  try {
    acks = readFileSync(result.acknowledgementsFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") return undefined;
  }
  if (acks === undefined) absent.push(result.acknowledgementsFile);
  else {
    read.push(result.acknowledgementsFile);
    const file = JSON.parse(acks) as { acknowledgements: { expires?: unknown }[] };
    for (const ack of file.acknowledgements)
      if (typeof ack.expires === "string") instants.push(expiryInstant(ack.expires));
  }
  return { read, absent, git: gitFiles, instants };
}
