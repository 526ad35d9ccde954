/**
 * The tools, prompts and resources a lockfile offers, looked up the way templates name them:
 * `create_ticket` (unique across servers) or `crm/create_ticket`. Pure.
 */

import { cmp } from "../core/json.js";
import type {
  LockedPrompt,
  LockedResource,
  LockedResourceTemplate,
  LockedServer,
  LockedTool,
  Lockfile,
  PromptDefinition,
  ResourceDefinition,
  ResourceTemplateDefinition,
  ToolDefinition,
} from "../core/lockfile.js";
import { dict } from "../core/own.js";
import { isUriTemplate, matchesUriTemplate, sameUriTemplate } from "../core/uri-template.js";

/** One named item (a tool, a prompt) of one server. */
export interface CatalogItem<Definition> {
  server: string;
  name: string;
  definition: Definition;
}

/** One tool of one server. */
export type CatalogTool = CatalogItem<ToolDefinition>;
/** One prompt of one server. */
export type CatalogPrompt = CatalogItem<PromptDefinition>;

/** What a written name resolves to. */
export type ItemResolution<Item> =
  | { status: "found"; tool: Item }
  | { status: "ambiguous"; tools: Item[] }
  | { status: "unknown"; server?: string };

/** What a written tool name resolves to. */
export type Resolution = ItemResolution<CatalogTool>;

/**
 * Items of a lockfile indexed by name, looked up the way templates name them: bare (unique
 * across servers) or qualified with the server's configured name.
 */
export class Catalog<Definition> {
  private readonly byName = new Map<string, CatalogItem<Definition>[]>();
  private readonly resolved = new Map<string, ItemResolution<CatalogItem<Definition>>>();
  readonly servers: ReadonlySet<string>;
  /** Servers whose section is absent in the lockfile (unknown: version 1, a file source without it). */
  readonly unknownSections: ReadonlySet<string>;

  constructor(
    lock: Lockfile | undefined,
    section: (server: LockedServer) => Readonly<Record<string, { definition: Definition }>> | undefined,
  ) {
    this.servers = new Set(Object.keys(lock?.servers ?? {}));
    const unknown = new Set<string>();
    for (const [server, locked] of Object.entries(lock?.servers ?? {})) {
      const items = section(locked);
      if (items === undefined) {
        unknown.add(server);
        continue;
      }
      // Its own names in Object.entries' order, without an entry array per item.
      const names = Object.keys(items);
      for (let i = 0; i < names.length; i++) {
        const name = names[i]!;
        const item = { server, name, definition: items[name]!.definition };
        const list = this.byName.get(name);
        if (list === undefined) this.byName.set(name, [item]);
        else list.push(item);
      }
    }
    this.unknownSections = unknown;
  }

  /** Every item, server-sorted. */
  all(): CatalogItem<Definition>[] {
    return [...this.byName.values()].flat().sort((a, b) => cmp(a.server, b.server) || cmp(a.name, b.name));
  }

  /**
   * Resolves a name as written. A name containing `/` is first an item name
   * (tool names may contain `/`), then `server/name` split at each `/` whose
   * prefix is a configured server.
   */
  resolve(written: string): ItemResolution<CatalogItem<Definition>> {
    // A template names the same item several times (front matter, block, helper, prose): each
    // name is looked up once.
    let found = this.resolved.get(written);
    if (found === undefined) {
      found = this.lookup(written);
      this.resolved.set(written, found);
    }
    return found;
  }

  private lookup(written: string): ItemResolution<CatalogItem<Definition>> {
    const direct = this.byName.get(written);
    if (direct && direct.length === 1) return { status: "found", tool: direct[0]! };
    if (direct && direct.length > 1) return { status: "ambiguous", tools: direct };
    let knownServer: string | undefined;
    for (let i = written.indexOf("/"); i !== -1; i = written.indexOf("/", i + 1)) {
      const server = written.slice(0, i);
      if (!this.servers.has(server)) continue;
      knownServer = server;
      const item = this.byName.get(written.slice(i + 1))?.find((t) => t.server === server);
      if (item) return { status: "found", tool: item };
    }
    return knownServer === undefined ? { status: "unknown" } : { status: "unknown", server: knownServer };
  }
}

/** Tools of a lockfile indexed by name. */
export class ToolCatalog extends Catalog<ToolDefinition> {
  constructor(lock: Lockfile | undefined) {
    super(lock, (server) => server.tools);
  }

  /** Tools (any server) that have a parameter called `param`. */
  withParam(param: string): CatalogTool[] {
    return this.all().filter((t) => paramNames(t.definition).includes(param));
  }
}

/** Prompts of a lockfile indexed by name. */
export class PromptCatalog extends Catalog<PromptDefinition> {
  constructor(lock: Lockfile | undefined) {
    super(lock, (server) => server.prompts);
  }
}

/** One prompt argument as a template sees it. */
export interface PromptArgument {
  name: string;
  description?: string;
  required: boolean;
  /** Its index in the prompt's `arguments`. */
  index: number;
}

/** A prompt's arguments in the server's order (entries without a string name, or repeated, are skipped). */
export function promptArguments(definition: PromptDefinition): PromptArgument[] {
  const out: PromptArgument[] = [];
  const seen = new Set<string>();
  const list: unknown[] = Array.isArray(definition.arguments) ? definition.arguments : [];
  list.forEach((argument, index) => {
    if (typeof argument !== "object" || argument === null || Array.isArray(argument)) return;
    const { name, description, required } = argument as Record<string, unknown>;
    if (typeof name !== "string" || seen.has(name)) return;
    seen.add(name);
    out.push({
      name,
      ...(typeof description === "string" && { description }),
      required: required === true,
      index,
    });
  });
  return out;
}

/** One resource template or static resource of one server. */
export interface CatalogResource {
  server: string;
  kind: "resourceTemplate" | "resource";
  /** Its key in the lockfile: the template's name, the resource's URI. */
  name: string;
  /** The template's `uriTemplate`, the resource's `uri`. */
  uri: string;
  definition: ResourceTemplateDefinition | ResourceDefinition;
}

/** What a written URI (or URI template) resolves to. */
export type ResourceResolution =
  | {
      status: "found";
      server: string;
      /** The URI as written without the server qualifier, when it had one. */
      uri: string;
      resources: CatalogResource[];
    }
  | { status: "ambiguous"; resources: CatalogResource[] }
  | { status: "unknown"; server?: string };

/**
 * The resource templates and static resources of a lockfile, looked up by a URI as a template
 * file writes it: a URI template (`crm://customers/{id}`) means the locked template with the same
 * fixed part and variables; a URI (`crm://customers/42`) means a static resource with that URI or
 * any template it is an expansion of (RFC 6570). Qualified like tools: `crm/crm://customers/{id}`.
 */
export class ResourceCatalog {
  private readonly items: CatalogResource[] = [];
  readonly servers: ReadonlySet<string>;
  /** Servers whose static resources are not locked (the server entry lacks `resources: true`). */
  readonly unlockedResources: ReadonlySet<string>;
  /** Servers whose resource templates are unknown (version 1, a file source without them). */
  readonly unknownTemplates: ReadonlySet<string>;

  constructor(lock: Lockfile | undefined) {
    this.servers = new Set(Object.keys(lock?.servers ?? {}));
    const unlocked = new Set<string>();
    const unknown = new Set<string>();
    for (const [server, locked] of Object.entries(lock?.servers ?? {})) {
      if (locked.resourceTemplates === undefined) unknown.add(server);
      if (locked.resources === undefined) unlocked.add(server);
      for (const [name, item] of Object.entries(locked.resourceTemplates ?? {}))
        if (typeof item.definition.uriTemplate === "string")
          this.items.push({
            server,
            kind: "resourceTemplate",
            name,
            uri: item.definition.uriTemplate,
            definition: item.definition,
          });
      for (const [uri, item] of Object.entries(locked.resources ?? {}))
        this.items.push({ server, kind: "resource", name: uri, uri, definition: item.definition });
    }
    this.items.sort((a, b) => cmp(a.server, b.server) || cmp(a.kind, b.kind) || cmp(a.name, b.name));
    this.unlockedResources = unlocked;
    this.unknownTemplates = unknown;
  }

  /** Every template and resource, server-sorted. */
  all(): readonly CatalogResource[] {
    return this.items;
  }

  /** Resolves a URI or URI template as written; the best match of a server first. */
  resolve(written: string): ResourceResolution {
    const direct = matching(written, this.items);
    const servers = new Set(direct.map((r) => r.server));
    if (servers.size === 1)
      return { status: "found", server: direct[0]!.server, uri: written, resources: direct };
    if (servers.size > 1) return { status: "ambiguous", resources: direct };
    let knownServer: string | undefined;
    for (let i = written.indexOf("/"); i !== -1; i = written.indexOf("/", i + 1)) {
      const server = written.slice(0, i);
      if (!this.servers.has(server)) continue;
      knownServer = server;
      const uri = written.slice(i + 1);
      const found = matching(
        uri,
        this.items.filter((r) => r.server === server),
      );
      if (found.length > 0) return { status: "found", server, uri, resources: found };
    }
    return knownServer === undefined ? { status: "unknown" } : { status: "unknown", server: knownServer };
  }
}

/** The items `written` means, best first: a static resource, the same template, then templates by their literal length. */
function matching(written: string, items: readonly CatalogResource[]): CatalogResource[] {
  const template = isUriTemplate(written);
  const ranked: { item: CatalogResource; rank: number; literal: number }[] = [];
  for (const item of items) {
    let rank: number | undefined;
    if (item.kind === "resource") rank = item.uri === written ? 0 : undefined;
    else if (template) rank = item.uri === written ? 1 : sameUriTemplate(written, item.uri) ? 2 : undefined;
    else rank = matchesUriTemplate(written, item.uri) ? 3 : undefined;
    if (rank !== undefined) ranked.push({ item, rank, literal: item.uri.replace(/\{[^}]*\}/g, "").length });
  }
  return ranked.sort((a, b) => a.rank - b.rank || b.literal - a.literal).map((r) => r.item);
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

/** A prompt as the template checker reads it: its name and each argument's name, required flag and index. */
export type CatalogPromptData = [name: string, args: [name: string, required: boolean, index: number][]];

/**
 * What the template checker reads of a server's surface beside its tools; a section absent
 * here is absent (unknown) in the lockfile.
 */
export interface CatalogSurfaceData {
  prompts?: CatalogPromptData[];
  /** Each resource template's name and `uriTemplate`. */
  resourceTemplates?: [name: string, uriTemplate: string][];
  /** Each static resource's URI. */
  resources?: string[];
}

/**
 * What the template checker reads of a lockfile, as JSON data (for a cache): each server, in the
 * lockfile's order, with its tools, each with its parameter names (`paramNames`) and required
 * parameters (`requiredParams`), and (when the server has any of them) its prompts' arguments and
 * its resource templates' and resources' URIs. Far smaller than the lockfile: a template edit is
 * checked against it without parsing the definitions.
 */
export type CatalogData = (
  | [server: string, tools: [name: string, params: string[], required: string[]][]]
  | [
      server: string,
      tools: [name: string, params: string[], required: string[]][],
      surface: CatalogSurfaceData,
    ]
)[];

/** The `CatalogData` of a lockfile. */
export function catalogData(lock: Lockfile): CatalogData {
  return Object.entries(lock.servers).map(([server, entry]) => {
    const tools = Object.entries(entry.tools).map(([name, tool]): [string, string[], string[]] => [
      name,
      paramNames(tool.definition),
      requiredParams(tool.definition),
    ]);
    const surface: CatalogSurfaceData = {};
    if (entry.prompts !== undefined)
      surface.prompts = Object.entries(entry.prompts).map(([name, prompt]) => [
        name,
        promptArguments(prompt.definition).map((a): [string, boolean, number] => [
          a.name,
          a.required,
          a.index,
        ]),
      ]);
    if (entry.resourceTemplates !== undefined)
      surface.resourceTemplates = Object.entries(entry.resourceTemplates)
        .filter(([, t]) => typeof t.definition.uriTemplate === "string")
        .map(([name, t]) => [name, t.definition.uriTemplate]);
    if (entry.resources !== undefined) surface.resources = Object.keys(entry.resources);
    return Object.keys(surface).length === 0 ? [server, tools] : [server, tools, surface];
  });
}

/** Whether `value` has the shape of `CatalogData` (a cache entry is checked before use). */
export function isCatalogData(value: unknown): value is CatalogData {
  const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === "string");
  const pairs = (v: unknown) =>
    Array.isArray(v) &&
    v.every(
      (p) => Array.isArray(p) && p.length === 2 && typeof p[0] === "string" && typeof p[1] === "string",
    );
  const prompts = (v: unknown) =>
    Array.isArray(v) &&
    v.every(
      (p) =>
        Array.isArray(p) &&
        p.length === 2 &&
        typeof p[0] === "string" &&
        Array.isArray(p[1]) &&
        p[1].every(
          (a: unknown) =>
            Array.isArray(a) &&
            a.length === 3 &&
            typeof a[0] === "string" &&
            typeof a[1] === "boolean" &&
            Number.isInteger(a[2]) &&
            a[2] >= 0,
        ),
    );
  const surface = (v: unknown) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
    const s = v as Record<string, unknown>;
    return (
      Object.keys(s).every((k) => k === "prompts" || k === "resourceTemplates" || k === "resources") &&
      (s.prompts === undefined || prompts(s.prompts)) &&
      (s.resourceTemplates === undefined || pairs(s.resourceTemplates)) &&
      (s.resources === undefined || strings(s.resources))
    );
  };
  return (
    Array.isArray(value) &&
    value.every(
      (server) =>
        Array.isArray(server) &&
        (server.length === 2 || (server.length === 3 && surface(server[2]))) &&
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
 * `inputSchema` with those parameters (empty schemas) and required names; each prompt its name and
 * arguments (at their indexes), each resource template its name and `uriTemplate`, each resource
 * its URI. The template checker finds in it exactly what it finds in the lockfile `data` came
 * from; nothing else may read it.
 */
export function catalogLockfile(data: CatalogData): Lockfile {
  const servers = dict<LockedServer>();
  for (const [server, tools, surface] of data) {
    const locked = dict<LockedTool>();
    for (const [name, params, required] of tools) {
      const properties = dict<Record<string, unknown>>();
      for (const param of params) properties[param] = {};
      locked[name] = {
        hash: "",
        definition: { name, inputSchema: { type: "object", properties, required } },
      };
    }
    const entry: LockedServer = { hash: "", tools: locked };
    if (surface?.prompts !== undefined) {
      const prompts = dict<LockedPrompt>();
      for (const [name, args] of surface.prompts) {
        const list: unknown[] = Array.from({ length: Math.max(0, ...args.map((a) => a[2] + 1)) }, () => null);
        for (const [arg, required, index] of args) list[index] = { name: arg, required };
        prompts[name] = { hash: "", definition: { name, arguments: list } };
      }
      entry.prompts = prompts;
    }
    if (surface?.resourceTemplates !== undefined) {
      const templates = dict<LockedResourceTemplate>();
      for (const [name, uriTemplate] of surface.resourceTemplates)
        templates[name] = { hash: "", definition: { name, uriTemplate } };
      entry.resourceTemplates = templates;
    }
    if (surface?.resources !== undefined) {
      const resources = dict<LockedResource>();
      for (const uri of surface.resources) resources[uri] = { hash: "", definition: { uri } };
      entry.resources = resources;
    }
    servers[server] = entry;
  }
  return { lockfileVersion: 2, servers };
}
