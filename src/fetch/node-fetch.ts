/**
 * A lean `fetch` for the MCP transports' own requests, on `node:http` and
 * `node:https` with one keep-alive agent each (connections are reused across
 * requests and servers of the same origin, as undici's global agent does).
 *
 * Node's `fetch` (undici) runs the whole Fetch algorithm for every request:
 * a `Request` object, header guards, the fetch controller and its streams,
 * a WebAssembly HTTP parser. For the four to six small requests of each
 * server that costs about a quarter of a lock's client CPU. This does what
 * those requests need and nothing more; anything else is handed to `fetch`
 * itself, so behaviour stays the standard's: a `Request` object, a body that
 * is not a string, a redirect to follow (the SDK's transports ask for
 * `manual` and follow within the origin themselves), another protocol, a port
 * `fetch` refuses, an option this does not know.
 *
 * What a caller sees is `fetch`'s: a `Response` whose body is a byte stream
 * (gzip, deflate and br decoded), the request headers undici adds by default,
 * the abort reason on abort, `TypeError("fetch failed")` with the cause, and
 * undici's `UND_ERR_SOCKET` for a connection the server closed (messages name
 * that code; describe.ts).
 */
import {
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
} from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream";
import { constants, createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { checkedResponses, UTF8_WATCH, type Utf8Watch, utf8Check } from "./utf8.js";

/** The shape of `fetch` (as in http.ts, not imported: http.ts is the layer above). */
type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

let httpAgent: HttpAgent | undefined;
let httpsAgent: HttpsAgent | undefined;

/** The `init` members this fetch understands; any other goes to `fetch`. */
const KNOWN_INIT = new Set(["method", "headers", "body", "signal", "redirect"]);

/** Ports the Fetch standard blocks ("bad port"), and all below 1024 for brevity: `fetch` answers those. */
const FETCH_PORTS_ABOVE_1023 = new Set([
  1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697,
  10080,
]);

/** Statuses whose response has no body (Fetch's null body statuses). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** undici's connect timeout: a host that never answers the SYN fails with UND_ERR_CONNECT_TIMEOUT. */
const CONNECT_TIMEOUT_MS = 10_000;

/** undici's error for a connection the other side closed. */
class SocketError extends Error {
  override readonly name = "SocketError";
  readonly code = "UND_ERR_SOCKET";
}

class ConnectTimeoutError extends Error {
  override readonly name = "ConnectTimeoutError";
  readonly code = "UND_ERR_CONNECT_TIMEOUT";
}

/**
 * Where a caller puts a second signal that aborts the request as `init.signal` does (`retryingFetch`:
 * the server's deadline beside the SDK's own signal), instead of joining the two with
 * `AbortSignal.any` on every request, which costs more than the rest of a small request's setup.
 */
export const ALSO_ABORTED_BY = Symbol("mcp-contract second abort signal");

/** How long an aborted response's remaining body is read and dropped so its connection can be kept. */
const DRAIN_MS = 100;

/** `fetch`, on `node:http(s)` for the requests the transports make (see the module comment). */
export const nodeFetch: FetchFn = (input, init) => {
  const url = typeof input === "string" ? parsed(input) : input instanceof URL ? input : undefined;
  const also = (init as { [ALSO_ABORTED_BY]?: AbortSignal } | undefined)?.[ALSO_ABORTED_BY];
  if (url === undefined || init === undefined || !leanRequest(url, init)) {
    if (also === undefined) return fetch(input, init);
    const signal = init?.signal ? AbortSignal.any([init.signal, also]) : also;
    return fetch(input, { ...init, signal });
  }
  return send(url, init, also);
};

function parsed(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function leanRequest(url: URL, init: RequestInit): boolean {
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  if (url.username !== "" || url.password !== "") return false;
  if (init.redirect !== "manual") return false;
  if (init.body !== undefined && init.body !== null && typeof init.body !== "string") return false;
  for (const key in init) if (!KNOWN_INIT.has(key)) return false;
  if (url.port !== "") {
    const port = Number(url.port);
    if (port < 1024 || FETCH_PORTS_ABOVE_1023.has(port)) return false;
  }
  return true;
}

function send(url: URL, init: RequestInit, also: AbortSignal | undefined): Promise<Response> {
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (also?.aborted) return Promise.reject(also.reason);
  const method = init.method ?? "GET";
  const headers: Record<string, string> = {};
  if (init.headers !== undefined) {
    const given = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    for (const [name, value] of given) headers[name] = value;
  }
  headers.accept ??= "*/*";
  headers["accept-language"] ??= "*";
  headers["sec-fetch-mode"] ??= "cors";
  headers["user-agent"] ??= "node";
  headers["accept-encoding"] ??= "gzip, deflate";
  const body = typeof init.body === "string" ? init.body : undefined;
  if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
  else if (method === "POST" || method === "PUT") headers["content-length"] = "0";

  return new Promise<Response>((resolve, reject) => {
    let request: ClientRequest;
    let response: IncomingMessage | undefined;
    /** Errors the body stream once it exists; set in `respond`. */
    let failBody: ((error: unknown) => void) | undefined;
    /** Reads and drops the rest of the body; set in `respond`. */
    let drain: (() => void) | undefined;
    let connectTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      const reason = signal?.aborted ? signal.reason : also?.reason;
      cleanup();
      // The reason first: destroying the request makes the response fail with its own error.
      if (failBody) failBody(reason);
      else reject(reason);
      if (drain !== undefined) {
        drain();
        return;
      }
      request.destroy();
      response?.destroy();
    };
    const cleanup = (): void => {
      signal?.removeEventListener("abort", onAbort);
      also?.removeEventListener("abort", onAbort);
      if (connectTimer !== undefined) clearTimeout(connectTimer);
    };
    const respond = (res: IncomingMessage): void => {
      response = res;
      if (connectTimer !== undefined) clearTimeout(connectTimer);
      const status = res.statusCode ?? 0;
      let responseHeaders: Headers;
      try {
        responseHeaders = new Headers();
        const raw = res.rawHeaders;
        for (let i = 0; i + 1 < raw.length; i += 2) responseHeaders.append(raw[i]!, raw[i + 1]!);
      } catch (error) {
        cleanup();
        res.destroy();
        reject(new TypeError("fetch failed", { cause: error }));
        return;
      }
      const responseInit = { status, statusText: res.statusMessage ?? "", headers: responseHeaders };
      if (NULL_BODY.has(status) || method === "HEAD") {
        res.resume();
        res.once("end", cleanup);
        settle(() => new Response(null, responseInit));
        return;
      }
      const source = decoded(res, responseHeaders.get("content-encoding"));
      // The caller's UTF-8 check (utf8.ts), on the chunks as they pass, for the answers it checks.
      const watch = (init as { [UTF8_WATCH]?: Utf8Watch })[UTF8_WATCH];
      const check = watch !== undefined && status >= 200 && status < 300 ? utf8Check(watch) : undefined;
      let done = false;
      let stream!: ReadableStreamDefaultController<Uint8Array>;
      failBody = (error) => {
        if (done) return;
        done = true;
        cleanup();
        stream.error(error);
      };
      const bodyStream = new ReadableStream<Uint8Array>(
        {
          start(controller) {
            stream = controller;
            source.on("data", (chunk: Buffer) => {
              if (done) return;
              check?.(chunk);
              controller.enqueue(chunk);
              if ((controller.desiredSize ?? 0) <= 0) source.pause();
            });
            source.once("end", () => {
              if (done) return;
              done = true;
              cleanup();
              check?.();
              controller.close();
            });
            source.once("error", (error) => failBody?.(terminated(error)));
            // A response the server cut short ends without an error on some Node versions.
            res.once("aborted", () => {
              if (!done) failBody?.(terminated(undefined));
            });
          },
          pull() {
            source.resume();
          },
          cancel() {
            done = true;
            cleanup();
            res.destroy();
            if (source !== res) source.destroy();
          },
        },
        { highWaterMark: 1 },
      );
      // Aborted while the body was on its way (a session closed as soon as its answer was parsed,
      // usually before the end of the response was read): the caller already has the abort; the rest
      // is read and dropped for a moment, so that a response about to end leaves its connection to
      // the keep-alive agent instead of a new one for the next request. One that does not end by
      // then (an event stream held open) is closed as before.
      drain = () => {
        const timer = setTimeout(() => {
          res.destroy();
          if (source !== res) source.destroy();
        }, DRAIN_MS);
        timer.unref();
        res.once("close", () => clearTimeout(timer));
        source.resume();
      };
      settle(() => {
        const response = new Response(bodyStream, responseInit);
        if (check !== undefined) checkedResponses.add(response);
        return response;
      });
    };
    const settle = (make: () => Response): void => {
      try {
        resolve(make());
      } catch (error) {
        cleanup();
        response?.destroy();
        reject(new TypeError("fetch failed", { cause: error }));
      }
    };
    const https = url.protocol === "https:";
    const agent = https ? agentFor("https:") : agentFor("http:");
    request = (https ? httpsRequest : httpRequest)(url, { method, headers, agent }, respond);
    request.once("socket", (socket) => {
      if (!socket.connecting) return;
      connectTimer = setTimeout(() => {
        request.destroy(new ConnectTimeoutError("Connect Timeout Error"));
      }, CONNECT_TIMEOUT_MS);
      socket.once("connect", () => clearTimeout(connectTimer));
    });
    request.on("error", (error) => {
      cleanup();
      if (response === undefined) reject(new TypeError("fetch failed", { cause: closedSocket(error) }));
    });
    signal?.addEventListener("abort", onAbort, { once: true });
    also?.addEventListener("abort", onAbort, { once: true });
    request.end(body);
  });
}

/** The keep-alive agent of `protocol`, made on first use. */
function agentFor(protocol: "http:" | "https:"): HttpAgent {
  if (protocol === "https:") {
    httpsAgent ??= new HttpsAgent({ keepAlive: true });
    return httpsAgent;
  }
  httpAgent ??= new HttpAgent({ keepAlive: true });
  return httpAgent;
}

/** The body as the server meant it: gzip, deflate and br decoded, as `fetch` does; other codings as sent. */
function decoded(res: IncomingMessage, encoding: string | null): Readable {
  if (encoding === null) return res;
  const codings = encoding
    .toLowerCase()
    .split(",")
    .map((coding) => coding.trim())
    .filter((coding) => coding !== "");
  const decoders: NodeJS.ReadWriteStream[] = [];
  // Applied in the reverse order of the header (the last coding was applied last).
  for (const coding of codings.reverse()) {
    const flush = { flush: constants.Z_SYNC_FLUSH, finishFlush: constants.Z_SYNC_FLUSH };
    if (coding === "gzip" || coding === "x-gzip") decoders.push(createGunzip(flush));
    else if (coding === "deflate") decoders.push(createInflate(flush));
    else if (coding === "br")
      decoders.push(
        createBrotliDecompress({
          flush: constants.BROTLI_OPERATION_FLUSH,
          finishFlush: constants.BROTLI_OPERATION_FLUSH,
        }),
      );
    else return res;
  }
  if (decoders.length === 0) return res;
  const last = decoders[decoders.length - 1] as unknown as Readable;
  pipeline([res, ...decoders] as unknown as [Readable, ...NodeJS.ReadWriteStream[]], () => {});
  return last;
}

/** Node's word for a connection closed before the answer ("socket hang up"), as undici says it. */
function closedSocket(error: unknown): unknown {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code === "ECONNRESET" && message === "socket hang up") return new SocketError("other side closed");
  return error;
}

/** What a body stream errors with when the connection ends mid-body: undici's `terminated`. */
function terminated(error: unknown): TypeError {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const cause =
    error === undefined || (code === "ECONNRESET" && (message === "aborted" || message === "socket hang up"))
      ? new SocketError("other side closed")
      : error;
  return new TypeError("terminated", { cause });
}
