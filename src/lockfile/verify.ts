/**
 * Integrity of a lockfile that was read back: every tool's hash must be the
 * hash of its definition, and every server's hash the hash of its tools. A
 * mismatch means the file was edited by hand (or merged badly), so what it
 * claims was reviewed is not what it contains. Pure.
 */
import { hashServer, hashTool } from "../canonical/index.js";
import type { Change } from "../core/change.js";
import type { Lockfile } from "../core/lockfile.js";
import { defineRules } from "../core/rule.js";

/** Lockfile integrity rules. */
export const lockfileRules = defineRules("lockfile", {
  "lockfile-tampered": {
    severity: "breaking",
    summary:
      "A tool's (or server's) hash in the lockfile does not match its definition: the file was edited by hand or merged badly.",
  },
});

/** One `lockfile-tampered` finding per tool whose hash is wrong, and per server whose hash is wrong. */
export function verifyLockfile(lock: Lockfile, source: string): Change[] {
  const rule = lockfileRules["lockfile-tampered"];
  const out: Change[] = [];
  const hint = "Do not edit the lockfile by hand: run `mcp-contract lock` to rewrite it from the servers.";
  for (const [server, entry] of Object.entries(lock.servers)) {
    const hashes: string[] = [];
    for (const [tool, locked] of Object.entries(entry.tools)) {
      const actual = hashTool(locked.definition);
      hashes.push(actual);
      if (actual !== locked.hash) {
        out.push({
          rule: rule.id,
          severity: rule.severity,
          server,
          tool,
          pointer: "",
          message: `${source}: tool \`${tool}\` of server \`${server}\` has hash ${locked.hash.slice(0, 12)}… but its definition hashes to ${actual.slice(0, 12)}…; the lockfile was edited by hand.`,
          before: locked.hash,
          after: actual,
          hint,
        });
      }
    }
    const actual = hashServer(hashes);
    if (actual !== entry.hash && !out.some((c) => c.server === server)) {
      out.push({
        rule: rule.id,
        severity: rule.severity,
        server,
        pointer: "",
        message: `${source}: server \`${server}\` has hash ${entry.hash.slice(0, 12)}… but its tools hash to ${actual.slice(0, 12)}…; the lockfile was edited by hand.`,
        before: entry.hash,
        after: actual,
        hint,
      });
    }
  }
  return out;
}
