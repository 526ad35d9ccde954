/**
 * Pagination, independent of transport: follow `nextCursor` to the end, never
 * loop. An empty-string cursor is a cursor (2026-07-28), not the end.
 */

import { isRecord } from "../core/json.js";
import { truncate } from "../redact.js";

/** How much of a looping cursor the error message quotes. */
const CURSOR_QUOTE_CHARS = 60;

/** One raw tools/list result page. */
export type FetchPage = (cursor: string | undefined) => Promise<unknown>;

/** A pagination fault: the message says what went wrong, without the server name. */
export class PaginationError extends Error {
  override readonly name = "PaginationError";
}

/** Which list is walked: its method and the result member holding its items (default tools/list). */
export interface ListKind {
  method: string;
  key: string;
}

const TOOLS: ListKind = { method: "tools/list", key: "tools" };

/** The raw tool entries of every page, in order, and how many pages it took. */
export interface WalkedPages {
  tools: unknown[];
  pages: number;
}

/**
 * Fetches pages until one has no `nextCursor`. Throws `PaginationError` on a
 * cursor seen twice, on more than `maxPages` pages, or on a page that is not a
 * tools/list result. `onPage` is told the running totals. A quoted cursor is
 * redacted of `secrets` before it is cut.
 */
export async function walkPages(
  fetchPage: FetchPage,
  maxPages: number,
  onPage?: (page: number, tools: number) => void,
  secrets: readonly string[] = [],
  list: ListKind = TOOLS,
): Promise<WalkedPages> {
  const { method, key } = list;
  const tools: unknown[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 1; ; page++) {
    if (page > maxPages) {
      throw new PaginationError(
        `more than ${maxPages} pages of ${key === "tools" ? "tools" : `${method} results`} (the server keeps returning nextCursor; raise --max-pages if it really has that many)`,
      );
    }
    const result = await fetchPage(cursor);
    const items = isRecord(result) ? result[key] : undefined;
    if (!Array.isArray(items)) {
      throw new PaginationError(`${method} page ${page} is not a ${method} result (no "${key}" array)`);
    }
    tools.push(...items);
    onPage?.(page, tools.length);
    const next = (result as Record<string, unknown>).nextCursor;
    if (next === undefined || next === null) return { tools, pages: page };
    if (typeof next !== "string") {
      throw new PaginationError(
        `${method} page ${page} has a non-string nextCursor (${JSON.stringify(next)})`,
      );
    }
    if (seen.has(next)) {
      throw new PaginationError(
        `the server returned cursor ${JSON.stringify(truncate(next, CURSOR_QUOTE_CHARS, secrets))} twice (pagination loop)`,
      );
    }
    seen.add(next);
    cursor = next;
  }
}
