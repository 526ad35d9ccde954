/**
 * What a guarded client reports: a `ContractViolationError`, thrown (the call
 * was refused, or its result refused) or handed to `onViolation` (a warning).
 */
import type { Change } from "../core/change.js";
import type { ContractError } from "./contract.js";

/** Why a call breaks the contract. */
export type ViolationCode =
  /** The guard's `server` is not in the lockfile (thrown by `guardClient`). */
  | "server-not-locked"
  /** The tool called is not locked for this server. */
  | "tool-not-locked"
  /** The arguments do not satisfy the locked input schema (`errors`). */
  | "invalid-arguments"
  /** The live tool changed in a breaking way since it was locked (`changes`). */
  | "drift"
  /** The result's structuredContent does not satisfy the locked output schema (`errors`). */
  | "invalid-output"
  /**
   * A warning, once per tool: patterns of its locked schemas the guard does not check, because the
   * linear-time engine cannot run them (lookaround, backreferences); the call goes on.
   */
  | "unchecked-pattern";

/** What a violation carries besides its message. */
export interface ViolationDetails {
  code: ViolationCode;
  server: string;
  tool?: string;
  /** For `drift`: the breaking changes of the tool, as `check` reports them. */
  changes?: Change[];
  /** For `invalid-arguments` and `invalid-output`: each problem, with where it is. */
  errors?: ContractError[];
  /** True when the call was refused (or its result, for `invalid-output`); false for a warning. */
  blocking: boolean;
  /** For `invalid-output`: the result the server returned. */
  result?: unknown;
}

/** A call outside the contract: thrown when it is refused, passed to `onViolation` always. */
export class ContractViolationError extends Error {
  override readonly name = "ContractViolationError";
  readonly code: ViolationCode;
  readonly server: string;
  readonly tool: string | undefined;
  readonly changes: Change[] | undefined;
  readonly errors: ContractError[] | undefined;
  readonly blocking: boolean;
  readonly result: unknown;

  constructor(message: string, details: ViolationDetails) {
    super(message);
    this.code = details.code;
    this.server = details.server;
    this.tool = details.tool;
    this.changes = details.changes;
    this.errors = details.errors;
    this.blocking = details.blocking;
    this.result = details.result;
  }
}

/** The first problems of a list, joined for a one-line message. */
export function summarizeErrors(errors: readonly ContractError[], shown = 3): string {
  const parts = errors.slice(0, shown).map((e) => `${e.path}: ${e.message}`);
  if (errors.length > shown) parts.push(`and ${errors.length - shown} more`);
  return parts.join("; ");
}
