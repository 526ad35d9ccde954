/**
 * The lockfile format (version 1). Pure: types and constructors only; reading
 * and writing live in ./io.ts.
 */

/** A tool definition exactly as the server sent it (parsed JSON). */
export type ToolDefinition = { name: string } & Record<string, unknown>;

export const LOCKFILE_VERSION = 1;

export interface LockedTool {
  /** sha256 (hex) of the RFC 8785 canonical JSON of `definition`. */
  hash: string;
  /** The tool definition as the server sent it. */
  definition: ToolDefinition;
}

export interface LockedServer {
  /** sha256 over the sorted tool hashes; independent of tool order. */
  hash: string;
  /** The server's own name and version from the handshake; absent for file sources. */
  serverInfo?: { name: string; version: string };
  /** Negotiated protocol version; absent for file sources that do not record it. */
  protocolVersion?: string;
  /** Tools keyed by name. */
  tools: Record<string, LockedTool>;
}

export interface Lockfile {
  lockfileVersion: typeof LOCKFILE_VERSION;
  /** Servers keyed by their configured name. */
  servers: Record<string, LockedServer>;
}
