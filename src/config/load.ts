/**
 * Finding and loading the config file (I/O), then the pure steps: parse,
 * normalise foreign shapes, validate, interpolate, resolve paths.
 */
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { ConfigError } from "../errors.js";
import { parseJson } from "../lockfile/parse.js";
import { interpolate } from "./interpolate.js";
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
  return resolveConfig(data, path, options.env);
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
  return doc.toJS({ maxAliasCount: 100 });
}

/** Pure: normalise, validate, interpolate and resolve a parsed config document. */
export function resolveConfig(
  data: unknown,
  path: string,
  env: Readonly<Record<string, string | undefined>>,
): ResolvedConfig {
  if (data === null || data === undefined)
    throw new ConfigError(`${path}: the config file is empty; add a servers map`);
  const { data: normalized } = normalizeConfigShape(data);
  const problem = validateConfigDocument(normalized);
  if (problem) throw new ConfigError(`${path}: ${problem}`);
  const raw = normalized as RawConfig;
  const dir = dirname(path);
  const secrets: string[] = [];
  const servers: Record<string, ServerConfig> = Object.create(null);
  for (const [name, server] of Object.entries(raw.servers)) {
    const at = `${path}: $.servers.${name}`;
    servers[name] = resolveServer(server, at, dir, env, secrets);
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
  };
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

function resolveServer(
  server: RawServer,
  at: string,
  dir: string,
  env: Readonly<Record<string, string | undefined>>,
  secrets: string[],
): ServerConfig {
  if (server.url !== undefined) {
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(server.headers ?? {})) {
      headers[key] = interpolate(value, env, `${at}.headers.${key}`, secrets);
      secrets.push(headers[key]);
    }
    const resolved: ServerConfig = {
      kind: "http",
      url: interpolate(server.url, env, `${at}.url`, secrets),
      transport: server.transport ?? "auto",
      headers,
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
      collectAuthSecrets(server.auth, env, secrets);
    }
    return resolved;
  }
  if (server.command !== undefined) {
    const childEnv: Record<string, string> = {};
    for (const [key, value] of Object.entries(server.env ?? {})) {
      childEnv[key] = interpolate(value, env, `${at}.env.${key}`, secrets);
      secrets.push(childEnv[key]);
    }
    return {
      kind: "stdio",
      command: server.command,
      args: (server.args ?? []).map((arg, i) => interpolate(arg, env, `${at}.args[${i}]`, secrets)),
      env: childEnv,
      cwd: server.cwd ? (isAbsolute(server.cwd) ? server.cwd : resolve(dir, server.cwd)) : dir,
      inheritEnv: server.inheritEnv ?? false,
    };
  }
  return { kind: "file", file: resolve(dir, server.file!) };
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
