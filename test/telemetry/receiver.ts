/**
 * A real OTLP/HTTP receiver on 127.0.0.1 (what a collector's `otlp` receiver
 * does on :4318/v1/traces, JSON encoding): it keeps each export's headers and
 * decoded spans, and answers as told.
 */
import { createServer, type IncomingHttpHeaders, type RequestListener } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { listenOnLoopback } from "../../fixtures/servers/loopback.mjs";

/** An OTLP attribute value, as the JSON encoding writes it. */
type AnyValue = {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
  doubleValue?: number;
};

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  attributes?: { key: string; value: AnyValue }[];
  status?: { code?: number; message?: string };
}

/** One span as the tests read it: attributes as plain values. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 3 client. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  /** 0 unset, 1 ok, 2 error. */
  status: { code: number; message?: string };
  /** The resource's attributes (service.name, …). */
  resource: Record<string, string | number | boolean>;
}

/** One POST the receiver got. */
export interface Export {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  /** The base endpoint (OTEL_EXPORTER_OTLP_ENDPOINT). */
  endpoint: string;
  exports: Export[];
  /** Every span of every export, decoded, in the order they started. */
  spans(): ReceivedSpan[];
  close(): Promise<void>;
}

function plainValue(value: AnyValue): string | number | boolean {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.doubleValue !== undefined) return value.doubleValue;
  throw new Error(`unexpected OTLP value ${JSON.stringify(value)}`);
}

function attributesOf(
  list: { key: string; value: AnyValue }[] | undefined,
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) out[key] = plainValue(value);
  return out;
}

/**
 * How the receiver answers, after reading and keeping the export: at once (default), after
 * `delayMs` (a slow collector), never (`never`: no response at all; `trickle`: a 200's headers,
 * then a byte of body every 200 ms, never its end, which keeps the connection busy).
 */
export interface Answer {
  delayMs?: number;
  never?: "silent" | "trickle";
}

/**
 * Starts a receiver answering every export with `status` (200: accepted), as `answer` says; over
 * https with `tls`'s key and certificate.
 */
export async function startReceiver(
  status = 200,
  answer: Answer = {},
  tls?: { key: string; cert: string },
): Promise<Receiver> {
  const exports: Export[] = [];
  const listener: RequestListener = async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    exports.push({ path: req.url ?? "", headers: req.headers, body });
    if (answer.never === "silent") return;
    if (answer.never === "trickle") {
      res.writeHead(200, { "content-type": "application/json" });
      const timer = setInterval(() => res.write(" "), 200);
      res.on("close", () => clearInterval(timer));
      return;
    }
    if (answer.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    if (status === 200) res.writeHead(200, { "content-type": "application/json" }).end("{}");
    // A refusal quoting what it was sent, as some proxies do: none of it may be shown.
    else res.writeHead(status, { "content-type": "text/plain" }).end(JSON.stringify(req.headers));
  };
  const server = tls ? createHttpsServer(tls, listener) : createServer(listener);
  const { port, close } = await listenOnLoopback(server);
  return {
    endpoint: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    exports,
    spans: () =>
      exports
        .flatMap((item) => {
          const decoded = JSON.parse(item.body) as {
            resourceSpans: {
              resource?: { attributes?: { key: string; value: AnyValue }[] };
              scopeSpans: { spans: OtlpSpan[] }[];
            }[];
          };
          return decoded.resourceSpans.flatMap((resourceSpans) =>
            resourceSpans.scopeSpans.flatMap((scope) =>
              scope.spans.map((span) => ({
                start: BigInt(span.startTimeUnixNano),
                traceId: span.traceId,
                spanId: span.spanId,
                ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
                name: span.name,
                kind: span.kind,
                attributes: attributesOf(span.attributes),
                status: {
                  code: span.status?.code ?? 0,
                  ...(span.status?.message ? { message: span.status.message } : {}),
                },
                resource: attributesOf(resourceSpans.resource?.attributes),
              })),
            ),
          );
        })
        .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
        .map(({ start: _, ...span }) => span),
    close,
  };
}
