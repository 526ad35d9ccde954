/**
 * The lockfile format (version 2; version 1 is still read). Pure: types and constructors only;
 * reading and writing live in src/lockfile/.
 *
 * Version 2 locks the whole surface a server shows an agent, not only its tools: prompts,
 * resource templates, static resources (when the server entry asks for them), the initialize
 * result's `instructions` and `capabilities`, and the client capabilities the fetch declared.
 * A section that is absent (every version 1 entry, a file source that does not list it) is
 * unknown, never empty: the diff leaves it alone rather than reporting everything in it removed.
 */

/** A tool definition exactly as the server sent it (parsed JSON). */
export type ToolDefinition = { name: string } & Record<string, unknown>;

/** A prompt exactly as prompts/list sent it. */
export type PromptDefinition = { name: string } & Record<string, unknown>;

/** A resource template exactly as resources/templates/list sent it. */
export type ResourceTemplateDefinition = { name: string; uriTemplate: string } & Record<string, unknown>;

/** A static resource exactly as resources/list sent it. */
export type ResourceDefinition = { uri: string } & Record<string, unknown>;

/** The lockfile format version this build writes. */
export const LOCKFILE_VERSION = 2;

/** Every lockfile format version this build reads. */
export const LOCKFILE_VERSIONS = [1, 2] as const;

/** A lockfile format version this build reads. */
export type LockfileVersion = (typeof LOCKFILE_VERSIONS)[number];

/** One locked item: its definition and the sha256 of its canonical JSON. */
export interface LockedItem<Definition> {
  /** sha256 (hex) of the RFC 8785 canonical JSON of `definition`. */
  hash: string;
  /** The definition as the server sent it. */
  definition: Definition;
}

/** One tool as locked: its definition and the sha256 of its canonical JSON. */
export type LockedTool = LockedItem<ToolDefinition>;
/** One prompt as locked. */
export type LockedPrompt = LockedItem<PromptDefinition>;
/** One resource template as locked. */
export type LockedResourceTemplate = LockedItem<ResourceTemplateDefinition>;
/** One static resource as locked. */
export type LockedResource = LockedItem<ResourceDefinition>;

/** The server's `instructions` as locked: the text and the sha256 of its canonical JSON. */
export interface LockedInstructions {
  hash: string;
  text: string;
}

/** The server's capabilities (from `initialize` or `server/discover`) as locked. */
export type LockedCapabilities = LockedItem<Record<string, unknown>>;

/** The kinds of item a server entry holds besides its tools, in report order. */
export const SURFACE_KINDS = [
  "prompt",
  "resourceTemplate",
  "resource",
  "instructions",
  "capabilities",
] as const;

/** A kind of item besides tools: what a finding about it names (`Change.kind`). */
export type SurfaceKind = (typeof SURFACE_KINDS)[number];

/** One server as locked: its tools (and, from version 2, the rest of its surface) and the hash over all of it. */
export interface LockedServer {
  /** sha256 over the sorted hashes of everything below (see `hashServer`); independent of order. */
  hash: string;
  /** The server's own name and version from the handshake; absent for file sources. */
  serverInfo?: { name: string; version: string };
  /** Negotiated protocol version; absent for file sources that do not record it. */
  protocolVersion?: string;
  /** Tools keyed by name. */
  tools: Record<string, LockedTool>;
  /** Prompts keyed by name; absent: unknown (version 1, or a file source without prompts). */
  prompts?: Record<string, LockedPrompt>;
  /** Resource templates keyed by name; absent: unknown. */
  resourceTemplates?: Record<string, LockedResourceTemplate>;
  /** Static resources keyed by URI; only when the server entry says `resources: true`. */
  resources?: Record<string, LockedResource>;
  /** The initialize result's instructions; null: the server sent none; absent: unknown. */
  instructions?: LockedInstructions | null;
  /** The server's capabilities; absent: unknown (file sources, version 1). */
  capabilities?: LockedCapabilities;
  /** The client capabilities the fetch declared (they can change what a server lists). */
  clientCapabilities?: Record<string, unknown>;
}

/** The lockfile (mcp-contract.lock.json): every locked server by name. */
export interface Lockfile {
  /** 2 when written by this build; 1 when read from an older lockfile. */
  lockfileVersion: LockfileVersion;
  /** Servers keyed by their configured name. */
  servers: Record<string, LockedServer>;
}
