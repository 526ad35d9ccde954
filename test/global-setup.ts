// CLI tests run the built bin: build once before the suite so `npm test` works on a fresh clone.
// MCP_CONTRACT_SKIP_BUILD=1 skips it when dist/ is known to be current.
import { execFileSync } from "node:child_process";

export default function setup(): void {
  if (process.env.MCP_CONTRACT_SKIP_BUILD === "1") return;
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    stdio: "inherit",
  });
}
