// The lockfile and the acknowledgements file are written atomically: a write that fails part way
// leaves the old file byte for byte and no temp file. The failure is real: a child process under
// a file size limit (`ulimit -f`), where write(2) stops short and then fails with EFBIG; a plain
// writeFile would leave the file truncated at the limit.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/cli.js";

const dist = (path: string) => JSON.stringify(pathToFileURL(join(repoRoot, "dist", path)).href);
const dir = mkdtempSync(join(tmpdir(), "mcp-contract-atomic-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs an ES module's text in a child Node process whose files may not grow past `kib` KiB. */
function runLimited(script: string, kib: number) {
  const file = join(dir, "script.mjs");
  writeFileSync(file, script);
  return spawnSync("bash", ["-c", `ulimit -f ${kib}; exec "$0" "$@"`, process.execPath, file], {
    cwd: dir,
    encoding: "utf8",
  });
}

/** `n` acknowledgements of removed tools, built by the real `acknowledge`. */
const acks = (n: number) => `
import { acknowledge } from ${dist("policy/acknowledgements.js")};
const now = new Date("2026-06-01T00:00:00Z");
const acks = Array.from({ length: ${n} }, (_, i) => acknowledge(
  { rule: "tool-removed", severity: "breaking", server: "crm", tool: "tool_" + i, pointer: "", message: "tool tool_" + i + " was removed" },
  { reason: "the prompts no longer use it", acceptedBy: "ana", now },
));`;

describe("a failed write leaves the old file intact", () => {
  it("the acknowledgements file: one line naming it, exit 2 (a config error), no temp file", () => {
    const path = join(dir, "mcp-contract.acks.json");
    // An existing file of one acknowledgement (well under the limit).
    const seed = runLimited(
      `${acks(1)}
import { writeAcknowledgements } from ${dist("pipeline/acknowledgements.js")};
await writeAcknowledgements(${JSON.stringify(path)}, acks, ${JSON.stringify(dir)});`,
      1024,
    );
    expect(seed.stderr).toBe("");
    const before = readFileSync(path, "utf8");
    expect(JSON.parse(before).acknowledgements).toHaveLength(1);
    expect(before.length).toBeLessThan(2048);

    // 40 more: the new file is far past the 2 KiB limit.
    const failed = runLimited(
      `${acks(40)}
import { writeAcknowledgements } from ${dist("pipeline/acknowledgements.js")};
try {
  await writeAcknowledgements(${JSON.stringify(path)}, acks, ${JSON.stringify(dir)});
} catch (error) {
  process.stdout.write(error.constructor.name + " " + error.exitCode + " " + error.message + "\\n");
}`,
      2,
    );
    expect(failed.stderr).toBe("");
    expect(failed.stdout).toBe(
      "ConfigError 2 mcp-contract.acks.json: cannot write acknowledgements file (EFBIG)\n",
    );
    expect(readFileSync(path, "utf8")).toBe(before);
    expect(readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("the lockfile: a short write is an error, not a truncated lockfile", () => {
    const path = join(dir, "mcp-contract.lock.json");
    const lockfile = (tools: number) => `
import { writeLockfile } from ${dist("lockfile/io.js")};
import { lockServer } from ${dist("lockfile/build.js")};
const tools = Array.from({ length: ${tools} }, (_, i) => ({ name: "tool_" + i, description: "x".repeat(100), inputSchema: { type: "object" } }));
const lock = { lockfileVersion: 1, servers: { crm: lockServer({ tools }) } };
try {
  await writeLockfile(${JSON.stringify(path)}, lock);
} catch (error) {
  process.stdout.write(error.constructor.name + " " + error.message + "\\n");
}`;
    const seed = runLimited(lockfile(1), 1024);
    expect(seed).toMatchObject({ stdout: "", stderr: "" });
    const before = readFileSync(path, "utf8");
    expect(before.length).toBeLessThan(2048);

    const failed = runLimited(lockfile(100), 2);
    expect(failed.stderr).toBe("");
    expect(failed.stdout).toBe(`LockfileError ${path}: cannot write lockfile (EFBIG)\n`);
    expect(readFileSync(path, "utf8")).toBe(before);
    expect(readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });
});
