import type { Change } from "./change.js";
import type { ToolDefinition } from "./lockfile.js";

/** What one fetch of one server returns: its whole tool list, raw. */
export interface ServerSnapshot {
  /** Configured server name. */
  server: string;
  serverInfo?: { name: string; version: string };
  protocolVersion?: string;
  /** Tools in the order the server sent them, every key kept. */
  tools: ToolDefinition[];
  /** Fetch-time findings (invalid-tool-definition, duplicate-tool-name); absent when there are none. */
  findings?: Change[];
}
