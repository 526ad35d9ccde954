/**
 * HTTP plumbing shared by the Streamable HTTP, SSE and plain-JSON transports:
 * a `fetch` that retries what is worth retrying and remembers the last HTTP
 * status (for clear 401/403 messages), and auth.
 */
import { readFile } from "node:fs/promises";
import type { AuthConfig, HttpServerConfig } from "../config/types.js";
import { isPlainHeader } from "../core/headers.js";
import { own } from "../core/own.js";
import { isClosedConnection, networkCode, tlsCode } from "./describe.js";
import { ALSO_ABORTED_BY, nodeFetch } from "./node-fetch.js";

/** Statuses worth retrying: rate limiting and gateway trouble. Never other 4xx. */
const RETRY_STATUSES = new Set([429, 502, 503, 504]);

/** Retry policy; delays grow exponentially from `baseDelayMs`, capped by `maxDelayMs`. */
export interface RetryPolicy {
  /** Attempts after the first (0 = no retries). */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Default: 3 retries, 250 ms → 500 ms → 1 s, `Retry-After` honoured up to 10 s. */
export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 250, maxDelayMs: 10_000 };

/** What the retrying fetch saw, for error messages. */
export interface HttpTrace {
  /** Status of the last HTTP response received, if any. */
  lastStatus?: number;
  /** How many retries the last request that finished made (0 = answered or failed at the first try). */
  retries: number;
  /** The last connection-level failure (the SDK does not always keep it as a cause). */
  lastError?: unknown;
  /** Media type of the last response (`text/html` from a web page at the URL), lower case, no parameters. */
  lastMediaType?: string;
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds; undefined when absent or bad. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The shape of `fetch` the transports take. */
export type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * Wraps `base` (Node's fetch, or the proxy-aware one): retries connection
 * errors and 429/502/503/504 with exponential backoff, honouring `Retry-After`
 * (capped at `maxDelayMs`); stops at once when `signal` aborts. A connection
 * the server accepted and then closed is retried once, at once (a keep-alive
 * connection it had already closed), never more: a server that drops the
 * request again has crashed, and waiting would only delay saying so. Records
 * the last status, and how many retries the request that finished last made, in `trace`.
 */
export function retryingFetch(
  trace: HttpTrace,
  signal: AbortSignal,
  policy: RetryPolicy = DEFAULT_RETRY,
  base: FetchFn = fetch,
): FetchFn {
  return async (input, init) => {
    let closedRetried = false;
    for (let attempt = 0; ; attempt++) {
      // Aborted by the caller's signal or by ours: `nodeFetch` listens to both, any other fetch is
      // given the two joined (`AbortSignal.any` costs more than the rest of a small request's setup).
      const requestInit: RequestInit & { [ALSO_ABORTED_BY]?: AbortSignal } = !init?.signal
        ? { ...init, signal }
        : base === nodeFetch
          ? { ...init, [ALSO_ABORTED_BY]: signal }
          : { ...init, signal: AbortSignal.any([init.signal, signal]) };
      let response: Response | undefined;
      let failure: unknown;
      try {
        response = await base(input, requestInit);
        trace.lastStatus = response.status;
        trace.lastMediaType = response.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
      } catch (error) {
        if (signal.aborted || init?.signal?.aborted) throw error;
        failure = error;
        trace.lastError = error;
      }
      // Connection errors with a network code are transient; others (bad port, bad URL) are not,
      // nor is a certificate we do not trust: asking again gets the same certificate.
      const closed = response === undefined && isClosedConnection(networkCode(failure));
      const retryable =
        response === undefined
          ? networkCode(failure) !== undefined && tlsCode(failure) === undefined && !(closed && closedRetried)
          : RETRY_STATUSES.has(response.status);
      if (!retryable || attempt >= policy.retries) {
        // The retries of the request whose answer this is, not a sum over the session's
        // requests: a probe and a handshake failing side by side would otherwise count
        // each other's attempts, and the message would depend on how they interleaved.
        trace.retries = attempt;
        if (response !== undefined) return response;
        throw failure;
      }
      if (closed) closedRetried = true;
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
      const retryAfter = response ? parseRetryAfter(response.headers.get("retry-after")) : undefined;
      let delay = retryAfter === undefined ? backoff : Math.min(policy.maxDelayMs, retryAfter);
      if (closed) delay = 0;
      await response?.body?.cancel().catch(() => {});
      await sleep(delay, signal);
    }
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Headers to send (configured headers plus a bearer token) and every secret value they carry. */
export interface ResolvedHttpAuth {
  headers: Record<string, string>;
  secrets: string[];
  /** OAuth client-credentials settings, resolved; the transport builds the SDK provider from them. */
  oauth?: ResolvedOAuth;
  /**
   * OAuth the MCP authorization spec's way (`auth: {type: oauth}`, or no auth and no
   * Authorization header): a stored or refreshed token, discovery on 401 (auth-provider.ts).
   */
  user?: ResolvedUserOAuth;
}

/** `auth: {type: oauth}` with its secrets read (every field absent for a server with no auth). */
export interface ResolvedUserOAuth {
  clientId?: string;
  clientSecret?: string;
  clientMetadataUrl?: string;
  /** The configured scopes, space-separated. */
  scope?: string;
  refreshToken?: string;
  /** The variable the refresh token came from, for messages. */
  refreshTokenEnv?: string;
}

/** OAuth client credentials with the secret material read. */
export interface ResolvedOAuth {
  clientId: string;
  method: "client_secret_basic" | "private_key_jwt";
  clientSecret?: string;
  privateKey?: string;
  algorithm: string;
  scope?: string;
  /** Pin the authorization server: credentials go to no other. */
  issuer?: string;
}

/**
 * Resolves `headers` and `auth` into concrete values. Throws an `Error`
 * (naming the variable or file, never its value) when a secret is missing.
 */
export async function resolveHttpAuth(
  config: HttpServerConfig,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<ResolvedHttpAuth> {
  const headers = { ...config.headers };
  // What a header such as Accept or Content-Type says is no secret (its ${VAR}s were recorded by the config).
  const secrets = Object.entries(config.headers).flatMap(([name, value]) =>
    isPlainHeader(name) ? [] : [value],
  );
  const auth: AuthConfig | undefined = config.auth;
  if (auth === undefined) {
    // Configured credentials are what they are: a 401 then means they were refused.
    const hasAuthorization = Object.keys(headers).some((name) => name.toLowerCase() === "authorization");
    return hasAuthorization ? { headers, secrets } : { headers, secrets, user: {} };
  }
  if (auth.type === "oauth") {
    const user: ResolvedUserOAuth = {
      ...(auth.clientId === undefined ? {} : { clientId: auth.clientId }),
      ...(auth.clientMetadataUrl === undefined ? {} : { clientMetadataUrl: auth.clientMetadataUrl }),
      ...(auth.scopes === undefined || auth.scopes.length === 0 ? {} : { scope: auth.scopes.join(" ") }),
    };
    const variable = (name: string, what: string): string => {
      const value = own(env, name);
      if (value === undefined || value === "")
        throw new Error(`environment variable ${name} (auth.${what}) is not set`);
      secrets.push(value);
      return value;
    };
    if (auth.clientSecretEnv !== undefined)
      user.clientSecret = variable(auth.clientSecretEnv, "clientSecretEnv");
    if (auth.refreshTokenEnv !== undefined) {
      // Unset on a person's machine, where `login` stored a token: only CI sets it.
      user.refreshTokenEnv = auth.refreshTokenEnv;
      const refreshToken = own(env, auth.refreshTokenEnv);
      if (refreshToken !== undefined && refreshToken !== "") {
        user.refreshToken = refreshToken;
        secrets.push(refreshToken);
      }
    }
    return { headers, secrets, user };
  }
  if (auth.type === "bearer") {
    const token = own(env, auth.tokenEnv);
    if (token === undefined || token === "") {
      throw new Error(`environment variable ${auth.tokenEnv} (auth.tokenEnv) is not set`);
    }
    headers.Authorization = `Bearer ${token}`;
    secrets.push(token);
    return { headers, secrets };
  }
  const method =
    auth.method ?? (auth.privateKeyEnv || auth.privateKeyFile ? "private_key_jwt" : "client_secret_basic");
  const read = async (
    envName: string | undefined,
    file: string | undefined,
    what: string,
  ): Promise<string> => {
    if (envName !== undefined) {
      const value = own(env, envName);
      if (value === undefined || value === "")
        throw new Error(`environment variable ${envName} (${what}) is not set`);
      return value;
    }
    if (file !== undefined) {
      try {
        return (await readFile(file, "utf8")).trim();
      } catch (error) {
        throw new Error(
          `cannot read ${what} file ${file} (${(error as NodeJS.ErrnoException).code ?? error})`,
        );
      }
    }
    throw new Error(`auth.${what}Env or auth.${what}File is required for ${method}`);
  };
  const oauth: ResolvedOAuth = {
    clientId: auth.clientId,
    method,
    algorithm: auth.algorithm ?? "RS256",
    ...(auth.scope === undefined ? {} : { scope: auth.scope }),
    ...(auth.issuer === undefined ? {} : { issuer: auth.issuer }),
  };
  if (method === "client_secret_basic") {
    oauth.clientSecret = await read(auth.clientSecretEnv, auth.clientSecretFile, "clientSecret");
    secrets.push(oauth.clientSecret);
  } else {
    oauth.privateKey = await read(auth.privateKeyEnv, auth.privateKeyFile, "privateKey");
    secrets.push(oauth.privateKey);
  }
  return { headers, secrets, oauth };
}
