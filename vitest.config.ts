import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Tests start real servers and child processes: give them room on a shared 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ["test/global-setup.ts"],
    // The CLI tests' `check --offline` runs cache results: in a directory of this run, not the user's.
    env: { MCP_CONTRACT_CACHE_DIR: join(tmpdir(), `mcp-contract-test-cache-${process.pid}`) },
  },
});
