// A stdio MCP server (official SDK 1.x) that appends the `params._meta.traceparent` of each
// tools/list request it answers to the file named by its first argument.
import { appendFileSync } from "node:fs";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const [record] = process.argv.slice(2);
const server = new Server({ name: "meta", version: "1.0.0" }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, async (request) => {
  appendFileSync(record, `${request.params?._meta?.traceparent ?? "none"}\n`);
  return { tools: [{ name: "ping", inputSchema: { type: "object" } }] };
});
await server.connect(new StdioServerTransport());
