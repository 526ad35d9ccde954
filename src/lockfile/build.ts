/**
 * Pure construction of lockfile entries from fetched snapshots.
 */
import { hashItem, hashServer, hashTool, serverHashParts } from "../canonical/index.js";
import {
  LOCKFILE_VERSION,
  type LockedItem,
  type LockedServer,
  type LockedTool,
  type Lockfile,
  type PromptDefinition,
  type ResourceDefinition,
  type ResourceTemplateDefinition,
  type ToolDefinition,
} from "../core/lockfile.js";
import { dict, has, own } from "../core/own.js";
import type { ServerSnapshot } from "../core/snapshot.js";

/** Items keyed by `key`, each with its hash; later duplicates of a key are dropped (fetch reports them). */
function lockItems<D>(items: readonly D[], key: (item: D) => string): Record<string, LockedItem<D>> {
  const out = dict<LockedItem<D>>();
  for (const definition of items) {
    const name = key(definition);
    if (has(out, name)) continue;
    out[name] = { hash: hashItem(definition), definition };
  }
  return out;
}

/**
 * Builds one server's lockfile entry. Later duplicates of a tool name are dropped (fetch reports
 * them), and so are later duplicates of a prompt or resource template name or a resource URI. A
 * section the snapshot does not have is left out (unknown); the hash covers every section there is.
 */
export function lockServer(snapshot: Omit<ServerSnapshot, "server">): LockedServer {
  const tools = dict<LockedTool>();
  for (const definition of snapshot.tools) {
    if (has(tools, definition.name)) continue;
    tools[definition.name] = { hash: hashTool(definition), definition };
  }
  const entry: Omit<LockedServer, "hash"> = { tools };
  if (snapshot.prompts) entry.prompts = lockItems<PromptDefinition>(snapshot.prompts, (p) => p.name);
  if (snapshot.resourceTemplates)
    entry.resourceTemplates = lockItems<ResourceTemplateDefinition>(
      snapshot.resourceTemplates,
      (t) => t.name,
    );
  if (snapshot.resources) entry.resources = lockItems<ResourceDefinition>(snapshot.resources, (r) => r.uri);
  if (snapshot.instructions !== undefined)
    entry.instructions =
      snapshot.instructions === null
        ? null
        : { hash: hashItem(snapshot.instructions), text: snapshot.instructions };
  if (snapshot.capabilities)
    entry.capabilities = { hash: hashItem(snapshot.capabilities), definition: snapshot.capabilities };
  if (snapshot.clientCapabilities) entry.clientCapabilities = snapshot.clientCapabilities;
  const locked: LockedServer = { hash: hashServer(serverHashParts(entry)), ...entry };
  if (snapshot.serverInfo)
    locked.serverInfo = { name: snapshot.serverInfo.name, version: snapshot.serverInfo.version };
  if (snapshot.protocolVersion) locked.protocolVersion = snapshot.protocolVersion;
  return locked;
}

/** An empty lockfile; its `servers` has no prototype, so any server name is a plain key. */
export function emptyLockfile(): Lockfile {
  return { lockfileVersion: LOCKFILE_VERSION, servers: dict() };
}

/**
 * The next lockfile: every fetched server's new entry, and for every server
 * that failed to fetch its previous entry unchanged (nothing is lost). Servers
 * no longer configured are dropped. It is always written in the current
 * version: a version 1 entry kept for a failed server stays as it was, its new
 * sections unknown.
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
  return lockSurface(server, { tools });
}

/** Lockfile entries for one server's listed surface (`diff` on a `{tools, prompts, …}` file). */
export function lockSurface(server: string, surface: Omit<ServerSnapshot, "server">): Lockfile {
  const lock = emptyLockfile();
  lock.servers[server] = lockServer(surface);
  return lock;
}
