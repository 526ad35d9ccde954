// Two real `lock` processes writing the same lockfile at once never leave a torn or mixed file: the
// result is exactly one run's complete lockfile, and no temp file is left behind. Each run locks its
// own tool list file (no server to start: the race is in the write), 400 tools of a lockfile of over
// 200 KB, so a write that is not atomic would be seen half done.
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emptyLockfile } from "../../src/lockfile/build.js";
import { serializeLockfile } from "../../src/lockfile/io.js";
import { runCli } from "../helpers/cli.js";

/** `count` tools named `prefix_i`, each with a schema of its own. */
function tools(prefix: string, count: number): unknown[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}_${i}`,
    description: `Tool ${i} of ${prefix}: ${"does one thing well. ".repeat(4)}`,
    inputSchema: {
      type: "object",
      properties: {
        id: { type: "string", description: `the ${prefix} record`, maxLength: 64 + i },
        mode: { type: "string", enum: ["fast", "safe", `${prefix}-${i}`] },
        limit: { type: "integer", minimum: 0, maximum: 1000 + i },
      },
      required: ["id"],
    },
  }));
}

function config(file: string): string {
  // The same server name and lockfile in both: the two runs race for one file with different contents.
  return ["lockfile: shared.lock.json", "servers:", "  crm:", `    file: ${file}`, ""].join("\n");
}

describe("concurrent writers", () => {
  it("two lock runs at once leave one complete lockfile and no temp files", async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "mcp-contract-race-")));
    writeFileSync(join(dir, "a.json"), JSON.stringify(tools("alpha", 400)));
    writeFileSync(join(dir, "b.json"), JSON.stringify(tools("beta", 400)));
    writeFileSync(join(dir, "a.yaml"), config("a.json"));
    writeFileSync(join(dir, "b.yaml"), config("b.json"));
    const lockPath = join(dir, "shared.lock.json");

    // The two complete outcomes, each run alone.
    const outcomes: string[] = [];
    for (const file of ["a.yaml", "b.yaml"]) {
      rmSync(lockPath, { force: true });
      const alone = await runCli(["lock", "--quiet", "--config", file], { cwd: dir });
      expect(alone.stderr).toBe("");
      expect(alone.code).toBe(0);
      outcomes.push(readFileSync(lockPath, "utf8"));
    }
    expect(outcomes[0]).not.toBe(outcomes[1]);
    for (const outcome of outcomes) expect(outcome.length).toBeGreaterThan(200_000);

    for (let round = 0; round < 5; round++) {
      // Odd rounds race over an existing lockfile (the rename replaces it), even rounds over none.
      // The existing one locks no server, so neither run accepts a breaking change (that needs
      // --accept-breaking, which would also write an acknowledgements file).
      if (round % 2 === 0) rmSync(lockPath, { force: true });
      else writeFileSync(lockPath, serializeLockfile(emptyLockfile()));
      const [a, b] = await Promise.all([
        runCli(["lock", "--quiet", "--config", "a.yaml"], { cwd: dir }),
        runCli(["lock", "--quiet", "--config", "b.yaml"], { cwd: dir }),
      ]);
      expect([a.code, a.stderr, b.code, b.stderr]).toEqual([0, "", 0, ""]);
      const text = readFileSync(lockPath, "utf8");
      expect(() => JSON.parse(text)).not.toThrow();
      expect(outcomes).toContain(text);
      expect(readdirSync(dir).sort()).toEqual(["a.json", "a.yaml", "b.json", "b.yaml", "shared.lock.json"]);
    }
  });
});
