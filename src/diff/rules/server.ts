/**
 * Server-level rules: a server appearing or disappearing between two
 * lockfiles, and a server version that did not rise as much as its changes
 * require.
 */

import { type Change, newChange } from "../../core/change.js";
import type { LockedServer } from "../../core/lockfile.js";
import { defineRecords, type Family, type RuleRecord } from "../../core/rule.js";
import { actualBump, bumpSatisfies, requiredBump } from "../semver.js";

/** Server rules. */
export const serverRules = defineRecords("server", {
  "server-removed": {
    severity: "breaking",
    summary: "A server is gone: every tool it offered is gone with it.",
    direction: "none",
    bump: "major",
    keywords: [],
    witness: "none",
    inverse: ["server-added"],
  },
  "server-added": {
    severity: "info",
    summary: "A new server.",
    direction: "none",
    bump: "minor",
    keywords: [],
    witness: "none",
    inverse: ["server-removed"],
  },
  "version-not-bumped": {
    severity: "warning",
    summary: "The server's reported version rose less than its changes require under semver.",
    direction: "none",
    bump: "minor",
    keywords: [],
    witness: "none",
    inverse: [],
  },
});

/** The server family: checked by `diffLockfiles` around each server's tool diff. */
export const serverFamily: Family = { name: "server", rules: serverRules };

/** `server-removed` or `server-added` when the server is on one side only. */
export function checkServerPresence(
  server: string,
  a: LockedServer | undefined,
  b: LockedServer | undefined,
): Change | undefined {
  if (a && !b) {
    return newChange(
      serverRules["server-removed"],
      server,
      undefined,
      "",
      `Server \`${server}\` was removed (it had ${toolCount(a)}).`,
      { before: server },
    );
  }
  if (!a && b) {
    return newChange(
      serverRules["server-added"],
      server,
      undefined,
      "",
      `Server \`${server}\` was added with ${toolCount(b)}.`,
      { after: server },
    );
  }
  return undefined;
}

/**
 * `server-removed` for a server the lockfile holds and the config no longer names, as `check`
 * reports it: the same finding (and fingerprint) `lock` reports when it drops the entry, with
 * what to do before that lock.
 */
export function serverNotConfigured(server: string, tools: number): Change {
  return newChange(
    serverRules["server-removed"],
    server,
    undefined,
    "",
    `Server \`${server}\` is in the lockfile but no longer in the config (it had ${tools} ${tools === 1 ? "tool" : "tools"}).`,
    {
      before: server,
      hint: 'If it was removed on purpose, remove the prompts that use it, then run `mcp-contract lock --accept-breaking "<reason>"` to drop it from the lockfile; else restore it in the config.',
    },
  );
}

/** "1 tool", "3 tools". */
function toolCount(entry: LockedServer): string {
  const n = Object.keys(entry.tools).length;
  return `${n} ${n === 1 ? "tool" : "tools"}`;
}

/** `version-not-bumped` when the server's reported version rose less than `changes` (its tool diff) require. */
export function checkVersionBump(
  server: string,
  a: LockedServer,
  b: LockedServer,
  changes: readonly Change[],
  records: ReadonlyMap<string, RuleRecord>,
): Change | undefined {
  const versionA = a.serverInfo?.version;
  const versionB = b.serverInfo?.version;
  if (versionA === undefined || versionB === undefined) return undefined;
  const required = requiredBump(changes, records);
  const actual = actualBump(versionA, versionB);
  if (actual === undefined || required === "none" || bumpSatisfies(actual, required)) return undefined;
  return newChange(
    serverRules["version-not-bumped"],
    server,
    undefined,
    "/serverInfo/version",
    `Server \`${server}\` reports version ${versionB} (was ${versionA}), but its changes require a ${required} bump.`,
    { before: versionA, after: versionB, hint: `release it as a ${required} version` },
  );
}
