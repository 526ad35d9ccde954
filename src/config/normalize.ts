/**
 * `--config FILE` on an MCP client config (`.mcp.json`, `.vscode/mcp.json`, Zed's settings,
 * Continue's YAML, ...): the one importer (import.ts, also behind `init`) reads it in place into
 * mcp-contract's own shape, before validation. Pure.
 */
import { basename, dirname } from "node:path";
import { type ConfigShape, detectShape, importClientConfig } from "./import.js";

export interface NormalizedConfig {
  /** The config in mcp-contract's own shape, ready for schema validation. */
  data: unknown;
  /** Which shape the file had. */
  shape: ConfigShape;
  /**
   * The folder the config belongs to: for a file in `.vscode/`, `.cursor/`, `.zed/` or
   * `.continue/[mcpServers/]`, the folder holding that directory (`${workspaceFolder}`, the default
   * `cwd` of its stdio servers); otherwise the file's own directory.
   */
  workspace: string;
  /** One line per server skipped or renamed, or key ignored. */
  notes: string[];
}

/** Editor directories whose config belongs to the folder that holds them. */
const EDITOR_DIRS = new Set([".vscode", ".cursor", ".zed", ".continue"]);

/** The folder a config file at `path` belongs to (see NormalizedConfig.workspace). */
export function workspaceOf(path: string): string {
  let dir = dirname(path);
  if (basename(dir) === "mcpServers" && basename(dirname(dir)) === ".continue") dir = dirname(dir);
  return EDITOR_DIRS.has(basename(dir)) ? dirname(dir) : dir;
}

/** Maps a parsed config document at `path` onto mcp-contract's own shape. */
export function normalizeConfigShape(data: unknown, path = "mcp-contract.yaml"): NormalizedConfig {
  const shape = detectShape(data, path);
  if (shape === "mcp-contract") return { data, shape, workspace: dirname(path), notes: [] };
  const workspace = workspaceOf(path);
  const imported = importClientConfig(data as Record<string, unknown>, shape, path, {
    workspaceFolder: workspace,
    keepInputs: true,
    ...(workspace !== dirname(path) && { defaultCwd: workspace }),
  });
  return { data: { ...imported.own, servers: imported.servers }, shape, workspace, notes: imported.notes };
}
