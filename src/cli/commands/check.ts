/**
 * `mcp-contract check`: fetch every server, diff against the lockfile,
 * report, and exit by the policy (1 on breaking changes, 3 when a server could
 * not be fetched). `--offline` checks the lockfile alone, with no network.
 */
import type { Change } from "../../diff/change.js";
import { diffLockfiles } from "../../diff/index.js";
import { ExitCode, UsageError } from "../../errors.js";
import { emptyLockfile } from "../../lockfile/build.js";
import type { Lockfile } from "../../lockfile/format.js";
import { readLockfileIfExists } from "../../lockfile/io.js";
import type { CommandIO } from "../io.js";
import { useColor } from "../io.js";
import { buildReport, formatJson, formatText } from "../output.js";
import { type FetchCommandOptions, fetchAndLock, loadCommandConfig, selectServers } from "../servers.js";

export interface CheckOptions extends FetchCommandOptions {
  offline?: boolean;
  format: "text" | "json";
}

export async function runCheck(options: CheckOptions, io: CommandIO): Promise<number> {
  const config = await loadCommandConfig(options, io);
  const servers = selectServers(config, options.server);
  const lock = await readLockfileIfExists(config.lockfile);
  if (!lock) {
    throw new UsageError(`${config.lockfile}: no lockfile yet; run \`mcp-contract lock\` and commit it`);
  }
  const changes: Change[] = [];
  let failures: { server: string; message: string }[] = [];
  if (!options.offline) {
    const fetched = await fetchAndLock(config, servers, options, io);
    if (io.signal.aborted) return 130;
    failures = fetched.failures;
    // Compare only what was fetched: a server that failed is reported as an error, not as removed.
    const before: Lockfile = emptyLockfile();
    const after: Lockfile = emptyLockfile();
    for (const name of Object.keys(servers)) {
      const live = fetched.locked.get(name);
      if (!live) continue;
      after.servers[name] = live;
      if (Object.hasOwn(lock.servers, name)) before.servers[name] = lock.servers[name]!;
    }
    changes.push(...diffLockfiles(before, after));
  }
  const report = buildReport(changes, failures);
  io.stdout(options.format === "json" ? formatJson(report) : formatText(report, useColor(io)));
  for (const failure of failures) io.stderr(`mcp-contract: ${failure.message}\n`);
  if (failures.length > 0) return ExitCode.FetchFailed;
  return report.summary.breaking > 0 ? ExitCode.PolicyFailed : ExitCode.Ok;
}
