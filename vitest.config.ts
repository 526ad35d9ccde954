import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Tests start real servers and child processes: give them room on a shared 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Most files wait on child processes and servers, not the CPU: three workers on two cores
    // halve the wall time (224 s → 125 s measured idle); Vitest's default is cores − 1, one worker.
    maxWorkers: 3,
    globalSetup: ["test/global-setup.ts"],
    // The CLI tests' `check --offline` runs cache results: in a directory of this run, not the user's.
    env: { MCP_CONTRACT_CACHE_DIR: join(tmpdir(), `mcp-contract-test-cache-${process.pid}`) },
  },
});
