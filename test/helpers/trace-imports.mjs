// Preload for tests: records every module URL the process resolves into the
// file named by MCP_CONTRACT_TRACE_FILE, so a test can assert what was loaded.
import { register } from "node:module";

register(new URL("./trace-imports-hooks.mjs", import.meta.url), {
  data: { file: process.env.MCP_CONTRACT_TRACE_FILE },
});
