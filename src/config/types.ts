/**
 * The resolved configuration: what the rest of mcp-contract sees after the
 * config file was found, validated and `${VAR}`-interpolated.
 */

/** How to reach an HTTP server. `auto` tries Streamable HTTP, then legacy SSE. */
export type HttpTransport = "auto" | "streamable-http" | "sse" | "json";

/** `auth: { type: bearer }`: a token sent as `Authorization: Bearer …`. */
export interface BearerAuth {
  type: "bearer";
  /** Name of the environment variable that holds the token. */
  tokenEnv: string;
}

/** `auth: { type: oauth-client-credentials }`: a token fetched from the token endpoint before connecting. */
export interface OAuthClientCredentialsAuth {
  type: "oauth-client-credentials";
  clientId: string;
  /** `client_secret_basic` (default) or `private_key_jwt`. */
  method?: "client_secret_basic" | "private_key_jwt";
  clientSecretEnv?: string;
  clientSecretFile?: string;
  privateKeyEnv?: string;
  privateKeyFile?: string;
  /** JWS algorithm for private_key_jwt (default RS256). */
  algorithm?: string;
  scope?: string;
  /**
   * The authorization server's issuer URL. When set, the credentials are only ever sent to
   * that server; when absent, to the one the MCP server's metadata names.
   */
  issuer?: string;
}

/**
 * `auth: { type: oauth }`: the MCP authorization spec for people and CI. The
 * server's metadata is discovered on its 401; the client is the pre-registered
 * `clientId`, else the `clientMetadataUrl` document, else one registered
 * dynamically. People run `mcp-contract login`; `lock` and `check` use the
 * stored token, or the refresh token in `refreshTokenEnv`. Every key is
 * optional: a server with no `auth` at all is treated the same way.
 */
export interface OAuthAuth {
  type: "oauth";
  /** A client registered with the authorization server beforehand. */
  clientId?: string;
  /** The variable holding that client's secret (a confidential client). */
  clientSecretEnv?: string;
  /** An https URL of the client ID metadata document the team hosts (used where the server supports it). */
  clientMetadataUrl?: string;
  /** Scopes to ask for; default: the server's challenge, else its `scopes_supported`, else none. */
  scopes?: string[];
  /** The variable holding a refresh token, for CI (nothing is written to disk then). */
  refreshTokenEnv?: string;
}

/** How an HTTP server is authenticated. */
export type AuthConfig = BearerAuth | OAuthClientCredentialsAuth | OAuthAuth;

/** The client capabilities a fetch may declare (some servers list more to clients that have them). */
export interface ClientCapabilities {
  roots?: Record<string, unknown>;
  sampling?: Record<string, unknown>;
  elicitation?: Record<string, unknown>;
}

/** What a live server entry may ask of the fetch beside its tools. */
export interface SurfaceOptions {
  /** Also lock the static resources (resources/list); off by default: listings are often data. */
  resources?: boolean;
  /** The client capabilities to declare in the handshake; default none. */
  clientCapabilities?: ClientCapabilities;
}

/** A server reached over HTTP (Streamable HTTP, legacy SSE, or a plain JSON endpoint). */
export interface HttpServerConfig extends SurfaceOptions {
  kind: "http";
  url: string;
  transport: HttpTransport;
  headers: Record<string, string>;
  auth?: AuthConfig;
}

/** A server run as a child process, spoken to over stdio. */
export interface StdioServerConfig extends SurfaceOptions {
  kind: "stdio";
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Absolute working directory for the child (resolved against the config file's directory). */
  cwd: string;
  /** Pass the whole parent environment to the child (default: a minimal one). */
  inheritEnv: boolean;
  /**
   * A dotenv file of more variables for the child, as written (relative to the config's
   * directory); only while `${VAR}` is uninterpolated: interpolation reads it into `env`.
   */
  envFile?: string;
}

/** A "server" that is a file holding a tools/list result (`file:`). */
export interface FileServerConfig {
  kind: "file";
  /** Absolute path of a JSON file holding a tools/list result. */
  file: string;
}

/** One configured server: HTTP, stdio or a file. */
export type ServerConfig = HttpServerConfig | StdioServerConfig | FileServerConfig;

/** A loaded config: validated, defaults filled in, paths absolute. */
export interface ResolvedConfig {
  /** Absolute path of the config file. */
  path: string;
  /** Absolute directory of the config file: relative paths are resolved against it. */
  dir: string;
  servers: Record<string, ServerConfig>;
  /** Absolute lockfile path. */
  lockfile: string;
  /** Template globs, relative to `dir`. */
  templates: string[];
  /** Partial directories, relative to `dir`. */
  partials: string[];
  /** Per-rule severity overrides (`off` drops the rule's findings). */
  rules: Record<string, "breaking" | "warning" | "info" | "off">;
  /**
   * Every secret value that came from the environment or config (header values,
   * interpolated variables, tokens). Redact these from anything printed or written.
   */
  secrets: string[];
  /**
   * Loaded with `interpolate: false`: the servers' url, headers, args and env
   * still hold `${VAR}`; `interpolateServers` fills them in (and returns their secrets).
   */
  uninterpolated?: boolean;
  /**
   * One line per thing the user should know about how an MCP client config was read: servers
   * skipped (disabled, started by an extension) or renamed, keys ignored, where the lockfile
   * goes. Empty for mcp-contract's own config. Names and paths only, never values.
   */
  notes: string[];
}
