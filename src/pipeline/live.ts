/**
 * The pure stage of the online check: from the lockfile, the live servers'
 * snapshots and the templates to the findings. Imported only when servers
 * were fetched: it loads the diff engine, the template checker and the
 * poisoning scan. Lock's stage is lock-changes.ts (no templates).
 */
import type { Change } from "../core/change.js";
import type { LockedServer, Lockfile } from "../core/lockfile.js";
import { dict } from "../core/own.js";
import { diffLockfiles } from "../diff/index.js";
import { serverNotConfigured } from "../diff/rules/server.js";
import { emptyLockfile } from "../lockfile/build.js";
import { verifyLockfile } from "../lockfile/verify.js";
import { scanLockfile } from "../poisoning/index.js";
import { checkTemplates, type TemplateSource } from "../templates/check.js";
import { knownInvalid } from "./lock-changes.js";

/** What the online check compares. */
export interface LiveInput {
  /** The lockfile, and the path its findings name. */
  lock: Lockfile;
  lockfilePath: string;
  /** The servers checked. */
  servers: readonly string[];
  /**
   * Every server the config names, when all of them are checked: a lockfile entry of any other
   * server is reported (`server-removed`, as the next `lock` will) and left out of what the
   * templates are checked against. Absent (`--server`): the lockfile's other entries are not looked at.
   */
  configured?: readonly string[];
  /** Lockfile entries of the servers that fetched; the others are left out of the diff. */
  locked: ReadonlyMap<string, LockedServer>;
  /** Fetch-time findings of the servers that fetched. */
  fetchFindings: readonly Change[];
  templates: readonly TemplateSource[];
  /** The names of the config's partials, which the templates' `{{> name}}` must name; absent, not checked. */
  partials?: readonly string[];
}

/**
 * The lockfile's integrity, the live snapshots diffed against it, the poisoning
 * scan of what is now current, and the templates against the live tools with
 * the lockfile as their previous version. Pure.
 */
export function liveFindings(input: LiveInput): Change[] {
  const { lock, locked } = input;
  // A hand-edited lockfile is reported before anything is compared against it.
  const changes = verifyLockfile(lock, input.lockfilePath);
  changes.push(...knownInvalid(input.fetchFindings, lock, locked));
  // Compare only what was fetched: a server that failed is reported as an error, not as removed.
  const before: Lockfile = emptyLockfile();
  const after: Lockfile = emptyLockfile();
  for (const name of input.servers) {
    const live = locked.get(name);
    if (!live) continue;
    after.servers[name] = live;
    if (Object.hasOwn(lock.servers, name)) before.servers[name] = lock.servers[name]!;
  }
  changes.push(...diffLockfiles(before, after));
  // Templates must match the live servers; a server not fetched keeps its locked tools, and one
  // the config no longer names is gone.
  const current: Lockfile = { ...lock, servers: Object.assign(dict(), lock.servers, after.servers) };
  if (input.configured) {
    const configured = new Set(input.configured);
    for (const name of Object.keys(lock.servers)) {
      if (configured.has(name)) continue;
      changes.push(serverNotConfigured(name, Object.keys(lock.servers[name]!.tools).length));
      delete current.servers[name];
    }
  }
  changes.push(...scanLockfile(current));
  if (input.templates.length > 0)
    changes.push(
      ...checkTemplates({
        templates: input.templates,
        lock: current,
        previousLock: lock,
        changes,
        ...(input.partials && { partials: input.partials }),
      }),
    );
  return changes;
}
