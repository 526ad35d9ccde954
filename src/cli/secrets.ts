/**
 * The secrets known so far in one run (from its config, its tokens, its exporter's headers), so
 * even an unexpected error is redacted. They live on the run's `io` (`CommandIO.secrets`, a fresh
 * list per `main` call): runs in one process (the in-process test harness, a library caller)
 * neither see nor redact each other's secrets. (An `AsyncLocalStorage` scope did the same, but its
 * promise hooks cost every promise of the process: ~6% of a `lock`'s CPU.)
 */
import type { CommandIO } from "./io.js";

/** The secrets registered so far in this run. */
export function knownSecrets(io: Pick<CommandIO, "secrets">): readonly string[] {
  return io.secrets;
}

/** Registers secrets of this run as soon as they are known (the config loaded, a token read). */
export function registerSecrets(io: Pick<CommandIO, "secrets">, secrets: readonly string[]): void {
  io.secrets.push(...secrets);
}

/** `registerSecrets` bound to one run: the `secrets` hook of the pipeline and of the trace. */
export function secretsHook(io: Pick<CommandIO, "secrets">): (secrets: readonly string[]) => void {
  return (secrets) => registerSecrets(io, secrets);
}
