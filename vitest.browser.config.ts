import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

// `npm run test:browser`: the html report in a real headless Chromium (Debian's `chromium`).
// Apart from `npm test` because it needs that browser; it fails, never skips, when there is none.
export default defineConfig({
  test: {
    include: ["test/browser/**/*.browser.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    globalSetup: ["test/global-setup.ts"],
    env: { MCP_CONTRACT_CACHE_DIR: join(tmpdir(), `mcp-contract-browser-cache-${process.pid}`) },
  },
});
