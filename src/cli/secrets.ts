/** Secrets known so far in this process (from the config), so even an unexpected error is redacted. */
export const knownSecrets: string[] = [];

/** Lets commands register secrets as soon as the config is loaded. */
export function registerSecrets(secrets: readonly string[]): void {
  knownSecrets.push(...secrets);
}
