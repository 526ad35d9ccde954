import type { Change } from "./change.js";
import type {
  PromptDefinition,
  ResourceDefinition,
  ResourceTemplateDefinition,
  ToolDefinition,
} from "./lockfile.js";

/**
 * What one fetch of one server returns: its whole tool list, raw, and the rest of its surface.
 * A section that is absent was not asked for or cannot be known (a file source that does not list
 * it): it is locked as unknown. An empty list is known to be empty (the server lists none, or does
 * not support the method).
 */
export interface ServerSnapshot {
  /** Configured server name. */
  server: string;
  serverInfo?: { name: string; version: string };
  protocolVersion?: string;
  /** Tools in the order the server sent them, every key kept. */
  tools: ToolDefinition[];
  /** Prompts in the order the server sent them. */
  prompts?: PromptDefinition[];
  /** Resource templates in the order the server sent them. */
  resourceTemplates?: ResourceTemplateDefinition[];
  /** Static resources (only when the server entry says `resources: true`). */
  resources?: ResourceDefinition[];
  /** The initialize result's instructions; null when the server sent none. */
  instructions?: string | null;
  /** The server's capabilities from the handshake. */
  capabilities?: Record<string, unknown>;
  /** The client capabilities the fetch declared. */
  clientCapabilities?: Record<string, unknown>;
  /** Fetch-time findings (invalid-tool-definition, duplicate-tool-name); absent when there are none. */
  findings?: Change[];
}
