/** JSON helpers every stage shares: what a parsed value is, parsing with a message that names the place, ordering. */
import { isAscii } from "node:buffer";
import { createRequire } from "node:module";
import type { ParseError } from "jsonc-parser";

/** A plain (non-array) object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Code-unit order of two strings (what `Array.prototype.sort` does by default), for stable output. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * JSON.parse with a one-line error naming the source and the line:column of the problem, thrown
 * as `ErrorClass` (the caller's typed error, so it maps to the caller's exit code) with that place as its `location`.
 * A leading UTF-8 byte order mark (Windows editors write one) is ignored, as YAML ignores it.
 */
export function parseJson(
  text: string,
  source: string,
  ErrorClass: new (
    message: string,
    options?: { location?: { file: string; line: number; column: number } },
  ) => Error,
  /** What to do, appended to a syntax error's line (the lockfile's says how to get a whole one back). */
  hint?: string,
): unknown {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch {
    const then = hint === undefined ? "" : `; ${hint}`;
    // A merge that left conflict markers (a committed lockfile, an acknowledgements file): say so,
    // at the first marker, rather than what the JSON tokenizer makes of it.
    const marker = /^(<{7}|={7}|>{7})(?:[ \t].*)?$/m.exec(text);
    if (marker) {
      const line = text.slice(0, marker.index).split("\n").length;
      throw new ErrorClass(
        `${source}:${line}:1: unresolved git merge conflict (${marker[1]} at line ${line})${then}`,
        { location: { file: source, line, column: 1 } },
      );
    }
    // V8's messages carry a position only sometimes; jsonc-parser always reports one. Loaded only
    // here, on an error, so reading a valid lockfile or config never pays for it.
    const { parse: parseTolerant, printParseErrorCode } = createRequire(import.meta.url)(
      "jsonc-parser",
    ) as typeof import("jsonc-parser");
    const errors: ParseError[] = [];
    parseTolerant(text, errors, { disallowComments: true, allowTrailingComma: false });
    const first = errors[0];
    const offset = first?.offset ?? 0;
    const before = text.slice(0, offset);
    const line = before.split("\n").length;
    const column = offset - before.lastIndexOf("\n");
    const reason = first ? describeParseError(printParseErrorCode(first.error)) : "not valid JSON";
    throw new ErrorClass(`${source}:${line}:${column}: invalid JSON: ${reason}${then}`, {
      location: { file: source, line, column },
    });
  }
}

function describeParseError(code: string): string {
  // "PropertyNameExpected" -> "property name expected"
  return code.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

/**
 * Whether every string (key or value) of the JSON text `bytes` (UTF-8) decodes to printable ASCII,
 * tab, line feed or carriage return only: every byte is ASCII, none is DEL, and no escape is `\u`,
 * `\b` or `\f` (the other escapes give `"`, `\`, `/`, tab, LF and CR; raw control characters are
 * not valid JSON). False does not say the contrary (`\\u` is a backslash and a `u`). A few
 * native passes over the bytes, so a scan of many strings can skip looking for invisible ones.
 */
export function isPlainJson(bytes: Buffer): boolean {
  return (
    isAscii(bytes) &&
    bytes.indexOf(0x7f) === -1 &&
    bytes.indexOf("\\u") === -1 &&
    bytes.indexOf("\\b") === -1 &&
    bytes.indexOf("\\f") === -1
  );
}
