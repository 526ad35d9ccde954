/**
 * The in-process harness gives what the real process gives: same arguments, same
 * exit code, stdout and stderr, byte for byte. If it did not, tests converted to it
 * would assert something the shipped bin does not do.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { captureStray, repoRoot, runCli, runCliInProcess } from "../helpers/cli.js";
import { startCrmHttp } from "../helpers/crm-server.js";
import { closedPort } from "../helpers/ports.js";

const everything = join(
  repoRoot,
  "fixtures",
  "corpus",
  "snapshots",
  "@modelcontextprotocol__server-everything",
);
const demo = join(repoRoot, "examples", "crm-agent");

const cases: { name: string; args: string[]; cwd?: string; code: number }[] = [
  { name: "check on the demo (breaking changes, exit 1)", args: ["check"], cwd: demo, code: 1 },
  {
    name: "check --offline on the demo as JSON",
    args: ["check", "--offline", "--format", "json"],
    cwd: demo,
    code: 0,
  },
  {
    name: "diff of two corpus snapshots",
    args: ["diff", join(everything, "2025.7.29.json"), join(everything, "2025.9.12.json")],
    code: 1,
  },
  {
    name: "diff as SARIF (paths from the repository root)",
    args: ["diff", join(everything, "2025.7.29.json"), join(everything, "2025.9.12.json"), "-f", "sarif"],
    code: 1,
  },
  { name: "--help", args: ["--help"], code: 0 },
  { name: "check --help", args: ["check", "--help"], code: 0 },
  { name: "--version", args: ["--version"], code: 0 },
  { name: "no command (help on stderr, a usage error)", args: [], code: 2 },
  { name: "an unknown command", args: ["frobnicate"], code: 2 },
  { name: "a bad option value", args: ["diff", "a", "b", "--format", "xml"], code: 2 },
  { name: "a missing file", args: ["diff", "nope.json", "nope.json"], code: 2 },
];

describe("runCliInProcess agrees with runCli", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const options = c.cwd === undefined ? {} : { cwd: c.cwd };
      const [real, inProcess] = await Promise.all([
        runCli(c.args, options),
        runCliInProcess(c.args, options),
      ]);
      expect(real.code).toBe(c.code);
      expect(inProcess).toEqual(real);
    });
  }

  it("a fetch failure, with a header read from the environment given", async () => {
    const port = await closedPort();
    // One directory each: both write a lockfile.
    const project = () => {
      const dir = mkdtempSync(join(tmpdir(), "mcp-contract-in-process-"));
      writeFileSync(
        join(dir, "mcp-contract.yaml"),
        `servers:\n  crm:\n    url: http://127.0.0.1:${port}/mcp\n    headers:\n      Authorization: Bearer \${CRM_TOKEN}\n`,
      );
      return dir;
    };
    const env = { CRM_TOKEN: "tok-4f1c9e" };
    const [a, b] = [project(), project()];
    const [real, inProcess] = await Promise.all([
      runCli(["lock"], { cwd: a, env }),
      runCliInProcess(["lock"], { cwd: b, env }),
    ]);
    expect(real.code).toBe(3);
    expect(inProcess).toEqual({ ...real, stdout: real.stdout.replace(a, b) });
  });
});

describe("runs in one process do not leak into each other", () => {
  it("leaves no SIGINT or SIGTERM listener behind", async () => {
    const before = [process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")];
    await Promise.all([runCliInProcess(["check"], { cwd: demo }), runCliInProcess(["--help"])]);
    expect([process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")]).toEqual(before);
  });

  it("concurrent runs each redact their own secrets, and only theirs", async () => {
    // Two secrets, each a header of its own project's config (read from its run's environment).
    // Both runs name a lockfile in a directory whose name holds both secrets and which does not
    // exist: the error is only raised when the lockfile is written, after the fetch (the header's
    // secret registered by then), and is redacted by `main` alone, with the secrets of its own run.
    const alpha = "alpha-secret-4c1f9e2b";
    const beta = "beta-secret-7d03a6f8";
    const missing = `${alpha}--${beta}`;
    const server = await startCrmHttp("v1");
    try {
      const dirs: string[] = [];
      const project = () => {
        const dir = mkdtempSync(join(tmpdir(), "mcp-contract-in-process-"));
        dirs.push(dir);
        writeFileSync(
          join(dir, "mcp-contract.yaml"),
          `servers:\n  crm:\n    url: ${server.url}\n    headers:\n      X-Token: \${TOKEN}\nlockfile: ${missing}/mcp-contract.lock.json\n`,
        );
        return dir;
      };
      // Four at once (alpha, beta, alpha, beta), interleaved on the one event loop.
      const runs = await Promise.all(
        [alpha, beta, alpha, beta].map((token) =>
          runCliInProcess(["lock", "--quiet"], { cwd: project(), env: { TOKEN: token } }),
        ),
      );
      const error = (dir: string, name: string) => ({
        code: 2,
        stdout: "",
        stderr: `mcp-contract: ${join(dir, name, "mcp-contract.lock.json")}: cannot write lockfile (ENOENT)\n`,
      });
      expect(runs).toEqual([
        error(dirs[0]!, `***--${beta}`),
        error(dirs[1]!, `${alpha}--***`),
        error(dirs[2]!, `***--${beta}`),
        error(dirs[3]!, `${alpha}--***`),
      ]);
    } finally {
      await server.close();
    }
  });

  it("what else writes to this process's stdout, stderr or console during a run joins the run's output", () => {
    const saved = [console.warn, console.log, process.stdout.write, process.stderr.write];
    const run = { stdout: "", stderr: "" };
    const release = captureStray(run);
    console.warn("a warning %d", 1);
    console.log("a log");
    process.stdout.write("raw out\n");
    process.stderr.write(Buffer.from("raw err\n"));
    release();
    expect(run).toEqual({ stdout: "a log\nraw out\n", stderr: "a warning 1\nraw err\n" });
    expect([console.warn, console.log, process.stdout.write, process.stderr.write]).toEqual(saved);
  });
});
