/**
 * Turns whatever went wrong into one line for the user: the cause, without
 * stack traces, SDK jargon or secrets (redaction happens in the caller).
 */
import { SdkError, SseError } from "@modelcontextprotocol/client";
import { PaginationError } from "./pages.js";
import { ServerErrorAnswer, SessionFault } from "./session.js";
import { NonProtocolOutputError } from "./stdio.js";

/**
 * TLS verification failures. Each has its own message and is never retried:
 * the server would present the same certificate.
 */
const TLS_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_UNTRUSTED",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** Network error codes worth naming as-is (the TLS failures among them). */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  ...TLS_CODES,
]);

/**
 * Codes for a connection the server accepted and then closed or reset: the
 * server went away in the middle of an exchange, which is not "cannot connect".
 */
const CLOSED_CODES = new Set(["UND_ERR_SOCKET", "ECONNRESET", "EPIPE"]);

/** Whether `code` (from `networkCode`) says the server closed a connection it had accepted. */
export function isClosedConnection(code: string | undefined): boolean {
  return code !== undefined && CLOSED_CODES.has(code);
}

/** Every error in a cause chain (and AggregateError members), outermost first. */
export function causeChain(error: unknown): unknown[] {
  const out: unknown[] = [];
  const queue = [error];
  while (queue.length > 0 && out.length < 20) {
    const next = queue.shift();
    if (next === undefined || next === null || out.includes(next)) continue;
    out.push(next);
    if (next instanceof AggregateError) queue.push(...next.errors);
    if (next instanceof Error && next.cause !== undefined) queue.push(next.cause);
  }
  return out;
}

/** The first network error code in the chain, e.g. `ECONNREFUSED`. */
export function networkCode(error: unknown): string | undefined {
  for (const item of causeChain(error)) {
    const code = (item as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return code;
  }
  return undefined;
}

/** The first TLS certificate verification code in the chain, e.g. `SELF_SIGNED_CERT_IN_CHAIN`. */
export function tlsCode(error: unknown): string | undefined {
  for (const item of causeChain(error)) {
    const code = (item as { code?: unknown }).code;
    if (typeof code === "string" && TLS_CODES.has(code)) return code;
  }
  return undefined;
}

/**
 * What to tell the user about a certificate `where` presented that failed
 * verification with `code`. `extraCa` is `NODE_EXTRA_CA_CERTS`, if set.
 */
export function describeTlsFailure(where: string, code: string, extraCa: string | undefined): string {
  if (code === "CERT_HAS_EXPIRED") return `${where} presented an expired TLS certificate (${code})`;
  if (code === "CERT_NOT_YET_VALID")
    return `${where} presented a TLS certificate that is not valid yet (${code}); check the clock`;
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return `${where} presented a TLS certificate for another host name (${code}); use the host name the certificate names`;
  }
  const hint =
    extraCa === undefined || extraCa === ""
      ? "if a private CA signed it, set NODE_EXTRA_CA_CERTS to that CA's PEM file"
      : `NODE_EXTRA_CA_CERTS is ${extraCa}: check that this file holds the CA that signed it`;
  return `${where} presented a TLS certificate that is not trusted (${code}); ${hint}`;
}

/** An HTTP status named by an SDK error in the chain. */
export function httpStatus(error: unknown): number | undefined {
  for (const item of causeChain(error)) {
    const status = (item as { status?: unknown; data?: { status?: unknown } }).status;
    if (typeof status === "number") return status;
    // The legacy SSE transport's refused event stream: the status is its `code`.
    const code = (item as { code?: unknown }).code;
    if (item instanceof SseError && typeof code === "number" && code >= 100 && code <= 599) return code;
    const match = item instanceof Error ? /\bHTTP (\d{3})\b/.exec(item.message) : null;
    if (match) return Number(match[1]);
  }
  return undefined;
}

/**
 * What the server did wrong, when that is why the session failed: its own
 * JSON-RPC error answer, a pagination fault, a protocol violation. Every
 * transport reports these before anything it noticed afterwards (the process
 * we stopped, the connection we closed).
 */
export function sessionCause(error: unknown): string | undefined {
  for (const item of causeChain(error)) {
    if (item instanceof SessionFault || item instanceof ServerErrorAnswer || item instanceof PaginationError)
      return item.message;
  }
  return undefined;
}

/** A one-line description of an error that is not one of the cases the caller handles itself. */
export function describeError(error: unknown): string {
  const own = sessionCause(error);
  if (own !== undefined) return own;
  for (const item of causeChain(error)) {
    if (item instanceof NonProtocolOutputError) return item.message;
  }
  if (error instanceof SdkError && /timed out/i.test(error.message)) return "request timed out";
  // A schema validation error (zod, from the SDK) has a JSON array as its message: name the field.
  const issues = (error as { issues?: unknown }).issues;
  if (Array.isArray(issues) && issues.length > 0) {
    const issue = issues[0] as { path?: unknown[]; message?: string };
    const field = Array.isArray(issue.path) && issue.path.length > 0 ? issue.path.join(".") : "a field";
    return `the server sent an invalid response (${field}: ${issue.message ?? "invalid"})`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return firstLine(message) || (error instanceof Error ? error.name : "unknown error");
}

/**
 * The first non-empty line, trimmed. Never shortened here: the text may hold
 * a secret, and only `truncate` (redact, then cut) may shorten it.
 */
export function firstLine(text: string): string {
  return (
    text
      .split("\n")
      .map((part) => part.trim())
      .find((part) => part !== "") ?? ""
  );
}
