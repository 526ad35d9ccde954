import type { CheckResult } from "../pipeline/check.js";

/**
 * The process edges a command may touch, passed in so commands stay testable
 * and never call process.exit themselves.
 */
export interface CommandIO {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (live progress, colour). */
  isTTY: boolean;
  /** Whether stdout is a terminal (colour of the text report). */
  stdoutIsTTY: boolean;
  /** Widths of stdout and stderr when they are terminals (help text wraps to them; 80 otherwise). */
  stdoutColumns?: number;
  stderrColumns?: number;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  /**
   * The secrets this run knows so far (cli/secrets.ts registers them): every error is redacted of
   * them. One list per run (`main` makes a fresh one), so concurrent runs never share it.
   */
  readonly secrets: string[];
  /** Told the result of a `check --offline` that used the result cache, once its report is written (the hot path records it). */
  checkedOffline?: (result: CheckResult) => void;
}

/** Whether to colour output: never with NO_COLOR, always with FORCE_COLOR, else only on a TTY. */
export function useColor(
  io: Pick<CommandIO, "env" | "isTTY" | "stdoutIsTTY">,
  stream: "stdout" | "stderr" = "stdout",
): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== "0") return true;
  return stream === "stdout" ? io.stdoutIsTTY : io.isTTY;
}
