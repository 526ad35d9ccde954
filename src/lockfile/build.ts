/**
 * Pure construction of lockfile entries from fetched snapshots.
 */
import { hashServer, hashTool } from "../canonical/index.js";
import {
  LOCKFILE_VERSION,
  type LockedServer,
  type LockedTool,
  type Lockfile,
  type ToolDefinition,
} from "../core/lockfile.js";
import { dict, has, own } from "../core/own.js";
import type { ServerSnapshot } from "../core/snapshot.js";

/** Builds one server's lockfile entry. Later duplicates of a tool name are dropped (fetch reports them). */
export function lockServer(snapshot: Omit<ServerSnapshot, "server">): LockedServer {
  const tools = dict<LockedTool>();
  for (const definition of snapshot.tools) {
    if (has(tools, definition.name)) continue;
    tools[definition.name] = { hash: hashTool(definition), definition };
  }
  const entry: LockedServer = { hash: hashServer(Object.values(tools).map((t) => t.hash)), tools };
  if (snapshot.serverInfo)
    entry.serverInfo = { name: snapshot.serverInfo.name, version: snapshot.serverInfo.version };
  if (snapshot.protocolVersion) entry.protocolVersion = snapshot.protocolVersion;
  return entry;
}

/** An empty lockfile; its `servers` has no prototype, so any server name is a plain key. */
export function emptyLockfile(): Lockfile {
  return { lockfileVersion: LOCKFILE_VERSION, servers: dict() };
}

/**
 * The next lockfile: every fetched server's new entry, and for every server
 * that failed to fetch its previous entry unchanged (nothing is lost). Servers
 * no longer configured are dropped.
 */
export function nextLockfile(
  previous: Lockfile | undefined,
  configured: readonly string[],
  fetched: ReadonlyMap<string, LockedServer>,
): Lockfile {
  const next = emptyLockfile();
  for (const name of configured) {
    const entry = fetched.get(name) ?? own(previous?.servers, name);
    if (entry) next.servers[name] = entry;
  }
  return next;
}

/** Lockfile entries for a bare list of tools (used by `diff` on tools/list files). */
export function lockTools(server: string, tools: ToolDefinition[]): Lockfile {
  const lock = emptyLockfile();
  lock.servers[server] = lockServer({ tools });
  return lock;
}
