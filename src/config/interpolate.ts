/**
 * `${VAR}` interpolation from the environment, in the forms MCP client configs use:
 * `${VAR}`, `${env:VAR}` (VS Code, Cursor, Windsurf), `${VAR:-default}` (Claude Code: the
 * default when VAR is unset or empty) and VS Code's `${input:id}`, read from the variable named
 * after the input (`github-token` → GITHUB_TOKEN). Pure: the environment is passed in. Every
 * value taken from the environment is recorded as a secret so it can be redacted from all output;
 * a default, written in the config itself, is not.
 */
import { ConfigError } from "../errors.js";

const VARIABLE = /\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{input:([^}]+)\}/g;

/** The environment variable a VS Code `${input:id}` is read from: `github-token` → GITHUB_TOKEN. */
export function inputVariable(id: string): string {
  const name = id
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toUpperCase();
  return /^[0-9]/.test(name) ? `_${name}` : name || "INPUT";
}

/** The environment variables `value` reads, in order of appearance (an input's under its variable's name). */
export function variablesIn(value: string): string[] {
  return [...value.matchAll(VARIABLE)].map((m) => m[1] ?? inputVariable(m[3]!));
}

/** Replaces the variables in `value`; `where` names the file and JSON path for errors. */
export function interpolate(
  value: string,
  env: Readonly<Record<string, string | undefined>>,
  where: string,
  secrets: string[],
): string {
  return value.replace(VARIABLE, (_match, plain: string | undefined, fallback: string | undefined, input) => {
    const name = plain ?? inputVariable(input as string);
    const replacement = Object.hasOwn(env, name) ? env[name] : undefined;
    if (fallback !== undefined && (replacement === undefined || replacement === "")) return fallback;
    if (replacement === undefined) {
      if (plain === undefined)
        throw new ConfigError(
          `${where}: VS Code input "${input}" has no value outside VS Code; export ${name} (mcp-contract reads \${input:${input}} from it)`,
        );
      throw new ConfigError(
        `${where}: environment variable ${name} is not set; export it or remove \${${name}}`,
      );
    }
    secrets.push(replacement);
    return replacement;
  });
}
