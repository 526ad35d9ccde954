/**
 * One MCP session: connect with the v2 SDK client (negotiating the 2025-era
 * `initialize` handshake or the 2026-07-28 `server/discover`), then page
 * through tools/list RAW. The SDK validates and reshapes results; we tap the
 * transport so the lockfile records each tool exactly as the server sent it,
 * and a tool the SDK would reject does not cost us the rest of the list.
 *
 * The tap also ends the session the moment the server breaks the protocol: the
 * SDK only reports a message it cannot parse, or a stream that ended before
 * the answer, through `onerror` and leaves the request waiting for its timeout.
 */
import {
  Client,
  type JSONRPCMessage,
  type StandardSchemaV1,
  type Transport,
  type TransportSendOptions,
} from "@modelcontextprotocol/client";
import { isRecord } from "../core/json.js";
import { truncate } from "../redact.js";
import type { RequestTrace, ServerTrace } from "./options.js";
import { walkPages } from "./pages.js";
import type { RawSurface } from "./surface.js";

/** JSON-RPC's method-not-found: a server that does not implement a list it was asked for. */
const METHOD_NOT_FOUND = -32601;

/** What a session learned. */
export interface SessionResult {
  serverInfo?: { name: string; version: string };
  protocolVersion?: string;
  rawTools: unknown[];
  pages: number;
  /** The rest of the surface: prompts, resource templates, resources (when asked), instructions, capabilities. */
  surface?: RawSurface;
  /** Indices into `rawTools` of entries decoded from bytes that were not UTF-8 (see utf8.ts). */
  undecodable?: ReadonlySet<number>;
}

/** Where a session is: what a failure message says it happened during. */
export type SessionPhase = "handshake" | "listing";

/** Session settings. */
export interface SessionOptions {
  signal: AbortSignal;
  /** Upper bound for each request; the overall deadline is enforced by `signal`. */
  requestTimeoutMs: number;
  maxPages: number;
  /** `legacy` skips the `server/discover` probe (used to retry servers that exit on it). */
  negotiation: "auto" | "legacy";
  onPage?: (page: number, tools: number) => void;
  /** Redacted from any server text the session quotes (a looping cursor); none when absent. */
  secrets?: readonly string[];
  /** Told when the handshake is done and listing starts. */
  onConnected?: () => void;
  /**
   * What a transport error means when it ends the session at once, e.g.
   * "closed its stdout"; undefined for errors that leave the session running.
   * Messages that are not JSON or not JSON-RPC always end it.
   */
  faultOf?: (error: unknown) => string | undefined;
  /** Also list static resources (resources/list): the server entry's `resources: true`. */
  resources?: boolean;
  /** The client capabilities to declare (the server entry's `clientCapabilities`); default none. */
  clientCapabilities?: Record<string, unknown>;
  /** The server's trace: each request we send is a span of it. */
  trace?: ServerTrace;
}

/**
 * The server broke the session: it sent a message that is not JSON-RPC, or a
 * stream ended before the answer. The message says what and when, without the
 * server name.
 */
export class SessionFault extends Error {
  override readonly name = "SessionFault";
}

/**
 * The server answered a request with a JSON-RPC error. `text` is the server's
 * own message (redact it before showing it; the fetch layer does).
 */
export class ServerErrorAnswer extends Error {
  override readonly name = "ServerErrorAnswer";
  constructor(
    readonly method: string,
    readonly code: unknown,
    readonly text: string,
  ) {
    const number = typeof code === "number" && Number.isInteger(code) ? ` ${code}` : "";
    super(`the server answered ${method} with JSON-RPC error${number}: ${text || "(no message)"}`);
  }
}

/** Accepts anything: we validate raw pages ourselves. */
const anyResult: StandardSchemaV1<unknown, unknown> = {
  "~standard": { version: 1, vendor: "mcp-contract", validate: (value: unknown) => ({ value }) },
};

const CLIENT_INFO = { name: "mcp-contract", version: "0.1.0" };

const PHASE_TEXT: Record<SessionPhase, string> = {
  handshake: "during the handshake",
  listing: "while listing tools",
};

/** What the tap saw of one request we sent. */
interface SentRequest {
  method: string;
  /** The raw `result` or `error` member of its answer, once one arrived. */
  answer?: { result: unknown } | { error: unknown };
  /** Its span, when the session is traced; ended with the answer or the session. */
  span?: RequestTrace;
}

/** The longest failure text a request's span carries. */
const SPAN_MESSAGE_CHARS = 300;

/** Connects over `transport`, lists every tool raw, and closes the session (and transport). */
export async function listToolsRaw(transport: Transport, options: SessionOptions): Promise<SessionResult> {
  const clientCapabilities = options.clientCapabilities ?? {};
  const client = new Client(CLIENT_INFO, {
    capabilities: clientCapabilities,
    // Never let the SDK's response cache answer instead of the server.
    defaultCacheTtlMs: 0,
    ...(options.negotiation === "auto"
      ? {
          versionNegotiation: {
            mode: "auto",
            probe: { timeoutMs: Math.min(options.requestTimeoutMs, 10_000) },
          },
        }
      : {}),
  });
  // Errors the transport reports outside any request must not crash us: the tap below turns
  // the ones that end the session into a rejection of the request in flight.
  client.onerror = () => {};
  const tap = new SessionTap(transport, options);
  try {
    const requestOptions = { signal: options.signal, timeout: options.requestTimeoutMs };
    try {
      await tap.guard(client.connect(transport, requestOptions));
    } catch (error) {
      throw tap.answeredWithError("initialize") ?? error;
    }
    tap.phase = "listing";
    options.onConnected?.();

    const list = async (method: string, key: string) =>
      walkPages(
        async (cursor) => {
          const params = cursor === undefined ? {} : { cursor };
          const sent = tap.expect(method);
          try {
            await tap.guard(client.request({ method, params }, anyResult, requestOptions));
          } catch (error) {
            // The SDK may reject a page it finds invalid (2026-era result validation);
            // the raw page is still ours to salvage.
            if (sent.request === undefined || sent.request.answer === undefined) throw error;
          }
          const answer = sent.request?.answer;
          if (answer === undefined) throw new Error(`${method} returned no result`);
          if ("error" in answer) throw errorAnswer(method, answer.error);
          return answer.result;
        },
        options.maxPages,
        method === "tools/list" ? options.onPage : undefined,
        options.secrets,
        { method, key },
      );
    const walked = await list("tools/list", "tools");
    // The rest of the surface, in either era (the SDK reads capabilities and instructions from
    // `initialize` or `server/discover`). A list the server does not declare, or answers with
    // method-not-found, is none: locked empty, never an error.
    const capabilities = (client.getServerCapabilities() ?? {}) as Record<string, unknown>;
    const optional = async (capability: string, method: string, key: string): Promise<unknown[]> => {
      if (!Object.hasOwn(capabilities, capability)) return [];
      try {
        return (await list(method, key)).tools;
      } catch (error) {
        if (error instanceof ServerErrorAnswer && error.code === METHOD_NOT_FOUND) return [];
        throw error;
      }
    };
    const prompts = await optional("prompts", "prompts/list", "prompts");
    const resourceTemplates = await optional("resources", "resources/templates/list", "resourceTemplates");
    const resources = options.resources
      ? await optional("resources", "resources/list", "resources")
      : undefined;
    const instructions = client.getInstructions();
    const surface: RawSurface = {
      prompts,
      resourceTemplates,
      ...(resources !== undefined && { resources }),
      instructions: typeof instructions === "string" && instructions !== "" ? instructions : null,
      capabilities: structuredClone(capabilities),
      clientCapabilities: structuredClone(clientCapabilities),
    };
    const info = client.getServerVersion();
    const protocolVersion = client.getNegotiatedProtocolVersion();
    tap.abandon(undefined);
    return {
      ...(info ? { serverInfo: { name: info.name, version: info.version } } : {}),
      ...(protocolVersion ? { protocolVersion } : {}),
      rawTools: walked.tools,
      pages: walked.pages,
      surface,
    };
  } catch (error) {
    tap.abandon(error);
    throw error;
  } finally {
    tap.done = true;
    await client.close().catch(() => {});
    await transport.close().catch(() => {});
  }
}

function errorAnswer(method: string, error: unknown): ServerErrorAnswer {
  const { code, message } = (typeof error === "object" && error !== null ? error : {}) as {
    code?: unknown;
    message?: unknown;
  };
  return new ServerErrorAnswer(method, code, typeof message === "string" ? message : "");
}

/**
 * Sits between the SDK client and the transport, installed before `connect`:
 * records every request we send and the raw answer to each, and turns the
 * faults `faultOf` names (and unparseable messages) into an immediate rejection
 * of whatever the session is waiting for.
 */
class SessionTap {
  phase: SessionPhase = "handshake";
  /** Set when the session is over: nothing is a fault any more. */
  done = false;
  private readonly sent = new Map<string | number, SentRequest>();
  /** Requests by method, most recent last: what `expect` and `answeredWithError` look at. */
  private readonly latest = new Map<string, SentRequest>();
  private waitingFor?: { method: string; slot: { request?: SentRequest } };
  private fault?: SessionFault;
  private rejectWaiting?: (error: SessionFault) => void;
  private started = false;

  constructor(
    transport: Transport,
    private readonly options: SessionOptions,
  ) {
    const start = transport.start.bind(transport);
    transport.start = async () => {
      await start();
      this.started = true;
    };
    // The client sets these on `connect` (and again when version negotiation falls back); we see
    // every call first. Each read wraps the handler set at that moment, so a handler that calls the
    // one it replaced (as the client's do) never calls itself; our part is idempotent.
    let onmessage: Transport["onmessage"];
    Object.defineProperty(transport, "onmessage", {
      configurable: true,
      get: () => {
        const current = onmessage;
        return current === undefined ? undefined : this.deliver(current);
      },
      set: (value: Transport["onmessage"]) => {
        onmessage = value;
      },
    });
    let onerror: Transport["onerror"];
    Object.defineProperty(transport, "onerror", {
      configurable: true,
      get: () => {
        const current = onerror;
        return (error: Error) => {
          current?.(error);
          this.onTransportError(error);
        };
      },
      set: (value: Transport["onerror"]) => {
        onerror = value;
      },
    });
    const send = transport.send.bind(transport);
    transport.send = (message: JSONRPCMessage, sendOptions?: TransportSendOptions) => {
      if (!("method" in message) || !("id" in message) || message.id === undefined) {
        return send(message, sendOptions);
      }
      const id = message.id;
      const request: SentRequest = { method: message.method };
      // One request at a time: one still unanswered was given up (the probe a 2025-era HTTP
      // server refuses with an HTTP error instead of a JSON-RPC answer).
      this.abandon(new Error(`no JSON-RPC answer before ${message.method} was sent`));
      const trace = this.options.trace;
      const span = trace?.request(message.method, id);
      if (span) request.span = span;
      // The MCP semantic conventions' propagation: the request span's context in `params._meta`,
      // which reaches a server over any transport (stdio too).
      const outgoing = trace && span ? withTraceContext(message, trace.headers()) : message;
      this.sent.set(id, request);
      this.latest.set(message.method, request);
      if (this.waitingFor?.method === message.method) this.waitingFor.slot.request = request;
      const ended = sendOptions?.onRequestStreamEnd;
      return send(outgoing, {
        ...sendOptions,
        // Streamable HTTP: the event stream that carries this answer ended (cleanly or not) and
        // the SDK will not reconnect it. Without the answer, nothing else will come.
        onRequestStreamEnd: () => {
          ended?.();
          if (request.answer === undefined)
            this.fail(`closed the event stream before answering ${request.method}`, undefined, false);
        },
      });
    };
  }

  /** Starts waiting for the next request of `method`; `request` is filled in when it is sent. */
  expect(method: string): { request?: SentRequest } {
    const slot: { request?: SentRequest } = {};
    this.waitingFor = { method, slot };
    return slot;
  }

  /** The server's JSON-RPC error answer to the latest `method` request, if that is how it ended. */
  answeredWithError(method: string): ServerErrorAnswer | undefined {
    const answer = this.latest.get(method)?.answer;
    return answer !== undefined && "error" in answer ? errorAnswer(method, answer.error) : undefined;
  }

  /** `work`, or the session's fault as soon as one happens. */
  guard<T>(work: Promise<T>): Promise<T> {
    if (this.fault !== undefined) {
      work.catch(() => {});
      return Promise.reject(this.fault);
    }
    return new Promise<T>((resolve, reject) => {
      this.rejectWaiting = reject;
      work.then(resolve, reject).finally(() => {
        if (this.rejectWaiting === reject) this.rejectWaiting = undefined;
      });
    });
  }

  /**
   * Ends the span of every request still unanswered: the session ended without
   * the answer (`error` says why), or a request nobody waited for (none).
   */
  abandon(error: unknown): void {
    for (const request of this.sent.values()) {
      if (request.span === undefined) continue;
      const why = error === undefined ? "no answer" : error instanceof Error ? error.message : String(error);
      request.span.end({ message: this.spanText(why.split("\n")[0] ?? "") });
      request.span = undefined;
    }
  }

  /** Ends the span of an answered request: a JSON-RPC error answer fails it. */
  private endSpan(request: SentRequest): void {
    const span = request.span;
    if (span === undefined || request.answer === undefined) return;
    request.span = undefined;
    if (!("error" in request.answer)) {
      span.end();
      return;
    }
    const answer = errorAnswer(request.method, request.answer.error);
    const code = typeof answer.code === "number" && Number.isInteger(answer.code) ? answer.code : undefined;
    span.end({ message: this.spanText(answer.message), ...(code === undefined ? {} : { code }) });
  }

  /** Server text for a span: redacted, then cut. */
  private spanText(text: string): string {
    return truncate(text, SPAN_MESSAGE_CHARS, this.options.secrets ?? []);
  }

  private deliver(onmessage: NonNullable<Transport["onmessage"]>): NonNullable<Transport["onmessage"]> {
    return (message, extra) => {
      if ("id" in message && message.id !== undefined && !("method" in message)) {
        const request = this.sent.get(message.id);
        if (request !== undefined && request.answer === undefined) {
          if ("result" in message) request.answer = { result: message.result };
          else if ("error" in message) request.answer = { error: message.error };
          this.endSpan(request);
        }
      }
      onmessage(message, extra);
    };
  }

  private onTransportError(error: unknown): void {
    // Before the transport started, its errors reject `start` itself (a refused stream, a 404).
    if (!this.started || this.done) return;
    const what = this.options.faultOf?.(error) ?? protocolViolation(error);
    if (what !== undefined) this.fail(what, error);
  }

  private fail(what: string, cause?: unknown, withPhase = true): void {
    if (this.done || this.fault !== undefined) return;
    this.fault = new SessionFault(withPhase ? `${what} ${PHASE_TEXT[this.phase]}` : what, { cause });
    this.rejectWaiting?.(this.fault);
  }
}

/** `message` with the W3C trace context (`traceparent`, `tracestate`) added to its `params._meta`. */
function withTraceContext(message: JSONRPCMessage, context: Record<string, string>): JSONRPCMessage {
  const params = isRecord((message as { params?: unknown }).params)
    ? (message as { params: Record<string, unknown> }).params
    : {};
  const meta = isRecord(params._meta) ? params._meta : {};
  return { ...message, params: { ...params, _meta: { ...meta, ...context } } } as JSONRPCMessage;
}

/** A message the SDK could not parse: not JSON, or JSON that is not a JSON-RPC message. */
function protocolViolation(error: unknown): string | undefined {
  // The parser's own text may quote the message (and a secret in it, cut short): say what it was.
  if (error instanceof SyntaxError) return "sent a message that is not valid JSON";
  const issues = (error as { issues?: unknown } | null)?.issues;
  if (Array.isArray(issues)) return "sent a message that is not a JSON-RPC message";
  return undefined;
}
