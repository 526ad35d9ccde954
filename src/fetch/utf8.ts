/**
 * JSON on the wire must be UTF-8 (RFC 8259 §8.1). Decoders replace bytes that
 * are not with U+FFFD and say nothing, so a tool name sent as Latin-1 would be
 * locked as `caf\uFFFD` as if the server had sent that. Each source decodes
 * where it sees the bytes (stdio lines, HTTP bodies, `file:` sources) and
 * notes when they were not UTF-8; `checkTools` then reports the tools that
 * hold a replacement character.
 */

import { isUtf8 } from "node:buffer";

/** The shape of `fetch` (as in http.ts, not imported: stdio.ts uses this module too). */
type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Whether a source has seen bytes that are not UTF-8. Sticky: once seen, it stays seen. */
export class Utf8Watch {
  invalid = false;
}

const strict = new TextDecoder("utf-8", { fatal: true });
const lenient = new TextDecoder("utf-8");

/** `bytes` as text; invalid sequences become U+FFFD, and `watch` notes that they did. */
export function decodeUtf8(bytes: Uint8Array, watch: Utf8Watch): string {
  try {
    return strict.decode(bytes);
  } catch {
    watch.invalid = true;
    return lenient.decode(bytes);
  }
}

/**
 * Where `utf8CheckedFetch` puts its watch in the `init` it passes down: a fetch
 * that sees it may check the bytes itself and add the response to
 * `checkedResponses`.
 */
export const UTF8_WATCH = Symbol("mcp-contract UTF-8 watch");

/** Responses whose body the fetch that made them checks as it streams. */
export const checkedResponses = new WeakSet<Response>();

/** Whether `utf8CheckedFetch` checks `response`: a successful answer with a body, not a redirect. */
export function utf8Checkable(response: Response): boolean {
  return response.body !== null && response.ok && response.status !== 204 && !response.redirected;
}

/**
 * A streaming UTF-8 check that notes invalid bytes in `watch`: each chunk, then no chunk at the end.
 * Each chunk is validated by `isUtf8` (no string is made: a fatal `TextDecoder` decoded every body
 * only to throw the text away, ~60× the time), up to a sequence the chunk ends in the middle of,
 * whose bytes are checked with the next chunk; one still open at the end is invalid, as for the
 * decoder.
 */
export function utf8Check(watch: Utf8Watch): (chunk?: Uint8Array) => void {
  let open: Uint8Array | undefined;
  return (chunk) => {
    if (watch.invalid) return;
    if (chunk === undefined) {
      if (open !== undefined) watch.invalid = true;
      open = undefined;
      return;
    }
    const bytes = open === undefined ? chunk : Buffer.concat([open, chunk]);
    const end = completeLength(bytes);
    open = end < bytes.length ? bytes.slice(end) : undefined;
    if (!isUtf8(bytes.subarray(0, end))) watch.invalid = true;
  };
}

/**
 * How many leading bytes of `bytes` end on a sequence boundary: all of them, unless the last one to
 * three bytes are the start of a sequence that needs more (a lead byte and fewer continuation bytes
 * than it announces). Anything else, valid or not, is left to `isUtf8`.
 */
function completeLength(bytes: Uint8Array): number {
  const length = bytes.length;
  for (let back = 1; back <= 3 && back <= length; back++) {
    const byte = bytes[length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const needs = byte >= 0xf0 && byte <= 0xf4 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc2 ? 2 : 1;
    return needs > back && byte < 0xf5 ? length - back : length;
  }
  return length;
}

/**
 * Wraps `fetchImpl` so that every successful response body is checked as
 * UTF-8 while it streams through, unchanged, to whoever reads it (the SDK's
 * JSON and event-stream parsers, or the `json` transport).
 */
export function utf8CheckedFetch(fetchImpl: FetchFn, watch: Utf8Watch): FetchFn {
  return async (input, init) => {
    // A fetch that reads the body itself (node-fetch.ts) checks it on the way, with no second stream.
    const response = await fetchImpl(input, { ...init, [UTF8_WATCH]: watch } as RequestInit);
    if (!utf8Checkable(response) || checkedResponses.has(response)) return response;
    const check = utf8Check(watch);
    // A pull-through stream (each read forwards one read of the original body) rather than
    // pipeThrough(TransformStream): the same chunks, errors and cancellation, at a fraction of the
    // promises and objects per response, for the several responses of every server.
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const { done, value } = await reader.read();
          if (done) {
            check();
            controller.close();
            return;
          }
          check(value);
          controller.enqueue(value);
        },
        cancel(reason) {
          return reader.cancel(reason);
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/** Indices of the raw entries that hold U+FFFD anywhere (a name, a description, a key). */
export function entriesWithReplacement(raw: readonly unknown[]): Set<number> {
  const found = new Set<number>();
  raw.forEach((entry, index) => {
    if (holdsReplacement(entry)) found.add(index);
  });
  return found;
}

/** Walks without recursion: a tool can be nested deeper than the stack. */
function holdsReplacement(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === "string") {
      if (node.includes("\uFFFD")) return true;
    } else if (Array.isArray(node)) {
      stack.push(...node);
    } else if (typeof node === "object" && node !== null) {
      for (const [key, value] of Object.entries(node)) {
        if (key.includes("\uFFFD")) return true;
        stack.push(value);
      }
    }
  }
  return false;
}
