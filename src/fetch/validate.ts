/**
 * Fetch-time findings: tools the SDK's own validation would reject are kept as
 * sent and reported, never dropped with the rest of the list.
 */
import { createRequire } from "node:module";
import type { Ajv, ErrorObject, Options } from "ajv";
import type { Ajv2020 } from "ajv/dist/2020.js";
import type { Change } from "../core/change.js";
import { isRecord } from "../core/json.js";
import type { ToolDefinition } from "../core/lockfile.js";
import { linearRegExpEngine } from "../core/regex.js";
import { truncate } from "../redact.js";
import { meta07 } from "./meta-07.generated.js";
import { meta2020 } from "./meta-2020.generated.js";
import { fetchRules } from "./rules.js";

// ajv (its compiler) is required on first use: most fetches never need it (see metaValidator).
const require = createRequire(import.meta.url);

/** The tools that can be keyed by name, plus findings for everything wrong with the raw list. */
export interface CheckedTools {
  tools: ToolDefinition[];
  findings: Change[];
}

/**
 * Checks a raw tool list: each entry must be an object with a string `name`
 * (entries without one cannot be locked and are dropped with a finding, as are
 * entries in `undecodable` whose name holds U+FFFD: the source decoded them
 * from bytes that were not UTF-8; other undecodable entries are kept, reported);
 * `inputSchema` must be an object schema with `type: "object"`; `outputSchema`,
 * when present, likewise; both must compile as JSON Schema. Duplicate names are
 * reported once per name; the lockfile keeps the first of them (`lockServer`),
 * the one a client paging in order meets first. Tools are returned in the
 * server's order. Every source (stdio, HTTP, SSE, json, file) goes through here,
 * so one bad entry never costs the rest of the list on any of them.
 */
export function checkTools(
  server: string,
  raw: readonly unknown[],
  undecodable: ReadonlySet<number> = new Set(),
): CheckedTools {
  const tools: ToolDefinition[] = [];
  const findings: Change[] = [];
  // A tool that is kept says so; an entry that is skipped (no name to lock it under) says that,
  // never both.
  const invalid = (tool: string | undefined, pointer: string, problem: string, after?: unknown): void => {
    const rule = fetchRules["invalid-tool-definition"];
    findings.push({
      rule: rule.id,
      severity: rule.severity,
      server,
      ...(tool === undefined ? {} : { tool }),
      pointer,
      message: tool === undefined ? problem : `Tool \`${tool}\`: ${problem}.`,
      ...(after === undefined ? {} : { after }),
      hint:
        tool === undefined
          ? "The rest of the list was kept; ask the server's maintainers to give every tool a name."
          : "The tool was kept exactly as sent; ask the server's maintainers to fix its definition.",
    });
  };
  const seen = new Map<string, number>();
  raw.forEach((entry, index) => {
    if (!isRecord(entry) || typeof entry.name !== "string") {
      invalid(
        undefined,
        `/tools/${index}`,
        `Entry ${index} of the tool list has no string \`name\` and was skipped.`,
        entry,
      );
      return;
    }
    if (entry.name === "") {
      // No name to lock it under or for an agent to call it by: skipped as a nameless entry is.
      invalid(
        undefined,
        `/tools/${index}/name`,
        `Entry ${index} of the tool list has an empty \`name\` and was skipped.`,
      );
      return;
    }
    if (undecodable.has(index) && entry.name.includes("\uFFFD")) {
      // Two names that differ only in their undecodable bytes would lock as one: not a name to trust.
      invalid(
        undefined,
        `/tools/${index}/name`,
        `Entry ${index} of the tool list has a \`name\` that is not valid UTF-8 (${JSON.stringify(truncate(entry.name, 60, []))}: the server sent bytes that decode to U+FFFD) and was skipped.`,
      );
      return;
    }
    const tool = entry as ToolDefinition;
    seen.set(tool.name, (seen.get(tool.name) ?? 0) + 1);
    tools.push(tool);
    if (undecodable.has(index)) {
      invalid(
        tool.name,
        "",
        "holds bytes that are not valid UTF-8 (kept as U+FFFD, which the server never sent)",
      );
    }
    for (const key of ["inputSchema", "outputSchema"] as const) {
      if (!(key in tool)) {
        if (key === "inputSchema") invalid(tool.name, "", "has no `inputSchema`");
        continue;
      }
      const schema = tool[key];
      if (!isRecord(schema)) {
        invalid(tool.name, `/${key}`, `\`${key}\` is not an object`, schema);
        continue;
      }
      if (schema.type !== "object") {
        invalid(tool.name, `/${key}/type`, `\`${key}.type\` must be "object"`, schema.type);
      }
      const compileError = schemaCompileError(schema);
      if (compileError !== undefined) invalid(tool.name, `/${key}`, `\`${key}\` ${compileError}`);
    }
  });
  for (const [name, count] of seen) {
    if (count < 2) continue;
    const rule = fetchRules["duplicate-tool-name"];
    findings.push({
      rule: rule.id,
      severity: rule.severity,
      server,
      tool: name,
      pointer: "",
      message: `The server sent ${count} tools named \`${name}\`; only the first one (in the server's order) is locked.`,
      hint: "Tool names must be unique within a server; rename one of them.",
    });
  }
  return { tools, findings };
}

const AJV_OPTIONS = { strict: false, validateFormats: false, logger: false, addUsedSchema: false } as const;
let ajv2020: Ajv2020 | undefined;
let ajv07: Ajv | undefined;
let ajv2020All: Ajv2020 | undefined;
let ajv07All: Ajv | undefined;

type AjvOptions = Options;

function newAjv2020(options: AjvOptions): Ajv2020 {
  const { Ajv2020 } = require("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
  return new Ajv2020(options);
}

function newAjv07(options: AjvOptions): Ajv {
  const { Ajv } = require("ajv") as typeof import("ajv");
  return new Ajv(options);
}

/** Draft 2020-12 (the MCP default dialect); created on first use. */
function modernAjv(): Ajv2020 {
  if (ajv2020 === undefined) ajv2020 = newAjv2020(AJV_OPTIONS);
  return ajv2020;
}

/** Drafts 04-07, for schemas that declare them. */
function legacyAjv(): Ajv {
  if (ajv07 === undefined) ajv07 = newAjv07(AJV_OPTIONS);
  return ajv07;
}

/** A precompiled meta-schema validator, as ajv's standalone code exports it. */
type MetaValidator = ((schema: unknown) => boolean) & { errors?: ErrorObject[] | null };

/**
 * The meta-schemas precompiled with AJV_OPTIONS (scripts/schema-validators.mjs), by the `$schema`
 * values that select them; a schema without `$schema` is 2020-12, the MCP default. The same
 * validators ajv's `validateSchema` compiles for these dialects, so the same verdicts and errors
 * (test/fetch/meta-validators.test.ts), without loading ajv or compiling a meta-schema on each run.
 */
const META_VALIDATORS = new Map<string | undefined, MetaValidator>([
  [undefined, meta2020],
  ["https://json-schema.org/draft/2020-12/schema", meta2020],
  ["http://json-schema.org/draft-07/schema", meta07],
  ["http://json-schema.org/draft-07/schema#", meta07],
]);

/** The meta-schema check of `schema` without ajv, when its `$schema` is one precompiled; else undefined. */
function metaValidator(schema: Record<string, unknown>): MetaValidator | undefined {
  const dialect = schema.$schema;
  if (dialect !== undefined && typeof dialect !== "string") return undefined;
  return META_VALIDATORS.get(dialect);
}

/** ajv's `errorsText(errors, { dataVar: "schema" })`, without an ajv instance. */
function errorsText(errors: readonly ErrorObject[] | null | undefined): string {
  if (!errors || errors.length === 0) return "No errors";
  return errors.map((e) => `schema${e.instancePath} ${e.message}`).join(", ");
}

/** Whether a schema declares draft-04 to draft-07 (else it is read as 2020-12, the MCP default). */
function isLegacy(schema: Record<string, unknown>): boolean {
  return typeof schema.$schema === "string" && /draft-0[4-7]/.test(schema.$schema);
}

/**
 * The ajv instance that validates data against a tool's schema, for its dialect, with the options
 * the fetch checks schemas with (formats are not validated, nothing is logged), every error
 * reported, and the server's patterns run in linear time (RE2, `core/regex.ts`; one RE2 cannot
 * run matches everything: the guard skips it and says so): the guard (src/guard/) compiles each
 * locked schema once with it.
 */
export function validatingAjv(schema: Record<string, unknown>): Ajv | Ajv2020 {
  const options = { ...AJV_OPTIONS, allErrors: true, code: { regExp: linearRegExpEngine("match") } };
  if (isLegacy(schema)) {
    ajv07All ??= newAjv07(options);
    return ajv07All;
  }
  ajv2020All ??= newAjv2020(options);
  return ajv2020All;
}

/**
 * Why `schema` is not usable JSON Schema ("does not compile (…)", or "is too
 * deep to validate …"), or undefined when it is. Full compilation costs ~1 ms per schema (seconds for a 5,000-tool server), so we
 * check against the dialect's meta-schema, check every `pattern` as a Unicode
 * regex, and compile only schemas with references, which are the ones that can
 * fail to resolve.
 */
export function schemaCompileError(schema: Record<string, unknown>): string | undefined {
  const dialect = typeof schema.$schema === "string" ? schema.$schema : "";
  // Walked first, iteratively: ajv recurses, and a schema deep enough overflows its stack.
  const scan = scanSchema(schema);
  const tooDeep = `is too deep to validate (nested ${scan.depth} levels, more than ${MAX_VALIDATED_DEPTH}); it was kept as sent, unchecked`;
  if (scan.depth > MAX_VALIDATED_DEPTH) return tooDeep;
  try {
    const meta = metaValidator(schema);
    if (meta !== undefined) {
      if (!meta(schema)) return `does not compile (${errorsText(meta.errors)})`;
    } else {
      const ajv = isLegacy(schema) ? legacyAjv() : modernAjv();
      if (dialect !== "" && ajv.getSchema(dialect) === undefined)
        return `does not compile (unknown $schema dialect ${dialect})`;
      if (!ajv.validateSchema(schema))
        return `does not compile (${ajv.errorsText(ajv.errors, { dataVar: "schema" })})`;
    }
    if (scan.badPattern !== undefined)
      return `does not compile (invalid pattern ${JSON.stringify(scan.badPattern)})`;
    if (scan.hasRef) (isLegacy(schema) ? legacyAjv() : modernAjv()).compile(schema);
    return undefined;
  } catch (error) {
    // A stack overflow says nothing about the schema, only about its depth.
    if (error instanceof RangeError) return tooDeep;
    return `does not compile (${(error as Error).message.split("\n")[0]})`;
  }
}

/**
 * Schemas nested deeper than this (JSON levels) are not handed to ajv, whose
 * recursion overflows not far beyond; reported as too deep to validate (as is
 * a stack overflow below it).
 */
const MAX_VALIDATED_DEPTH = 1000;

/** What one walk over a schema found: a bad `pattern` (if any), whether any `$ref` occurs, its depth. */
interface SchemaScan {
  badPattern?: string;
  hasRef: boolean;
  /** Deepest nesting of objects and arrays, the root being 1. */
  depth: number;
}

/**
 * One walk instead of a `JSON.stringify` for `$ref` plus a second walk for
 * patterns: this runs on every tool of every fetch.
 */
function scanSchema(root: unknown): SchemaScan {
  const scan: SchemaScan = { hasRef: false, depth: 0 };
  const stack: unknown[] = [root];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const node = stack.pop();
    const depth = depths.pop()!;
    if (depth > scan.depth) scan.depth = depth;
    if (Array.isArray(node)) {
      for (const item of node)
        if (typeof item === "object" && item !== null) {
          stack.push(item);
          depths.push(depth + 1);
        }
      continue;
    }
    if (!isRecord(node)) continue;
    for (const key in node) {
      if (!Object.hasOwn(node, key)) continue;
      const value = node[key];
      if (key === "$ref") scan.hasRef = true;
      if (key === "pattern" && typeof value === "string") {
        if (scan.badPattern === undefined && !isUnicodeRegex(value)) scan.badPattern = value;
      } else if (typeof value === "object" && value !== null) {
        stack.push(value);
        depths.push(depth + 1);
      }
    }
  }
  return scan;
}

function isUnicodeRegex(source: string): boolean {
  try {
    new RegExp(source, "u");
    return true;
  } catch {
    return false;
  }
}
