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
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
}

/** Whether to colour output: never with NO_COLOR, always with FORCE_COLOR, else only on a TTY. */
export function useColor(
  io: Pick<CommandIO, "env" | "isTTY">,
  stream: "stdout" | "stderr" = "stdout",
): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== "0") return true;
  return stream === "stdout" ? Boolean(process.stdout.isTTY) : io.isTTY;
}
