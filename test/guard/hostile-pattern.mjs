// Run by test/guard/hostile-pattern.test.ts as a child (a regression hangs this process, not the
// suite): the built guard on a real SDK 2.x client over stdio against the guard fixture server,
// with tools locked under hostile patterns. Prints one JSON line: how each call ended, and the
// warnings onViolation heard.
import { pathToFileURL } from "node:url";

const [root, lockfile, serverOptions, crafted] = process.argv.slice(2);
const { guardClient } = await import(pathToFileURL(`${root}/dist/guard/index.js`).href);
const { Client } = await import("@modelcontextprotocol/client");
const { StdioClientTransport } = await import("@modelcontextprotocol/client/stdio");

const client = new Client({ name: "hostile-pattern", version: "1.0.0" });
await client.connect(
  new StdioClientTransport({
    command: process.execPath,
    args: [`${root}/fixtures/servers/guard-server.mjs`, serverOptions],
    stderr: "inherit",
  }),
);
const warnings = [];
const guarded = guardClient(client, {
  lockfile,
  server: "hostile",
  onDrift: "off",
  onViolation: (v) => {
    if (!v.blocking) warnings.push({ code: v.code, tool: v.tool, message: v.message });
  },
});
const call = (name, args) =>
  guarded.callTool({ name, arguments: args }).then(
    (result) => ({ ok: result.content[0].text }),
    (error) => ({ code: error.code, message: error.message }),
  );
const outcomes = {
  crafted: await call("code", { code: crafted }),
  matching: await call("code", { code: "aaaa" }),
  craftedKey: await call("map", { [crafted]: 1 }),
  matchingKey: await call("map", { aaaa: 1 }),
  craftedOutput: await call("report", {}),
  lookaround: await call("password", { password: "short" }),
  lookaroundAgain: await call("password", { password: "still short" }),
};
await client.close();
process.stdout.write(`${JSON.stringify({ outcomes, warnings })}\n`);
