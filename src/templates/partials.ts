/**
 * The `{{> name}}` partials a template includes, read from its syntax tree: shared by `render`
 * (which refuses one it does not have) and `check` (template-unknown-partial), so both know the
 * same partials and suggest the same one. Pure.
 */
import type { SourceLocation } from "../core/change.js";
import { didYouMean } from "../core/suggest.js";
import type { PartialReference } from "./types.js";

/**
 * Each `{{> name}}` of the template naming no `{{#*inline "name"}}` of its own, in source order,
 * at the statement's `line:column`. A partial block (`{{#> name}}fallback{{/name}}`) renders its
 * fallback and a computed name (`{{> (lookup ...)}}`) is known only while rendering: both are
 * left out.
 */
export function partialReferences(ast: hbs.AST.Program, file: string): PartialReference[] {
  const inline = new Set<string>();
  const used: { name: string; location: SourceLocation }[] = [];
  eachNode(ast, (node) => {
    const n = node as {
      type?: string;
      name?: { type?: string; original?: unknown; data?: boolean };
      path?: { original?: string };
      params?: { type?: string; value?: unknown }[];
      loc?: hbs.AST.SourceLocation;
    };
    if (n.type === "DecoratorBlock" && n.path?.original === "inline") {
      const first = n.params?.[0];
      if (first?.type === "StringLiteral" && typeof first.value === "string") inline.add(first.value);
    }
    if (
      n.type === "PartialStatement" &&
      n.loc &&
      (n.name?.type === "PathExpression" || n.name?.type === "StringLiteral") &&
      !n.name.data &&
      typeof n.name.original === "string"
    )
      used.push({
        name: n.name.original,
        location: { file, line: n.loc.start.line, column: n.loc.start.column + 1 },
      });
  });
  const inlineNames = [...inline];
  return used
    .filter((u) => !inline.has(u.name))
    .map((u) => ({ kind: "partial", form: "helper", ...u, inline: inlineNames }));
}

/** Why `ref` names no partial (its `meant` one and where partials come from), or undefined when `partials` has it. */
export function missingPartial(
  ref: PartialReference,
  partials: readonly string[],
): { meant: string | undefined; where: string } | undefined {
  if (partials.includes(ref.name)) return undefined;
  const known = [...partials, ...ref.inline];
  return {
    meant: didYouMean(ref.name, known),
    where:
      known.length === 0
        ? "there are no partials (they are the files of the config's `partials` directories)"
        : "partials are the files of the config's `partials` directories",
  };
}

/** Calls `visit` on every node of a Handlebars syntax tree, parents first (locations not walked). */
export function eachNode(ast: hbs.AST.Program, visit: (node: object) => void): void {
  const walk = (node: unknown): void => {
    if (typeof node !== "object" || node === null) return;
    if (Array.isArray(node)) {
      for (const child of node) walk(child);
      return;
    }
    visit(node);
    for (const [key, value] of Object.entries(node)) if (key !== "loc" && key !== "strip") walk(value);
  };
  walk(ast);
}
