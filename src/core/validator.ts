/**
 * The one way an input file is checked against its JSON Schema (schema/*.json): ajv validators,
 * precompiled by scripts/schema-validators.mjs into the `validators.generated.ts` of the stage that
 * reads the file (a test keeps each current), typed here. No ajv compiler and no compile at run time.
 */
import type { ErrorObject } from "ajv";

/** One problem a validator found: where in the data (`instancePath`, a JSON Pointer) and what. */
export type SchemaError = ErrorObject;

/** A validator as ajv's standalone code exports it: true when valid, else `errors` says why. */
export type Validator = ((data: unknown) => boolean) & { errors?: SchemaError[] | null };

/** A generated module's exports, typed (the modules are plain generated JavaScript). */
export function validators<K extends string>(generated: object, ...names: K[]): Record<K, Validator> {
  const out = {} as Record<K, Validator>;
  for (const name of names) {
    const validate = (generated as Record<string, unknown>)[name];
    if (typeof validate !== "function") throw new Error(`generated validators lack ${name}`);
    out[name] = validate as Validator;
  }
  return out;
}

/** The keys a JSON Pointer (`/servers/a~1b/tools`) names, unescaped (`["servers", "a/b", "tools"]`). */
export function pointerKeys(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .split("/")
    .slice(1)
    .map((key) => key.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/**
 * One schema error as `$.json.path: what is wrong`: a missing or unknown key is named at its own
 * path; a wrong type says what belongs there; anything else keeps ajv's text.
 */
export function describeSchemaError(error: SchemaError | undefined): string {
  if (!error) return "$: invalid";
  const keys = pointerKeys(error.instancePath);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "required")
    return `${jsonPath([...keys, String(params.missingProperty)])}: required key is missing`;
  if (error.keyword === "additionalProperties")
    return `${jsonPath([...keys, String(params.additionalProperty)])}: unknown key`;
  if (error.keyword === "type") {
    const type = String(params.type);
    const names = new Map([
      ["object", "an object"],
      ["array", "a list"],
      ["integer", "an integer"],
    ]);
    return `${jsonPath(keys)}: must be ${names.get(type) ?? `a ${type}`}`;
  }
  if (error.keyword === "const") return `${jsonPath(keys)}: must be ${JSON.stringify(params.allowedValue)}`;
  if (error.keyword === "enum")
    return `${jsonPath(keys)}: must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
  return `${jsonPath(keys)}: ${error.message ?? "invalid"}`;
}

/** `$.changes[0].rule`, `$.servers["a b"]`: keys as a JSON path. */
export function jsonPath(keys: readonly string[]): string {
  return `$${keys
    .map((key) =>
      /^\d+$/.test(key)
        ? `[${key}]`
        : /^[A-Za-z_$][\w$]*$/.test(key)
          ? `.${key}`
          : `[${JSON.stringify(key)}]`,
    )
    .join("")}`;
}
