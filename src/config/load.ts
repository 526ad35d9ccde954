/**
 * Finding and loading the config file (I/O), then the pure steps: parse,
 * normalise foreign shapes, validate, interpolate, resolve paths.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { parseEnv } from "node:util";
import type { Node as JsonNode, ParseError } from "jsonc-parser";
import { isPlainHeader } from "../core/headers.js";
import { ConfigError, type ErrorLocation } from "../errors.js";
import { detectShape } from "./import.js";
import { interpolate, variablesIn } from "./interpolate.js";
import { normalizeConfigShape } from "./normalize.js";
import { parseSimpleYaml } from "./simple-yaml.js";
import type {
  AuthConfig,
  ClientCapabilities,
  HttpServerConfig,
  ResolvedConfig,
  ServerConfig,
} from "./types.js";

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

/**
 * Parsed config documents keyed by path and text; `get` returns undefined on a miss. A document
 * stored with `validated` passed validation (by this build: the store's keys say which), so
 * loading it again skips validation and never loads the validators.
 */
export interface ParsedConfigStore {
  get(path: string, text: string): { data: unknown; validated?: boolean } | undefined;
  set(path: string, text: string, data: unknown, validated?: boolean): void;
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
    // Read synchronously, as the acknowledgements are: a small file costs a few system calls, where a
    // promise costs four thread-pool round trips, and an offline check then starts no thread pool.
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new ConfigError(`${path}: config file not found`);
    throw new ConfigError(`${path}: cannot read config file (${code ?? (error as Error).message})`);
  }
  try {
    const stored = options.parsed?.get(path, text);
    let data = stored?.data;
    if (data === undefined) {
      data = await parseConfigText(text, path);
      options.parsed?.set(path, text, data);
    }
    const context: ResolveOptions = { interpolate: options.interpolate ?? true, readEnvFile };
    // A client config's lockfile goes to the repository's top level, not into .vscode/ or .cursor/.
    if (detectShape(data, path) !== "mcp-contract") {
      const topLevel = findGitTopLevel(dirname(path));
      if (topLevel !== undefined) context.topLevel = topLevel;
    }
    // The validators (a large generated module) load only for a document not validated before.
    const validated = stored?.validated === true;
    const validate = validated ? undefined : (await import("./validate.js")).validateConfigDocument;
    const config = resolveConfigDocument(data, path, options.env, context, validate);
    if (!validated) options.parsed?.set(path, text, data, true);
    return config;
  } catch (error) {
    // Only on an error: where in the file it is, for `--format github` annotations.
    if (error instanceof ConfigError && !error.location)
      error.location = await locateConfigError(error.message, path, text);
    throw error;
  }
}

/**
 * Where in the config file a ConfigError's message points: its `file:line:column`, or the
 * line of the key its JSON path (`$.servers.crm.url`) names; the file alone when neither is found.
 */
export async function locateConfigError(message: string, path: string, text: string): Promise<ErrorLocation> {
  const file: ErrorLocation = { file: path };
  if (!message.startsWith(path)) return file;
  const rest = message.slice(path.length);
  const position = /^:(\d+):(\d+): /.exec(rest);
  if (position) return { file: path, line: Number(position[1]), column: Number(position[2]) };
  const jsonPath = /^: \$((?:\.[^.[\s:]+|\[(?:"(?:[^"\\]|\\.)*"|\d+)\])*)/.exec(rest)?.[1];
  if (!jsonPath) return file;
  const segments = [...jsonPath.matchAll(/\.([^.[\s:]+)|\[("(?:[^"\\]|\\.)*"|\d+)\]/g)].map(
    (m) => m[1] ?? (JSON.parse(m[2]!) as string | number),
  );
  const { parseDocument, isMap, isSeq, isScalar } = await import("yaml");
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const doc = parseDocument(source);
  let node: unknown = doc.contents;
  let offset: number | undefined;
  for (const [i, segment] of segments.entries()) {
    let next: { key: unknown; value: unknown } | undefined;
    if (isMap(node)) {
      const keyOf = (pair: { key: unknown }) => (isScalar(pair.key) ? String(pair.key.value) : undefined);
      next = node.items.find((pair) => keyOf(pair) === String(segment));
      // Foreign shapes keep their servers under another key; mcp-contract's messages say `servers`.
      if (!next && i === 0 && segment === "servers")
        next = node.items.find((pair) => ["mcpServers", "context_servers"].includes(keyOf(pair) ?? ""));
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment];
      next = item === undefined ? undefined : { key: item, value: item };
    }
    if (!next) break;
    const range = (next.key as { range?: [number, number, number] } | null)?.range;
    if (range) offset = range[0];
    node = next.value;
  }
  if (offset === undefined) return file;
  const before = source.slice(0, offset);
  return { file: path, line: before.split("\n").length, column: offset - before.lastIndexOf("\n") };
}

/** The nearest directory from `dir` up that holds `.git` (a directory, or a worktree's file). */
export function findGitTopLevel(dir: string): string | undefined {
  for (let current = resolve(dir); ; current = dirname(current)) {
    if (existsSync(join(current, ".git"))) return current;
    if (dirname(current) === current) return undefined;
  }
}

/** Reads a stdio server's `envFile` from disk: undefined when there is no such file. */
export function readEnvFile(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new ConfigError(`${path}: cannot read envFile (${code ?? (error as Error).message})`);
  }
}

/**
 * Parses YAML or JSON config text (by extension; other names read as YAML, a superset of JSON).
 * JSON may carry comments and trailing commas (JSONC), as VS Code, Cursor and Zed write it.
 * Errors carry file:line:column.
 */
export async function parseConfigText(text: string, path: string): Promise<unknown> {
  if (path.endsWith(".json")) return parseJsonc(text, path);
  // Most configs are plain block YAML, read exactly by a small reader (simple-yaml.ts); anything
  // else, and every error, is the yaml library's.
  const simple = parseSimpleYaml(text);
  if (simple !== undefined) return simple;
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

/** JSON with comments and trailing commas; plain JSON takes JSON.parse, and jsonc-parser loads only for the rest. */
function parseJsonc(text: string, path: string): unknown {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch {
    const jsonc = createRequire(import.meta.url)("jsonc-parser") as typeof import("jsonc-parser");
    const errors: ParseError[] = [];
    const tree = jsonc.parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
    const first = errors[0];
    if (first || !tree) {
      const offset = first?.offset ?? 0;
      const before = text.slice(0, offset);
      const line = before.split("\n").length;
      const column = offset - before.lastIndexOf("\n");
      const code = first ? jsonc.printParseErrorCode(first.error) : "ValueExpected";
      const reason = code.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
      throw new ConfigError(`${path}:${line}:${column}: invalid JSON: ${reason}`);
    }
    return jsonValue(tree);
  }
}

/** A parse tree's value; object keys become own data properties (a "__proto__" key stays data). */
function jsonValue(node: JsonNode): unknown {
  if (node.type === "array") return (node.children ?? []).map(jsonValue);
  if (node.type !== "object") return node.value;
  const out: Record<string, unknown> = {};
  for (const property of node.children ?? []) {
    const [key, value] = property.children ?? [];
    if (!key || !value) continue;
    Object.defineProperty(out, key.value as string, {
      value: jsonValue(value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** How to resolve a config, and what that needs from the file system (passed in, so resolving stays pure). */
export interface ResolveOptions {
  /** False: leave `${VAR}` (and `envFile`) for `interpolateServers`. Default true. */
  interpolate?: boolean;
  /** The git top level of the config's directory: where a client config's lockfile goes by default. */
  topLevel?: string;
  /** Reads a stdio server's `envFile` (absolute path); undefined when there is no such file. */
  readEnvFile?: (path: string) => string | undefined;
}

/**
 * Pure: normalise, validate with `validate` (none: the document was validated before),
 * interpolate and resolve a parsed config document. `resolveConfig` (resolve.ts) always validates.
 */
export function resolveConfigDocument(
  data: unknown,
  path: string,
  env: Readonly<Record<string, string | undefined>>,
  options: ResolveOptions,
  validate: ((document: unknown) => string | undefined) | undefined,
): ResolvedConfig {
  if (data === null || data === undefined)
    throw new ConfigError(`${path}: the config file is empty; add a servers map`);
  const { data: normalized, shape, workspace, notes } = normalizeConfigShape(data, path);
  const problem = validate?.(normalized);
  if (problem) throw new ConfigError(`${path}: ${problem}`);
  const raw = normalized as RawConfig;
  const dir = dirname(path);
  const interpolateNow = options.interpolate ?? true;
  const secrets: string[] = [];
  const servers: Record<string, ServerConfig> = Object.create(null);
  for (const [name, server] of Object.entries(raw.servers)) {
    const at = serverPath(path, name);
    const resolved = resolveServer(server, at, dir);
    servers[name] = interpolateNow
      ? interpolateServer(resolved, at, dir, env, secrets, options.readEnvFile)
      : resolved;
  }
  let lockfile = resolve(dir, raw.lockfile ?? DEFAULT_LOCKFILE);
  if (raw.lockfile === undefined && shape !== "mcp-contract") {
    // Not inside .vscode/ or .cursor/: beside the code, where it is committed and found by `check`.
    const base = options.topLevel ?? workspace;
    lockfile = resolve(base, DEFAULT_LOCKFILE);
    if (resolve(base) !== resolve(dir))
      notes.push(
        `${path}: lockfile ${lockfile} (${options.topLevel === undefined ? `the folder that holds ${basename(dir)}` : "the repository's top level"})`,
      );
  }
  return {
    path,
    dir,
    servers,
    lockfile,
    notes,
    templates: raw.templates ?? DEFAULT_TEMPLATES,
    partials: raw.partials ?? [],
    rules: { ...(raw.rules ?? {}) },
    secrets,
    ...(interpolateNow ? {} : { uninterpolated: true }),
  };
}

/**
 * Fills in `${VAR}` (and reads each stdio server's `envFile` through `readEnvFile`) for the
 * servers a command is about to contact, when the config was loaded with `interpolate: false`
 * (else returns them as they are). Throws a ConfigError naming the file and JSON path of an
 * unset variable or a missing envFile. Pure but for `readEnvFile`: returns the servers and the
 * secret values they now hold.
 */
export function interpolateServers(
  config: Pick<ResolvedConfig, "path" | "uninterpolated">,
  servers: Readonly<Record<string, ServerConfig>>,
  env: Readonly<Record<string, string | undefined>>,
  readEnvFile?: (path: string) => string | undefined,
): { servers: Record<string, ServerConfig>; secrets: string[] } {
  const out: Record<string, ServerConfig> = Object.create(null);
  const secrets: string[] = [];
  const dir = dirname(config.path);
  try {
    for (const [name, server] of Object.entries(servers))
      out[name] = config.uninterpolated
        ? interpolateServer(server, serverPath(config.path, name), dir, env, secrets, readEnvFile)
        : server;
  } catch (error) {
    if (error instanceof ConfigError && !error.location) error.location = { file: config.path };
    throw error;
  }
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
  envFile?: string;
  cwd?: string;
  inheritEnv?: boolean;
  file?: string;
  resources?: boolean;
  clientCapabilities?: ClientCapabilities;
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
      ...surfaceOptions(server),
    };
    if (server.auth) {
      resolved.auth =
        server.auth.type !== "oauth-client-credentials"
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
      ...(server.envFile !== undefined && { envFile: server.envFile }),
      ...surfaceOptions(server),
    };
  }
  return { kind: "file", file: resolve(dir, server.file!) };
}

/** A server entry's `resources` and `clientCapabilities`, when it sets them. */
function surfaceOptions(server: RawServer): Pick<HttpServerConfig, "resources" | "clientCapabilities"> {
  return {
    ...(server.resources === true && { resources: true }),
    ...(server.clientCapabilities !== undefined && { clientCapabilities: server.clientCapabilities }),
  };
}

/**
 * `${VAR}` in the server's url, headers, args and env, from `env`; every value read is a secret,
 * and so is every header value (but those of `isPlainHeader` names) and every env value.
 */
function interpolateServer(
  server: ServerConfig,
  at: string,
  dir: string,
  env: Readonly<Record<string, string | undefined>>,
  secrets: string[],
  readEnvFile: ((path: string) => string | undefined) | undefined,
): ServerConfig {
  if (server.kind === "http") {
    const headers: Record<string, string> = Object.create(null);
    for (const [key, value] of Object.entries(server.headers)) {
      // A variable's value is a secret wherever it is read (interpolate records it); a literal
      // value too, but in a header that carries no credential (Accept: application/json).
      headers[key] = interpolate(value, env, `${at}.headers.${key}`, secrets);
      if (!isPlainHeader(key)) secrets.push(headers[key]);
    }
    const url = interpolate(server.url, env, `${at}.url`, secrets);
    if (url !== server.url) checkServerUrl(url, at);
    if (server.auth) collectAuthSecrets(server.auth, env, secrets);
    return { ...server, url, headers };
  }
  if (server.kind === "stdio") {
    const { envFile, ...rest } = server;
    const childEnv: Record<string, string> = Object.create(null);
    if (envFile !== undefined) {
      // The path is not a secret: interpolated without recording what it read.
      const file = resolve(dir, interpolate(envFile, env, `${at}.envFile`, []));
      const text = readEnvFile?.(file);
      if (text === undefined)
        throw new ConfigError(
          `${at}.envFile: ${file} not found; create it (KEY=value lines) or remove envFile`,
        );
      for (const [key, value] of Object.entries(parseEnv(text))) {
        if (value === undefined) continue;
        childEnv[key] = value;
        secrets.push(value);
      }
    }
    // Values in `env` win over the envFile's.
    for (const [key, value] of Object.entries(server.env)) {
      childEnv[key] = interpolate(value, env, `${at}.env.${key}`, secrets);
      secrets.push(childEnv[key]);
    }
    return {
      ...rest,
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
      : auth.type === "oauth"
        ? [auth.clientSecretEnv, auth.refreshTokenEnv].filter((n) => n !== undefined)
        : [auth.clientSecretEnv, auth.privateKeyEnv].filter((n) => n !== undefined);
  for (const name of names) {
    const value = Object.hasOwn(env, name) ? env[name] : undefined;
    if (value) secrets.push(value);
  }
}
