/**
 * Secrets known so far in this run (from the config), so even an unexpected error is redacted.
 * Scoped per `main` call (`withSecretScope`): runs in one process (the in-process test
 * harness, a library caller) neither see nor redact each other's secrets.
 */
import { AsyncLocalStorage } from "node:async_hooks";

const scope = new AsyncLocalStorage<string[]>();
/** Outside any scope (a command called directly): one list for the process, as before scopes. */
const unscoped: string[] = [];

/** Runs `work` with a fresh list of known secrets. */
export function withSecretScope<T>(work: () => Promise<T>): Promise<T> {
  return scope.run([], work);
}

/** The secrets registered so far in this run. */
export function knownSecrets(): readonly string[] {
  return scope.getStore() ?? unscoped;
}

/** Lets commands register secrets as soon as the config is loaded. */
export function registerSecrets(secrets: readonly string[]): void {
  (scope.getStore() ?? unscoped).push(...secrets);
}
