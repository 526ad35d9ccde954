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

import { relative } from "node:path";
import { has } from "../../core/own.js";
import {
  createReport,
  REVIEW_STANDING_FINDINGS,
  type ReportedChange,
  STANDING_FINDING_RULES,
} from "../../core/report.js";
import { ExitCode, PolicyError, UsageError } from "../../errors.js";
import { lockProject } from "../../pipeline/lock.js";
import { expiryInstant } from "../../policy/acknowledgements.js";
import { plural } from "../../report/formats/shared.js";
import { loadReporter } from "../../report/lazy.js";
import { resolveOptions } from "../../report/options.js";
import type { CommandIO } from "../io.js";
import { useColor } from "../io.js";
import { type FetchCommandOptions, fetchRunOptions } from "../servers.js";
import { type TracedRun, withRunTrace } from "../telemetry.js";

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
  // An acknowledgement that has expired as it is written accepts nothing: the lockfile would move
  // past the breaking changes, and the next diff against main would fail on them again.
  if (options.expires !== undefined && expiryInstant(options.expires) <= Date.now()) {
    throw new UsageError(
      `--expires ${options.expires}: that date has passed, so the acknowledgements would expire as they are written; give a later date, or leave --expires out`,
    );
  }
  return withRunTrace("lock", io, (run) => lockAndReport(options, io, reason, run));
}

/** The lock itself and what it prints; the report it made goes to `run`, for the trace. */
async function lockAndReport(
  options: LockOptions,
  io: CommandIO,
  reason: string | undefined,
  run: TracedRun,
): Promise<number> {
  const result = await lockProject({
    ...fetchRunOptions(options, io, run.tracer),
    acceptBreaking: reason,
    acceptedBy: options.acceptedBy,
    expires: options.expires,
    acknowledgements: options.acknowledgements,
  });
  const { config, previous, failures, accepted } = result;
  const unchanged = previous ? `${config.lockfile} was not changed` : "no lockfile was written";
  const since = result.sinceCommitted ? " since the lockfile committed at git HEAD" : "";
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
  if (result.outcome === "unfetched") {
    reportFailures(false);
    io.stderr(`mcp-contract: no server could be fetched; ${unchanged}\n`);
    return ExitCode.FetchFailed;
  }
  const report = result.report!;
  run.report = report;
  // Only the text reporter is loaded (and chalk only for colour): see report/lazy.ts.
  const color = useColor(io);
  const formatText = await loadReporter("text", color);
  const text = (shown: readonly ReportedChange[], next?: string, listedOnly?: string) =>
    formatText(
      createReport({ changes: shown, servers: report.servers }),
      resolveOptions({
        color,
        ...(next !== undefined && { next }),
        ...(listedOnly !== undefined && { listedOnly: { summary: report.summary, what: listedOnly } }),
      }),
    );

  if (result.outcome === "refused") {
    // Counted as check counts the run (a tool added is 1 info), though only these are listed.
    const listed =
      report.changes.length > accepted.length
        ? `the ${plural(accepted.length, "breaking change")} that ${accepted.length === 1 ? "needs" : "need"} a reason (\`mcp-contract check\` lists every change)`
        : undefined;
    io.stdout(text(accepted, undefined, listed));
    reportFailures(false);
    const refusal =
      `${plural(accepted.length, "breaking change")}${since} (listed above) ${accepted.length === 1 ? "needs" : "need"} a reason to be accepted; ${unchanged}. ` +
      `Fix the prompts that use ${accepted.length === 1 ? "it" : "them"}, then run: ${acceptCommand(options)}`;
    // A server that could not be fetched wins (exit 3): the run is incomplete.
    if (failures.length === 0) throw new PolicyError(refusal);
    io.stderr(`mcp-contract: ${refusal}\n`);
    return ExitCode.FetchFailed;
  }

  if (!options.quiet || result.changes.length > 0) {
    if (result.changes.length > 0) {
      if (result.sinceCommitted) io.stdout(`changes since the lockfile committed at git HEAD:\n`);
      io.stdout(text(report.changes, nextAfterLock(report.changes, result, failures.length > 0, io.cwd)));
    }
    if (accepted.length > 0) {
      io.stdout(
        `accepted ${plural(accepted.length, "breaking change")}${since}; recorded in ${result.acknowledgementsFile}\n`,
      );
    } else if (reason !== undefined) {
      io.stdout(`--accept-breaking: no unacknowledged breaking change${since}; nothing recorded\n`);
    }
    io.stdout(
      result.changed
        ? `wrote ${config.lockfile} (${plural(Object.keys(result.next!.servers).length, "server")})\n`
        : `${config.lockfile} is up to date\n`,
    );
    if (result.migratedFrom !== undefined)
      io.stdout(
        `migrated ${config.lockfile} from lockfile version ${result.migratedFrom} to ${result.next!.lockfileVersion} (prompts, resource templates, instructions and capabilities are now locked)\n`,
      );
  }
  reportFailures(true);
  return failures.length > 0 ? ExitCode.FetchFailed : ExitCode.Ok;
}

/**
 * What to do after a lock that wrote (or found up to date) the lockfile: running lock again is no
 * step, the lockfile is recorded; review what is still open, commit what changed (the
 * acknowledgements file too when the report holds acknowledged changes), fetch what failed.
 */
function nextAfterLock(
  changes: readonly ReportedChange[],
  result: {
    changed: boolean;
    sinceCommitted: boolean;
    acknowledgementsFile: string;
    config: { lockfile: string };
  },
  failed: boolean,
  cwd: string,
): string {
  const steps: string[] = [];
  const open = changes.filter((c) => !c.acknowledged);
  if (open.some((c) => c.severity === "breaking"))
    steps.push("review the findings above: they are recorded, not fixed");
  else if (open.some((c) => c.severity === "warning" && !STANDING_FINDING_RULES.has(c.rule)))
    steps.push("review the warnings above");
  else if (open.some((c) => STANDING_FINDING_RULES.has(c.rule))) steps.push(REVIEW_STANDING_FINDINGS);
  if (result.changed || result.sinceCommitted) {
    const files = [relative(cwd, result.config.lockfile) || result.config.lockfile];
    if (changes.some((c) => c.acknowledged)) files.push(relative(cwd, result.acknowledgementsFile));
    steps.push(`commit ${files.join(" and ")}`);
  }
  if (failed)
    steps.push("make the servers that could not be fetched reachable and run `mcp-contract lock` again");
  return steps.length === 0 ? "Nothing to do." : `Next: ${steps.join("; then ")}.`;
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
