/**
 * The one importer of MCP client configs, used by `--config FILE` (read in place, through
 * normalize.ts) and by `init` (written out as mcp-contract.yaml). Pure: a parsed document in,
 * servers in mcp-contract's shape and one note per thing the user should know out. Each shape is
 * read the way its client documents it:
 *
 * - `mcpServers` map: Claude Desktop and Claude Code `.mcp.json` (`command`/`args`/`env`, or
 *   `type: http|sse` with `url`/`headers`; `${VAR}` and `${VAR:-default}`:
 *   https://code.claude.com/docs/en/mcp), Cursor `.cursor/mcp.json` (`url` or `command`,
 *   `${env:VAR}`, `${workspaceFolder}`, `envFile`: https://cursor.com/docs/mcp), Windsurf
 *   `mcp_config.json` (`serverUrl` or `url`, `disabled`:
 *   https://docs.windsurf.com/windsurf/cascade/mcp);
 * - VS Code `.vscode/mcp.json`: `servers` with `type: stdio|http|sse`, `envFile`, and `inputs`
 *   referenced as `${input:id}`; `type: http` tries Streamable HTTP, then SSE
 *   (https://code.visualstudio.com/docs/copilot/reference/mcp-configuration);
 * - Zed `settings.json`: `context_servers` with `command` as a string beside `args`/`env`, or the
 *   older `command: {path, args, env}`, or `url`/`headers`; `enabled: false`; servers an extension
 *   provides carry only `settings` (https://zed.dev/docs/ai/mcp, crates/settings_content
 *   ContextServerSettingsContent);
 * - Continue `config.yaml` / `.continue/mcpServers/*.yaml`: `mcpServers` as a list of
 *   `{name, type: stdio|sse|streamable-http, command, args, env, cwd, url, requestOptions.headers}`,
 *   secrets as `${{ secrets.NAME }}` (https://docs.continue.dev/customize/deep-dives/mcp).
 *
 * Variables: `${VAR}`, `${env:VAR}` and `${VAR:-default}` are mcp-contract's own; `${input:id}`
 * is read from the variable named after the input (interpolate.ts); `${workspaceFolder}` is the
 * folder the editor config belongs to, `${userHome}` is `${HOME}`, Continue's
 * `${{ secrets.NAME }}` is `${NAME}`. Any other `${...}` only its client can resolve: an error.
 */
import { isAbsolute, join, relative } from "node:path";
import { isRecord } from "../core/json.js";
import { ConfigError } from "../errors.js";
import { inputVariable } from "./interpolate.js";

/** The shapes a config file can have. */
export type ConfigShape = "mcp-contract" | "mcpServers" | "vscode" | "zed" | "continue";
/** The shapes of MCP client configs (everything but mcp-contract's own). */
export type ClientShape = Exclude<ConfigShape, "mcp-contract">;

/** A server in mcp-contract's config shape (url/transport/headers, or command/args/env/envFile/cwd, plus any own keys). */
export type ImportedServer = Record<string, unknown>;

/** Where the imported servers will be read from, which decides how paths and inputs are written. */
export interface ImportContext {
  /**
   * The folder the client config belongs to, what a relative `cwd` is relative to: the absolute
   * folder when the config is read in place, `.` when the result is written into that folder.
   * `${workspaceFolder}` in `cwd` and `envFile` becomes this path; in a command, its arguments and
   * env it becomes the path from the server's working directory (`.` when that is the folder), so
   * both ways of reading give the same strings.
   */
  workspaceFolder: string;
  /** Working directory for stdio servers that name none (when it is not the config file's directory). */
  defaultCwd?: string;
  /** Rewrites an `envFile` path relative to the client config file for where the result lives (default: unchanged). */
  rebasePath?: (path: string) => string;
  /**
   * Keep `${input:id}` as written (interpolation reads it and names the input when unset);
   * otherwise it becomes `${ID}`, the same variable, with a note.
   */
  keepInputs?: boolean;
}

/** What one client config holds, in mcp-contract's shape. */
export interface ImportedConfig {
  shape: ClientShape;
  /** Servers by name (null-prototype): names are data. */
  servers: Record<string, ImportedServer>;
  /** mcp-contract's own top-level keys found beside the servers (`lockfile`, `templates`, ...). */
  own: Record<string, unknown>;
  /** One line per server skipped or renamed, key ignored, input or secret mapped. */
  notes: string[];
}

/** mcp-contract's own top-level keys; they survive next to a foreign shape. */
const OWN_TOP_LEVEL_KEYS = ["$schema", "lockfile", "templates", "partials", "rules"] as const;

/** Server keys clients use that have no meaning for a contract check: dropped without a note. */
const CLIENT_ONLY_KEYS = new Set([
  "alwaysAllow",
  "autoApprove",
  "connectionTimeout",
  "description",
  "dev",
  "disabledTools",
  "excludeTools",
  "faviconUrl",
  "gallery",
  "icon",
  "includeTools",
  "remote",
  "sandbox",
  "sandboxEnabled",
  "serverName",
  "source",
  "sourceFile",
  "timeout",
  "tools",
  "trust",
  "version",
]);

/** Which shape a parsed config document has; `path` tells `.vscode/mcp.json` apart from mcp-contract's own `servers`. */
export function detectShape(data: unknown, path = ""): ConfigShape {
  if (!isRecord(data)) return "mcp-contract";
  if (data.servers === undefined) {
    if (Array.isArray(data.mcpServers)) return "continue";
    if (isRecord(data.mcpServers)) return "mcpServers";
    if (isRecord(data.context_servers)) return "zed";
  }
  if (
    isRecord(data.servers) &&
    (data.inputs !== undefined ||
      /(^|[\\/])\.vscode[\\/]mcp\.json$/.test(path) ||
      Object.values(data.servers).some((s) => isRecord(s) && typeof s.type === "string"))
  )
    return "vscode";
  return "mcp-contract";
}

/**
 * Reads an MCP client config of `shape` into mcp-contract servers. `source` names the file in
 * notes and errors. Throws ConfigError (file, JSON path, what to do) on what the client itself
 * would refuse or what mcp-contract cannot read; skips what the client would not start.
 */
export function importClientConfig(
  data: Record<string, unknown>,
  shape: ClientShape,
  source: string,
  context: ImportContext,
): ImportedConfig {
  const result: ImportedConfig = { shape, servers: Object.create(null), own: {}, notes: [] };
  for (const key of OWN_TOP_LEVEL_KEYS) if (Object.hasOwn(data, key)) result.own[key] = data[key];
  const seen = new Map<string, string>();
  for (const { name: rawName, entry, at } of entries(data, shape, source)) {
    const name = rawName.replace(/[/\s]+/g, "-");
    if (name !== rawName)
      result.notes.push(`${source}: server "${rawName}" renamed to "${name}" (no "/" or spaces in names)`);
    const server = importServer(entry, { source, at, name: rawName, shape, context, notes: result.notes });
    if (!server) continue;
    const earlier = seen.get(name);
    if (earlier !== undefined)
      throw new ConfigError(
        `${source}: ${at}: server "${name}" is already defined at ${earlier}; rename one`,
      );
    seen.set(name, at);
    result.servers[name] = server;
  }
  return result;
}

function entries(
  data: Record<string, unknown>,
  shape: ClientShape,
  source: string,
): { name: string; entry: unknown; at: string }[] {
  if (shape === "continue") {
    return (data.mcpServers as unknown[]).map((entry, i) => {
      const at = `$.mcpServers[${i}]`;
      const name = isRecord(entry) ? entry.name : undefined;
      if (typeof name !== "string" || name === "")
        throw new ConfigError(`${source}: ${at}.name: required: Continue names each server`);
      return { name, entry, at };
    });
  }
  const key = shape === "vscode" ? "servers" : shape === "zed" ? "context_servers" : "mcpServers";
  return Object.entries(data[key] as Record<string, unknown>).map(([name, entry]) => ({
    name,
    entry,
    at: `$.${key}${pathSegment(name)}`,
  }));
}

interface ServerContext {
  source: string;
  at: string;
  name: string;
  shape: ClientShape;
  context: ImportContext;
  notes: string[];
}

function importServer(entry: unknown, s: ServerContext): ImportedServer | undefined {
  const { source, at, name, shape, notes } = s;
  const fail = (path: string, what: string): never => {
    throw new ConfigError(`${source}: ${path}: ${what}`);
  };
  if (!isRecord(entry)) return fail(at, "must be an object with command or url");
  if (entry.disabled === true || (shape === "zed" && entry.enabled === false)) {
    notes.push(`${source}: server "${name}" is disabled there; skipped`);
    return undefined;
  }
  let e: Record<string, unknown> = entry;
  if (shape === "zed" && isRecord(entry.command)) {
    // Zed's older form nests the command: {"command": {"path", "args", "env"}}.
    const { command, ...rest } = entry;
    e = { ...rest, command: command.path, args: command.args, env: command.env };
  }
  if (shape === "zed" && e.command === undefined && e.url === undefined && e.settings !== undefined) {
    notes.push(
      `${source}: server "${name}" is started by a Zed extension; skipped (add its command or url to check it)`,
    );
    return undefined;
  }

  const workspace = s.context.workspaceFolder;
  // What `${workspaceFolder}` becomes in values the server reads: a path from its working directory.
  let folder = ".";
  const text = (value: unknown, path: string): string => {
    if (typeof value !== "string") return fail(path, "must be a string");
    return convertVariables(value, path, s, fail, folder);
  };
  const strings = (value: unknown, path: string, numbers: boolean): Record<string, string> => {
    if (!isRecord(value)) return fail(path, "must be a map of strings");
    const out: Record<string, string> = Object.create(null);
    for (const [key, v] of Object.entries(value)) {
      // VS Code's schema allows numbers (and null: leave the variable unset) as env values.
      if (numbers && v === null) continue;
      out[key] = text(numbers && typeof v === "number" ? String(v) : v, `${path}${pathSegment(key)}`);
    }
    return out;
  };

  if (e.url !== undefined && e.serverUrl !== undefined && e.url !== e.serverUrl)
    return fail(at, "has both url and serverUrl; keep one");
  const url = e.serverUrl ?? e.url;
  const urlKey = e.serverUrl !== undefined ? "serverUrl" : "url";
  const type = e.type;
  if (type !== undefined && typeof type !== "string") return fail(`${at}.type`, "must be a string");
  if (url !== undefined && e.command !== undefined) return fail(at, "has both command and url; keep one");
  if (url === undefined && e.command === undefined)
    return fail(at, `has neither command (stdio) nor ${shape === "mcpServers" ? "url/serverUrl" : "url"}`);
  const kind = url !== undefined ? "http" : "stdio";
  if (type !== undefined && !["stdio", "http", "sse", "streamable-http", "streamableHttp"].includes(type))
    return fail(
      `${at}.type`,
      `"${type}" is not a transport mcp-contract reads (stdio, http, sse, streamable-http)`,
    );
  if (type === "stdio" && kind === "http") return fail(`${at}.type`, '"stdio" needs command, not url');
  if (type !== undefined && type !== "stdio" && kind === "stdio")
    return fail(`${at}.type`, `"${type}" needs url, not command`);

  const server: ImportedServer = {};
  const used = new Set(["type", "disabled", "enabled", "name", "settings"]);
  if (kind === "http") {
    used.add(urlKey);
    server.url = text(url, `${at}.${urlKey}`);
    // VS Code's `http` falls back to SSE as mcp-contract's auto does; Claude Code's means Streamable HTTP only.
    if (type === "sse") server.transport = "sse";
    else if (type === "streamable-http" || type === "streamableHttp") server.transport = "streamable-http";
    else if (type === "http" && shape !== "vscode") server.transport = "streamable-http";
    if (shape === "continue" && e.requestOptions !== undefined) {
      used.add("requestOptions");
      if (!isRecord(e.requestOptions)) return fail(`${at}.requestOptions`, "must be a map");
      const { headers, ...others } = e.requestOptions;
      if (headers !== undefined) server.headers = strings(headers, `${at}.requestOptions.headers`, false);
      for (const key of Object.keys(others))
        notes.push(`${source}: ${at}.requestOptions.${key}: not read by mcp-contract; ignored`);
    }
    if (e.headers !== undefined) {
      used.add("headers");
      server.headers = strings(e.headers, `${at}.headers`, false);
    }
  } else {
    used.add("command").add("args").add("env").add("envFile").add("cwd");
    let cwd: string | undefined;
    if (e.cwd !== undefined) {
      if (typeof e.cwd !== "string") return fail(`${at}.cwd`, "must be a string");
      const raw = convertVariables(e.cwd, `${at}.cwd`, s, fail, workspace);
      cwd = isAbsolute(raw) ? raw : join(workspace, raw);
      folder = relative(cwd, workspace) || ".";
    }
    server.command = text(e.command, `${at}.command`);
    if (e.args !== undefined) {
      if (!Array.isArray(e.args)) return fail(`${at}.args`, "must be a list of strings");
      server.args = e.args.map((arg, i) => text(arg, `${at}.args[${i}]`));
    }
    if (e.env !== undefined) server.env = strings(e.env, `${at}.env`, shape === "vscode");
    if (e.envFile !== undefined) server.envFile = envFilePath(e.envFile, `${at}.envFile`, s, fail);
    if (cwd !== undefined) server.cwd = cwd;
    else if (s.context.defaultCwd !== undefined) server.cwd = s.context.defaultCwd;
  }
  // mcp-contract's own keys are read as they are (and validated as in mcp-contract.yaml).
  for (const key of ["transport", "inheritEnv"])
    if (e[key] !== undefined) {
      used.add(key);
      server[key] = e[key];
    }
  if (e.auth !== undefined) {
    used.add("auth");
    if (
      isRecord(e.auth) &&
      (e.auth.type === "bearer" || e.auth.type === "oauth-client-credentials" || e.auth.type === "oauth")
    )
      server.auth = e.auth;
    else
      notes.push(
        `${source}: ${at}.auth: an auth shape mcp-contract does not read; ignored (use headers, or auth: {type: oauth} and mcp-contract login)`,
      );
  }
  for (const key of Object.keys(e)) {
    if (used.has(key) || CLIENT_ONLY_KEYS.has(key)) continue;
    if (key === "envFile" || key === "headers")
      notes.push(
        `${source}: ${at}.${key}: applies to ${key === "envFile" ? "stdio" : "HTTP"} servers; ignored`,
      );
    else notes.push(`${source}: ${at}.${key}: not read by mcp-contract; ignored`);
  }
  return server;
}

/** `envFile` is relative to the client config file, or starts at `${workspaceFolder}`. */
function envFilePath(
  value: unknown,
  path: string,
  s: ServerContext,
  fail: (path: string, what: string) => never,
): string {
  if (typeof value !== "string") return fail(path, "must be a string");
  const inWorkspace = /^\$\{workspaceFolder\}(?:[\\/]|$)/.test(value);
  const converted = convertVariables(value, path, s, fail, s.context.workspaceFolder);
  if (inWorkspace || isAbsolute(converted)) return converted;
  return s.context.rebasePath ? s.context.rebasePath(converted) : converted;
}

/** Turns the client's variables into mcp-contract's; throws on one only the client can resolve. */
function convertVariables(
  value: string,
  path: string,
  s: ServerContext,
  fail: (path: string, what: string) => never,
  folder: string,
): string {
  let out = value.replace(/\$\{workspaceFolder\}([\\/])?/g, (_m, slash?: string) =>
    folder === "." ? (slash ? "" : ".") : folder + (slash ?? ""),
  );
  out = out
    .replace(/\$\{userHome\}/g, "${HOME}")
    .replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, "${$1}")
    .replace(/\$\{\{\s*(?:secrets|inputs)\.([A-Za-z0-9_.-]+)\s*\}\}/g, (_m, secret: string) => {
      const variable = inputVariable(secret);
      s.notes.push(`${s.source}: ${path}: Continue secret "${secret}" is read from \${${variable}}`);
      return `\${${variable}}`;
    });
  if (!s.context.keepInputs)
    out = out.replace(/\$\{input:([^}]+)\}/g, (_m, id: string) => {
      const variable = inputVariable(id);
      s.notes.push(`${s.source}: ${path}: VS Code input "${id}" is read from \${${variable}}`);
      return `\${${variable}}`;
    });
  const foreign = /\$\{(?!(?:[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?|input:[^}]+)\})[^}]*\}/.exec(out);
  if (foreign)
    return fail(
      path,
      `${foreign[0]} is resolved by the client, not by mcp-contract; write the value or \${VAR} instead`,
    );
  return out;
}

function pathSegment(key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
