/**
 * `${VAR}` (and VS Code's `${env:VAR}`) interpolation from the environment.
 * Pure: the environment is passed in. Every substituted value is recorded as a
 * secret so it can be redacted from all output.
 */
import { ConfigError } from "../errors.js";

const VARIABLE = /\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Replaces `${VAR}` in `value`; `where` names the file and JSON path for errors. */
export function interpolate(
  value: string,
  env: Readonly<Record<string, string | undefined>>,
  where: string,
  secrets: string[],
): string {
  return value.replace(VARIABLE, (_match, name: string) => {
    const replacement = Object.hasOwn(env, name) ? env[name] : undefined;
    if (replacement === undefined) {
      throw new ConfigError(
        `${where}: environment variable ${name} is not set; export it or remove \${${name}}`,
      );
    }
    secrets.push(replacement);
    return replacement;
  });
}
