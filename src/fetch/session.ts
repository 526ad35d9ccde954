/**
 * One MCP session: connect with the v2 SDK client (negotiating the 2025-era
 * `initialize` handshake or the 2026-07-28 `server/discover`), then page
 * through tools/list RAW. The SDK validates and reshapes results; we tap the
 * transport so the lockfile records each tool exactly as the server sent it,
 * and a tool the SDK would reject does not cost us the rest of the list.
 */
import {
  Client,
  type JSONRPCMessage,
  type StandardSchemaV1,
  type Transport,
} from "@modelcontextprotocol/client";
import { walkPages } from "./pages.js";

/** What a session learned. */
export interface SessionResult {
  serverInfo?: { name: string; version: string };
  protocolVersion?: string;
  rawTools: unknown[];
  pages: number;
}

/** Session settings. */
export interface SessionOptions {
  signal: AbortSignal;
  /** Upper bound for each request; the overall deadline is enforced by `signal`. */
  requestTimeoutMs: number;
  maxPages: number;
  /** `legacy` skips the `server/discover` probe (used to retry servers that exit on it). */
  negotiation: "auto" | "legacy";
  onPage?: (page: number, tools: number) => void;
  /** Redacted from any server text the session quotes (a looping cursor); none when absent. */
  secrets?: readonly string[];
}

/** Accepts anything: we validate raw pages ourselves. */
const anyResult: StandardSchemaV1<unknown, unknown> = {
  "~standard": { version: 1, vendor: "mcp-contract", validate: (value: unknown) => ({ value }) },
};

/** The raw response to the tools/list request in flight. */
interface Tap {
  pendingId?: string | number;
  raw?: { id: string | number; result: unknown };
}

const CLIENT_INFO = { name: "mcp-contract", version: "0.1.0" };

/** Connects over `transport`, lists every tool raw, and closes the session (and transport). */
export async function listToolsRaw(transport: Transport, options: SessionOptions): Promise<SessionResult> {
  const client = new Client(CLIENT_INFO, {
    capabilities: {},
    // Never let the SDK's response cache answer instead of the server.
    defaultCacheTtlMs: 0,
    ...(options.negotiation === "auto"
      ? {
          versionNegotiation: {
            mode: "auto",
            probe: { timeoutMs: Math.min(options.requestTimeoutMs, 10_000) },
          },
        }
      : {}),
  });
  // Errors the transport reports outside any request (e.g. stray stdout) must not crash us;
  // the request that fails because of them carries the cause.
  client.onerror = () => {};
  try {
    const requestOptions = { signal: options.signal, timeout: options.requestTimeoutMs };
    await client.connect(transport, requestOptions);

    // Tap raw tools/list responses by JSON-RPC id.
    const tap: Tap = {};
    const captured = (): Tap["raw"] => tap.raw;
    const send = transport.send.bind(transport);
    transport.send = (message: JSONRPCMessage, sendOptions) => {
      if ("method" in message && message.method === "tools/list" && "id" in message)
        tap.pendingId = message.id;
      return send(message, sendOptions);
    };
    const deliver = transport.onmessage;
    transport.onmessage = (message, extra) => {
      if ("id" in message && message.id === tap.pendingId && "result" in message) {
        tap.raw = { id: message.id, result: message.result };
      }
      deliver?.(message, extra);
    };

    const walked = await walkPages(
      async (cursor) => {
        tap.raw = undefined;
        tap.pendingId = undefined;
        const params = cursor === undefined ? {} : { cursor };
        try {
          await client.request({ method: "tools/list", params }, anyResult, requestOptions);
        } catch (error) {
          // The SDK may reject a page it finds invalid (2026-era result validation);
          // the raw page is still ours to salvage.
          const raw = captured();
          if (raw === undefined || raw.id !== tap.pendingId) throw error;
        }
        const raw = captured();
        if (raw === undefined) throw new Error("tools/list returned no result");
        return raw.result;
      },
      options.maxPages,
      options.onPage,
      options.secrets,
    );
    const info = client.getServerVersion();
    const protocolVersion = client.getNegotiatedProtocolVersion();
    return {
      ...(info ? { serverInfo: { name: info.name, version: info.version } } : {}),
      ...(protocolVersion ? { protocolVersion } : {}),
      rawTools: walked.tools,
      pages: walked.pages,
    };
  } finally {
    await client.close().catch(() => {});
    await transport.close().catch(() => {});
  }
}
