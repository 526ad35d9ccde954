// Preload for tests (`--import`): writes "LOADED <url>" to stderr for every module Node loads
// through its ES loader (each chunk of a bundle, each CommonJS file imported), so a test can read
// what a real process loaded from its stderr. The offline check compiled from V8's code cache
// (src/hot.ts, `compiledCheck`) loads no module through Node: it tells the same hook each module
// of its bundle it initialises (as <bundle url>#<src or package file>; bundle-inputs.ts reads it).
// The project's own CommonJS files that are required (the bin, the hot path's bundle), which
// Node 20's loader hooks do not see, are told too (trace-require.mjs).
import { writeSync } from "node:fs";
import { register } from "node:module";
import { traceRequired } from "./trace-require.mjs";

register(new URL("./trace-loads-hooks.mjs", import.meta.url));
globalThis[Symbol.for("mcp-contract.module-trace")] = (url) => writeSync(2, `LOADED ${url}\n`);
traceRequired((url) => writeSync(2, `LOADED ${url}\n`));
