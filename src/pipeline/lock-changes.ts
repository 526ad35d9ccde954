/**
 * The pure stage of lock: the next lockfile and every change since the
 * baseline, with the poisoning scan. Imported only when servers were fetched
 * (it loads the poisoning scan, and the diff engine when a server is on both
 * sides; not the template checker).
 */
import type { Change } from "../core/change.js";
import type { LockedServer, Lockfile } from "../core/lockfile.js";
import { presenceDiff } from "../diff/presence.js";
import { emptyLockfile, nextLockfile } from "../lockfile/build.js";
import { scanLockfile } from "../poisoning/index.js";

/** What a lock compares. */
export interface LockInput {
  /** The working lockfile, when there is one. */
  previous: Lockfile | undefined;
  /** What the change is measured from: HEAD's lockfile when the working copy moved, else `previous`. */
  baseline: Lockfile | undefined;
  /** Every configured server (entries of servers no longer configured are dropped). */
  configured: readonly string[];
  locked: ReadonlyMap<string, LockedServer>;
  fetchFindings: readonly Change[];
}

/**
 * The lock's pure stage: the next lockfile (fetched servers replaced, failed
 * ones kept) and every change since the baseline, with the poisoning scan of
 * what is now locked (judged on every run, not only on what changed).
 */
export async function lockChanges(input: LockInput): Promise<{ next: Lockfile; changes: Change[] }> {
  const next = nextLockfile(input.previous, input.configured, input.locked);
  const baseline = input.baseline ?? emptyLockfile();
  // The diff engine only when a server is on both sides (a first lock only adds servers).
  const diff =
    presenceDiff(baseline, next) ?? (await import("../diff/index.js")).diffLockfiles(baseline, next);
  const changes: Change[] = [...knownInvalid(input.fetchFindings, input.baseline, input.locked), ...diff];
  changes.push(...scanLockfile(next));
  return { next, changes };
}

/**
 * The fetch-time findings, with the `invalid-tool-definition` findings of tools that are locked
 * unchanged (same hash in `baseline` as now) folded into one info line per server: each problem
 * was reported when the tool was locked, and repeating it on every run buries what changed.
 */
export function knownInvalid(
  findings: readonly Change[],
  baseline: Lockfile | undefined,
  live: ReadonlyMap<string, LockedServer>,
): Change[] {
  const out: Change[] = [];
  const folded = new Map<string, Set<string>>();
  for (const finding of findings) {
    const tool = finding.tool;
    const was = tool === undefined ? undefined : lockedHash(baseline, finding.server, tool);
    const current = live.get(finding.server);
    const now =
      tool === undefined || !current
        ? undefined
        : lockedHash({ servers: { [finding.server]: current } }, finding.server, tool);
    if (finding.rule !== "invalid-tool-definition" || was === undefined || was !== now) {
      out.push(finding);
      continue;
    }
    const tools = folded.get(finding.server) ?? new Set<string>();
    folded.set(finding.server, tools.add(tool!));
  }
  for (const [server, set] of folded) {
    const tools = [...set].sort();
    const shown = tools.slice(0, 5).map((t) => `\`${t}\``);
    const more = tools.length > shown.length ? ` and ${tools.length - shown.length} more` : "";
    const count = tools.length === 1 ? "1 tool was" : `${tools.length} tools were`;
    out.push({
      rule: "invalid-tool-definition",
      severity: "info",
      server,
      pointer: "",
      message: `${count} already invalid when locked and ${tools.length === 1 ? "has" : "have"} not changed since (${shown.join(", ")}${more}).`,
      after: tools,
      hint: "`mcp-contract lock` reported each problem when the tool was locked; ask the server's maintainers to fix the definitions.",
    });
  }
  return out;
}

function lockedHash(
  lock: Pick<Lockfile, "servers"> | undefined,
  server: string,
  tool: string,
): string | undefined {
  if (!lock || !Object.hasOwn(lock.servers, server)) return undefined;
  const tools = lock.servers[server]!.tools;
  return Object.hasOwn(tools, tool) ? tools[tool]!.hash : undefined;
}
