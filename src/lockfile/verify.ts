/**
 * Integrity of a lockfile that was read back: every item's hash (tool, prompt,
 * resource template, resource, instructions, capabilities) must be the hash
 * of its definition, and every server's hash the hash over all of them. A
 * mismatch means the file was edited by hand (or merged badly), so what it
 * claims was reviewed is not what it contains. Pure.
 */
import { hashItem, hashServer, hashTool, serverHashParts } from "../canonical/index.js";
import { type Change, newChange, type SurfaceItem } from "../core/change.js";
import type { LockedServer, Lockfile } from "../core/lockfile.js";
import { defineRules } from "../core/rule.js";

/** Lockfile integrity rules. */
export const lockfileRules = defineRules("lockfile", {
  "lockfile-tampered": {
    severity: "breaking",
    summary:
      "A tool's (or server's) hash in the lockfile does not match its definition: the file was edited by hand or merged badly.",
  },
});

/** The sections of a server entry whose items carry hashes, with the kind a finding names. */
const SECTIONS = [
  ["prompts", "prompt"],
  ["resourceTemplates", "resourceTemplate"],
  ["resources", "resource"],
] as const;

/**
 * One `lockfile-tampered` finding per tool, prompt, resource template, resource, instructions and
 * capabilities whose hash is wrong, and per server whose hash is wrong.
 */
export function verifyLockfile(lock: Lockfile, source: string): Change[] {
  const out: Change[] = [];
  for (const [server, entry] of Object.entries(lock.servers))
    out.push(...verifyServer(server, entry, source));
  return out;
}

/**
 * `verifyLockfile`'s findings for one server entry (what it reports for the whole lockfile is
 * each server's, in the lockfile's order): a function of the server's name, its entry and `source`.
 */
export function verifyServer(server: string, entry: LockedServer, source: string): Change[] {
  const rule = lockfileRules["lockfile-tampered"];
  const out: Change[] = [];
  const hint = "Do not edit the lockfile by hand: run `mcp-contract lock` to rewrite it from the servers.";
  const tampered = (subject: string | SurfaceItem, what: string, recorded: string, actual: string) =>
    out.push(
      newChange(
        rule,
        server,
        subject,
        "",
        `${source}: ${what} of server \`${server}\` has hash ${recorded.slice(0, 12)}… but its definition hashes to ${actual.slice(0, 12)}…; the lockfile was edited by hand.`,
        { before: recorded, after: actual, hint },
      ),
    );
  for (const [tool, locked] of Object.entries(entry.tools)) {
    const actual = hashTool(locked.definition);
    if (actual !== locked.hash) tampered(tool, `tool \`${tool}\``, locked.hash, actual);
  }
  for (const [section, kind] of SECTIONS) {
    for (const [name, locked] of Object.entries(entry[section] ?? {})) {
      const actual = hashItem(locked.definition);
      if (actual !== locked.hash)
        tampered({ kind, item: name }, `${KIND_NAMES[kind]} \`${name}\``, locked.hash, actual);
    }
  }
  if (entry.instructions) {
    const actual = hashItem(entry.instructions.text);
    if (actual !== entry.instructions.hash)
      tampered({ kind: "instructions" }, "the instructions", entry.instructions.hash, actual);
  }
  if (entry.capabilities) {
    const actual = hashItem(entry.capabilities.definition);
    if (actual !== entry.capabilities.hash)
      tampered({ kind: "capabilities" }, "the capabilities", entry.capabilities.hash, actual);
  }
  // A server whose items all verified: each recorded item hash is its definition's, so the server
  // hash is taken over the recorded ones (rehashing every definition again would cost as much as
  // the checks above). With an item wrong, only that item is reported.
  if (out.length > 0) return out;
  const actual = hashServer(serverHashParts(entry));
  if (actual !== entry.hash) {
    out.push(
      newChange(
        rule,
        server,
        undefined,
        "",
        `${source}: server \`${server}\` has hash ${entry.hash.slice(0, 12)}… but its contents hash to ${actual.slice(0, 12)}…; the lockfile was edited by hand.`,
        { before: entry.hash, after: actual, hint },
      ),
    );
  }
  return out;
}

/** How a finding names an item of each kind. */
const KIND_NAMES = { prompt: "prompt", resourceTemplate: "resource template", resource: "resource" } as const;
