/**
 * Stable, readable serialisation: keys sorted by code unit at every level,
 * 2-space indent, trailing newline. Same lockfile in, same bytes out.
 */

const MAX_INDENT_DEPTH = 64;

/**
 * Nesting handled by plain recursion (fast: no work frames); a subtree deeper
 * than this is written by the iterative walk, so deep schemas cannot overflow the stack.
 */
const RECURSION_DEPTH = 200;

/** Pretty JSON with every object's keys sorted; deep schemas cannot overflow the stack. */
export function stableStringify(value: unknown): string {
  const out: string[] = [];
  write(value, "", 0, out);
  out.push("\n");
  return out.join("");
}

/** The indent one level inside `indent`: it stops growing past MAX_INDENT_DEPTH levels. */
function innerIndent(indent: string): string {
  // Output stays linear in size for adversarially deep schemas; nobody reads a diff at that depth anyway.
  return indent.length < MAX_INDENT_DEPTH * 2 ? `${indent}  ` : indent;
}

/** A scalar's text (undefined in an array or at the top is null; what JSON cannot say is nothing). */
function scalar(v: unknown): string {
  return v === undefined ? "null" : (JSON.stringify(v) ?? "");
}

/** The keys of `record` that are written: defined values only, sorted by code unit. */
function writtenKeys(record: Record<string, unknown>): string[] {
  return Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
}

function write(v: unknown, indent: string, depth: number, out: string[]): void {
  if (v === null || typeof v !== "object") {
    out.push(scalar(v));
    return;
  }
  if (depth >= RECURSION_DEPTH) {
    writeIterative(v, indent, out);
    return;
  }
  const inner = innerIndent(indent);
  if (Array.isArray(v)) {
    if (v.length === 0) {
      out.push("[]");
      return;
    }
    out.push("[\n");
    const last = v.length - 1;
    for (let i = 0; i <= last; i++) {
      if (!(i in v)) continue; // a hole is left out, as forEach leaves it
      out.push(inner);
      write(v[i], inner, depth + 1, out);
      out.push(i < last ? ",\n" : "\n");
    }
    out.push(`${indent}]`);
    return;
  }
  const record = v as Record<string, unknown>;
  const keys = writtenKeys(record);
  if (keys.length === 0) {
    out.push("{}");
    return;
  }
  out.push("{\n");
  const last = keys.length - 1;
  for (let i = 0; i <= last; i++) {
    const key = keys[i]!;
    out.push(`${inner}${JSON.stringify(key)}: `);
    write(record[key], inner, depth + 1, out);
    out.push(i < last ? ",\n" : "\n");
  }
  out.push(`${indent}}`);
}

/** The same output as `write`, from a work stack instead of the call stack. */
function writeIterative(value: unknown, startIndent: string, out: string[]): void {
  // Work stack of pending writes: either a value to print at an indent or a literal string.
  type Frame = { kind: "value"; value: unknown; indent: string } | { kind: "text"; text: string };
  const stack: Frame[] = [{ kind: "value", value, indent: startIndent }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.kind === "text") {
      out.push(frame.text);
      continue;
    }
    const { value: v, indent } = frame;
    if (v === null || typeof v !== "object") {
      out.push(scalar(v));
      continue;
    }
    const inner = innerIndent(indent);
    const frames: Frame[] = [];
    if (Array.isArray(v)) {
      if (v.length === 0) {
        out.push("[]");
        continue;
      }
      frames.push({ kind: "text", text: "[\n" });
      v.forEach((item, i) => {
        frames.push({ kind: "text", text: inner });
        frames.push({ kind: "value", value: item, indent: inner });
        frames.push({ kind: "text", text: i < v.length - 1 ? ",\n" : "\n" });
      });
      frames.push({ kind: "text", text: `${indent}]` });
    } else {
      const record = v as Record<string, unknown>;
      const keys = writtenKeys(record);
      if (keys.length === 0) {
        out.push("{}");
        continue;
      }
      frames.push({ kind: "text", text: "{\n" });
      keys.forEach((key, i) => {
        frames.push({ kind: "text", text: `${inner}${JSON.stringify(key)}: ` });
        frames.push({ kind: "value", value: record[key], indent: inner });
        frames.push({ kind: "text", text: i < keys.length - 1 ? ",\n" : "\n" });
      });
      frames.push({ kind: "text", text: `${indent}}` });
    }
    for (let i = frames.length - 1; i >= 0; i--) stack.push(frames[i]!);
  }
}
