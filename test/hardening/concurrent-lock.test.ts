// Two real `lock` processes writing the same lockfile at once never leave a torn or mixed file, and
// nobody reading the lockfile while they write ever sees one: every read is the previous file (or
// none), or exactly one run's complete lockfile; the end state is one run's complete lockfile, and
// no temp file is left behind. Each run locks its own tool list file (no server to start: the race
// is in the write), 1000 tools of a lockfile of over 3 MB, and a real reader process polls the
// lockfile in a tight loop from before the runs start until after both have finished, so a write
// that is not atomic is seen half done even when the two runs happen not to overlap in time.
//
// Checked that it can fail: with `writeFileAtomic` (src/lockfile/io.ts) changed to write the
// lockfile itself in 4 KB chunks (open "w", writeSync per chunk, no temp file, no rename) and
// rebuilt, this test fails: the reader sees partial files (a length short of every complete one).
//
// Correctness does not depend on speed: when one run writes before the other has read the
// lockfile, the second refuses (its tools would all be removed: breaking, exit 1) and writes
// nothing, which is allowed; the reader checks contents, never timing.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emptyLockfile } from "../../src/lockfile/build.js";
import { serializeLockfile } from "../../src/lockfile/io.js";
import { type CliResult, runCli, runCliInProcess } from "../helpers/cli.js";

/** `count` tools named `prefix_i`, each with a schema of its own and a long description. */
function tools(prefix: string, count: number): unknown[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}_${i}`,
    description: `Tool ${i} of ${prefix}: ${"does one thing well. ".repeat(120)}`,
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

/**
 * The reader: reads argv[1] in a tight loop until its stdin closes, each read compared with the
 * allowed contents (the files argv[2..]). Prints "ready" after its first read, then at the end one
 * JSON line: how many reads, which allowed contents (by index) and how many absent reads it saw,
 * and the first few reads that matched nothing (their length and first bytes).
 */
const READER = `
const { readFileSync } = require("node:fs");
const [path, ...files] = process.argv.slice(1);
const allowed = files.map((f) => readFileSync(f));
const seen = new Set();
const bad = [];
let reads = 0, absent = 0, stopped = false;
function once() {
  let bytes;
  try { bytes = readFileSync(path); } catch (e) { if (e.code !== "ENOENT") throw e; absent++; reads++; return; }
  reads++;
  const i = allowed.findIndex((a) => a.length === bytes.length && a.equals(bytes));
  if (i >= 0) seen.add(i);
  else if (bad.length < 5) bad.push({ length: bytes.length, head: bytes.subarray(0, 40).toString() });
}
process.stdin.on("end", () => { stopped = true; });
process.stdin.resume();
once();
process.stdout.write("ready\\n");
(async () => {
  while (!stopped) {
    for (let i = 0; i < 10; i++) once();
    await new Promise((r) => setImmediate(r));
  }
  once();
  process.stdout.write(JSON.stringify({ reads, absent, seen: [...seen].sort(), bad }) + "\\n");
})();
`;

interface ReaderSummary {
  reads: number;
  absent: number;
  seen: number[];
  bad: { length: number; head: string }[];
}

/** Starts the reader on `path`; resolves once it has made its first read. */
function startReader(
  path: string,
  allowedFiles: string[],
): Promise<{ child: ChildProcess; stop: () => Promise<ReaderSummary> }> {
  const child = spawn(process.execPath, ["-e", READER, path, ...allowedFiles], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (d) => {
    stderr += d;
  });
  const closed = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d) => {
      stdout += d;
      if (stdout.startsWith("ready\n")) resolve();
    });
    closed.then((code) => reject(new Error(`reader exited (${code}) before its first read: ${stderr}`)));
  });
  const stop = async (): Promise<ReaderSummary> => {
    child.stdin!.end();
    const code = await closed;
    expect([code, stderr]).toEqual([0, ""]);
    return JSON.parse(stdout.slice("ready\n".length)) as ReaderSummary;
  };
  return ready.then(() => ({ child, stop }));
}

/** A run either wrote its lockfile (0) or, finding the other's already there, refused and wrote nothing (1). */
function wroteOrRefused(run: CliResult): boolean {
  if (run.code === 0) return run.stderr === "";
  return (
    run.code === 1 &&
    /^mcp-contract: 1000 breaking changes \(listed above\) need a reason to be accepted; .*shared\.lock\.json was not changed\./.test(
      run.stderr,
    )
  );
}

describe("concurrent writers", () => {
  it("two lock runs at once leave one complete lockfile, no temp files, and no reader sees a torn one", async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "mcp-contract-race-")));
    // The allowed contents live outside `dir`, which must hold only what the runs leave there.
    const expected = realpathSync(mkdtempSync(join(tmpdir(), "mcp-contract-race-expected-")));
    try {
      writeFileSync(join(dir, "a.json"), JSON.stringify(tools("alpha", 1000)));
      writeFileSync(join(dir, "b.json"), JSON.stringify(tools("beta", 1000)));
      writeFileSync(join(dir, "a.yaml"), config("a.json"));
      writeFileSync(join(dir, "b.yaml"), config("b.json"));
      const lockPath = join(dir, "shared.lock.json");
      const options = { cwd: dir, timeoutMs: 150_000 };

      // The previous lockfile of odd rounds, then the two complete outcomes, each run alone.
      const previous = serializeLockfile(emptyLockfile());
      const contents: string[] = [previous];
      for (const file of ["a.yaml", "b.yaml"]) {
        rmSync(lockPath, { force: true });
        // In process (test/helpers/cli.ts): these only make the two outcomes; the races below are processes.
        const alone = await runCliInProcess(["lock", "--quiet", "--config", file], { cwd: dir });
        expect(alone.stderr).toBe("");
        expect(alone.code).toBe(0);
        contents.push(readFileSync(lockPath, "utf8"));
      }
      const outcomes = contents.slice(1);
      expect(outcomes[0]).not.toBe(outcomes[1]);
      for (const outcome of outcomes) expect(outcome.length).toBeGreaterThan(3_000_000);
      const allowedFiles = contents.map((text, i) => {
        const file = join(expected, `${i}.json`);
        writeFileSync(file, text);
        return file;
      });

      for (let round = 0; round < 4; round++) {
        // Odd rounds race over an existing lockfile (the rename replaces it), even rounds over none.
        // The existing one locks no server, so neither run accepts a breaking change (that needs
        // --accept-breaking, which would also write an acknowledgements file).
        if (round % 2 === 0) rmSync(lockPath, { force: true });
        else writeFileSync(lockPath, previous);
        const reader = await startReader(lockPath, allowedFiles);
        let runs: CliResult[];
        try {
          runs = await Promise.all([
            runCli(["lock", "--quiet", "--config", "a.yaml"], options),
            runCli(["lock", "--quiet", "--config", "b.yaml"], options),
          ]);
        } catch (error) {
          reader.child.kill("SIGKILL");
          throw error;
        }
        const summary = await reader.stop();

        // Every read was the previous state or one complete outcome: never partial, never a mix.
        expect(summary.bad).toEqual([]);
        expect(summary.absent > 0).toBe(round % 2 === 0);
        expect(summary.seen.includes(0)).toBe(round % 2 === 1);

        const [a, b] = runs;
        expect([wroteOrRefused(a!), wroteOrRefused(b!)]).toEqual([true, true]);
        expect(a!.code === 0 || b!.code === 0).toBe(true);
        const text = readFileSync(lockPath, "utf8");
        expect(() => JSON.parse(text)).not.toThrow();
        expect(outcomes).toContain(text);
        // A run that refused left the other's lockfile in place.
        if (a!.code !== 0) expect(text).toBe(outcomes[1]);
        if (b!.code !== 0) expect(text).toBe(outcomes[0]);
        // The reader was still reading after the last write: it saw the end state.
        expect(summary.seen).toContain(contents.indexOf(text));
        expect(readdirSync(dir).sort()).toEqual(["a.json", "a.yaml", "b.json", "b.yaml", "shared.lock.json"]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(expected, { recursive: true, force: true });
    }
  }, 180_000);
});
