/**
 * Typed errors. Commands throw these; only the CLI entry turns them into a
 * message and an exit code (see `exitCodeFor`). Messages are one line, name the
 * file, server or tool at fault, and say what to do.
 */

/** Exit codes shared by every command. */
export const ExitCode = {
  /** Nothing the policy fails on. */
  Ok: 0,
  /** The policy failed: breaking changes, stale template references. */
  PolicyFailed: 1,
  /** Usage, config, lockfile or template error: the user must fix an input. */
  Usage: 2,
  /** A server could not be fetched. */
  FetchFailed: 3,
  /** A bug in mcp-contract itself (EX_SOFTWARE from sysexits.h). */
  Internal: 70,
  /** Stopped by SIGINT or SIGTERM before it finished (128 + SIGINT, as shells report it). */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The input file at fault (absolute path) and, when known, the 1-based position in it. */
export interface ErrorLocation {
  file: string;
  line?: number;
  column?: number;
}

/** Base class: every error mcp-contract raises on purpose. */
export abstract class ContractError extends Error {
  abstract readonly exitCode: ExitCode;
  // Private, behind an accessor: not an own property, so errors still compare by name and message.
  #location: ErrorLocation | undefined;

  constructor(message: string, options?: ErrorOptions & { location?: ErrorLocation }) {
    super(message, options);
    this.#location = options?.location;
  }

  /** Where the input at fault is, for `--format github` annotations (the message names it too). */
  get location(): ErrorLocation | undefined {
    return this.#location;
  }

  set location(location: ErrorLocation | undefined) {
    this.#location = location;
  }
}

/** Bad command-line usage (unknown option value, missing argument, unknown --server). */
export class UsageError extends ContractError {
  override readonly name = "UsageError";
  readonly exitCode = ExitCode.Usage;
}

/** The config file is missing, unreadable, malformed or invalid. */
export class ConfigError extends ContractError {
  override readonly name = "ConfigError";
  readonly exitCode = ExitCode.Usage;
}

/** The lockfile (or a snapshot file given to `diff`) is unreadable, malformed or of an unknown version. */
export class LockfileError extends ContractError {
  override readonly name = "LockfileError";
  readonly exitCode = ExitCode.Usage;
}

/** A template could not be read or parsed. */
export class TemplateError extends ContractError {
  override readonly name = "TemplateError";
  readonly exitCode = ExitCode.Usage;
}

/** One or more servers could not be fetched. `server` names the first one at fault. */
export class FetchError extends ContractError {
  override readonly name = "FetchError";
  readonly exitCode = ExitCode.FetchFailed;
  constructor(
    readonly server: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The policy refused an action, e.g. `lock` accepting a breaking change without `--accept-breaking "reason"`. */
export class PolicyError extends ContractError {
  override readonly name = "PolicyError";
  readonly exitCode = ExitCode.PolicyFailed;
}

/** A bug in mcp-contract itself. */
export class InternalError extends ContractError {
  override readonly name = "InternalError";
  readonly exitCode = ExitCode.Internal;
}

/**
 * SIGINT or SIGTERM stopped the run before it wrote the lockfile (a run that
 * has written it finishes instead). The message is the one line the user sees.
 */
export class InterruptedError extends ContractError {
  override readonly name = "InterruptedError";
  readonly exitCode = ExitCode.Interrupted;
  constructor() {
    super("interrupted; lockfile unchanged");
  }
}
