/**
 * Finding and loading the config file (I/O), then the pure steps: parse,
 * normalise foreign shapes, validate, interpolate, resolve paths.
 */
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { ConfigError } from "../errors.js";
import { parseJson } from "../lockfile/parse.js";
import { interpolate, variablesIn } from "./interpolate.js";
import { normalizeConfigShape } from "./normalize.js";
import type { AuthConfig, ResolvedConfig, ServerConfig } from "./types.js";
import { validateConfigDocument } from "./validate.js";

/** File names looked for, in order, in each directory from the working directory up. */
export const CONFIG_FILE_NAMES = ["mcp-contract.yaml", "mcp-contract.yml", "mcp-contract.json"] as const;
export const DEFAULT_TEMPLATES = ["prompts/**/*.{hbs,handlebars}"];
export const DEFAULT_LOCKFILE = "mcp-contract.lock.json";

/** Walks up from `startDir` to the filesystem root; returns the first config file found. */
export function findConfigFile(startDir: string): string | undefined {
  let dir = resolve(startDir);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export interface LoadConfigOptions {
  /** Explicit path (`--config`); otherwise found by walking up from `cwd`. */
  configPath?: string;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /**
   * A store of parsed config documents by file text (the offline pre-commit
   * path passes its result cache, so an unchanged YAML config skips the YAML
   * parser). Only documents that parsed without error are stored.
   */
  parsed?: ParsedConfigStore;
  /**
   * `false`: leave `${VAR}` in the servers' url, headers, args and env, for
   * `interpolateServers` to fill in for the servers a command contacts (so
   * `check --offline` needs no secrets). Default true: interpolate every server now.
   */
  interpolate?: boolean;
}

/** Parsed config documents keyed by path and text; `get` returns undefined on a miss. */
export interface ParsedConfigStore {
  get(path: string, text: string): unknown;
  set(path: string, text: string, data: unknown): void;
}

/** Finds, reads and resolves the config. Throws ConfigError with the file and JSON path of any problem. */
export async function loadConfig(options: LoadConfigOptions): Promise<ResolvedConfig> {
  const path = options.configPath ? resolve(options.cwd, options.configPath) : findConfigFile(options.cwd);
  if (!path) {
    throw new ConfigError(
      `no ${CONFIG_FILE_NAMES.join(", ")} found in ${options.cwd} or any parent directory; run \`mcp-contract init\` or pass --config FILE`,
    );
  }
  let text: string;
  try {
    if (statSync(path).isDirectory())
      throw new ConfigError(`${path}: is a directory, expected a config file`);
    text = await readFile(path, "utf8");
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new ConfigError(`${path}: config file not found`);
    throw new ConfigError(`${path}: cannot read config file (${code ?? (error as Error).message})`);
  }
  let data = options.parsed?.get(path, text);
  if (data === undefined) {
    data = await parseConfigText(text, path);
    options.parsed?.set(path, text, data);
  }
  return resolveConfig(data, path, options.env, { interpolate: options.interpolate ?? true });
}

/** Parses YAML or JSON config text (by extension; other names read as YAML, a superset of JSON). Errors carry file:line:column. */
export async function parseConfigText(text: string, path: string): Promise<unknown> {
  if (path.endsWith(".json")) return parseJson(text, path, ConfigError);
  // Loaded only for YAML configs, so JSON configs never pay for the parser.
  const { parseDocument } = await import("yaml");
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    const where = pos ? `:${pos.line}:${pos.col}` : "";
    const reason = error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    throw new ConfigError(`${path}${where}: invalid YAML: ${reason}`);
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // yaml refuses aliases that expand exponentially ("billion laughs") when it builds the data.
    if (error instanceof ReferenceError && /alias/i.test(error.message))
      throw new ConfigError(
        `${path}: invalid YAML: its aliases expand too far (an alias bomb?); write the repeated values out instead of aliasing them`,
      );
    throw error;
  }
}

/** Pure: normalise, validate, interpolate and resolve a parsed config document. */
export function resolveConfig(
  data: unknown,
  path: string,
  env: Readonly<Record<string, string | undefined>>,
  options: { interpolate?: boolean } = {},
): ResolvedConfig {
  if (data === null || data === undefined)
    throw new ConfigError(`${path}: the config file is empty; add a servers map`);
  const { data: normalized } = normalizeConfigShape(data);
  const problem = validateConfigDocument(normalized);
  if (problem) throw new ConfigError(`${path}: ${problem}`);
  const raw = normalized as RawConfig;
  const dir = dirname(path);
  const interpolateNow = options.interpolate ?? true;
  const secrets: string[] = [];
  const servers: Record<string, ServerConfig> = Object.create(null);
  for (const [name, server] of Object.entries(raw.servers)) {
    const at = serverPath(path, name);
    const resolved = resolveServer(server, at, dir);
    servers[name] = interpolateNow ? interpolateServer(resolved, at, env, secrets) : resolved;
  }
  return {
    path,
    dir,
    servers,
    lockfile: resolve(dir, raw.lockfile ?? DEFAULT_LOCKFILE),
    templates: raw.templates ?? DEFAULT_TEMPLATES,
    partials: raw.partials ?? [],
    rules: { ...(raw.rules ?? {}) },
    secrets,
    ...(interpolateNow ? {} : { uninterpolated: true }),
  };
}

/**
 * Fills in `${VAR}` for the servers a command is about to contact, when the
 * config was loaded with `interpolate: false` (else returns them as they are).
 * Throws a ConfigError naming the file and JSON path of an unset variable.
 * Pure: returns the servers and the secret values they now hold.
 */
export function interpolateServers(
  config: Pick<ResolvedConfig, "path" | "uninterpolated">,
  servers: Readonly<Record<string, ServerConfig>>,
  env: Readonly<Record<string, string | undefined>>,
): { servers: Record<string, ServerConfig>; secrets: string[] } {
  const out: Record<string, ServerConfig> = Object.create(null);
  const secrets: string[] = [];
  for (const [name, server] of Object.entries(servers))
    out[name] = config.uninterpolated
      ? interpolateServer(server, serverPath(config.path, name), env, secrets)
      : server;
  return { servers: out, secrets };
}

function serverPath(path: string, name: string): string {
  return `${path}: $.servers.${name}`;
}

interface RawServer {
  url?: string;
  transport?: "auto" | "streamable-http" | "sse" | "json";
  headers?: Record<string, string>;
  auth?: AuthConfig;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  inheritEnv?: boolean;
  file?: string;
}
interface RawConfig {
  servers: Record<string, RawServer>;
  lockfile?: string;
  templates?: string[];
  partials?: string[];
  rules?: Record<string, "breaking" | "warning" | "info" | "off">;
}

/** The server with its paths resolved against the config's directory; `${VAR}` left in place. */
function resolveServer(server: RawServer, at: string, dir: string): ServerConfig {
  if (server.url !== undefined) {
    // A literal URL is checked now; one with ${VAR} once it is interpolated.
    if (variablesIn(server.url).length === 0) checkServerUrl(server.url, at);
    const resolved: ServerConfig = {
      kind: "http",
      url: server.url,
      transport: server.transport ?? "auto",
      headers: ownEntries(server.headers),
    };
    if (server.auth) {
      resolved.auth =
        server.auth.type === "bearer"
          ? server.auth
          : {
              ...server.auth,
              // Secret and key files are relative to the config file, like every other path.
              ...(server.auth.clientSecretFile === undefined
                ? {}
                : { clientSecretFile: resolve(dir, server.auth.clientSecretFile) }),
              ...(server.auth.privateKeyFile === undefined
                ? {}
                : { privateKeyFile: resolve(dir, server.auth.privateKeyFile) }),
            };
    }
    return resolved;
  }
  if (server.command !== undefined) {
    return {
      kind: "stdio",
      command: server.command,
      args: server.args ?? [],
      env: ownEntries(server.env),
      cwd: server.cwd ? (isAbsolute(server.cwd) ? server.cwd : resolve(dir, server.cwd)) : dir,
      inheritEnv: server.inheritEnv ?? false,
    };
  }
  return { kind: "file", file: resolve(dir, server.file!) };
}

/** `${VAR}` in the server's url, headers, args and env, from `env`; every value read is a secret. */
function interpolateServer(
  server: ServerConfig,
  at: string,
  env: Readonly<Record<string, string | undefined>>,
  secrets: string[],
): ServerConfig {
  if (server.kind === "http") {
    const headers: Record<string, string> = Object.create(null);
    for (const [key, value] of Object.entries(server.headers)) {
      headers[key] = interpolate(value, env, `${at}.headers.${key}`, secrets);
      secrets.push(headers[key]);
    }
    const url = interpolate(server.url, env, `${at}.url`, secrets);
    if (url !== server.url) checkServerUrl(url, at);
    if (server.auth) collectAuthSecrets(server.auth, env, secrets);
    return { ...server, url, headers };
  }
  if (server.kind === "stdio") {
    const childEnv: Record<string, string> = Object.create(null);
    for (const [key, value] of Object.entries(server.env)) {
      childEnv[key] = interpolate(value, env, `${at}.env.${key}`, secrets);
      secrets.push(childEnv[key]);
    }
    return {
      ...server,
      args: server.args.map((arg, i) => interpolate(arg, env, `${at}.args[${i}]`, secrets)),
      env: childEnv,
    };
  }
  return server;
}

/**
 * A server URL must be an absolute http(s) URL. The message never quotes the
 * value: an interpolated one holds secrets.
 */
function checkServerUrl(url: string, at: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new ConfigError(
      `${at}.url: not a URL; write an absolute http:// or https:// URL, e.g. https://mcp.example.com/mcp`,
    );
  }
  if (protocol === "http:" || protocol === "https:") return;
  if (protocol === "file:")
    throw new ConfigError(
      `${at}.url: file: URLs are not fetched; to read a tools/list JSON file, write \`file: PATH\` (relative to the config) instead of \`url:\``,
    );
  throw new ConfigError(
    `${at}.url: ${protocol}// is not supported; an MCP server is reached over http:// or https://, or started with \`command:\` (stdio)`,
  );
}

/** A copy of a string map from the config as a null-prototype object (a key `__proto__` stays a key). */
function ownEntries(map: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(map ?? {})) out[key] = value;
  return out;
}

function collectAuthSecrets(
  auth: AuthConfig,
  env: Readonly<Record<string, string | undefined>>,
  secrets: string[],
) {
  const names =
    auth.type === "bearer"
      ? [auth.tokenEnv]
      : [auth.clientSecretEnv, auth.privateKeyEnv].filter((n) => n !== undefined);
  for (const name of names) {
    const value = Object.hasOwn(env, name) ? env[name] : undefined;
    if (value) secrets.push(value);
  }
}
