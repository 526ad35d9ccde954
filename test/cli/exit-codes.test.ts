// Exit codes are named once (src/errors.ts) and each kind of failure has its own: an internal error
// exits 70 (EX_SOFTWARE), never the usage code 2; an interruption 130 (tested with real signals in
// test/fetch/cli-signals.test.ts). No other source file spells either number.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { ExitCode, InternalError, InterruptedError } from "../../src/errors.js";
import { emptyLockfile } from "../../src/lockfile/build.js";
import { writeLockfile } from "../../src/lockfile/io.js";
import { repoRoot } from "../helpers/cli.js";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("exit codes", () => {
  it("are 0, 1, 2, 3, 70 and 130, and the errors carry theirs", () => {
    expect(ExitCode).toEqual({
      Ok: 0,
      PolicyFailed: 1,
      Usage: 2,
      FetchFailed: 3,
      Internal: 70,
      Interrupted: 130,
    });
    expect(new InternalError("x").exitCode).toBe(70);
    expect(new InterruptedError().exitCode).toBe(130);
    expect(new InterruptedError().message).toBe("interrupted; lockfile unchanged");
  });

  it("no command is a usage error (the help on stderr, exit 2); help asked for is not (stdout, exit 0)", async () => {
    const run = async (args: string[]) => {
      const out = { stdout: "", stderr: "" };
      const code = await main(args, {
        stdout: (text) => {
          out.stdout += text;
        },
        stderr: (text) => {
          out.stderr += text;
        },
        isTTY: false,
        stdoutIsTTY: false,
      });
      return { code, ...out };
    };
    const none = await run([]);
    expect(none.code).toBe(ExitCode.Usage);
    expect(none.stdout).toBe("");
    expect(none.stderr).toMatch(/^Usage: mcp-contract \[options\] \[command\]\n/);
    for (const asked of [["--help"], ["help"]]) {
      const help = await run(asked);
      expect(help).toEqual({ code: ExitCode.Ok, stdout: none.stderr, stderr: "" });
    }
  });

  it("an unexpected exception is an internal error: exit 70 with its stack, not 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mcp-contract-exit-"));
    writeFileSync(join(dir, "a.json"), JSON.stringify({ tools: [] }));
    let stderr = "";
    const code = await main(["diff", "a.json", "a.json"], {
      cwd: dir,
      env: {},
      stdout: () => {
        throw new TypeError("stdout exploded");
      },
      stderr: (text) => {
        stderr += text;
      },
    });
    expect(code).toBe(70);
    expect(stderr).toMatch(
      /^mcp-contract: internal error, please report it: TypeError: stdout exploded\n {4}at /,
    );
  });

  it("a lockfile write after the signal is refused: InterruptedError, the file untouched", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mcp-contract-exit-"));
    const path = join(dir, "mcp-contract.lock.json");
    writeFileSync(path, "before\n");
    const controller = new AbortController();
    controller.abort();
    const error = await writeLockfile(path, emptyLockfile(), controller.signal).catch((e: Error) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect(readFileSync(path, "utf8")).toBe("before\n");
    expect(readdirSync(dir)).toEqual(["mcp-contract.lock.json"]);
  });

  it("no source file but src/errors.ts spells 70 or 130", () => {
    const spelled = sources(join(repoRoot, "src"))
      .filter((file) => !file.endsWith("errors.ts") && !file.endsWith(".generated.ts"))
      .filter((file) => /\b(?:70|130)\b/.test(readFileSync(file, "utf8")));
    expect(spelled).toEqual([]);
  });
});
