#!/usr/bin/env node
// Tiny on purpose: enable the compile cache where Node has it, then hand over.
// `check` first asks the hot path (one bundled file, Node built-ins only: src/hot.ts), which
// answers a `check --offline` an identical earlier run recorded when nothing it read has changed;
// anything else goes to the full CLI, whose commands are imported lazily, so --help never loads
// the MCP SDK, ajv or handlebars; `lock` runs it from its bundle.
import module from "node:module";

module.enableCompileCache?.();
let code;
if (process.argv[2] === "check") {
  try {
    code = (await import("../dist/hot.bundle.js")).runHot(new URL("../dist/", import.meta.url));
  } catch {
    // No bundle (a bare `tsc` build): the full CLI answers.
  }
}
if (code === undefined) {
  // `lock` runs the CLI bundled (dist/bundle/, scripts/bundle.mjs): ~60 files to load, not ~290.
  // A bare `tsc` build has no bundle: the CLI as tsc wrote it answers.
  const bundled =
    process.argv[2] === "lock" ? await import("../dist/bundle/main.js").catch(() => undefined) : undefined;
  const { main } = bundled ?? (await import("../dist/cli/main.js"));
  code = await main(process.argv.slice(2));
}
process.exitCode = code;
