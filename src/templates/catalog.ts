/**
 * The tools a lockfile offers, looked up the way templates name them:
 * `create_ticket` (unique across servers) or `crm/create_ticket`. Pure.
 */

import { cmp } from "../core/json.js";
import type { LockedServer, LockedTool, Lockfile, ToolDefinition } from "../core/lockfile.js";
import { dict } from "../core/own.js";

/** One tool of one server. */
export interface CatalogTool {
  server: string;
  name: string;
  definition: ToolDefinition;
}

/** What a written tool name resolves to. */
export type Resolution =
  | { status: "found"; tool: CatalogTool }
  | { status: "ambiguous"; tools: CatalogTool[] }
  | { status: "unknown"; server?: string };

/** Tools of a lockfile indexed by name. */
export class ToolCatalog {
  private readonly byName = new Map<string, CatalogTool[]>();
  readonly servers: ReadonlySet<string>;

  constructor(lock: Lockfile | undefined) {
    this.servers = new Set(Object.keys(lock?.servers ?? {}));
    for (const [server, locked] of Object.entries(lock?.servers ?? {})) {
      for (const [name, tool] of Object.entries(locked.tools)) {
        const list = this.byName.get(name) ?? [];
        list.push({ server, name, definition: tool.definition });
        this.byName.set(name, list);
      }
    }
  }

  /** Every tool, server-sorted. */
  all(): CatalogTool[] {
    return [...this.byName.values()].flat().sort((a, b) => cmp(a.server, b.server) || cmp(a.name, b.name));
  }

  /**
   * Resolves a name as written. A name containing `/` is first a tool name
   * (tool names may contain `/`), then `server/tool` split at each `/` whose
   * prefix is a configured server.
   */
  resolve(written: string): Resolution {
    const direct = this.byName.get(written);
    if (direct && direct.length === 1) return { status: "found", tool: direct[0]! };
    if (direct && direct.length > 1) return { status: "ambiguous", tools: direct };
    let knownServer: string | undefined;
    for (let i = written.indexOf("/"); i !== -1; i = written.indexOf("/", i + 1)) {
      const server = written.slice(0, i);
      if (!this.servers.has(server)) continue;
      knownServer = server;
      const tool = this.byName.get(written.slice(i + 1))?.find((t) => t.server === server);
      if (tool) return { status: "found", tool };
    }
    return knownServer === undefined ? { status: "unknown" } : { status: "unknown", server: knownServer };
  }

  /** Tools (any server) that have a parameter called `param`. */
  withParam(param: string): CatalogTool[] {
    return this.all().filter((t) => paramNames(t.definition).includes(param));
  }
}

/** Splits `crm/create_ticket` into server and tool when the prefix is plausible; for messages only. */
export function splitQualified(
  written: string,
  servers: ReadonlySet<string>,
): { server?: string; tool: string } {
  for (let i = written.indexOf("/"); i !== -1; i = written.indexOf("/", i + 1)) {
    const server = written.slice(0, i);
    if (servers.has(server)) return { server, tool: written.slice(i + 1) };
  }
  return { tool: written };
}

/** Top-level parameter names of a tool's inputSchema, in the server's order. */
export function paramNames(definition: ToolDefinition): string[] {
  return Object.keys(properties(definition));
}

/** The tool's required top-level parameters. */
export function requiredParams(definition: ToolDefinition): string[] {
  const schema = definition.inputSchema as { required?: unknown } | undefined;
  return Array.isArray(schema?.required)
    ? schema.required.filter((r): r is string => typeof r === "string")
    : [];
}

/** The JSON Schema of each top-level parameter. */
export function properties(definition: ToolDefinition): Record<string, Record<string, unknown>> {
  const schema = definition.inputSchema as { properties?: unknown } | undefined;
  const props = schema?.properties;
  return props && typeof props === "object" && !Array.isArray(props)
    ? (props as Record<string, Record<string, unknown>>)
    : {};
}

/** JSON Pointer of a top-level parameter, as the diff engine writes it. */
export function paramPointer(param: string): string {
  return `/inputSchema/properties/${param.replace(/~/g, "~0").replace(/\//g, "~1")}`;
}

/** `server/tool`. */
export function qualified(tool: { server: string; name: string }): string {
  return `${tool.server}/${tool.name}`;
}

/**
 * What the template checker reads of a lockfile, as JSON data (for a cache): each server, in the
 * lockfile's order, with its tools, each with its parameter names (`paramNames`) and required
 * parameters (`requiredParams`). Far smaller than the lockfile: a template edit is checked
 * against it without parsing the definitions.
 */
export type CatalogData = [server: string, tools: [name: string, params: string[], required: string[]][]][];

/** The `CatalogData` of a lockfile. */
export function catalogData(lock: Lockfile): CatalogData {
  return Object.entries(lock.servers).map(([server, entry]) => [
    server,
    Object.entries(entry.tools).map(([name, tool]) => [
      name,
      paramNames(tool.definition),
      requiredParams(tool.definition),
    ]),
  ]);
}

/** Whether `value` has the shape of `CatalogData` (a cache entry is checked before use). */
export function isCatalogData(value: unknown): value is CatalogData {
  const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === "string");
  return (
    Array.isArray(value) &&
    value.every(
      (server) =>
        Array.isArray(server) &&
        server.length === 2 &&
        typeof server[0] === "string" &&
        Array.isArray(server[1]) &&
        server[1].every(
          (tool: unknown) =>
            Array.isArray(tool) &&
            tool.length === 3 &&
            typeof tool[0] === "string" &&
            strings(tool[1]) &&
            strings(tool[2]),
        ),
    )
  );
}

/**
 * A lockfile holding only what `data` says: each tool's definition is its name and an
 * `inputSchema` with those parameters (empty schemas) and required names. The template checker
 * finds in it exactly what it finds in the lockfile `data` came from; nothing else may read it.
 */
export function catalogLockfile(data: CatalogData): Lockfile {
  const servers = dict<LockedServer>();
  for (const [server, tools] of data) {
    const locked = dict<LockedTool>();
    for (const [name, params, required] of tools) {
      const properties = dict<Record<string, unknown>>();
      for (const param of params) properties[param] = {};
      locked[name] = {
        hash: "",
        definition: { name, inputSchema: { type: "object", properties, required } },
      };
    }
    servers[server] = { hash: "", tools: locked };
  }
  return { lockfileVersion: 2, servers };
}
