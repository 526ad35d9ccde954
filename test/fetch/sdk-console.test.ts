import { afterEach, describe, expect, it } from "vitest";
import { withQuietSdk } from "../../src/fetch/sdk-console.js";

const original = console.warn;
afterEach(() => {
  console.warn = original;
});

describe("withQuietSdk", () => {
  it("drops [mcp-sdk] diagnostics, passes everything else, restores console.warn after overlapping runs", async () => {
    const seen: unknown[][] = [];
    const capture = (...args: unknown[]) => {
      seen.push(args);
    };
    console.warn = capture;
    let release!: () => void;
    const first = withQuietSdk(
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    );
    await withQuietSdk(async () => {
      console.warn('[mcp-sdk] OAuth "invalid_client" — retrying authorization');
      console.warn("a user's own warning", 42);
    });
    // The first run is still going: still quiet.
    console.warn("[mcp-sdk] Omitting `expectedIssuer` is deprecated.");
    expect(console.warn).not.toBe(capture);
    release();
    await first;
    expect(console.warn).toBe(capture);
    console.warn("[mcp-sdk] after every fetch ended");
    expect(seen).toEqual([["a user's own warning", 42], ["[mcp-sdk] after every fetch ended"]]);
  });

  it("restores console.warn when the work throws", async () => {
    const capture = () => {};
    console.warn = capture;
    await expect(withQuietSdk(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(console.warn).toBe(capture);
  });
});
