/**
 * `mcp-contract lock`: fetch every server, write the lockfile atomically,
 * print what changed since the previous one. A server that fails keeps its
 * previous entry, and the command exits 3; when every server fails nothing is
 * written.
 *
 * Accepting a breaking change takes a reason, locally and in CI alike: a lock
 * that would move the lockfile past an unacknowledged breaking change writes
 * nothing and prints the `--accept-breaking` command to run (exit 1). The
 * breaking changes a lock accepts are counted from the lockfile committed at
 * git HEAD when the working copy already differs from it (what the pull
 * request's `diff git:…` step will see), else from the working lockfile, so a
 * lockfile that moved earlier without a reason can still be acknowledged.
 */

import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import type { Lockfile } from "../../core/lockfile.js";
import { has } from "../../core/own.js";
import { diffLockfiles } from "../../diff/index.js";
import { ExitCode, InterruptedError, LockfileError, PolicyError, UsageError } from "../../errors.js";
import { emptyLockfile, nextLockfile } from "../../lockfile/build.js";
import { readLockfileIfExists, writeLockfile } from "../../lockfile/io.js";
import { parseLockfile } from "../../lockfile/parse.js";
import {
  acknowledgementsPath,
  readAcknowledgements,
  writeAcknowledgements,
} from "../../pipeline/acknowledgements.js";
import { readCommittedLockfile } from "../../pipeline/files.js";
import { resolveRun } from "../../pipeline/run.js";
import { fetchSources, loadProjectConfig, selectServers } from "../../pipeline/sources.js";
import { acknowledge, expiryInstant } from "../../policy/acknowledgements.js";
import { applyPolicy } from "../../policy/policy.js";
import { createReport, formatReport, isAcknowledged } from "../../report/index.js";
import type { CommandIO } from "../io.js";
import { useColor } from "../io.js";
import { type FetchCommandOptions, pipelineHooks } from "../servers.js";

export interface LockOptions extends FetchCommandOptions {
  /** Accept the breaking changes this lock makes and record each one with this reason. */
  acceptBreaking?: string;
  acceptedBy?: string;
  /** The recorded acknowledgements expire after this date. */
  expires?: string;
  acknowledgements?: string;
}

/** What `lock --accept-breaking` is told when the reason is left as the placeholder it was shown. */
const REASON_PLACEHOLDER = "<reason>";

export async function runLock(options: LockOptions, io: CommandIO): Promise<number> {
  const reason = options.acceptBreaking?.trim();
  if (reason === "") {
    throw new UsageError(
      '--accept-breaking needs a reason, e.g. --accept-breaking "prompts updated in this PR"',
    );
  }
  if (reason === REASON_PLACEHOLDER) {
    throw new UsageError(
      `--accept-breaking "${REASON_PLACEHOLDER}": write why the changes are fine in place of ${REASON_PLACEHOLDER}`,
    );
  }
  if (options.expires !== undefined && Number.isNaN(expiryInstant(options.expires))) {
    throw new UsageError(
      `--expires ${options.expires}: expected a date (YYYY-MM-DD) or an RFC 3339 date-time`,
    );
  }
  const run = resolveRun({ cwd: io.cwd, env: io.env, signal: io.signal, hooks: pipelineHooks(options, io) });
  const config = await loadProjectConfig(run, options.config);
  const servers = selectServers(config, options.server);
  const previous = await readLockfileIfExists(config.lockfile);
  const committed = await committedLockfile(config.lockfile, io.env);
  const { locked, failures, findings } = await fetchSources(config, servers, options, run);
  if (io.signal.aborted) throw new InterruptedError();
  const unchanged = previous ? `${config.lockfile} was not changed` : "no lockfile was written";
  // After a write, each failed server's line says what the lockfile holds for it; else a last line says nothing was written.
  const reportFailures = (written: boolean) => {
    for (const failure of failures) {
      const kept = has(previous?.servers, failure.server);
      const outcome = !written
        ? ""
        : kept
          ? "; kept its previous lockfile entry"
          : "; not in the lockfile; nothing was written for it";
      io.stderr(`mcp-contract: ${failure.message}${outcome}\n`);
    }
  };
  if (locked.size === 0 && failures.length > 0) {
    reportFailures(false);
    io.stderr(`mcp-contract: no server could be fetched; ${unchanged}\n`);
    return ExitCode.FetchFailed;
  }

  const next = nextLockfile(previous, Object.keys(config.servers), locked);
  // What the change is measured from: the committed lockfile when the working copy already moved.
  const baseline = committed ?? previous;
  const since = committed ? " since the lockfile committed at git HEAD" : "";
  const changes = [...findings, ...diffLockfiles(baseline ?? emptyLockfile(), next)];
  // Tool poisoning is judged on what is now locked, on every run, not only on what changed.
  changes.push(...(await import("../../poisoning/index.js")).scanLockfile(next));
  const acksFile = acknowledgementsPath(options.acknowledgements, config.dir, io.cwd);
  const now = new Date();
  const reported = applyPolicy(changes, {
    rules: config.rules,
    // --accept-breaking may name a file it is about to create; anything else must exist.
    acknowledgements: await readAcknowledgements(
      acksFile,
      io.cwd,
      options.acknowledgements !== undefined && reason === undefined,
    ),
    now,
  });
  // The breaking changes this lock accepts: a first lock accepts nothing, it only records.
  const accepted = baseline ? reported.filter((c) => c.severity === "breaking" && !isAcknowledged(c)) : [];
  const text = (shown: typeof reported) =>
    formatReport(createReport({ changes: shown, servers: Object.keys(servers) }), "text", {
      color: useColor(io),
    });

  if (accepted.length > 0 && reason === undefined) {
    io.stdout(text(accepted));
    reportFailures(false);
    const refusal =
      `${plural(accepted.length, "breaking change")}${since} (listed above) ${accepted.length === 1 ? "needs" : "need"} a reason to be accepted; ${unchanged}. ` +
      `Fix the prompts that use them, then run: ${acceptCommand(options)}`;
    // A server that could not be fetched wins (exit 3): the run is incomplete.
    if (failures.length === 0) throw new PolicyError(refusal);
    io.stderr(`mcp-contract: ${refusal}\n`);
    return ExitCode.FetchFailed;
  }

  const changed = await writeLockfile(config.lockfile, next, io.signal);
  if (accepted.length > 0 && reason !== undefined) {
    const acceptedBy = options.acceptedBy ?? (await whoAccepts(io));
    const acks = accepted.map((c) =>
      acknowledge(c, { reason, acceptedBy, now, ...(options.expires ? { expires: options.expires } : {}) }),
    );
    await writeAcknowledgements(acksFile, acks, io.cwd);
  }
  if (!options.quiet || changes.length > 0) {
    if (changes.length > 0) {
      if (committed) io.stdout(`changes since the lockfile committed at git HEAD:\n`);
      io.stdout(text(reported));
    }
    if (accepted.length > 0) {
      io.stdout(`accepted ${plural(accepted.length, "breaking change")}${since}; recorded in ${acksFile}\n`);
    } else if (reason !== undefined) {
      io.stdout(`--accept-breaking: no unacknowledged breaking change${since}; nothing recorded\n`);
    }
    io.stdout(
      changed
        ? `wrote ${config.lockfile} (${plural(Object.keys(next.servers).length, "server")})\n`
        : `${config.lockfile} is up to date\n`,
    );
  }
  reportFailures(true);
  return failures.length > 0 ? ExitCode.FetchFailed : ExitCode.Ok;
}

/**
 * The lockfile as committed at git HEAD when the working copy differs from it
 * (e.g. an earlier `lock` already moved it, or it was deleted). Undefined when
 * there is no such history or it cannot be read as a lockfile: the working
 * lockfile is then the baseline.
 */
async function committedLockfile(
  path: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Lockfile | undefined> {
  const current = await readFile(path, "utf8").catch(() => undefined);
  const text = await readCommittedLockfile(path, current, env);
  if (text === undefined) return undefined;
  try {
    return parseLockfile(text, `git HEAD:${path}`);
  } catch (error) {
    if (error instanceof LockfileError) return undefined;
    throw error;
  }
}

/** The command that accepts what a plain `lock` refused, with the options that chose what it locked. */
function acceptCommand(options: LockOptions): string {
  const words = ["mcp-contract", "lock"];
  if (options.config !== undefined) words.push("--config", shellWord(options.config));
  for (const server of options.server ?? []) words.push("--server", shellWord(server));
  if (options.acknowledgements !== undefined)
    words.push("--acknowledgements", shellWord(options.acknowledgements));
  if (options.acceptedBy !== undefined) words.push("--accepted-by", shellWord(options.acceptedBy));
  if (options.expires !== undefined) words.push("--expires", shellWord(options.expires));
  words.push("--accept-breaking", `"${REASON_PLACEHOLDER}"`);
  return words.join(" ");
}

/** A word a POSIX shell reads back as `word`. */
function shellWord(word: string): string {
  return /^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Who accepts: git's user.email, else the CI actor, else the login name. */
async function whoAccepts(io: CommandIO): Promise<string> {
  const email = await new Promise<string>((done) => {
    execFile("git", ["config", "user.email"], { cwd: io.cwd, env: io.env }, (error, stdout) =>
      done(error ? "" : stdout.trim()),
    );
  });
  return email || io.env.GITHUB_ACTOR || io.env.USER || io.env.USERNAME || "unknown";
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
