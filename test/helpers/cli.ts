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
import { format } from "node:util";

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

/**
 * Runs `command` as a real child process (stdin closed) and collects its output; SIGKILLs it after
 * `timeoutMs` (none when undefined). The one spawn-and-collect loop of the tests.
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: {
    cwd: string;
    env: Record<string, string | undefined>;
    timeoutMs?: number;
    /** Close the reading end of stdout at once, as `| head` does once it has read enough. */
    closedStdout?: boolean;
  },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    if (options.closedStdout) child.stdout.destroy();
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function runCli(
  args: readonly string[],
  options: CliOptions & { nodeArgs?: string[]; timeoutMs?: number; closedStdout?: boolean } = {},
): Promise<CliResult> {
  return runProcess(process.execPath, [...(options.nodeArgs ?? []), binPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: cliEnv(options.env),
    timeoutMs: options.timeoutMs ?? 45_000,
    ...(options.closedStdout && { closedStdout: true }),
  });
}

type Main = typeof import("../../src/cli/main.js").main;
let loaded: Promise<Main> | undefined;

/** Output of the in-process runs under way. */
const running = new Set<{ stdout: string; stderr: string }>();
let restoreStreams: (() => void) | undefined;

/**
 * While in-process runs are under way, whatever is written to this process's stdout or
 * stderr or console (a dependency's warning, a stray log) joins every running run's
 * output, as the child's pipes would carry it: such a write fails an exact assertion
 * here as it would with `runCli`, instead of going unseen to the test's console.
 */
export function captureStray(run: { stdout: string; stderr: string }): () => void {
  running.add(run);
  if (running.size === 1) {
    const { stdout, stderr } = process;
    const saved = { out: stdout.write, err: stderr.write, console: { ...console } };
    const to = (stream: "stdout" | "stderr") => (text: string) => {
      for (const r of running) r[stream] += text;
    };
    const toOut = to("stdout");
    const toErr = to("stderr");
    stdout.write = ((chunk: string | Uint8Array) => {
      toOut(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      return true;
    }) as typeof stdout.write;
    stderr.write = ((chunk: string | Uint8Array) => {
      toErr(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      return true;
    }) as typeof stderr.write;
    for (const name of ["log", "info", "debug"] as const) {
      console[name] = (...args: unknown[]) => toOut(`${format(...args)}\n`);
    }
    for (const name of ["warn", "error", "trace"] as const) {
      console[name] = (...args: unknown[]) => toErr(`${format(...args)}\n`);
    }
    restoreStreams = () => {
      stdout.write = saved.out;
      stderr.write = saved.err;
      Object.assign(console, saved.console);
    };
  }
  return () => {
    running.delete(run);
    if (running.size === 0) restoreStreams?.();
  };
}

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
  const output = { stdout: "", stderr: "" };
  const release = captureStray(output);
  try {
    const code = await main(args, {
      cwd: options.cwd ?? repoRoot,
      env,
      stdout: (text) => {
        output.stdout += text;
      },
      stderr: (text) => {
        output.stderr += text;
      },
      isTTY: false,
      stdoutIsTTY: false,
    });
    return { code, ...output };
  } finally {
    release();
  }
}
