/**
 * What the standard OTLP environment variables ask of a trace, and the types
 * the trace and the CLI share. Imports nothing of OpenTelemetry.
 */
import type { ReportSummary } from "../core/report.js";
import type { FetchTracer } from "../fetch/options.js";

/**
 * How long the export may take, retries included, unless OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT
 * says otherwise: half the specification's 10 s, since a command waits for it before it exits
 * (a collector that is down refuses at once, and the exporter retries until this runs out).
 */
export const DEFAULT_EXPORT_TIMEOUT_MS = 5000;

/** What the OTLP variables ask for. */
export interface TraceSettings {
  /** Where spans are sent (OTLP over HTTP, JSON encoding): the traces endpoint itself. */
  url: string;
  /** The variable `url` came from, for the warning line. */
  source: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" | "OTEL_EXPORTER_OTLP_ENDPOINT";
  /** OTEL_EXPORTER_OTLP_HEADERS then OTEL_EXPORTER_OTLP_TRACES_HEADERS: sent to the collector, never shown. */
  headers: Record<string, string>;
  serviceName: string;
  /** The longest the export may take, retries included. */
  timeoutMs: number;
  /**
   * The TLS files of an https collector (OTEL_EXPORTER_OTLP_(TRACES_)CERTIFICATE, _CLIENT_CERTIFICATE,
   * _CLIENT_KEY, the signal's own first): each with the variable it came from, for a warning.
   */
  tls: { ca?: TlsFile; cert?: TlsFile; key?: TlsFile };
}

/** A file named by one of the OTLP TLS variables. */
export interface TlsFile {
  variable: string;
  path: string;
}

/** Why no trace is exported although an endpoint is set: one line for stderr. */
export interface TraceRefusal {
  warning: string;
}

/**
 * Reads the OTLP variables: undefined when no endpoint is set or
 * OTEL_SDK_DISABLED is true; a warning when the endpoint is not a URL.
 */
export function traceSettings(
  env: Readonly<Record<string, string | undefined>>,
): TraceSettings | TraceRefusal | undefined {
  const value = (name: string): string | undefined => {
    const raw = Object.hasOwn(env, name) ? env[name]?.trim() : undefined;
    return raw === undefined || raw === "" ? undefined : raw;
  };
  if (value("OTEL_SDK_DISABLED")?.toLowerCase() === "true") return undefined;
  const traces = value("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  const base = value("OTEL_EXPORTER_OTLP_ENDPOINT");
  if (traces === undefined && base === undefined) return undefined;
  const source = traces !== undefined ? "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" : "OTEL_EXPORTER_OTLP_ENDPOINT";
  // The signal's own endpoint is used as is; the base one gets the traces path (OTLP/HTTP).
  const url = traces ?? `${base!.replace(/\/+$/, "")}/v1/traces`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { warning: `${source} is not a URL; no trace is exported` };
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return { warning: `${source} is not an http or https URL; no trace is exported` };
  }
  const headers: Record<string, string> = Object.create(null);
  for (const name of ["OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS"]) {
    Object.assign(headers, parseHeaders(value(name) ?? ""));
  }
  const timeout = value("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT") ?? value("OTEL_EXPORTER_OTLP_TIMEOUT");
  const timeoutMs =
    timeout !== undefined && /^\d+$/.test(timeout) && Number(timeout) > 0
      ? Number(timeout)
      : DEFAULT_EXPORT_TIMEOUT_MS;
  const tlsFile = (suffix: string): TlsFile | undefined => {
    for (const variable of [`OTEL_EXPORTER_OTLP_TRACES_${suffix}`, `OTEL_EXPORTER_OTLP_${suffix}`]) {
      const path = value(variable);
      if (path !== undefined) return { variable, path };
    }
    return undefined;
  };
  const tls: TraceSettings["tls"] = {};
  const ca = tlsFile("CERTIFICATE");
  const cert = tlsFile("CLIENT_CERTIFICATE");
  const key = tlsFile("CLIENT_KEY");
  if (ca) tls.ca = ca;
  if (cert) tls.cert = cert;
  if (key) tls.key = key;
  return {
    url,
    source,
    headers,
    serviceName: value("OTEL_SERVICE_NAME") ?? "mcp-contract",
    timeoutMs,
    tls,
  };
}

/**
 * `key1=value1,key2=value2` (the W3C Baggage format the OTLP exporter
 * variables use, values URL-encoded); entries without a `=` or a name are left out.
 */
export function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = Object.create(null);
  for (const entry of text.split(",")) {
    const at = entry.indexOf("=");
    if (at <= 0) continue;
    const name = entry.slice(0, at).trim();
    if (name === "") continue;
    const raw = entry.slice(at + 1).trim();
    let decoded = raw;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      // Not URL-encoded after all: sent as written.
    }
    headers[name] = decoded;
  }
  return headers;
}

/** How a run ended, for its root span. */
export interface RunOutcome {
  exitCode: number;
  /** The report's counts, when the run got that far. */
  summary?: ReportSummary;
  /** How many servers could not be fetched. */
  failedServers?: number;
  /** The run's error, redacted, when it threw. */
  error?: string;
}

/** A traced run: its tracer for the fetch, then its end. */
export interface RunTrace {
  tracer: FetchTracer;
  /** Ends the root span and exports the trace: at most the export timeout, then one warning line if it failed. */
  finish(outcome: RunOutcome): Promise<void>;
}

/** What the trace needs from the CLI. */
export interface TraceEnvironment {
  /** Writes one warning line (without the prefix). */
  warn: (line: string) => void;
  /** The secrets known so far in this run: every text a span carries is redacted with them. */
  secrets: () => readonly string[];
  /** Registers the exporter's header values as secrets of this run. */
  registerSecrets: (secrets: readonly string[]) => void;
  version: string;
}
