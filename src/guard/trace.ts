/**
 * OpenTelemetry in the guard, loaded lazily: `@opentelemetry/api` is an
 * optional peer dependency. When it is not installed every span here is a
 * no-op; when it is, spans go to whatever tracer provider the application
 * registered (none registered: the API's own no-op), and the trace context is
 * propagated to the server in the request's `params._meta` (`traceparent`,
 * `tracestate`), as the OpenTelemetry MCP semantic conventions describe.
 */
import type { Change } from "../core/change.js";

type Api = typeof import("@opentelemetry/api");
type Span = import("@opentelemetry/api").Span;
type Context = import("@opentelemetry/api").Context;

let loading: Promise<Api | undefined> | undefined;

/** The OpenTelemetry API, or undefined when it is not installed; imported once, on first use. */
export function loadTracing(): Promise<Api | undefined> {
  loading ??= import("@opentelemetry/api").then(
    (api) => api,
    () => undefined,
  );
  return loading;
}

/** The instrumentation scope of the guard's spans. */
export const TRACER_NAME = "mcp-contract/guard";

let tracer: import("@opentelemetry/api").Tracer | undefined;

/** The guard's tracer, asked for once: the API's proxy follows a provider registered later. */
function guardTracer(api: Api): import("@opentelemetry/api").Tracer {
  tracer ??= api.trace.getTracer(TRACER_NAME);
  return tracer;
}

/** The most drift events one verify() span records (a server that changed everything). */
const MAX_DRIFT_EVENTS = 128;

/** One guarded call's span; every method is a no-op without OpenTelemetry. */
export interface CallSpan {
  /** `params` with the trace context added to its `_meta` (a copy; the caller's object is not changed). */
  propagate<P extends { _meta?: unknown }>(params: P): P;
  /** Runs `send` with this span as the active one (so the transport's own spans are its children). */
  within<T>(send: () => Promise<T>): Promise<T>;
  violation(code: string, message: string, blocking: boolean): void;
  fail(error: unknown): void;
  end(): void;
}

const NO_SPAN: CallSpan = {
  propagate: (params) => params,
  within: (send) => send(),
  violation: () => {},
  fail: () => {},
  end: () => {},
};

/** The span of one `tools/call`: name `tools/call TOOL`, kind client, the MCP attributes and the contract's. */
export function startCallSpan(
  api: Api | undefined,
  server: string,
  tool: string,
  hash: string | undefined,
): CallSpan {
  if (api === undefined) return NO_SPAN;
  const span = guardTracer(api).startSpan(`tools/call ${tool}`, {
    kind: api.SpanKind.CLIENT,
    attributes: {
      "mcp.method.name": "tools/call",
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": tool,
      "mcp_contract.server": server,
      ...(hash === undefined ? {} : { "mcp_contract.tool.hash": hash }),
    },
  });
  const context: Context = api.trace.setSpan(api.context.active(), span);
  return {
    propagate(params) {
      const carrier: Record<string, string> = {};
      api.propagation.inject(context, carrier);
      if (Object.keys(carrier).length === 0) return params;
      const meta = params._meta !== null && typeof params._meta === "object" ? params._meta : {};
      return { ...params, _meta: { ...meta, ...carrier } };
    },
    within: (send) => api.context.with(context, send),
    violation(code, message, blocking) {
      span.setAttribute("mcp_contract.violation", code);
      span.setAttribute("mcp_contract.violation.blocking", blocking);
      span.addEvent("mcp_contract.violation", {
        "mcp_contract.violation": code,
        "mcp_contract.violation.blocking": blocking,
        "exception.message": message,
      });
      if (blocking) {
        span.setAttribute("error.type", code);
        span.setStatus({ code: api.SpanStatusCode.ERROR, message });
      }
    },
    fail(error) {
      setError(api, span, error);
    },
    end: () => span.end(),
  };
}

/** The span of one `verify()`: a `tools/list` client span with one event per drifted finding. */
export interface VerifySpan {
  drift(changes: readonly Change[], ok: boolean): void;
  fail(error: unknown): void;
  end(): void;
  within<T>(list: () => Promise<T>): Promise<T>;
}

const NO_VERIFY: VerifySpan = { drift: () => {}, fail: () => {}, end: () => {}, within: (list) => list() };

export function startVerifySpan(api: Api | undefined, server: string): VerifySpan {
  if (api === undefined) return NO_VERIFY;
  const span = guardTracer(api).startSpan("tools/list", {
    kind: api.SpanKind.CLIENT,
    attributes: { "mcp.method.name": "tools/list", "mcp_contract.server": server },
  });
  const context: Context = api.trace.setSpan(api.context.active(), span);
  return {
    drift(changes, ok) {
      const count = (severity: string) => changes.filter((c) => c.severity === severity).length;
      span.setAttributes({
        "mcp_contract.ok": ok,
        "mcp_contract.changes.breaking": count("breaking"),
        "mcp_contract.changes.warning": count("warning"),
        "mcp_contract.changes.info": count("info"),
      });
      for (const change of changes.slice(0, MAX_DRIFT_EVENTS))
        span.addEvent("mcp_contract.drift", {
          "mcp_contract.rule": change.rule,
          "mcp_contract.severity": change.severity,
          ...(change.tool === undefined ? {} : { "gen_ai.tool.name": change.tool }),
          "mcp_contract.pointer": change.pointer,
          "mcp_contract.message": change.message,
        });
      if (!ok) span.setAttribute("error.type", "drift");
    },
    fail(error) {
      setError(api, span, error);
    },
    end: () => span.end(),
    within: (list) => api.context.with(context, list),
  };
}

function setError(api: Api, span: Span, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  span.setAttribute("error.type", error instanceof Error ? error.name : "Error");
  span.setStatus({ code: api.SpanStatusCode.ERROR, message });
}
