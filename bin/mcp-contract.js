#!/usr/bin/env node
// Tiny on purpose: enable the compile cache where Node has it, then hand over.
// Commands are imported lazily by the CLI, so --help never loads the MCP SDK, ajv or handlebars.
import module from "node:module";

module.enableCompileCache?.();
const { main } = await import("../dist/cli/main.js");
process.exitCode = await main(process.argv.slice(2));
