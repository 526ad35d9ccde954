/**
 * JSON on the wire must be UTF-8 (RFC 8259 §8.1). Decoders replace bytes that
 * are not with U+FFFD and say nothing, so a tool name sent as Latin-1 would be
 * locked as `caf\uFFFD` as if the server had sent that. Each source decodes
 * where it sees the bytes (stdio lines, HTTP bodies, `file:` sources) and
 * notes when they were not UTF-8; `checkTools` then reports the tools that
 * hold a replacement character.
 */

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
 * Wraps `fetchImpl` so that every successful response body is checked as
 * UTF-8 while it streams through, unchanged, to whoever reads it (the SDK's
 * JSON and event-stream parsers, or the `json` transport).
 */
export function utf8CheckedFetch(fetchImpl: FetchFn, watch: Utf8Watch): FetchFn {
  return async (input, init) => {
    const response = await fetchImpl(input, init);
    if (response.body === null || !response.ok || response.status === 204 || response.redirected) {
      return response;
    }
    const decoder = new TextDecoder("utf-8", { fatal: true });
    const check = (chunk?: Uint8Array): void => {
      if (watch.invalid) return;
      try {
        if (chunk === undefined) decoder.decode();
        else decoder.decode(chunk, { stream: true });
      } catch {
        watch.invalid = true;
      }
    };
    // A pull-through stream (each read forwards one read of the original body) rather than
    // pipeThrough(TransformStream): the same chunks, errors and cancellation, at a fraction of the
    // promises and objects per response, for the several responses of every server.
    const reader = response.body.getReader();
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
