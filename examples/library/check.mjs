#!/usr/bin/env node
// mcp-contract as a library: what `mcp-contract check --format json` prints, from code.
// Run it on the demo from the repository root (after `npm run build`):
//   node examples/library/check.mjs examples/crm-agent
// It prints the same bytes as `cd examples/crm-agent && mcp-contract check --format json`
// and exits with the same code (1: the demo's CRM server broke the contract).
import { checkProject, formatReport, getExitCode } from "mcp-contract";

const { report } = await checkProject({
  // The project directory: its mcp-contract.yaml is found from here, as the CLI finds it.
  cwd: process.argv[2] ?? process.cwd(),
  // Servers that fail to fetch are in report.errors; say so as the CLI does.
  hooks: {
    failed: (failures) => {
      for (const failure of failures) console.error(`mcp-contract: ${failure.message}`);
    },
  },
});
process.stdout.write(formatReport(report, "json"));
process.exitCode = getExitCode(report, { failOn: "breaking" });
