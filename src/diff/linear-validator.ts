/**
 * Validators for schemas that hold a server's regular expressions. The witness search and
 * `accepts` confirm candidate values with @cfworker/json-schema, which runs `pattern` and
 * `patternProperties` with V8's backtracking engine, and its `url` format with a regular
 * expression that takes exponential time on "http://aaaa…_": a hostile server's schema with a
 * long `default` would hang `check`. A schema holding any of them is validated here instead: ajv
 * with every pattern run by RE2 (`core/regex.ts`, linear time; a pattern RE2 cannot run makes the
 * schema unusable, so no value is confirmed by it) and @cfworker/json-schema's own format checks,
 * `url` excepted, checked by the WHATWG URL parser (linear) instead.
 */
import { createRequire } from "node:module";
import { format as cfworkerFormats } from "@cfworker/json-schema";
import type { Ajv } from "ajv";
import type { Ajv2020 } from "ajv/dist/2020.js";
import { linearRegExpEngine, schemaPatterns } from "../core/regex.js";
import { isObject, type JsonObject, someEntry } from "./schema.js";

// ajv is required on first use: most diffs (and every `lock` of servers without patterns) never compile here.
const require = createRequire(import.meta.url);

const runs = new WeakMap<object, boolean>();

/** Whether validating against `schema` would run a server's regular expression (or the `url` format's); cached per document. */
export function runsServerRegex(schema: unknown): boolean {
  if (typeof schema !== "object" || schema === null) return false;
  let known = runs.get(schema);
  if (known === undefined) {
    known = schemaPatterns(schema).length > 0 || hasUrlFormat(schema);
    runs.set(schema, known);
  }
  return known;
}

/** Any `format: "url"` in the document (a key found anywhere: a cheap, conservative test). */
function hasUrlFormat(root: unknown): boolean {
  return someEntry(root, (key, value) => key === "format" && value === "url");
}

/** `url` as @cfworker/json-schema means it (an http, https or ftp URL with a host, no white space), parsed in linear time. */
function isUrl(text: string): boolean {
  if (/\s/.test(text)) return false;
  try {
    const url = new URL(text);
    return ["http:", "https:", "ftp:"].includes(url.protocol) && url.hostname !== "";
  } catch {
    return false;
  }
}

const FORMATS = { ...cfworkerFormats, url: isUrl };
const OPTIONS = {
  strict: false,
  logger: false,
  validateSchema: false,
  addUsedSchema: false,
  formats: FORMATS,
  code: { regExp: linearRegExpEngine("throw") },
} as const;
let modern: Ajv2020 | undefined;
let legacy: Ajv | undefined;

/** A boolean validator for `schema` in `dialect`; undefined when it does not compile (a pattern RE2 cannot run, a `$ref` it cannot resolve). */
export function linearValidator(
  schema: JsonObject,
  dialect: "2020-12" | "7",
): ((value: unknown) => boolean) | undefined {
  if (dialect === "2020-12") {
    const { Ajv2020 } = require("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
    modern ??= new Ajv2020(OPTIONS);
  } else {
    const { Ajv } = require("ajv") as typeof import("ajv");
    legacy ??= new Ajv(OPTIONS);
  }
  const ajv = dialect === "2020-12" ? modern! : legacy!;
  try {
    const validate = ajv.compile(schema);
    // ajv keeps every compiled schema by its object: forget it (the function stays valid), or a
    // guard's repeated verify() would keep each live list's schemas for the life of the agent.
    ajv.removeSchema(schema);
    return (value) => validate(value) === true;
  } catch {
    return undefined;
  }
}

const subValidators = new WeakMap<object, WeakMap<object, ((value: unknown) => boolean) | null>>();

/**
 * A validator for `schema`, a sub-schema of `root` (2020-12, as `accepts` reads both): the root
 * itself, or the sub-schema with the root's `$defs` and `definitions` beside it when every `$ref`
 * of the document points into those (else undefined: a `#/properties/…` or `#` would resolve
 * against the wrong document). Cached per root and sub-schema.
 */
export function linearSubValidator(
  schema: JsonObject,
  root: JsonObject,
): ((value: unknown) => boolean) | undefined {
  let byRoot = subValidators.get(root);
  if (byRoot === undefined) {
    byRoot = new WeakMap();
    subValidators.set(root, byRoot);
  }
  const known = byRoot.get(schema);
  if (known !== undefined) return known ?? undefined;
  let compiled: ((value: unknown) => boolean) | undefined;
  const { $schema: _d, $id: _i, ...rest } = schema;
  if (schema === root) compiled = linearValidator(rest, "2020-12");
  else if (refsOnlyIntoDefinitions(root)) {
    compiled = linearValidator(
      {
        ...rest,
        ...(isObject(root.$defs) ? { $defs: root.$defs } : {}),
        ...(isObject(root.definitions) ? { definitions: root.definitions } : {}),
      },
      "2020-12",
    );
  }
  byRoot.set(schema, compiled ?? null);
  return compiled;
}

function refsOnlyIntoDefinitions(root: unknown): boolean {
  return !someEntry(
    root,
    (key, value) =>
      (key === "$ref" || key === "$dynamicRef") &&
      typeof value === "string" &&
      !value.startsWith("#/$defs/") &&
      !value.startsWith("#/definitions/"),
  );
}
