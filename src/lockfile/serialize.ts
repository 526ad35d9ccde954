/**
 * Stable, readable serialisation: keys sorted by code unit at every level,
 * 2-space indent, trailing newline. Same lockfile in, same bytes out.
 */

const MAX_INDENT_DEPTH = 64;

/** Pretty JSON with every object's keys sorted; iterative so deep schemas cannot overflow the stack. */
export function stableStringify(value: unknown): string {
  const out: string[] = [];
  // Work stack of pending writes: either a value to print at an indent or a literal string.
  type Frame = { kind: "value"; value: unknown; indent: string } | { kind: "text"; text: string };
  const stack: Frame[] = [{ kind: "value", value, indent: "" }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.kind === "text") {
      out.push(frame.text);
      continue;
    }
    const { value: v, indent } = frame;
    if (v === null || typeof v !== "object") {
      out.push(v === undefined ? "null" : JSON.stringify(v));
      continue;
    }
    // Past MAX_INDENT_DEPTH levels the indent stops growing: output stays linear in size for
    // adversarially deep schemas, and nobody reads a diff at that depth anyway.
    const inner = indent.length < MAX_INDENT_DEPTH * 2 ? `${indent}  ` : indent;
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
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort();
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
  return `${out.join("")}\n`;
}
