/**
 * The OpenTelemetry SDK side of a traced run: a tracer provider of its own
 * (nothing is registered globally, so runs sharing a process keep apart), a
 * root span for the run, a span per server and a client span per MCP request
 * named and attributed as the MCP semantic conventions say, exported over
 * OTLP/HTTP (JSON) when the run ends.
 */

import { readFileSync } from "node:fs";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { resolve } from "node:path";
import {
  type Attributes,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import { ExportResultCode, W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";
import {
  ATTR_ERROR_TYPE,
  ATTR_NETWORK_PROTOCOL_NAME,
  ATTR_NETWORK_TRANSPORT,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ERROR_TYPE_VALUE_OTHER,
} from "@opentelemetry/semantic-conventions";
import { SEVERITIES } from "../core/change.js";
import type { FetchTracer, RequestTrace, ServerTrace, TracePeer } from "../fetch/options.js";
import { safeUrl } from "../fetch/url.js";
import { redact, truncate } from "../redact.js";
import type { RunOutcome, RunTrace, TraceEnvironment, TraceSettings } from "./settings.js";

// The MCP attributes are still in development in the semantic conventions (their `incubating`
// entry, which the OpenTelemetry docs say to copy rather than import).
const ATTR_MCP_METHOD_NAME = "mcp.method.name";
const ATTR_JSONRPC_REQUEST_ID = "jsonrpc.request.id";
const ATTR_RPC_RESPONSE_STATUS_CODE = "rpc.response.status_code";

/**
 * The files of `tls` read (a path relative to the working directory, as the exporter reads them);
 * one that cannot be read is left out with a warning line naming its variable (the export then
 * fails as it would without it, with its own warning).
 */
function tlsOptions(
  tls: TraceSettings["tls"],
  environment: TraceEnvironment,
): { ca?: Buffer; cert?: Buffer; key?: Buffer } {
  const out: { ca?: Buffer; cert?: Buffer; key?: Buffer } = {};
  for (const name of ["ca", "cert", "key"] as const) {
    const file = tls[name];
    if (file === undefined) continue;
    try {
      out[name] = readFileSync(resolve(file.path));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
      environment.warn(`${file.variable}: cannot read ${file.path} (${code}); the trace is sent without it`);
    }
  }
  return out;
}

/** The longest text (a failure message) a span carries. */
const MESSAGE_CHARS = 1000;

/** Starts the root span of `mcp-contract <command>`. */
export function startOtelTrace(
  command: "lock" | "check",
  settings: TraceSettings,
  environment: TraceEnvironment,
): RunTrace {
  // The exporter's connections, ours to close: a collector that never finishes its answer (it
  // keeps the connection busy, so the request's idle timeout never fires) would otherwise keep
  // the export, and with it the process, alive after the run.
  // Over https, with the CA and client certificate the OTLP variables name, as the exporter's own
  // agent would have them (an agent given to it replaces that one).
  const agent = settings.url.startsWith("https:")
    ? new HttpsAgent({ keepAlive: true, ...tlsOptions(settings.tls, environment) })
    : new HttpAgent({ keepAlive: true });
  const exporter = new WatchedExporter(
    new OTLPTraceExporter({
      url: settings.url,
      headers: { ...settings.headers },
      timeoutMillis: settings.timeoutMs,
      httpAgentOptions: () => agent,
    }),
  );
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: settings.serviceName,
      [ATTR_SERVICE_VERSION]: environment.version,
    }),
    spanProcessors: [new BatchSpanProcessor(exporter, { exportTimeoutMillis: settings.timeoutMs })],
  });
  const tracer = provider.getTracer("mcp-contract", environment.version);
  const propagator = new W3CTraceContextPropagator();
  const secrets = (): readonly string[] => [...environment.secrets(), ...Object.values(settings.headers)];
  const clean = (text: string): string => truncate(redact(text, secrets()), MESSAGE_CHARS, secrets());

  const root = tracer.startSpan(
    `mcp-contract ${command}`,
    {
      kind: SpanKind.INTERNAL,
      attributes: { "mcp_contract.command": command },
    },
    ROOT_CONTEXT,
  );
  const rootContext = trace.setSpan(ROOT_CONTEXT, root);

  const fetchTracer: FetchTracer = {
    server(name, peer) {
      const peerAttributes = peerAttributesOf(peer);
      const span = tracer.startSpan(
        `fetch ${name}`,
        {
          kind: SpanKind.INTERNAL,
          attributes: {
            "mcp_contract.server": name,
            "mcp_contract.transport": peer.transport,
            ...peerAttributes,
          },
        },
        rootContext,
      );
      const serverContext = trace.setSpan(ROOT_CONTEXT, span);
      /** Requests sent and not answered yet, latest last: the one an HTTP request now belongs to. */
      const open: Span[] = [];
      const serverTrace: ServerTrace = {
        request(method, id): RequestTrace {
          const request = tracer.startSpan(
            method,
            {
              kind: SpanKind.CLIENT,
              attributes: {
                [ATTR_MCP_METHOD_NAME]: method,
                [ATTR_JSONRPC_REQUEST_ID]: String(id),
                ...peerAttributes,
              },
            },
            serverContext,
          );
          open.push(request);
          return {
            end(error) {
              const at = open.indexOf(request);
              if (at === -1) return;
              open.splice(at, 1);
              if (error !== undefined) {
                const code = error.code === undefined ? undefined : String(error.code);
                request.setAttribute(ATTR_ERROR_TYPE, code ?? ERROR_TYPE_VALUE_OTHER);
                if (code !== undefined) request.setAttribute(ATTR_RPC_RESPONSE_STATUS_CODE, code);
                request.setStatus({ code: SpanStatusCode.ERROR, message: clean(error.message) });
              }
              request.end();
            },
          };
        },
        headers() {
          const carrier: Record<string, string> = {};
          const current = open.at(-1) ?? span;
          propagator.inject(trace.setSpan(ROOT_CONTEXT, current), carrier, {
            set: (target, key, value) => {
              target[key] = value;
            },
          });
          return carrier;
        },
        end(outcome) {
          // Requests the session never finished end with the server.
          for (const request of open.splice(0)) request.end();
          if ("error" in outcome) {
            span.setAttribute(ATTR_ERROR_TYPE, ERROR_TYPE_VALUE_OTHER);
            span.setStatus({ code: SpanStatusCode.ERROR, message: clean(outcome.error) });
          } else {
            span.setAttribute("mcp_contract.tools", outcome.tools);
          }
          span.end();
        },
      };
      return serverTrace;
    },
  };

  return {
    tracer: fetchTracer,
    async finish(outcome: RunOutcome) {
      root.setAttributes(rootAttributes(outcome));
      if (outcome.error !== undefined) {
        root.setStatus({ code: SpanStatusCode.ERROR, message: clean(outcome.error) });
      } else if ((outcome.failedServers ?? 0) > 0) {
        root.setStatus({
          code: SpanStatusCode.ERROR,
          message: `${outcome.failedServers} server${outcome.failedServers === 1 ? "" : "s"} could not be fetched`,
        });
      }
      root.end();
      // The export (every batch, and one the batch processor's timer had already started) and the
      // shutdown that waits for it, within the export timeout and a second: a slow collector gets
      // the whole trace, one that never answers costs that long, then its connection is dropped.
      const limit = deadline(settings.timeoutMs + 1000);
      const flushed = await limit.wait(provider.forceFlush());
      const shutDown = await limit.wait(provider.shutdown());
      limit.clear();
      agent.destroy();
      const failure = exporter.failure ?? (flushed && shutDown ? undefined : "timed out");
      if (failure !== undefined) {
        environment.warn(
          `could not export the trace to ${safeUrl(settings.url)} (${failure}); the run's result is not affected`,
        );
      }
    },
  };
}

/** The attributes every span of a server carries: where it is, per the semantic conventions. */
function peerAttributesOf(peer: TracePeer): Attributes {
  const attributes: Attributes = {};
  if (peer.network !== undefined) attributes[ATTR_NETWORK_TRANSPORT] = peer.network;
  if (peer.network === "tcp") attributes[ATTR_NETWORK_PROTOCOL_NAME] = "http";
  if (peer.address !== undefined) attributes[ATTR_SERVER_ADDRESS] = peer.address;
  if (peer.port !== undefined) attributes[ATTR_SERVER_PORT] = peer.port;
  return attributes;
}

/** The root span's attributes: the exit code and the report's counts. */
function rootAttributes(outcome: RunOutcome): Attributes {
  const attributes: Attributes = { "mcp_contract.exit_code": outcome.exitCode };
  if (outcome.summary !== undefined) {
    for (const severity of SEVERITIES)
      attributes[`mcp_contract.findings.${severity}`] = outcome.summary[severity];
    attributes["mcp_contract.findings.acknowledged"] = outcome.summary.acknowledged;
  }
  if (outcome.failedServers !== undefined) attributes["mcp_contract.servers.failed"] = outcome.failedServers;
  return attributes;
}

/**
 * One time limit, `ms` from now, for several steps: `wait(work)` is whether `work` settled
 * (resolved or rejected) before it (a step started after it is given no time); `clear` drops it.
 */
function deadline(ms: number): { wait: (work: Promise<unknown>) => Promise<boolean>; clear: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  return {
    wait: (work) =>
      Promise.race([
        work.then(
          () => true,
          () => true,
        ),
        timeout,
      ]),
    clear: () => clearTimeout(timer),
  };
}

/**
 * The OTLP exporter, remembering why an export failed (the network code or
 * HTTP status only: the collector's answer may quote the request's headers).
 */
class WatchedExporter implements SpanExporter {
  failure?: string;

  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], done: Parameters<SpanExporter["export"]>[1]): void {
    this.inner.export(spans, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) this.failure ??= failureOf(result.error);
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** A short, secret-free cause: a network error code, an HTTP status, or "failed". */
function failureOf(error: Error | undefined): string {
  for (let item: unknown = error, depth = 0; item instanceof Error && depth < 5; item = item.cause, depth++) {
    const code = (item as { code?: unknown }).code;
    if (typeof code === "string" && /^E[A-Z_]+$/.test(code)) return code;
    const status = /\bstatus (\d{3})\b/.exec(item.message)?.[1] ?? (item as { code?: unknown }).code;
    if (typeof status === "string" && /^\d{3}$/.test(status)) return `HTTP ${status}`;
    if (typeof status === "number" && status >= 100 && status < 600) return `HTTP ${status}`;
    if (item.message === "Request timed out") return "timed out";
  }
  return "failed";
}
