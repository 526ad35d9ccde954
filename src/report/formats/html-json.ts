/**
 * Pretty JSON with a line per JSON Pointer: the html report shows a tool's
 * old and new definitions side by side and puts each finding beside the line
 * its pointer names, so it needs to know where each pointer's value starts.
 */
import { cmp } from "../../core/json.js";

/** A value printed as 2-space-indented JSON, and the 0-based line where each pointer's value starts. */
export interface PrintedJson {
  lines: string[];
  /** JSON Pointer ("" for the root) to the line its member or element starts on. */
  lineOf: Map<string, number>;
}

const escapePointer = (key: string): string => key.replace(/~/g, "~0").replace(/\//g, "~1");

/**
 * Prints `value` as `JSON.stringify(value, null, 2)` does, but with each object's keys in code-unit
 * order (the lockfile's canonical order; a live definition arrives in the server's order, and two
 * sides in different orders would show as changed everywhere), recording each pointer's line.
 */
export function printJson(value: unknown): PrintedJson {
  const lines: string[] = [];
  const lineOf = new Map<string, number>();
  // Iterative over an explicit stack would be safer for hostile depth, but definitions in a report
  // already passed the fetch layer's depth guard; recursion depth is bounded by it.
  const walk = (node: unknown, pointer: string, indent: string, prefix: string, suffix: string): void => {
    lineOf.set(pointer, lines.length);
    if (Array.isArray(node)) {
      if (node.length === 0) {
        lines.push(`${indent}${prefix}[]${suffix}`);
        return;
      }
      lines.push(`${indent}${prefix}[`);
      node.forEach((item, i) => {
        walk(item, `${pointer}/${i}`, `${indent}  `, "", i < node.length - 1 ? "," : "");
      });
      lines.push(`${indent}]${suffix}`);
      return;
    }
    if (node !== null && typeof node === "object") {
      const entries = Object.entries(node as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => cmp(a, b));
      if (entries.length === 0) {
        lines.push(`${indent}${prefix}{}${suffix}`);
        return;
      }
      lines.push(`${indent}${prefix}{`);
      entries.forEach(([key, item], i) => {
        walk(
          item,
          `${pointer}/${escapePointer(key)}`,
          `${indent}  `,
          `${JSON.stringify(key)}: `,
          i < entries.length - 1 ? "," : "",
        );
      });
      lines.push(`${indent}}${suffix}`);
      return;
    }
    lines.push(`${indent}${prefix}${JSON.stringify(node) ?? "null"}${suffix}`);
  };
  walk(value, "", "", "", "");
  return { lines, lineOf };
}

/** The line of `pointer` or of its nearest ancestor that the printed value has; undefined when none. */
export function lineOfPointer(printed: PrintedJson, pointer: string): number | undefined {
  let p = pointer;
  for (;;) {
    const line = printed.lineOf.get(p);
    if (line !== undefined) return line;
    if (p === "") return undefined;
    p = p.slice(0, p.lastIndexOf("/"));
  }
}
