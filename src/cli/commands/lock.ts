/**
 * `mcp-contract lock`: fetch every server, write the lockfile atomically,
 * print what changed since the previous one. A server that fails keeps its
 * previous entry, and the command exits 3.
 */

import { execFile } from "node:child_process";
import { diffLockfiles } from "../../diff/index.js";
import { ExitCode, InterruptedError, PolicyError, UsageError } from "../../errors.js";
import { emptyLockfile, nextLockfile } from "../../lockfile/build.js";
import { readLockfileIfExists, writeLockfile } from "../../lockfile/io.js";
import { acknowledge, expiryInstant } from "../../policy/acknowledgements.js";
import { applyPolicy } from "../../policy/policy.js";
import { createReport, formatReport, isAcknowledged } from "../../report/index.js";
import type { CommandIO } from "../io.js";
import { useColor } from "../io.js";
import { acknowledgementsPath, readAcknowledgements, writeAcknowledgements } from "../report-output.js";
import { type FetchCommandOptions, fetchAndLock, loadCommandConfig, selectServers } from "../servers.js";

export interface LockOptions extends FetchCommandOptions {
  /** Record the breaking changes this lock accepts, with this reason; required when CI=true. */
  acceptBreaking?: string;
  acceptedBy?: string;
  /** The recorded acknowledgements expire after this date. */
  expires?: string;
  acknowledgements?: string;
}

export async function runLock(options: LockOptions, io: CommandIO): Promise<number> {
  if (options.acceptBreaking !== undefined && options.acceptBreaking.trim() === "") {
    throw new UsageError(
      '--accept-breaking needs a reason, e.g. --accept-breaking "prompts updated in this PR"',
    );
  }
  if (options.expires !== undefined && Number.isNaN(expiryInstant(options.expires))) {
    throw new UsageError(
      `--expires ${options.expires}: expected a date (YYYY-MM-DD) or an RFC 3339 date-time`,
    );
  }
  const config = await loadCommandConfig(options, io);
  const servers = selectServers(config, options.server);
  const previous = await readLockfileIfExists(config.lockfile);
  const { locked, failures, findings } = await fetchAndLock(config, servers, options, io);
  if (io.signal.aborted) throw new InterruptedError();
  const next = nextLockfile(previous, Object.keys(config.servers), locked);
  const changes = [...findings, ...diffLockfiles(previous ?? emptyLockfile(), next)];
  // Tool poisoning is judged on what is now locked, on every run, not only on what changed.
  changes.push(...(await import("../../poisoning/index.js")).scanLockfile(next));
  const acksFile = acknowledgementsPath(options, config.dir, io.cwd);
  const now = new Date();
  const reported = applyPolicy(changes, {
    rules: config.rules,
    acknowledgements: await readAcknowledgements(acksFile, io.cwd),
    now,
  });
  // The breaking changes this lock accepts: a first lock accepts nothing, it only records.
  const accepted = previous ? reported.filter((c) => c.severity === "breaking" && !isAcknowledged(c)) : [];
  const ci = io.env.CI !== undefined && io.env.CI !== "" && io.env.CI !== "false" && io.env.CI !== "0";
  if (accepted.length > 0 && ci && options.acceptBreaking === undefined) {
    io.stdout(
      formatReport(createReport({ changes: accepted, servers: Object.keys(servers) }), "text", {
        color: useColor(io),
      }),
    );
    throw new PolicyError(
      `refusing to accept ${plural(accepted.length, "breaking change")} in CI (CI=${io.env.CI}); ` +
        `fix the prompts, or run \`mcp-contract lock --accept-breaking "<reason>"\` to record why they are fine`,
    );
  }
  const changed = await writeLockfile(config.lockfile, next, io.signal);
  if (accepted.length > 0 && options.acceptBreaking !== undefined) {
    const acceptedBy = options.acceptedBy ?? (await whoAccepts(io));
    const acks = accepted.map((c) =>
      acknowledge(c, {
        reason: options.acceptBreaking!.trim(),
        acceptedBy,
        now,
        ...(options.expires ? { expires: options.expires } : {}),
      }),
    );
    await writeAcknowledgements(acksFile, acks, io.cwd);
  }
  if (!options.quiet || changes.length > 0) {
    if (changes.length > 0) {
      io.stdout(
        formatReport(createReport({ changes: reported, servers: Object.keys(servers) }), "text", {
          color: useColor(io),
        }),
      );
    }
    if (accepted.length > 0) {
      io.stdout(
        options.acceptBreaking !== undefined
          ? `accepted ${plural(accepted.length, "breaking change")}; recorded in ${acksFile}\n`
          : `accepted ${plural(accepted.length, "breaking change")} (listed above); to let CI's diff pass, record why with --accept-breaking "<reason>"\n`,
      );
    }
    io.stdout(
      changed
        ? `wrote ${config.lockfile} (${plural(Object.keys(next.servers).length, "server")})\n`
        : `${config.lockfile} is up to date\n`,
    );
  }
  for (const failure of failures) {
    io.stderr(`mcp-contract: ${failure.message}; kept its previous lockfile entry\n`);
  }
  return failures.length > 0 ? ExitCode.FetchFailed : ExitCode.Ok;
}

/** Who accepts: git's user.email, else the CI actor, else the login name. */
async function whoAccepts(io: CommandIO): Promise<string> {
  const email = await new Promise<string>((done) => {
    execFile("git", ["config", "user.email"], { cwd: io.cwd }, (error, stdout) =>
      done(error ? "" : stdout.trim()),
    );
  });
  return email || io.env.GITHUB_ACTOR || io.env.USER || io.env.USERNAME || "unknown";
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
