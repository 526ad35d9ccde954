/**
 * Pure normalisation of the config shapes teams already have into
 * mcp-contract's own shape, before validation:
 * - `mcpServers` (Claude Desktop, Cursor, `.mcp.json`): `{command, args, env}` or `{url, headers}`, with an optional `type`;
 * - VS Code (`.vscode/mcp.json`): `servers` whose entries carry `type: stdio|http|sse`, plus `inputs`.
 */

/** Keys that foreign shapes carry and mcp-contract has no use for; dropped silently. */
const FOREIGN_SERVER_KEYS = new Set([
  "type",
  "disabled",
  "autoApprove",
  "alwaysAllow",
  "timeout",
  "envFile",
  "description",
  "name",
  "dev",
  "gallery",
  "version",
]);

export interface NormalizedConfig {
  /** The config in mcp-contract's own shape, ready for schema validation. */
  data: unknown;
  /** Which shape the file had. */
  shape: "mcp-contract" | "mcpServers" | "vscode";
}

/** Maps a parsed config document onto mcp-contract's own shape. */
export function normalizeConfigShape(data: unknown): NormalizedConfig {
  if (!isRecord(data)) return { data, shape: "mcp-contract" };
  if (isRecord(data.mcpServers) && data.servers === undefined) {
    const { mcpServers, ...rest } = data;
    return { data: { ...keepOwnKeys(rest), servers: mapServers(mcpServers) }, shape: "mcpServers" };
  }
  if (isRecord(data.servers) && (data.inputs !== undefined || hasVsCodeServers(data.servers))) {
    const { inputs: _inputs, servers, ...rest } = data;
    return { data: { ...keepOwnKeys(rest), servers: mapServers(servers) }, shape: "vscode" };
  }
  return { data, shape: "mcp-contract" };
}

function hasVsCodeServers(servers: Record<string, unknown>): boolean {
  return Object.values(servers).some((s) => isRecord(s) && typeof s.type === "string");
}

function mapServers(servers: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, server] of Object.entries(servers)) {
    if (!isRecord(server)) {
      Object.defineProperty(out, name, {
        value: server,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      continue;
    }
    const mapped: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(server)) {
      if (!FOREIGN_SERVER_KEYS.has(key)) mapped[key] = value;
    }
    // `type: sse` pins the legacy transport; `http` / `streamable-http` pin Streamable HTTP.
    if (typeof server.url === "string" && mapped.transport === undefined) {
      if (server.type === "sse") mapped.transport = "sse";
      else if (
        server.type === "http" ||
        server.type === "streamable-http" ||
        server.type === "streamableHttp"
      )
        mapped.transport = "streamable-http";
    }
    Object.defineProperty(out, name, { value: mapped, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** mcp-contract's own top-level keys survive next to a foreign shape; anything else is not ours to validate. */
function keepOwnKeys(rest: Record<string, unknown>): Record<string, unknown> {
  const own: Record<string, unknown> = {};
  for (const key of ["lockfile", "templates", "partials", "rules"]) if (key in rest) own[key] = rest[key];
  return own;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
