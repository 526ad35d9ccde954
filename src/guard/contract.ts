/**
 * One locked tool's contract, compiled once: the checks of a call's arguments
 * against the locked input schema (unknown parameters first, with a
 * did-you-mean, then ajv) and of a result's structuredContent against the
 * locked output schema. Pure apart from ajv's compiled code. The schema's patterns run in linear
 * time (RE2, `core/regex.ts`); one RE2 cannot run (lookaround, a backreference) is skipped and
 * listed in `skippedPatterns`, never run by the backtracking engine.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import { isRecord } from "../core/json.js";
import type { ToolDefinition } from "../core/lockfile.js";
import {
  isRunnable,
  type SafeRegExp,
  type SchemaPattern,
  safeRegExp,
  schemaPatterns,
} from "../core/regex.js";
import { closestName } from "../core/suggest.js";
import { describeSchemaError, jsonPath, pointerKeys } from "../core/validator.js";
import { validatingAjv } from "../fetch/validate.js";

/** One reason a call's arguments or a result break the contract. */
export interface ContractError {
  /** Where, as a JSON path into the arguments or the structured content (`$.customer_email`). */
  path: string;
  /** What is wrong, in one line. */
  message: string;
  /** For an unknown parameter: the declared one it most likely meant. */
  suggestion?: string;
}

/** A locked tool's compiled checks. */
export interface ToolContract {
  /** The declared top-level parameters (what an unknown one is compared with). */
  readonly parameters: readonly string[];
  /** The problems of `args` (the call's `arguments`), none when they satisfy the locked input schema. */
  checkArguments(args: unknown): ContractError[];
  /** Whether the tool is locked with an output schema. */
  readonly hasOutputSchema: boolean;
  /** The problems of a result's structuredContent against the locked output schema. */
  checkOutput(structured: unknown): ContractError[];
  /**
   * The patterns of the locked schemas that are not checked: valid ECMAScript the linear-time
   * engine cannot run (lookaround, backreferences). `pointer` starts at the tool (`/inputSchema/…`).
   */
  readonly skippedPatterns: readonly SkippedPattern[];
}

/** A pattern the guard does not check, where it is and why. */
export interface SkippedPattern extends SchemaPattern {
  reason: string;
}

/** How deep `$ref` and combinators are followed to collect the declared parameters. */
const MAX_PARAMETER_DEPTH = 16;

/** Compiles a locked tool's checks: the input schema now, the output schema on first use. */
export function compileToolContract(definition: ToolDefinition): ToolContract {
  const locked = isRecord(definition.inputSchema) ? definition.inputSchema : { type: "object" };
  const inputSkipped = skipped(locked, "/inputSchema");
  const input = neutralised(locked, inputSkipped, "/inputSchema");
  const declared = declaredParameters(input);
  const parameters = declared ? [...declared.names] : [];
  const validateInput = compile(input);
  const lockedOutput = isRecord(definition.outputSchema) ? definition.outputSchema : undefined;
  const outputSkipped = lockedOutput === undefined ? [] : skipped(lockedOutput, "/outputSchema");
  const output =
    lockedOutput === undefined ? undefined : neutralised(lockedOutput, outputSkipped, "/outputSchema");
  let validateOutput: ValidateFunction | Error | undefined;
  return {
    parameters,
    skippedPatterns: [...inputSkipped, ...outputSkipped],
    hasOutputSchema: output !== undefined,
    checkArguments(args) {
      if (args !== undefined && !isRecord(args))
        return [{ path: "$", message: "arguments must be an object" }];
      const values = args ?? {};
      const errors: ContractError[] = [];
      const unknown = new Set<string>();
      if (declared) {
        for (const key of Object.keys(values)) {
          if (declared.names.has(key) || declared.patterns.some((re) => re.test(key))) continue;
          unknown.add(key);
          const suggestion = closestName(key, parameters);
          errors.push({
            path: jsonPath([key]),
            message: `unknown parameter${suggestion === undefined ? ` (the parameters are ${listed(parameters)})` : `; did you mean \`${suggestion}\`?`}`,
            ...(suggestion === undefined ? {} : { suggestion }),
          });
        }
      }
      if (validateInput instanceof Error)
        return [
          ...errors,
          { path: "$", message: `the locked input schema does not compile (${validateInput.message})` },
        ];
      if (validateInput(values)) return errors;
      for (const error of validateInput.errors ?? []) {
        // An unknown parameter is already reported above, with its did-you-mean.
        const extra = error.params as { additionalProperty?: string; unevaluatedProperty?: string };
        const key = extra.additionalProperty ?? extra.unevaluatedProperty;
        if (error.instancePath === "" && key !== undefined && unknown.has(key)) continue;
        errors.push(describe(error, "parameter"));
      }
      return dedupe(errors);
    },
    checkOutput(structured) {
      if (output === undefined) return [];
      validateOutput ??= compile(output);
      if (validateOutput instanceof Error)
        return [
          { path: "$", message: `the locked output schema does not compile (${validateOutput.message})` },
        ];
      if (validateOutput(structured)) return [];
      return dedupe((validateOutput.errors ?? []).map((error) => describe(error, "key")));
    },
  };
}

/** The patterns of `schema` RE2 cannot run, their pointers under `at`. */
function skipped(schema: Record<string, unknown>, at: string): SkippedPattern[] {
  const out: SkippedPattern[] = [];
  for (const found of schemaPatterns(schema)) {
    const re = safeRegExp(found.source);
    if (!isRunnable(re) && re.unsupported)
      out.push({ ...found, pointer: `${at}${found.pointer}`, reason: re.reason });
  }
  return out;
}

/**
 * The schema with its skipped patterns left unchecked: a skipped `pattern` matches every string
 * (the engine's "match"), and so does a skipped `patternProperties` key, whose schema is then
 * replaced by `true`, so that the keyword neither refuses an extra key nor applies its schema to
 * every key. Copied only when a `patternProperties` key is skipped.
 */
function neutralised(
  schema: Record<string, unknown>,
  skips: readonly SkippedPattern[],
  at: string,
): Record<string, unknown> {
  const keys = skips.filter((s) => s.keyword === "patternProperties");
  if (keys.length === 0) return schema;
  const copy = structuredClone(schema);
  for (const { pointer } of keys) {
    const path = pointerKeys(pointer.slice(at.length));
    let node: unknown = copy;
    for (const key of path.slice(0, -1)) node = isRecord(node) ? node[key] : undefined;
    if (isRecord(node)) node[path.at(-1)!] = true;
  }
  return copy;
}

function compile(schema: Record<string, unknown>): ValidateFunction | Error {
  try {
    return validatingAjv(schema).compile(schema);
  } catch (error) {
    // A stack overflow (a schema too deep for ajv) is reported like any schema that does not compile.
    return new Error((error as Error).message.split("\n")[0]);
  }
}

/** One ajv error as a ContractError; a missing top-level key is a missing parameter. */
function describe(error: ErrorObject, what: "parameter" | "key"): ContractError {
  const text = describeSchemaError(error);
  const colon = text.indexOf(": ");
  const path = text.slice(0, colon);
  let message = text.slice(colon + 2);
  if (what === "parameter" && error.keyword === "required" && error.instancePath === "")
    message = "required parameter is missing";
  return { path, message };
}

function dedupe(errors: ContractError[]): ContractError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.path}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function listed(names: readonly string[]): string {
  if (names.length === 0) return "none";
  const shown = names.slice(0, 12).map((n) => `\`${n}\``);
  return names.length > 12 ? `${shown.join(", ")}, …` : shown.join(", ");
}

/**
 * The top-level parameter names a schema declares (its `properties`, those of
 * its `allOf`/`anyOf`/`oneOf`/`if`/`then`/`else` branches and local `$ref`s)
 * and its `patternProperties`; undefined when the schema accepts other keys on
 * purpose (`additionalProperties` or `unevaluatedProperties` given as a
 * non-empty schema, i.e. a map) or when a `$ref` cannot be followed: then no
 * key is unknown. An open object (no `additionalProperties`, or `true`) still
 * declares its parameters: a key outside them is what a model invents, and a
 * server would ignore it silently.
 */
function declaredParameters(
  root: Record<string, unknown>,
): { names: Set<string>; patterns: SafeRegExp[] } | undefined {
  const names = new Set<string>();
  const patterns: SafeRegExp[] = [];
  const visited = new Set<unknown>();
  const walk = (node: unknown, depth: number): boolean => {
    if (node === true || node === undefined) return true;
    if (!isRecord(node) || depth > MAX_PARAMETER_DEPTH) return false;
    if (visited.has(node)) return true;
    visited.add(node);
    // `true` or `{}` leaves the object open, as no keyword does: its parameters are still the declared
    // ones. A schema there (`{ "type": "string" }`) makes the object a map whose keys are data.
    for (const open of ["additionalProperties", "unevaluatedProperties"]) {
      const value = node[open];
      if (isRecord(value) && Object.keys(value).length > 0) return false;
    }
    if (isRecord(node.properties)) for (const key of Object.keys(node.properties)) names.add(key);
    if (isRecord(node.patternProperties)) {
      for (const source of Object.keys(node.patternProperties)) {
        const re = safeRegExp(source);
        // A pattern RE2 cannot run is skipped: it matches every key, as in the compiled schema.
        if (isRunnable(re)) patterns.push(re);
        else if (re.unsupported) patterns.push({ source, test: () => true });
        else return false;
      }
    }
    if (typeof node.$ref === "string") {
      const target = resolveLocal(root, node.$ref);
      if (target === undefined || !walk(target, depth + 1)) return false;
    }
    for (const key of ["allOf", "anyOf", "oneOf"]) {
      const branches = node[key];
      if (Array.isArray(branches)) for (const branch of branches) if (!walk(branch, depth + 1)) return false;
    }
    for (const key of ["if", "then", "else"])
      if (node[key] !== undefined && !walk(node[key], depth + 1)) return false;
    return true;
  };
  return walk(root, 0) ? { names, patterns } : undefined;
}

/** The schema a local `$ref` (`#/$defs/x`, `#/definitions/x`, `#`) points at, or undefined. */
function resolveLocal(root: Record<string, unknown>, ref: string): unknown {
  if (!ref.startsWith("#")) return undefined;
  let node: unknown = root;
  for (const key of pointerKeys(ref.slice(1))) {
    if (!isRecord(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}
