// Child process for the fetch benchmark: starts HTTP MCP fixture servers on 127.0.0.1 (ephemeral ports),
// prints their URLs as one JSON line, and runs until stdin closes. Servers live in their own process so
// their CPU does not share the measuring process's event loop.
// Usage: node bench/fetch-servers.mjs '<json: { servers: [{ tools, delayMs, pageSize }] }>'
import { startHttpFixture } from "../fixtures/servers/fixture-server.mjs";
import { generateTools } from "./generate.mjs";

const spec = JSON.parse(process.argv[2] ?? "{}");
const started = await Promise.all(
  (spec.servers ?? []).map((s, i) =>
    startHttpFixture({
      transport: "streamable-http",
      tools: generateTools(s.tools, 1000 + i),
      delayMs: s.delayMs,
      pageSize: s.pageSize,
      serverName: `bench-${i}`,
    }),
  ),
);
process.stdout.write(`${JSON.stringify(started.map((s) => s.url))}\n`);
process.stdin.resume();
process.stdin.on("end", async () => {
  await Promise.all(started.map((s) => s.close()));
  process.exit(0);
});
