/**
 * The MCP SDK writes diagnostics for interactive apps straight to
 * `console.warn` ("[mcp-sdk] OAuth \"invalid_client\" — retrying
 * authorization …", "Omitting `expectedIssuer` is deprecated …"). In CI they
 * would be a second, unredacted line beside our one-line error (their text
 * can quote what an authorization server sent), so while any fetch runs,
 * `console.warn` calls that start with "[mcp-sdk]" are dropped. Everything
 * else passes through, and the original is restored when the last fetch ends.
 */
const SDK_PREFIX = "[mcp-sdk]";

let active = 0;
let original: typeof console.warn | undefined;

/** Runs `work` with the SDK's console diagnostics silenced; safe to nest and to overlap. */
export async function withQuietSdk<T>(work: () => Promise<T>): Promise<T> {
  if (active++ === 0) {
    const warn = console.warn;
    original = warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === "string" && args[0].startsWith(SDK_PREFIX)) return;
      warn.apply(console, args);
    };
  }
  try {
    return await work();
  } finally {
    if (--active === 0 && original !== undefined) {
      console.warn = original;
      original = undefined;
    }
  }
}
