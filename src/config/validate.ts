/**
 * Pure validation of a (normalised) config document against the checked-in
 * JSON Schema, with errors that name the JSON path of the problem.
 */
import { closestName } from "../core/suggest.js";
import { pointerKeys, type SchemaError, validators } from "../core/validator.js";
import { isRuleId, unknownRuleIdHint } from "../rule-ids.js";
import * as generated from "./validators.generated.js";

// Precompiled from the schema by scripts/schema-validators.mjs (a test keeps them current): loading
// ajv and compiling at run time cost more than the rest of the offline pre-commit check.
const configValidators = validators(generated, "whole", "http", "stdio", "file");

/**
 * The keys schema/config.schema.json allows at the top and in each kind of server (a test keeps
 * them equal to the schema's), for the did-you-mean of an unknown key.
 */
export const CONFIG_KEYS = {
  whole: ["$schema", "servers", "lockfile", "templates", "partials", "rules"],
  http: ["url", "transport", "headers", "auth", "resources", "clientCapabilities"],
  stdio: ["command", "args", "env", "envFile", "cwd", "inheritEnv", "resources", "clientCapabilities"],
  file: ["file"],
} as const;

/** Validates a config document; returns the first problem as `$.json.path: message`, or undefined. */
export function validateConfigDocument(data: unknown): string | undefined {
  const v = configValidators;
  if (v.whole(data)) return undefined;
  // A server failing `oneOf` gives useless errors; re-check it against the kind it claims to be.
  if (typeof data !== "object" || data === null || Array.isArray(data))
    return "$: the config must be a map with a servers key";
  if (!Object.hasOwn(data, "servers")) {
    // `server:` or `sevrers:` is the typo to name, not the missing `servers`.
    const typo = Object.keys(data).find(
      (key) => !(CONFIG_KEYS.whole as readonly string[]).includes(key) && closestName(key, ["servers"]),
    );
    if (typo !== undefined) return `$${pathSegment(typo)}: unknown key; did you mean \`servers\`?`;
  }
  const servers = (data as { servers?: unknown }).servers;
  if (Array.isArray(servers))
    return "$.servers: must be a map from server name to server, not a list (write `name:` before each server)";
  if (servers && typeof servers === "object" && !Array.isArray(servers)) {
    for (const [name, server] of Object.entries(servers)) {
      const at = `$.servers${pathSegment(name)}`;
      if (typeof server !== "object" || server === null || Array.isArray(server)) {
        return `${at}: must be an object with url, command or file`;
      }
      const kind =
        "url" in server ? "http" : "command" in server ? "stdio" : "file" in server ? "file" : undefined;
      if (!kind) return noKind(at, server);
      const validate = v[kind];
      if (!validate(server)) return formatError(at, validate.errors?.[0], CONFIG_KEYS[kind]);
    }
  }
  const rules = (data as { rules?: unknown }).rules;
  if (rules && typeof rules === "object" && !Array.isArray(rules)) {
    for (const id of Object.keys(rules)) {
      if (!isRuleId(id)) return `$.rules${pathSegment(id)}: ${unknownRuleIdHint(id)}`;
    }
  }
  return formatError("$", v.whole.errors?.[0], CONFIG_KEYS.whole);
}

/**
 * A server with none of url, command or file: a key that is a typo of one of them (`comand:`,
 * `uri:`) is named with the key meant, else the three are listed.
 */
function noKind(at: string, server: object): string {
  for (const key of Object.keys(server)) {
    const meant = closestName(key, ["url", "command", "file"]);
    if (meant !== undefined) return `${at}${pathSegment(key)}: unknown key; did you mean \`${meant}\`?`;
  }
  return `${at}: must have one of url (HTTP), command (stdio) or file`;
}

/** `keys`: what the object at `base` may hold, for the did-you-mean of an unknown key directly in it. */
function formatError(base: string, error: SchemaError | undefined, keys: readonly string[]): string {
  if (!error) return `${base}: invalid`;
  const path = base + pointerKeys(error.instancePath).map(pathSegment).join("");
  if (error.keyword === "additionalProperties") {
    const key = (error.params as { additionalProperty: string }).additionalProperty;
    if (error.instancePath !== "") return `${path}${pathSegment(key)}: unknown key`;
    const meant = closestName(key, keys);
    const hint = meant === undefined ? `expected one of ${keys.join(", ")}` : `did you mean \`${meant}\`?`;
    return `${path}${pathSegment(key)}: unknown key; ${hint}`;
  }
  if (error.keyword === "enum") {
    return `${path}: must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(", ")}`;
  }
  const propertyName = (error as { propertyName?: string }).propertyName;
  if (error.keyword === "propertyNames" || propertyName !== undefined)
    return `${path}${propertyName === undefined ? "" : pathSegment(propertyName)}: server names cannot contain "/" or spaces`;
  if (error.keyword === "required") {
    const key = (error.params as { missingProperty: string }).missingProperty;
    return `${path}${pathSegment(key)}: required key is missing`;
  }
  if (error.keyword === "type") {
    const type = String((error.params as { type: string }).type);
    const names: Record<string, string> = { object: "a map", array: "a list", integer: "an integer" };
    return `${path}: must be ${names[type] ?? `a ${type}`}`;
  }
  return `${path}: ${error.message ?? "invalid"}`;
}

function pathSegment(key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
