// Preloaded with --require by the memory benchmark: on exit, append this process's peak RSS (KiB, from
// getrusage) to the file named by MCP_CONTRACT_BENCH_RSS_FILE. Node has no rusage for spawned children.
const { appendFileSync } = require("node:fs");

const file = process.env.MCP_CONTRACT_BENCH_RSS_FILE;
if (file) process.on("exit", () => appendFileSync(file, `${process.resourceUsage().maxRSS}\n`));
