/**
 * Which configured HTTP headers carry no credential. Every other header's value is a secret,
 * redacted from all output, whole and in part: an unknown name may carry a key (`X-Api-Key`,
 * `PRIVATE-TOKEN`, `Ocp-Apim-Subscription-Key`), so the list names only the standard headers that
 * describe the request itself. A `${VAR}` read into any header is a secret all the same.
 */

/** Standard request headers that say what the client accepts, sends or is: never a credential. */
const PLAIN_HEADERS = new Set([
  "accept",
  "accept-charset",
  "accept-encoding",
  "accept-language",
  "cache-control",
  "content-language",
  "content-type",
  "mcp-protocol-version",
  "pragma",
  "user-agent",
]);

/**
 * Whether a header named `name` (any case) carries no credential, so that its literal value is not
 * redacted: a value such as `application/json` would otherwise star every mention of it in
 * messages and tool definitions.
 */
export function isPlainHeader(name: string): boolean {
  return PLAIN_HEADERS.has(name.toLowerCase());
}
