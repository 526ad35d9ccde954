// Real official SDK clients, 1.x and 2.x, connected over stdio (a child running
// fixtures/servers/guard-server.mjs) or Streamable HTTP (that server on 127.0.0.1),
// and what the server recorded of the requests it received.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client as ClientV2, StreamableHTTPClientTransport as HttpV2 } from "@modelcontextprotocol/client";
import { StdioClientTransport as StdioV2 } from "@modelcontextprotocol/client/stdio";
import { Client as ClientV1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport as StdioV1 } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport as HttpV1 } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { type GuardFixtureOptions, startGuardHttp } from "../../fixtures/servers/guard-server.mjs";
import { serverScript } from "../helpers/servers.js";

export const guardServerPath = serverScript("fixtures/servers/guard-server.mjs");

export type Sdk = "1.x" | "2.x";
export type Wire = "stdio" | "http";

/** One request the fixture server received. */
export interface Received {
  method: string;
  params:
    | { name?: string; cursor?: string; arguments?: Record<string, unknown>; _meta?: Record<string, unknown> }
    | undefined;
}

export interface Connected<C> {
  client: C;
  /** Every request the server received so far, in order. */
  received: () => Received[];
  close: () => Promise<void>;
}

/** A fixture server with `options`, and a client of `sdk` connected to it over `wire`. */
export async function connect(
  sdk: "1.x",
  wire: Wire,
  options: GuardFixtureOptions,
): Promise<Connected<ClientV1>>;
export async function connect(
  sdk: "2.x",
  wire: Wire,
  options: GuardFixtureOptions,
): Promise<Connected<ClientV2>>;
export async function connect(
  sdk: Sdk,
  wire: Wire,
  options: GuardFixtureOptions,
): Promise<Connected<ClientV1 | ClientV2>>;
export async function connect(
  sdk: Sdk,
  wire: Wire,
  options: GuardFixtureOptions,
): Promise<Connected<ClientV1 | ClientV2>> {
  const record = join(mkdtempSync(join(tmpdir(), "mcp-contract-guard-")), "received.jsonl");
  const serverOptions = { ...options, record };
  const info = { name: "guard-test", version: "1.0.0" };
  let stopServer = async () => {};
  let client: ClientV1 | ClientV2;
  if (wire === "stdio") {
    const spawn = { command: process.execPath, args: [guardServerPath, JSON.stringify(serverOptions)] };
    if (sdk === "1.x") {
      const c = new ClientV1(info);
      await c.connect(new StdioV1({ ...spawn, stderr: "inherit" }));
      client = c;
    } else {
      const c = new ClientV2(info);
      await c.connect(new StdioV2({ ...spawn, stderr: "inherit" }));
      client = c;
    }
  } else {
    const server = await startGuardHttp(serverOptions);
    stopServer = server.close;
    if (sdk === "1.x") {
      const c = new ClientV1(info);
      await c.connect(new HttpV1(new URL(server.url)));
      client = c;
    } else {
      const c = new ClientV2(info);
      await c.connect(new HttpV2(new URL(server.url)));
      client = c;
    }
  }
  return {
    client,
    received: () =>
      existsSync(record)
        ? readFileSync(record, "utf8")
            .split("\n")
            .filter((line) => line !== "")
            .map((line) => JSON.parse(line) as Received)
        : [],
    close: async () => {
      await client.close();
      await stopServer();
    },
  };
}
