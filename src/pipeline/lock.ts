/**
 * `lockProject`: the lock as one staged function, for `mcp-contract lock` and
 * the library. Config → servers → sources (fetch) → snapshots → the next
 * lockfile → its diff from the baseline (the lockfile committed at git HEAD
 * when the working copy already moved, else the working lockfile) → poisoning
 * → policy → what this lock accepts → the lockfile written (and, with a
 * reason, the acknowledgements). It prints nothing; see `LockResult.outcome`.
 *
 * Accepting a breaking change takes a reason: a lock that would move the
 * lockfile past an unacknowledged breaking change writes nothing unless
 * `acceptBreaking` gives one.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import type { ResolvedConfig } from "../config/types.js";
import type { Change } from "../core/change.js";
import type { Lockfile } from "../core/lockfile.js";
import { createReport, type Report, type ReportError, type ReportedChange } from "../core/report.js";
import { InterruptedError, LockfileError } from "../errors.js";
import { parseLockfile } from "../lockfile/parse.js";
import { type Acknowledgement, acknowledge, addAcknowledgements } from "../policy/acknowledgements.js";
import { applyPolicy } from "../policy/policy.js";
import { acknowledgementsPath, readAcknowledgements, writeAcknowledgements } from "./acknowledgements.js";
import { readCommittedLockfile } from "./files.js";
import { type Run, type RunOptions, resolveRun } from "./run.js";
import { type FetchSettings, fetchSources, loadProjectConfig, selectServers } from "./sources.js";

/** What `lockProject` locks and how. */
export interface LockProjectOptions extends RunOptions, FetchSettings {
  /** The config file (relative to `cwd`); default the one found from `cwd` upwards. */
  config?: string;
  /** Only these servers (`--server`); default all. The others keep their entries. */
  servers?: readonly string[];
  /** Accept the breaking changes this lock makes and record each with this reason (`--accept-breaking`). */
  acceptBreaking?: string;
  /** Who accepts them; default git's user.email, else `$GITHUB_ACTOR`, `$USER`, `$USERNAME`. */
  acceptedBy?: string;
  /** The recorded acknowledgements expire after this date (YYYY-MM-DD or RFC 3339). */
  expires?: string;
  /** The acknowledgements file (relative to `cwd`); default mcp-contract.acks.json next to the config. */
  acknowledgements?: string;
}

/** What a lock did. */
export interface LockResult {
  /**
   * `unfetched`: no server could be fetched, nothing was written. `refused`: breaking
   * changes need `acceptBreaking`, nothing was written. `written`: the lockfile was
   * written (`changed` says whether its bytes changed).
   */
  outcome: "unfetched" | "refused" | "written";
  /** The config the lock ran with. */
  config: ResolvedConfig;
  /** The lockfile before this lock, when there was one. */
  previous?: Lockfile;
  /** True when the changes were measured from the lockfile committed at git HEAD (the working copy had moved). */
  sinceCommitted: boolean;
  /** The lockfile this lock writes (or would have written). */
  next?: Lockfile;
  /** Every change since the baseline (fetch-time findings and the poisoning scan of `next` included), before the policy. */
  changes: Change[];
  /**
   * The same changes marked by the policy (rule overrides, acknowledgements); once written with
   * `acceptBreaking`, the changes it accepted are acknowledged in it, with that reason.
   */
  report?: Report;
  /** The unacknowledged breaking changes this lock accepts (refused without `acceptBreaking`). */
  accepted: ReportedChange[];
  /** Whether the lockfile's bytes changed. */
  changed: boolean;
  /** The previous lockfile's format version when it was older than the one written (it was migrated). */
  migratedFrom?: number;
  /** Servers that could not be fetched (redacted); a fetched server's entry is replaced, a failed one's kept. */
  failures: ReportError[];
  /** The acknowledgements file: read by the policy, and where `accepted` was recorded with a reason. */
  acknowledgementsFile: string;
}

/**
 * Locks a project: what `mcp-contract lock` does, with what it found as data.
 * Throws the typed errors of errors.ts (bad config, unreadable lockfile, …).
 */
export async function lockProject(options: LockProjectOptions = {}): Promise<LockResult> {
  const run = resolveRun(options);
  const reason = options.acceptBreaking?.trim();
  const config = await loadProjectConfig(run, options.config);
  const servers = await selectServers(config, options.servers);
  // git's committed lockfile (a child process) and the lock stage's modules are made ready while
  // the servers are fetched, instead of before or after: neither is on the fetch's path.
  const committedLater = committedLockfile(config.lockfile, run.env);
  const stageLater = import("./lock-changes.js");
  for (const later of [committedLater, stageLater]) later.catch(() => {});
  const { readLockfileIfExists } = await import("../lockfile/io.js");
  const previous = await readLockfileIfExists(config.lockfile);
  // Read before any server is contacted, as the config and the lockfile are: a broken file is
  // reported without fetching. acceptBreaking may name a file it is about to create; anything
  // else must exist.
  const acknowledgementsFile = acknowledgementsPath(options.acknowledgements, config.dir, run.cwd);
  const acknowledgements = await readAcknowledgements(
    acknowledgementsFile,
    run.cwd,
    options.acknowledgements !== undefined && reason === undefined,
  );
  const { locked, failures, findings } = await fetchSources(config, servers, options, run);
  if (run.signal.aborted) throw new InterruptedError();
  const committed = await committedLater;
  const base = {
    config,
    ...(previous && { previous }),
    sinceCommitted: committed !== undefined,
    failures,
    acknowledgementsFile,
    changes: [],
    accepted: [],
    changed: false,
  };
  if (locked.size === 0 && failures.length > 0) return { outcome: "unfetched", ...base };

  // What the change is measured from: the committed lockfile when the working copy already moved.
  const baseline = committed ?? previous;
  const { lockChanges } = await stageLater;
  const { next, changes } = await lockChanges({
    previous,
    baseline,
    configured: Object.keys(config.servers),
    locked,
    fetchFindings: findings,
  });
  const now = new Date();
  const judge = (acks: readonly Acknowledgement[]) => {
    const marked = applyPolicy(changes, { rules: config.rules, acknowledgements: acks, now });
    return { reported: marked, report: createReport({ changes: marked, servers: Object.keys(servers) }) };
  };
  const { reported, report } = judge(acknowledgements);
  // The breaking changes this lock accepts: a first lock accepts nothing, it only records.
  const accepted = baseline ? reported.filter((c) => c.severity === "breaking" && !c.acknowledged) : [];
  const found = { ...base, next, changes, report, accepted };
  if (accepted.length > 0 && reason === undefined) return { outcome: "refused", ...found };

  const changed = await (await import("../lockfile/io.js")).writeLockfile(config.lockfile, next, run.signal);
  if (accepted.length > 0 && reason !== undefined) {
    const acceptedBy = options.acceptedBy ?? (await whoAccepts(run));
    const acks = accepted.map((c) =>
      acknowledge(c, { reason, acceptedBy, now, ...(options.expires ? { expires: options.expires } : {}) }),
    );
    await writeAcknowledgements(acknowledgementsFile, acks, run.cwd);
    // The report is of the run's outcome: the changes just accepted are acknowledged in it,
    // as the next `check` or `lock` shows them.
    found.report = judge(addAcknowledgements(acknowledgements, acks)).report;
  }
  const migrated = previous !== undefined && previous.lockfileVersion < next.lockfileVersion;
  return {
    outcome: "written",
    ...found,
    changed,
    ...(migrated && { migratedFrom: previous.lockfileVersion }),
  };
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

/** Who accepts: git's user.email, else the CI actor, else the login name. */
async function whoAccepts(run: Run): Promise<string> {
  const email = await new Promise<string>((done) => {
    execFile("git", ["config", "user.email"], { cwd: run.cwd, env: run.env }, (error, stdout) =>
      done(error ? "" : stdout.trim()),
    );
  });
  return email || run.env.GITHUB_ACTOR || run.env.USER || run.env.USERNAME || "unknown";
}
