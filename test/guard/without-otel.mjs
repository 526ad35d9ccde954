// Run by test/guard/trace.test.ts as a child: the guard where @opentelemetry/api cannot be
// found (a resolve hook refuses it, as a project without the optional peer would), over stdio
// against the guard fixture server. Prints one JSON line: what happened and what was refused.
import { register } from "node:module";
import { pathToFileURL } from "node:url";

const hooks = `
export async function resolve(specifier, context, next) {
  if (specifier === "@opentelemetry/api" || specifier.startsWith("@opentelemetry/api/")) {
    const error = new Error("Cannot find package '@opentelemetry/api'");
    error.code = "ERR_MODULE_NOT_FOUND";
    throw error;
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);

const [root, lockfile, serverOptions] = process.argv.slice(2);
const { guardClient } = await import(pathToFileURL(`${root}/dist/guard/index.js`).href);
const { Client } = await import("@modelcontextprotocol/client");
const { StdioClientTransport } = await import("@modelcontextprotocol/client/stdio");
const otel = await import("@opentelemetry/api").then(
  () => "loaded",
  (error) => error.code,
);

const client = new Client({ name: "no-otel", version: "1.0.0" });
await client.connect(
  new StdioClientTransport({
    command: process.execPath,
    args: [`${root}/fixtures/servers/guard-server.mjs`, serverOptions],
    stderr: "inherit",
  }),
);
const guarded = guardClient(client, { lockfile, server: "crm" });
const result = await guarded.callTool({ name: "ping" });
const refused = await guarded.callTool({ name: "ping", arguments: { x: 1 } }).then(
  () => undefined,
  (error) => error.code,
);
await client.close();
process.stdout.write(`${JSON.stringify({ otel, text: result.content[0].text, refused })}\n`);
