/**
 * Patterns from a server's schema, run in linear time. A JSON Schema `pattern` or
 * `patternProperties` key is an ECMA-262 regular expression chosen by whoever serves the tool;
 * V8's backtracking engine takes exponential time on `^(a+)+$` against "aaaa…!", so a hostile
 * server could hang `check` or an agent guarded by `mcp-contract/guard`. Every server-supplied
 * pattern is therefore run by RE2 (re2js, a pure-JavaScript port: time linear in the text),
 * translated from ECMAScript syntax first so that it means what ajv would mean by it.
 *
 * RE2 has no lookaround (`(?=`, `(?!`, `(?<=`, `(?<!`) and no backreferences (`\1`, `\k<name>`):
 * a pattern using them cannot be run in linear time, and `safeRegExp` says so instead of running
 * it (each caller decides what that means: the diff answers "unknown", the guard skips the
 * keyword and says so once).
 */
import { createRequire } from "node:module";

type RE2JSClass = typeof import("re2js").RE2JS;
let RE2: RE2JSClass | undefined;
/** re2js (260 kB), loaded on the first pattern compiled: a run that meets none never loads it. */
function re2js(): RE2JSClass {
  RE2 ??= (createRequire(import.meta.url)("re2js") as { RE2JS: RE2JSClass }).RE2JS;
  return RE2;
}

/** A compiled pattern: `test` is true when the pattern matches somewhere in the text, as `RegExp#test`. */
export interface SafeRegExp {
  readonly source: string;
  test(text: string): boolean;
}

/** Why a pattern is not run: it is not a regular expression, or RE2 cannot run it. */
export interface UnrunnablePattern {
  readonly source: string;
  /** One clause, e.g. "uses lookaround or a backreference, which the linear-time engine (RE2) cannot run". */
  readonly reason: string;
  /** True when the pattern is valid ECMAScript that RE2 does not support (lookaround, backreferences). */
  readonly unsupported: boolean;
}

const cache = new Map<string, SafeRegExp | UnrunnablePattern>();
const CACHE_LIMIT = 4096;

/** JavaScript's `\s` (WhiteSpace and LineTerminator), which is wider than RE2's ASCII `\s`. */
const JS_SPACE = "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
/** JavaScript's `\S`: every code point but those of `\s`, as ranges a class can hold. */
const JS_NON_SPACE =
  "\\u0000-\\u0008\\u000e-\\u001f\\u0021-\\u009f\\u00a1-\\u167f\\u1681-\\u1fff\\u200b-\\u2027\\u202a-\\u202e\\u2030-\\u205e\\u2060-\\u2fff\\u3001-\\ufefe\\uff00-\\u{10ffff}";
/** JavaScript's `.` without the `s` flag: anything but a line terminator (RE2's excludes only \n). */
const JS_DOT = "[^\\n\\r\\u2028\\u2029]";

/**
 * `source` compiled for linear-time matching, or why it cannot be: not valid as a regular
 * expression (in unicode mode, as ajv and @cfworker/json-schema compile it, or, with
 * `allowNonUnicode`, without the `u` flag, as Python servers and zod accept it), or valid but
 * using what RE2 does not support. Compiled once per source (a bounded cache).
 */
export function safeRegExp(source: string, allowNonUnicode = false): SafeRegExp | UnrunnablePattern {
  const key = `${allowNonUnicode ? "n" : "u"}${source}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const compiled = compile(source, allowNonUnicode);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

/** Whether `safeRegExp` gave a runnable pattern. */
export function isRunnable(pattern: SafeRegExp | UnrunnablePattern): pattern is SafeRegExp {
  return "test" in pattern;
}

function compile(source: string, allowNonUnicode: boolean): SafeRegExp | UnrunnablePattern {
  try {
    // Compiling a RegExp runs nothing: this only says whether the source is ECMAScript.
    new RegExp(source, "u");
  } catch {
    let valid = false;
    if (allowNonUnicode) {
      try {
        new RegExp(source);
        valid = true;
      } catch {}
    }
    if (!valid) return { source, reason: "is not a valid regular expression", unsupported: false };
  }
  let re2: InstanceType<RE2JSClass>;
  try {
    const RE2JS = re2js();
    re2 = RE2JS.compile(RE2JS.translateRegExp(translate(source)));
  } catch {
    return {
      source,
      reason: "uses lookaround, a backreference or another construct the linear-time engine (RE2) cannot run",
      unsupported: true,
    };
  }
  return { source, test: (text: string) => re2.test(text) };
}

/**
 * The ECMAScript meanings RE2 spells differently: `\s` and `\S` (Unicode white space in
 * JavaScript, ASCII in RE2) and `.` (no line terminator of the four in JavaScript, only no \n in
 * RE2), written as the classes JavaScript means.
 */
function translate(source: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === "\\" && i + 1 < source.length) {
      const next = source[i + 1]!;
      i++;
      if (next === "s" || next === "S") {
        const ranges = next === "s" ? JS_SPACE : JS_NON_SPACE;
        out += inClass ? ranges : `[${ranges}]`;
      } else out += `\\${next}`;
      continue;
    }
    if (inClass) {
      if (ch === "]") inClass = false;
      out += ch;
      continue;
    }
    if (ch === "[") {
      inClass = true;
      out += ch;
      continue;
    }
    out += ch === "." ? JS_DOT : ch;
  }
  return out;
}

/** ajv's `code.regExp` option: the engine its compiled validators run `pattern` and `patternProperties` with. */
export interface RegExpEngine {
  (pattern: string, flags: string): { test(text: string): boolean; toString(): string };
  /** What ajv's standalone code would call (never generated from server schemas here). */
  code: string;
}

/**
 * An ajv RegExp engine running every pattern in linear time. A pattern RE2 cannot run either
 * throws (`"throw"`: the schema does not compile, so nothing is decided by it) or matches every
 * string (`"match"`: the keyword is skipped; `schemaPatterns` finds such patterns first so that
 * the caller can say so and neutralise what matching everything would mean for `patternProperties`).
 */
export function linearRegExpEngine(unsupported: "throw" | "match"): RegExpEngine {
  // ajv shares one compiled pattern between schemas by its toString(): one per source.
  const engine = (pattern: string): { test(text: string): boolean; toString(): string } => {
    const re = safeRegExp(pattern);
    if (isRunnable(re)) return { test: (text: string) => re.test(text), toString: () => `/${pattern}/u` };
    if (unsupported === "match" && re.unsupported)
      return { test: () => true, toString: () => `/${pattern}/u (skipped)` };
    throw new Error(`pattern ${JSON.stringify(pattern)} ${re.reason}`);
  };
  engine.code = `linearRegExp:${unsupported}`;
  return engine;
}

/** One server-supplied regular expression in a schema: where it is and which keyword holds it. */
export interface SchemaPattern {
  /** The JSON Pointer of the keyword's value: `/properties/id/pattern`, `/patternProperties/^x-`. */
  pointer: string;
  source: string;
  keyword: "pattern" | "patternProperties";
}

/** Keywords whose value is one schema. */
const ONE_SCHEMA = [
  "additionalProperties",
  "unevaluatedProperties",
  "propertyNames",
  "items",
  "additionalItems",
  "unevaluatedItems",
  "contains",
  "not",
  "if",
  "then",
  "else",
  "contentSchema",
] as const;
/** Keywords whose value is an array of schemas. */
const SCHEMA_LISTS = ["allOf", "anyOf", "oneOf", "prefixItems", "items"] as const;
/** Keywords whose value maps names to schemas. */
const SCHEMA_MAPS = [
  "properties",
  "patternProperties",
  "$defs",
  "definitions",
  "dependentSchemas",
  "dependencies",
] as const;

/**
 * Every `pattern` and `patternProperties` key of a schema, found by keyword (a property named
 * `pattern` is a name, not a pattern; `enum`, `const`, `default` and `examples` are data).
 */
export function schemaPatterns(schema: unknown): SchemaPattern[] {
  const out: SchemaPattern[] = [];
  const stack: [unknown, string][] = [[schema, ""]];
  const seen = new Set<unknown>();
  while (stack.length > 0) {
    const [node, pointer] = stack.pop()!;
    if (typeof node !== "object" || node === null || Array.isArray(node) || seen.has(node)) continue;
    seen.add(node);
    const n = node as Record<string, unknown>;
    if (Object.hasOwn(n, "pattern") && typeof n.pattern === "string")
      out.push({ pointer: `${pointer}/pattern`, source: n.pattern, keyword: "pattern" });
    for (const key of ONE_SCHEMA)
      if (Object.hasOwn(n, key) && !Array.isArray(n[key])) stack.push([n[key], `${pointer}/${key}`]);
    for (const key of SCHEMA_LISTS) {
      const list = Object.hasOwn(n, key) ? n[key] : undefined;
      if (Array.isArray(list))
        for (let i = 0; i < list.length; i++) stack.push([list[i], `${pointer}/${key}/${i}`]);
    }
    for (const key of SCHEMA_MAPS) {
      const map = Object.hasOwn(n, key) ? n[key] : undefined;
      if (typeof map !== "object" || map === null || Array.isArray(map)) continue;
      for (const name of Object.keys(map)) {
        const at = `${pointer}/${key}/${name.replace(/~/g, "~0").replace(/\//g, "~1")}`;
        if (key === "patternProperties")
          out.push({ pointer: at, source: name, keyword: "patternProperties" });
        stack.push([(map as Record<string, unknown>)[name], at]);
      }
    }
  }
  return out.sort((a, b) => (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : 0));
}
