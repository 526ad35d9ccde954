import { describe, expect, it } from "vitest";
import { type HttpTrace, retryingFetch } from "../../src/fetch/http.js";
import { closedPort } from "../helpers/ports.js";

const FAST = { retries: 3, baseDelayMs: 1, maxDelayMs: 1 };

describe("retryingFetch: the retries a message quotes", () => {
  it("are those of the request that failed, not a sum over the session's requests", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/mcp`;
    const trace: HttpTrace = { retries: 0 };
    const retrying = retryingFetch(trace, new AbortController().signal, FAST);
    // Two requests refused side by side (a version probe and a handshake) and one after them.
    const outcomes = await Promise.allSettled([
      retrying(url, { method: "POST" }),
      retrying(url, { method: "POST" }),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
    expect(trace.retries).toBe(3);
    await expect(retrying(url, { method: "POST" })).rejects.toThrow("fetch failed");
    expect(trace.retries).toBe(3);
  });

  it("is 0 after a request that was not retried", async () => {
    const trace: HttpTrace = { retries: 0 };
    const retrying = retryingFetch(trace, new AbortController().signal, FAST);
    await expect(
      retrying(`http://127.0.0.1:${await closedPort()}/mcp`, { method: "POST" }),
    ).rejects.toThrow();
    expect(trace.retries).toBe(3);
    // A URL fetch refuses outright is not retried: the count is this request's, 0.
    await expect(retrying("http://127.0.0.1:1/mcp", { method: "POST" })).rejects.toThrow();
    expect(trace.retries).toBe(0);
  });
});
