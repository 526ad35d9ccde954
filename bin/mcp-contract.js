#!/usr/bin/env node
// Tiny on purpose: enable the compile cache where Node has it, then hand over.
// CommonJS (bin/package.json), as the hot path's bundle is: a `check` the hot path answers, or
// that Node 20 runs from the offline check's compiled bundle, loads no part of Node's ES module
// loader.
// `check` first asks the hot path (one bundled file, Node built-ins only: src/hot.ts), which
// answers a `check --offline` an identical earlier run recorded when nothing it read has changed;
// anything else goes to the full CLI, run from its bundle, whose commands are imported lazily, so
// --help never loads the MCP SDK, ajv or handlebars.
"use strict";
const nodeModule = require("node:module");
const { join } = require("node:path");
const { pathToFileURL } = require("node:url");

nodeModule.enableCompileCache?.();
// A reader that stops early (`mcp-contract check | head`) closes the pipe: what is left to print
// is dropped, and the run ends with its own exit code, not a stack trace of EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code !== "EPIPE" && error.code !== "ERR_STREAM_DESTROYED") throw error;
  });
}

async function run() {
  let code;
  if (process.argv[2] === "check") {
    const dist = pathToFileURL(`${join(__dirname, "..", "dist")}/`);
    let hot;
    try {
      hot = require("../dist/hot.bundle.cjs");
      code = hot.runHot(dist);
    } catch {
      // No bundle (a bare `tsc` build): the full CLI answers.
    }
    // Not answered, on Node 20: the check compiled from V8's code cache, when it applies.
    const compiled = code === undefined ? hot?.compiledCheck?.(dist) : undefined;
    if (compiled) code = await compiled(process.argv.slice(2));
  }
  if (code === undefined) {
    // The CLI bundled (dist/bundle/, scripts/bundle.mjs): a lock loads ~60 files, not ~290, and a
    // check its diff engine in a few chunks, not 43 modules. A bare `tsc` build has no bundle: the
    // CLI as tsc wrote it answers.
    // `check` from its own bundle (dist/bundle/check-main.js: the other commands left out, so its
    // chunks are a few files, not ~55).
    const bundled =
      (process.argv[2] === "check"
        ? await import("../dist/bundle/check-main.js").catch(() => undefined)
        : undefined) ?? (await import("../dist/bundle/main.js").catch(() => undefined));
    const { main } = bundled ?? (await import("../dist/cli/main.js"));
    code = await main(process.argv.slice(2));
  }
  process.exitCode = code;
}

// A rejection (a bug: main reports every error itself) is printed and exits 1, as a top-level await's would.
run();
