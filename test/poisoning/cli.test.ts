// Poisoning warnings in the real CLI: on every `lock` (what is locked) and every `check` (what is live),
// including a rug pull: a description that turns malicious after the server was approved.
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, runCliInProcess } from "../helpers/cli.js";

const fixtures = join(repoRoot, "fixtures", "poisoning");

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "mcp-contract-poison-"));
  copyFileSync(join(fixtures, "rug-pull", "before.json"), join(dir, "weather.json"));
  writeFileSync(join(dir, "mcp-contract.yaml"), "servers:\n  weather:\n    file: weather.json\n");
  return dir;
}

describe("poisoning in lock and check", () => {
  it("a rug pull: clean at lock time, warned about on check and on the next lock", async () => {
    const dir = project();
    const locked = await runCliInProcess(["lock"], { cwd: dir });
    expect(locked.code).toBe(0);
    expect(locked.stdout).not.toContain("hidden-instructions");

    copyFileSync(join(fixtures, "rug-pull", "after.json"), join(dir, "weather.json"));
    const checked = await runCliInProcess(["check", "--format", "json"], { cwd: dir });
    // A description change is a warning, not breaking: the poisoning warning rides along, exit 0.
    expect(checked.code, checked.stderr).toBe(0);
    const report = JSON.parse(checked.stdout) as {
      changes: { rule: string; tool?: string; pointer: string }[];
    };
    expect(report.changes).toContainEqual(
      expect.objectContaining({ rule: "hidden-instructions", tool: "get_weather", pointer: "/description" }),
    );
    expect(report.changes.map((c) => c.rule)).toContain("tool-description-changed");

    const relocked = await runCliInProcess(["lock"], { cwd: dir });
    expect(relocked.code).toBe(0);
    expect(relocked.stdout).toContain("hidden-instructions");
    expect(relocked.stdout).toContain("Tool `get_weather` on server `weather`: its description contains");

    // Offline, the lockfile itself is scanned: the warning stays until the definition is fixed.
    const offline = await runCliInProcess(["check", "--offline"], { cwd: dir });
    expect(offline.code).toBe(0);
    expect(offline.stdout).toContain("hidden-instructions");
  });
});
