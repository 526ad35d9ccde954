/**
 * A stdio transport that owns its child and everything it starts: the SDK's
 * StdioClientTransport kills only the direct child, which leaves grandchildren
 * (npx → node, sh → server) holding database connections. This one spawns the
 * server detached (its own process group), marks its environment so that
 * descendants which leave the group or session are found too (Linux, see
 * ./descendants.ts), kills all of them on every path, keeps a redacted tail of
 * stderr, and reports non-protocol stdout text.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { JSONRPCMessage, Transport } from "@modelcontextprotocol/client";
import { redactFragment, truncate } from "../redact.js";
import { findDescendants, MARKER_VAR, signalProcesses } from "./descendants.js";
import { decodeUtf8, Utf8Watch } from "./utf8.js";

/** How to start a stdio server. */
export interface ChildParams {
  command: string;
  args: readonly string[];
  env: Record<string, string>;
  cwd: string;
  /** Secrets redacted from everything the transport quotes (stray stdout, the stderr tail). */
  secrets: readonly string[];
}

const STDERR_TAIL_LINES = 20;
const STDERR_TAIL_CHARS = 4000;
/** Grace period between SIGTERM and SIGKILL of the process group. */
const KILL_GRACE_MS = 1500;
/**
 * How long a closed server's stderr may take to deliver what it wrote before dying: the exit event
 * can come before the pipe is read to its end, and the tail an error quotes would lose its last
 * lines (bounded: a descendant that escaped the kill could hold the pipe open).
 */
const STDERR_DRAIN_MS = 200;

/** Every server we started and have not yet reaped (its pid, which is its group, and its marker). */
const liveServers = new Map<number, string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort when the CLI exits without closing (uncaught error, process.exit):
  // synchronous SIGKILL of every server, its group and every descendant still alive.
  process.on("exit", () => {
    for (const [pgid, marker] of liveServers) {
      const descendants = findDescendants(pgid, marker);
      killGroup(pgid, "SIGKILL");
      signalProcesses(descendants, "SIGKILL");
    }
  });
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** How much of a stray stdout line the error message quotes. */
const STRAY_QUOTE_CHARS = 120;

/** Why a line on stdout was not a JSON-RPC message; the quote is redacted, then cut. */
export class NonProtocolOutputError extends Error {
  override readonly name = "NonProtocolOutputError";
  constructor(line: string, secrets: readonly string[]) {
    super(`wrote non-protocol text to stdout: ${JSON.stringify(truncate(line, STRAY_QUOTE_CHARS, secrets))}`);
  }
}

/** The server closed its stdout while it kept running: no answer can come any more. */
export class StdoutClosedError extends Error {
  override readonly name = "StdoutClosedError";
  constructor(midMessage: boolean) {
    super(`closed its stdout${midMessage ? " in the middle of a message" : ""}`);
  }
}

/** How long a closed stdout waits for the process to exit before it counts as a fault of its own. */
const STDOUT_CLOSE_GRACE_MS = 200;

/** MCP client transport over a child process's stdin/stdout, owning its process group. */
export class ProcessGroupTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;

  private child?: ChildProcess;
  /** Bytes of the stdout line not yet ended by a newline. */
  private pending: Buffer[] = [];
  /** Notes stdout bytes that are not UTF-8 (decoded as U+FFFD). */
  readonly utf8 = new Utf8Watch();
  private stderrText = "";
  /** The stderr buffer lost its beginning: its first line is partial. */
  private stderrCut = false;
  private closed = false;
  /** Exit code or signal once the child has exited. */
  exitStatus?: { code: number | null; signal: NodeJS.Signals | null };
  /** True when the child exited before `close` asked it to (a crash, not our SIGTERM). */
  exitedOnItsOwn = false;
  private closing = false;
  /** Why the first non-JSON line the server printed to stdout is wrong, if it printed one. */
  strayOutput?: NonProtocolOutputError;
  private exited?: Promise<void>;
  /** This server's value of MARKER_VAR: what its descendants are recognised by. */
  private readonly marker = `${process.pid}.${randomBytes(8).toString("hex")}`;

  constructor(private readonly params: ChildParams) {}

  /** Child pid once started (the SDK uses `pid` and `stderr` to recognise a stdio transport). */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** The child's stderr stream (we keep our own tail of it). */
  get stderr(): NodeJS.ReadableStream | null {
    return this.child?.stderr ?? null;
  }

  /**
   * Last lines the server wrote to stderr, redacted. The buffer is redacted
   * whole before it is split, so a secret is never cut in two by a line choice;
   * once it has lost its beginning, its first (partial) line is dropped too.
   */
  stderrTail(): string {
    let text = redactFragment(this.stderrText, this.params.secrets, { start: this.stderrCut });
    if (this.stderrCut) text = text.slice(text.indexOf("\n") + 1);
    const lines = text.split("\n").filter((line) => line.trim() !== "");
    return lines.slice(-STDERR_TAIL_LINES).join("\n");
  }

  start(): Promise<void> {
    if (this.child) throw new Error("ProcessGroupTransport already started");
    installExitHook();
    return new Promise((resolve, reject) => {
      const child = spawn(this.params.command, [...this.params.args], {
        cwd: this.params.cwd,
        env: { ...this.params.env, [MARKER_VAR]: this.marker },
        stdio: ["pipe", "pipe", "pipe"],
        // Own process group, so one kill reaches every descendant.
        detached: process.platform !== "win32",
        windowsHide: true,
      });
      this.child = child;
      this.exited = new Promise((resolveExit) => {
        child.once("exit", (code, signal) => {
          this.exitStatus = { code, signal };
          this.exitedOnItsOwn = !this.closing;
          resolveExit();
        });
        child.once("error", () => resolveExit());
      });
      child.once("error", (error) => {
        reject(error);
        this.onerror?.(error);
      });
      child.once("spawn", () => {
        if (child.pid !== undefined) liveServers.set(child.pid, this.marker);
        resolve();
      });
      child.once("close", () => {
        if (child.pid !== undefined && this.closed) liveServers.delete(child.pid);
        this.finish();
      });
      child.stdin?.on("error", (error) => this.onerror?.(error));
      child.stdout?.on("data", (chunk: Buffer) => this.onStdout(chunk));
      // A process that exits closes stdout too: only a stdout closed by one that lives on is reported
      // here (an exit is reported by `close`).
      child.stdout?.once("end", () => {
        setTimeout(() => {
          if (this.exitStatus === undefined && !this.closing)
            this.onerror?.(new StdoutClosedError(this.pending.some((part) => part.toString().trim() !== "")));
        }, STDOUT_CLOSE_GRACE_MS).unref();
      });
      child.stderr?.setEncoding("utf8");
      child.stderr?.on("data", (chunk: string) => {
        const text = this.stderrText + chunk;
        if (text.length > STDERR_TAIL_CHARS) this.stderrCut = true;
        this.stderrText = text.slice(-STDERR_TAIL_CHARS);
      });
    });
  }

  /** Splits stdout into lines as bytes, so each line is decoded (and checked as UTF-8) whole. */
  private onStdout(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(0x0a, start);
      if (newline === -1) break;
      const piece = chunk.subarray(start, newline);
      start = newline + 1;
      const bytes = this.pending.length === 0 ? piece : Buffer.concat([...this.pending, piece]);
      this.pending = [];
      this.onLine(decodeUtf8(bytes, this.utf8).replace(/\r$/, ""));
    }
    if (start < chunk.length) this.pending.push(chunk.subarray(start));
  }

  private onLine(line: string): void {
    if (line.trim() === "") return;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      this.stray(line);
      return;
    }
    if (
      typeof message !== "object" ||
      message === null ||
      (message as { jsonrpc?: unknown }).jsonrpc !== "2.0"
    ) {
      this.stray(line);
      return;
    }
    // Raw parsed JSON, every key as sent; the SDK validates what it needs.
    this.onmessage?.(message as JSONRPCMessage);
  }

  private stray(line: string): void {
    if (this.strayOutput !== undefined) return;
    this.strayOutput = new NonProtocolOutputError(line, this.params.secrets);
    this.onerror?.(this.strayOutput);
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const stdin = this.child?.stdin;
      if (!stdin || this.closed || stdin.destroyed) {
        reject(new Error("Not connected: the server process has exited"));
        return;
      }
      if (stdin.write(`${JSON.stringify(message)}\n`)) resolve();
      else stdin.once("drain", () => resolve());
    });
  }

  /** Terminates the whole process group: SIGTERM, then SIGKILL after a grace period. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child || child.pid === undefined) {
      this.finish();
      return;
    }
    const pgid = child.pid;
    this.closing = true;
    try {
      child.stdin?.end();
    } catch {
      // already closed
    }
    // Found before any kill: once the server dies, its children lose their parent link.
    const descendants = findDescendants(pgid, this.marker);
    if (this.exitStatus === undefined || descendants.size > 0) {
      killGroup(pgid, "SIGTERM");
      signalProcesses(descendants, "SIGTERM");
      const timer = new Promise<void>((resolve) => setTimeout(resolve, KILL_GRACE_MS).unref());
      await Promise.race([this.exited, timer]);
    }
    // Descendants may outlive the leader: always sweep the group, and everything it started
    // that left the group, including what it started during the grace period.
    for (const [pid, start] of findDescendants(pgid, this.marker)) descendants.set(pid, start);
    killGroup(pgid, "SIGKILL");
    signalProcesses(descendants, "SIGKILL");
    await this.exited;
    liveServers.delete(pgid);
    await drained(child.stderr, STDERR_DRAIN_MS);
    child.stdout?.destroy();
    child.stderr?.destroy();
    this.finish();
  }
}

/** Resolves when `stream` has ended (everything in the pipe read), or after `ms`, whichever is first. */
function drained(stream: NodeJS.ReadableStream | null, ms: number): Promise<void> {
  const readable = stream as
    | (NodeJS.ReadableStream & { readableEnded?: boolean; destroyed?: boolean })
    | null;
  if (readable === null || readable.readableEnded || readable.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      readable.off("end", done);
      readable.off("close", done);
      resolve();
    };
    const timer = setTimeout(done, ms).unref();
    readable.once("end", done);
    readable.once("close", done);
  });
}
