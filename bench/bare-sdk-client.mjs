// The baseline of the fetch benchmark (bench/run.mjs, row 4c): what anyone could write with the
// official SDK 1.x client. Connects to every URL given at once (Promise.all) over Streamable HTTP
// and lists what `mcp-contract lock` fetches by default: tools, prompts and resource templates
// (every page), the handshake's capabilities and instructions. Prints the counts as one JSON line.
// Usage: node bench/bare-sdk-client.mjs URL...
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

async function all(list) {
  const items = [];
  let cursor;
  do {
    const page = await list(cursor === undefined ? {} : { cursor });
    items.push(page);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return items;
}

async function listServer(url) {
  const client = new Client({ name: "bare-sdk-client", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  const tools = await all((params) => client.listTools(params));
  const capabilities = client.getServerCapabilities() ?? {};
  const prompts = capabilities.prompts ? await all((params) => client.listPrompts(params)) : [];
  const templates = capabilities.resources ? await all((params) => client.listResourceTemplates(params)) : [];
  const instructions = client.getInstructions();
  await client.close();
  return {
    tools: tools.flatMap((p) => p.tools).length,
    prompts: prompts.flatMap((p) => p.prompts).length,
    resourceTemplates: templates.flatMap((p) => p.resourceTemplates).length,
    instructions: typeof instructions === "string",
  };
}

const results = await Promise.all(process.argv.slice(2).map(listServer));
process.stdout.write(`${JSON.stringify(results)}\n`);
