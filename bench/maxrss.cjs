// Preloaded with --require by the memory and process benchmarks: on exit, append this process's peak RSS (KiB) to
// the file named by MCP_CONTRACT_BENCH_RSS_FILE. Node has no rusage for spawned children. On Linux the
// peak is VmHWM from /proc/self/status: getrusage's maxRSS survives exec, so a child spawned by a
// large parent (the bench, after its 50 MB workloads) would report the parent's size instead.
const { appendFileSync, readFileSync } = require("node:fs");

function peakKiB() {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (match) return Number(match[1]);
  } catch {}
  return process.resourceUsage().maxRSS;
}

const file = process.env.MCP_CONTRACT_BENCH_RSS_FILE;
if (file) process.on("exit", () => appendFileSync(file, `${peakKiB()}\n`));

// The CPU time (user + system, ms) this process used, for benchmarks whose wall time a loaded machine
// inflates: appended to MCP_CONTRACT_BENCH_CPU_FILE on exit.
const cpuFile = process.env.MCP_CONTRACT_BENCH_CPU_FILE;
if (cpuFile)
  process.on("exit", () => {
    const { user, system } = process.cpuUsage();
    appendFileSync(cpuFile, `${(user + system) / 1000}\n`);
  });
