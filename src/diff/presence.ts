/**
 * The diff of two lockfiles that share no server: each server was added or removed, and there is
 * nothing else to compare. A first lock (every server new) takes it instead of loading the diff
 * engine; `diffLockfiles` gives the same changes (test/diff/presence.test.ts).
 */
import { type Change, compareChanges } from "../core/change.js";
import type { Lockfile } from "../core/lockfile.js";
import { own } from "../core/own.js";
import { checkServerPresence } from "./rules/server.js";

/** `diffLockfiles(before, after)` when no server is on both sides; undefined when one is. */
export function presenceDiff(before: Lockfile, after: Lockfile): Change[] | undefined {
  const out: Change[] = [];
  const names = [...new Set([...Object.keys(before.servers), ...Object.keys(after.servers)])].sort();
  for (const server of names) {
    const a = own(before.servers, server);
    const b = own(after.servers, server);
    if (a && b) return undefined;
    const presence = checkServerPresence(server, a, b);
    if (presence) out.push(presence);
  }
  return out.sort(compareChanges);
}
