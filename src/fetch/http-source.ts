/**
 * The HTTP sources: Streamable HTTP, legacy HTTP+SSE, `auto` (Streamable HTTP,
 * falling back to SSE on 400/404/405 as the spec describes), and `json` (a plain
 * GET returning a tools/list result).
 */
import {
  ClientCredentialsProvider,
  type OAuthClientProvider,
  OAuthError,
  PrivateKeyJwtProvider,
  SSEClientTransport,
  SseError,
  StreamableHTTPClientTransport,
  type Transport,
} from "@modelcontextprotocol/client";
import type { HttpServerConfig } from "../config/types.js";
import type { FetchContext } from "./context.js";
import {
  causeChain,
  describeTlsFailure,
  httpStatus,
  isClosedConnection,
  networkCode,
  sessionCause,
  tlsCode,
} from "./describe.js";
import { toolEntriesOf } from "./file.js";
import {
  DEFAULT_RETRY,
  type FetchFn,
  type HttpTrace,
  type ResolvedHttpAuth,
  resolveHttpAuth,
  retryingFetch,
} from "./http.js";
import { nodeFetch } from "./node-fetch.js";
import type { ServerTrace } from "./options.js";
import { type ProxySource, proxiedFetch, proxyFor, proxySettings } from "./proxy.js";
import { listToolsRaw, type SessionPhase, type SessionResult } from "./session.js";
import { surfaceEntriesOf } from "./surface.js";
import { safeUrl } from "./url.js";
import { entriesWithReplacement, Utf8Watch, utf8CheckedFetch } from "./utf8.js";

/** Statuses on which `auto` falls back from Streamable HTTP to SSE. */
const SSE_FALLBACK_STATUSES = new Set([400, 404, 405]);

/** Lists the tools of an HTTP server over the configured transport. */
export async function fetchHttp(ctx: FetchContext, config: HttpServerConfig): Promise<SessionResult> {
  const trace: HttpTrace = { retries: 0 };
  const url = new URL(config.url);
  const env = ctx.options.env ?? process.env;
  const proxies = proxySettings(env);
  const proxy = proxies ? proxyFor(url, proxies) : undefined;
  ctx.explain = (error) => explainHttp(config, trace, error, proxy, env.NODE_EXTRA_CA_CERTS, ctx.phase);
  const auth = await resolveHttpAuth(config, env);
  ctx.secrets.push(...auth.secrets, ...(proxies?.secrets ?? []));
  let base: FetchFn = nodeFetch;
  if (proxies !== undefined) {
    // Built even when this server's URL is in NO_PROXY: the OAuth servers it names may not be.
    const proxied = await proxiedFetch(proxies);
    ctx.closers.add(proxied.close);
    base = proxied.fetch;
  }
  const utf8 = new Utf8Watch();
  const traced = ctx.trace ? withTraceContext(base, ctx.trace) : base;
  const fetchImpl = utf8CheckedFetch(retryingFetch(trace, ctx.signal, DEFAULT_RETRY, traced), utf8);
  const checked = (result: SessionResult): SessionResult =>
    utf8.invalid ? { ...result, undecodable: entriesWithReplacement(result.rawTools) } : result;

  if (config.transport === "json") {
    // One GET is the whole listing.
    ctx.phase = "listing";
    const response = await fetchImpl(url, {
      method: "GET",
      headers: { Accept: "application/json", ...auth.headers },
    });
    if (!response.ok) throw new HttpStatusError(response.status);
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`${safeUrl(config.url)} did not return JSON`);
    }
    return checked({
      rawTools: toolEntriesOf(json, safeUrl(config.url)),
      pages: 1,
      surface: surfaceEntriesOf(json, safeUrl(config.url)),
    });
  }

  // OAuth the spec's way (auth: {type: oauth}, or nothing configured): loaded only then.
  const oauth = auth.user
    ? (await import("./auth-provider.js")).oauthSession(ctx, config.url, auth.user, fetchImpl)
    : undefined;
  const session = (kind: "streamable-http" | "sse"): Promise<SessionResult> => {
    const transport = makeTransport(kind, url, auth, fetchImpl, ctx, oauth?.provider);
    const close = (): Promise<void> => transport.close();
    ctx.closers.add(close);
    ctx.phase = undefined;
    return listToolsRaw(transport, {
      signal: ctx.signal,
      requestTimeoutMs: ctx.options.timeoutMs,
      maxPages: ctx.options.maxPages,
      secrets: [...ctx.options.secrets, ...ctx.secrets],
      // The 2026-07-28 probe only makes sense on Streamable HTTP.
      negotiation: kind === "sse" ? "legacy" : "auto",
      ...(config.resources && { resources: true }),
      ...(config.clientCapabilities && { clientCapabilities: { ...config.clientCapabilities } }),
      onConnected: () => {
        ctx.phase = "listing";
      },
      onPage: (page, tools) => ctx.options.onProgress?.({ type: "page", server: ctx.name, page, tools }),
      ...(ctx.trace ? { trace: ctx.trace } : {}),
      // Legacy SSE: every answer comes on the one event stream, so once it fails nothing more can
      // come (the EventSource would reconnect into a new session that knows nothing of our requests).
      faultOf: (error) =>
        kind === "sse" && error instanceof SseError ? "closed the event stream" : undefined,
    }).finally(() => ctx.closers.delete(close));
  };

  const listing = async (): Promise<SessionResult> => {
    if (config.transport === "sse") return checked(await session("sse"));
    if (config.transport === "streamable-http") return checked(await session("streamable-http"));
    try {
      return checked(await session("streamable-http"));
    } catch (error) {
      const status = httpStatus(error);
      if (status === undefined || !SSE_FALLBACK_STATUSES.has(status) || ctx.signal.aborted) throw error;
      try {
        return checked(await session("sse"));
      } catch (fallbackError) {
        // Refused as well (no event stream at all): the Streamable HTTP answer is the one that
        // tells the user what is wrong with the URL, not the fallback's 404 or 405.
        const fallbackStatus = httpStatus(fallbackError);
        if (ctx.phase !== undefined || fallbackStatus === undefined || ctx.signal.aborted)
          throw fallbackError;
        ctx.detail = () => `the legacy SSE fallback got HTTP ${fallbackStatus}`;
        throw error;
      }
    }
  };
  return oauth ? oauth.run(listing) : listing();
}

function makeTransport(
  kind: "streamable-http" | "sse",
  url: URL,
  auth: ResolvedHttpAuth,
  fetchImpl: FetchFn,
  ctx: FetchContext,
  userProvider: OAuthClientProvider | undefined,
): Transport {
  const authProvider = auth.oauth ? oauthProvider(auth, ctx) : userProvider;
  const common = {
    requestInit: { headers: auth.headers },
    fetch: kind === "sse" ? fetchImpl : withoutStandaloneStream(fetchImpl),
    ...(authProvider ? { authProvider } : {}),
  };
  return kind === "sse"
    ? new SSEClientTransport(url, common)
    : new StreamableHTTPClientTransport(url, common);
}

/**
 * Sends the W3C trace context (`traceparent`, `tracestate`) of the request in
 * flight with every HTTP request, so the server's own spans join the trace.
 */
function withTraceContext(base: FetchFn, trace: ServerTrace): FetchFn {
  return (input, init) => {
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    for (const [name, value] of Object.entries(trace.headers())) headers.set(name, value);
    return base(input, { ...init, headers });
  };
}

/**
 * Answers the Streamable HTTP client's optional standalone GET stream with 405
 * without sending it: a one-shot tools/list needs no server-initiated messages,
 * and opening the stream costs a request (and, on servers that hold it open, a
 * connection) per server. Resumption GETs (with Last-Event-ID) still go out.
 */
function withoutStandaloneStream(
  fetchImpl: ReturnType<typeof retryingFetch>,
): ReturnType<typeof retryingFetch> {
  return (input, init) => {
    if (init?.method === "GET" && !new Headers(init.headers).has("last-event-id"))
      return Promise.resolve(new Response(null, { status: 405, statusText: "Method Not Allowed" }));
    return fetchImpl(input, init);
  };
}

function oauthProvider(auth: ResolvedHttpAuth, ctx: FetchContext): OAuthClientProvider {
  const oauth = auth.oauth!;
  const common = {
    clientId: oauth.clientId,
    clientName: "mcp-contract",
    ...(oauth.scope === undefined ? {} : { scope: oauth.scope }),
    ...(oauth.issuer === undefined ? {} : { expectedIssuer: oauth.issuer }),
  };
  // Built inside a fetch, so the SDK's "[mcp-sdk] Omitting `expectedIssuer`" warning is silenced
  // (sdk-console.ts); docs/fetch.md says how to pin the issuer with `auth.issuer`.
  const provider =
    oauth.method === "private_key_jwt"
      ? new PrivateKeyJwtProvider({ ...common, privateKey: oauth.privateKey!, algorithm: oauth.algorithm })
      : new ClientCredentialsProvider({ ...common, clientSecret: oauth.clientSecret! });
  // Tokens the authorization server issues are secrets too.
  const save = provider.saveTokens.bind(provider);
  provider.saveTokens = (tokens) => {
    ctx.secrets.push(tokens.access_token, ...(tokens.refresh_token ? [tokens.refresh_token] : []));
    return save(tokens);
  };
  return provider;
}

/** A non-2xx answer to a plain GET. */
class HttpStatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

function explainHttp(
  config: HttpServerConfig,
  trace: HttpTrace,
  error: unknown,
  proxy: ProxySource | undefined,
  extraCaCerts: string | undefined,
  phase: SessionPhase | undefined,
): string | undefined {
  // What the server said or did wrong comes first: the connection we then closed is no news.
  const own = sessionCause(error);
  if (own !== undefined) return own;
  const where = safeUrl(config.url);
  const through = proxy ? ` through proxy ${proxy.display} from ${proxy.variable}` : "";
  const retried =
    trace.retries > 0 ? ` after ${trace.retries} ${trace.retries === 1 ? "retry" : "retries"}` : "";
  const tls = tlsCode(error) ?? tlsCode(trace.lastError);
  if (tls) return describeTlsFailure(`${where}${through}`, tls, extraCaCerts);
  if (proxy) {
    const refusal = proxyRefusal(error) ?? proxyRefusal(trace.lastError);
    if (refusal === 407 && proxy.hasCredentials) {
      return `proxy ${proxy.display} (${proxy.variable}) rejected the credentials (HTTP 407); check the user and password in ${proxy.variable}`;
    }
    if (refusal === 407) {
      return `proxy ${proxy.display} (${proxy.variable}) requires authentication (HTTP 407); put the credentials in ${proxy.variable} (http://user:password@host:port)`;
    }
    if (refusal !== undefined) {
      return `proxy ${proxy.display} (${proxy.variable}) refused to connect to ${where} (HTTP ${refusal})`;
    }
  }
  const code = networkCode(error) ?? networkCode(trace.lastError);
  if (code && isClosedConnection(code)) {
    const when = phase === "listing" ? "while listing tools" : "during the handshake";
    return `${where}${through} closed the connection ${when} (${code})${retried}`;
  }
  if (code) return `cannot connect to ${where}${through} (${code})${retried}`;
  if (
    causeChain(error)
      .concat(causeChain(trace.lastError))
      .some((e) => e instanceof Error && e.message === "bad port")
  ) {
    return `cannot connect to ${where} (port ${new URL(config.url).port} is blocked by fetch; use another port)`;
  }
  // The token endpoint's answer (RFC 6749 §5.2) says more than the MCP server's 401 that led there.
  const oauth = causeChain(error).find((item) => OAuthError.isInstance(item)) as OAuthError | undefined;
  if (oauth !== undefined) {
    return `the authorization server refused the client credentials (${oauth.code}); check this server's auth settings (clientId, secret or key)`;
  }
  const status =
    httpStatus(error) ??
    (trace.lastStatus !== undefined && trace.lastStatus >= 400 ? trace.lastStatus : undefined);
  if (status === 401 || status === 403) {
    return `${where} rejected the credentials (HTTP ${status}${through}); check this server's headers/auth settings`;
  }
  if (status !== undefined && status >= 400) return `${where} answered HTTP ${status}${retried}${through}`;
  // A web page where the MCP endpoint should be (a login page, the product's site, a wrong path).
  if (trace.lastMediaType === "text/html" || trace.lastMediaType === "application/xhtml+xml") {
    return `${where} answered with a web page (${trace.lastMediaType}), not MCP; check that url is the server's MCP endpoint (often ending in /mcp or /sse)`;
  }
  return undefined;
}

/**
 * The status a proxy refused a request with: undici reports a failed CONNECT
 * as "Proxy response (403) !== 200 when HTTP Tunneling" and a 407 to a
 * forwarded request as "Proxy Authentication Required (407)".
 */
function proxyRefusal(error: unknown): number | undefined {
  for (const item of causeChain(error)) {
    if (!(item instanceof Error)) continue;
    const match = /^Proxy response \((\d{3})\)|^Proxy Authentication Required \((407)\)/.exec(item.message);
    if (match) return Number(match[1] ?? match[2]);
  }
  return undefined;
}
