/**
 * HTTP(S) proxies from the environment. Node's global `fetch` ignores
 * `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`; behind a corporate proxy every
 * server would fail with a bare ECONNREFUSED or ETIMEDOUT. When one of the
 * proxy variables is set, the HTTP transports (and the OAuth token requests,
 * which go through the same fetch) use undici's `fetch` with its
 * `EnvHttpProxyAgent`; when none is set nothing changes.
 */
import { safeUrl } from "./url.js";

/** A proxy URL and the variable it came from (for messages). */
export interface ProxySource {
  /** Normalised URL, credentials included: never print it, use `display`. */
  url: string;
  /** The URL without credentials. */
  display: string;
  /** The environment variable that set it, e.g. `HTTPS_PROXY`. */
  variable: string;
  /** Whether the URL carries a user or password. */
  hasCredentials: boolean;
}

/** Proxy settings read from the environment, with undici's precedence. */
export interface ProxySettings {
  /** For `http:` URLs (`http_proxy`, else `HTTP_PROXY`). */
  http?: ProxySource;
  /** For `https:` URLs (`https_proxy`, else `HTTPS_PROXY`; else the `http` proxy, as undici does). */
  https?: ProxySource;
  /** `no_proxy`, else `NO_PROXY`: hosts reached directly. Empty means none. */
  noProxy: string;
  /** Proxy credentials, to redact from every message. */
  secrets: string[];
}

/** Thrown for a proxy variable that is not a URL; the message names the variable, never its value. */
export class ProxyConfigError extends Error {}

/**
 * Reads the proxy variables (lower case wins over upper case, as in curl and
 * undici). Undefined when neither an HTTP nor an HTTPS proxy is set: then the
 * caller keeps Node's plain `fetch`.
 */
export function proxySettings(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ProxySettings | undefined {
  const secrets: string[] = [];
  const read = (lower: string, upper: string): ProxySource | undefined => {
    const variable = env[lower] !== undefined ? lower : upper;
    const value = env[variable]?.trim();
    if (value === undefined || value === "") return undefined;
    // `proxy.corp:3128` means http://proxy.corp:3128, as in curl.
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
    let parsed: URL;
    try {
      parsed = new URL(withScheme);
    } catch {
      throw new ProxyConfigError(`${variable} is not a valid proxy URL (expected http://host:port)`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw new ProxyConfigError(
        `${variable} uses ${parsed.protocol.slice(0, -1)}://, only http:// and https:// proxies are supported`,
      );
    }
    const hasCredentials = parsed.username !== "" || parsed.password !== "";
    if (hasCredentials) {
      secrets.push(...credentialForms(parsed));
      // undici decodes them for the Proxy-Authorization header and throws a bare "URI malformed" otherwise.
      if (![parsed.username, parsed.password].every(isDecodable)) {
        throw new ProxyConfigError(
          `${variable} has a % in its user or password that is not percent-encoding; write a literal % as %25`,
        );
      }
    }
    return { url: parsed.toString(), display: safeUrl(parsed.toString()), variable, hasCredentials };
  };
  const http = read("http_proxy", "HTTP_PROXY");
  const https = read("https_proxy", "HTTPS_PROXY") ?? http;
  if (http === undefined && https === undefined) return undefined;
  return {
    ...(http ? { http } : {}),
    ...(https ? { https } : {}),
    noProxy: env.no_proxy ?? env.NO_PROXY ?? "",
    secrets: secrets.filter((secret) => secret !== ""),
  };
}

function isDecodable(part: string): boolean {
  try {
    decodeURIComponent(part);
    return true;
  } catch {
    return false;
  }
}

/** A URL's user and password as written, decoded (when they decode) and as `user:password`. */
function credentialForms(url: URL): string[] {
  const decode = (part: string): string => (isDecodable(part) ? decodeURIComponent(part) : part);
  const forms = [url.username, decode(url.username), url.password, decode(url.password)];
  if (url.username !== "" || url.password !== "") {
    forms.push(`${decode(url.username)}:${decode(url.password)}`, `${url.username}:${url.password}`);
  }
  return [...new Set(forms.filter((form) => form !== ""))];
}

/**
 * Every credential in any of the proxy variables (both cases, even the one
 * that loses to the other), for redacting what a stdio child that received
 * them prints. Never throws: a value that is not a URL has nothing to find.
 */
export function proxyCredentials(env: Readonly<Record<string, string | undefined>>): string[] {
  const found: string[] = [];
  for (const variable of ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"]) {
    const value = env[variable]?.trim();
    if (!value) continue;
    try {
      found.push(
        ...credentialForms(new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`)),
      );
    } catch {
      // Not a URL: no user or password to find in it.
    }
  }
  return [...new Set(found)];
}

const DEFAULT_PORTS: Record<string, number> = { "http:": 80, "https:": 443 };

/**
 * The proxy `url` goes through, or undefined when it is reached directly.
 * Mirrors undici's `EnvHttpProxyAgent` (which does the routing), so messages
 * name the proxy exactly when it was used: `NO_PROXY` is a list separated by
 * commas or spaces of hosts (`example.com` also covers its subdomains; a leading
 * `.` or `*.` is dropped), each optionally with `:port`; `*` alone means no proxy.
 */
export function proxyFor(url: URL, settings: ProxySettings): ProxySource | undefined {
  const proxy = url.protocol === "https:" ? settings.https : settings.http;
  if (proxy === undefined) return undefined;
  const noProxy = settings.noProxy.trim();
  if (noProxy === "*") return undefined;
  const hostname = url.host.replace(/:\d*$/, "").toLowerCase();
  const port = Number.parseInt(url.port, 10) || DEFAULT_PORTS[url.protocol] || 0;
  for (const entry of noProxy.split(/[,\s]/)) {
    if (entry === "") continue;
    const match = /^(.+):(\d+)$/.exec(entry);
    const host = (match ? match[1]! : entry).replace(/^\*?\./, "").toLowerCase();
    const entryPort = match ? Number.parseInt(match[2]!, 10) : 0;
    if (entryPort !== 0 && entryPort !== port) continue;
    if (hostname === host || hostname.endsWith(`.${host}`)) return undefined;
  }
  return proxy;
}

/** A fetch that goes through the proxies, and how to release its connections. */
export interface ProxiedFetch {
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  close: () => Promise<void>;
}

/**
 * undici's `fetch` with an `EnvHttpProxyAgent` built from `settings`. The
 * agent and the fetch come from one undici package, so they always agree
 * (a dispatcher handed to Node's bundled fetch would have to match its
 * undici version). `https:` URLs are tunnelled with CONNECT; `http:` URLs are
 * sent to the proxy as absolute-URI requests, as curl does, because proxies
 * commonly allow CONNECT to port 443 only.
 */
export async function proxiedFetch(settings: ProxySettings): Promise<ProxiedFetch> {
  const undici = await import("undici");
  const agent = new undici.EnvHttpProxyAgent({
    ...(settings.http ? { httpProxy: settings.http.url } : {}),
    ...(settings.https ? { httpsProxy: settings.https.url } : {}),
    noProxy: settings.noProxy,
    proxyTunnel: false,
  });
  const fetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
    undici.fetch(input as Parameters<typeof undici.fetch>[0], {
      ...(init as Parameters<typeof undici.fetch>[1]),
      dispatcher: agent,
    }) as unknown as Promise<Response>;
  return { fetch, close: () => agent.destroy() };
}
