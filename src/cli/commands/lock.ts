/**
 * `mcp-contract lock`: fetch every server, write the lockfile atomically,
 * print what changed since the previous one. A server that fails keeps its
 * previous entry, and the command exits 3.
 */
import { diffLockfiles } from "../../diff/index.js";
import { ExitCode } from "../../errors.js";
import { emptyLockfile, nextLockfile } from "../../lockfile/build.js";
import { readLockfileIfExists, writeLockfile } from "../../lockfile/io.js";
import type { CommandIO } from "../io.js";
import { useColor } from "../io.js";
import { buildReport, formatText } from "../output.js";
import { type FetchCommandOptions, fetchAndLock, loadCommandConfig, selectServers } from "../servers.js";

export async function runLock(options: FetchCommandOptions, io: CommandIO): Promise<number> {
  const config = await loadCommandConfig(options, io);
  const servers = selectServers(config, options.server);
  const previous = await readLockfileIfExists(config.lockfile);
  const { locked, failures, findings } = await fetchAndLock(config, servers, options, io);
  if (io.signal.aborted) return 130;
  const next = nextLockfile(previous, Object.keys(config.servers), locked);
  const changed = await writeLockfile(config.lockfile, next);
  const changes = [...findings, ...diffLockfiles(previous ?? emptyLockfile(), next)];
  // Tool poisoning is judged on what is now locked, on every run, not only on what changed.
  changes.push(...(await import("../../poisoning/index.js")).scanLockfile(next));
  if (!options.quiet || changes.length > 0) {
    if (changes.length > 0) io.stdout(formatText(buildReport(changes), useColor(io)));
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

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
