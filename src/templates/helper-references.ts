/**
 * What a reference helper call and a `tools.`/`prompts.`/`resources.` path name, shared by the
 * tree walk (`references.ts`) and the one-pass reader (`scan.ts`), so both give the same
 * references in the same order. `P` is a caller's position (a Handlebars position, an offset);
 * `at` makes a location of one, some columns on.
 */
import type { SourceLocation } from "../core/change.js";
import type { TemplateReference } from "./types.js";

/** The tool of the enclosing `{{#tool}}` block and the prompt of the enclosing `{{#prompt}}` block. */
export interface Scope {
  tool?: string;
  prompt?: string;
}

/** A helper call's parameters and hash, as far as the references read them. */
export interface HelperArguments<P> {
  /** How many parameters. */
  count: number;
  /** The first and second parameter's value when it is a string literal, and where it starts. */
  first: string | undefined;
  firstAt: P;
  second: string | undefined;
  secondAt: P;
  /** The hash's keys (undefined when it has none) and where each pair starts. */
  keys: readonly string[] | undefined;
  keyAt: readonly P[] | undefined;
}

/** The references of `{{name …}}` or `{{#name …}}` (`form`), appended to `out`. */
export function helperCallReferences<P>(
  name: string | undefined,
  form: "helper" | "block",
  scope: Scope,
  args: HelperArguments<P>,
  at: (position: P, add: number) => SourceLocation,
  out: TemplateReference[],
): void {
  const first = args.first;
  if (first === undefined) return;
  if (name === "tool") {
    out.push({ kind: "tool", form, name: first, location: at(args.firstAt, 1) });
  } else if (name === "param") {
    if (args.second !== undefined) {
      out.push({ kind: "tool", form: "helper", name: first, location: at(args.firstAt, 1) });
      out.push({
        kind: "param",
        form: "helper",
        tool: first,
        param: args.second,
        location: at(args.secondAt, 1),
      });
    } else if (args.count < 2) {
      out.push({
        kind: "param",
        form: scope.tool === undefined ? "helper" : "block",
        tool: scope.tool,
        param: first,
        location: at(args.firstAt, 1),
      });
    }
  } else if (name === "prompt") {
    const keys = args.keys;
    const keyAt = args.keyAt;
    out.push({
      kind: "prompt",
      form,
      name: first,
      ...(keys !== undefined && {
        args: keys.map((key, i) => ({ name: key, location: at(keyAt![i]!, 0) })),
      }),
      location: at(args.firstAt, 1),
    });
  } else if (name === "arg") {
    if (args.second !== undefined) {
      out.push({ kind: "prompt", form: "helper", name: first, location: at(args.firstAt, 1) });
      out.push({
        kind: "prompt-argument",
        form: "helper",
        prompt: first,
        argument: args.second,
        location: at(args.secondAt, 1),
      });
    } else if (args.count < 2) {
      out.push({
        kind: "prompt-argument",
        form: scope.prompt === undefined ? "helper" : "block",
        prompt: scope.prompt,
        argument: first,
        location: at(args.firstAt, 1),
      });
    }
  } else if (name === "resource") {
    out.push({ kind: "resource", form, uri: first, location: at(args.firstAt, 1) });
  }
}

/** Whether a path of these segments names part of a surface (what `pathReferences` reads). */
export function namesSurface(parts: readonly string[]): boolean {
  const section = parts[0];
  return (section === "tools" || section === "prompts" || section === "resources") && parts.length >= 2;
}

/**
 * What a path whose segments (leading `this`, `../` and `@root` left out) are `parts` names:
 * `tools.x`, `tools.x.params.y`, `prompts.x`, `prompts.x.args.y`, `resources.x`; `segmentAt(i)` is
 * where segment `i` of `parts` starts.
 */
export function pathReferences(
  parts: readonly string[],
  segmentAt: (segment: number) => SourceLocation,
  out: TemplateReference[],
): void {
  if (!namesSurface(parts)) return;
  const section = parts[0];
  const item = parts[1]!;
  const location = segmentAt(1);
  if (section === "resources") {
    out.push({ kind: "resource", form: "path", uri: item, location });
  } else if (section === "prompts") {
    out.push({ kind: "prompt", form: "path", name: item, location });
    if (parts[2] === "args" && parts[3] !== undefined) {
      out.push({
        kind: "prompt-argument",
        form: "path",
        prompt: item,
        argument: parts[3],
        location: segmentAt(3),
      });
    }
  } else {
    out.push({ kind: "tool", form: "path", name: item, location });
    if (parts[2] === "params" && parts[3] !== undefined) {
      out.push({ kind: "param", form: "path", tool: item, param: parts[3], location: segmentAt(3) });
    }
  }
}
