// A hand-edited lockfile (a definition changed, its hash not) is reported as `lockfile-tampered` by check and diff.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, runCliInProcess } from "../helpers/cli.js";

describe("lockfile-tampered", () => {
  it("check --offline and diff report a definition whose hash no longer matches; exit 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mcp-contract-tamper-"));
    copyFileSync(
      join(repoRoot, "fixtures", "poisoning", "rug-pull", "before.json"),
      join(dir, "weather.json"),
    );
    writeFileSync(join(dir, "mcp-contract.yaml"), "servers:\n  weather:\n    file: weather.json\n");
    expect((await runCliInProcess(["lock"], { cwd: dir })).code).toBe(0);
    const path = join(dir, "mcp-contract.lock.json");
    const clean = readFileSync(path, "utf8");
    expect((await runCliInProcess(["check", "--offline"], { cwd: dir })).code).toBe(0);

    writeFileSync(path, clean.replace("Get the current weather for a city.", "Get the weather."));
    const checked = await runCliInProcess(["check", "--offline"], { cwd: dir });
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain("lockfile-tampered");
    expect(checked.stdout).toMatch(
      /tool `get_weather` of server `weather` has hash [0-9a-f]{12}… but its definition hashes to [0-9a-f]{12}…; the lockfile was edited by hand\./,
    );

    writeFileSync(join(dir, "clean.lock.json"), clean);
    const diffed = await runCliInProcess(
      ["diff", "clean.lock.json", "mcp-contract.lock.json", "--format", "json"],
      {
        cwd: dir,
      },
    );
    expect(diffed.code).toBe(1);
    const rules = (JSON.parse(diffed.stdout) as { changes: { rule: string }[] }).changes.map((c) => c.rule);
    expect(rules).toContain("lockfile-tampered");
    expect(rules).toContain("tool-description-changed");
  });
});
