// Preload for tests: records every module URL the process resolves into the file named by
// MCP_CONTRACT_TRACE_FILE, so a test can assert what was loaded; and each module the offline check
// compiled from V8's code cache initialises (src/hot.ts, `compiledCheck`: see trace-loads.mjs), and
// the project's own CommonJS files required (trace-require.mjs).
import { appendFileSync } from "node:fs";
import { register } from "node:module";
import { traceRequired } from "./trace-require.mjs";

const file = process.env.MCP_CONTRACT_TRACE_FILE;
register(new URL("./trace-imports-hooks.mjs", import.meta.url), { data: { file } });
globalThis[Symbol.for("mcp-contract.module-trace")] = (url) => {
  if (file) appendFileSync(file, `${url}\n`);
};
traceRequired((url) => {
  if (file) appendFileSync(file, `${url}\n`);
});
