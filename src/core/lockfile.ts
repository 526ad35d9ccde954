/**
 * The lockfile format (version 1). Pure: types and constructors only; reading
 * and writing live in ./io.ts.
 */

/** A tool definition exactly as the server sent it (parsed JSON). */
export type ToolDefinition = { name: string } & Record<string, unknown>;

/** The lockfile format version this build writes and reads. */
export const LOCKFILE_VERSION = 1;

/** One tool as locked: its definition and the sha256 of its canonical JSON. */
export interface LockedTool {
  /** sha256 (hex) of the RFC 8785 canonical JSON of `definition`. */
  hash: string;
  /** The tool definition as the server sent it. */
  definition: ToolDefinition;
}

/** One server as locked: its tools by name and the hash over their hashes. */
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

/** The lockfile (mcp-contract.lock.json): every locked server by name. */
export interface Lockfile {
  lockfileVersion: typeof LOCKFILE_VERSION;
  /** Servers keyed by their configured name. */
  servers: Record<string, LockedServer>;
}
