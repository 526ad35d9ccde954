/**
 * Two ways to run the built CLI (dist/, built by test/global-setup.ts), both colour off:
 * - `runCli`: a real child process of bin/mcp-contract.js. For what depends on a process:
 *   signals, process groups, what a fresh process loads, the packaged bin, exit itself.
 * - `runCliInProcess`: `main(argv, io)` of dist/cli/main.js in this process, with the cwd,
 *   environment and output given through `io`. The same result for everything else
 *   (test/cli/in-process.test.ts compares the two), without starting Node each time.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export const repoRoot = join(import.meta.dirname, "..", "..");
export const binPath = join(repoRoot, "bin", "mcp-contract.js");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
}

/** The environment both harnesses give the CLI: this process's, colour off, not in CI, then `env`. */
function cliEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: "1",
    FORCE_COLOR: undefined,
    CI: undefined,
  };
  for (const [k, v] of Object.entries(overrides)) env[k] = v;
  return env;
}

export function runCli(
  args: readonly string[],
  options: CliOptions & { nodeArgs?: string[]; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), binPath, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: cliEnv(options.env) as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 45_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

type Main = typeof import("../../src/cli/main.js").main;
let loaded: Promise<Main> | undefined;

/**
 * Runs `main(args, io)` of the built CLI in this process: what `runCli` gives for the
 * same arguments, where the result depends on the arguments, files and environment only.
 * Output is collected as the child's pipes would carry it; stdout and stderr are not
 * terminals, as in `runCli`. Runs may overlap: each has its own io and known secrets.
 */
export async function runCliInProcess(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  // The build the bin runs (not src/ through Vite): the same code, modules and cache build id.
  loaded ??= import(pathToFileURL(join(repoRoot, "dist", "cli", "main.js")).href).then(
    (module: { main: Main }) => module.main,
  );
  const main = await loaded;
  // A child's environment has no unset variables: drop them, as spawn does.
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(cliEnv(options.env))) if (v !== undefined) env[k] = v;
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    cwd: options.cwd ?? repoRoot,
    env,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    isTTY: false,
    stdoutIsTTY: false,
  });
  return { code, stdout, stderr };
}
