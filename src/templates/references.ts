/**
 * Reads a template's references to tools, parameters, prompts, prompt arguments
 * and resources from its Handlebars
 * AST (never by regex over the source, never by running it). Pure.
 */

import type { SourceLocation } from "../core/change.js";
import { TemplateError } from "../errors.js";
import { splitFrontMatter } from "./front-matter.js";
import { handlebars } from "./handlebars.js";
import {
  type HelperArguments,
  helperCallReferences,
  namesSurface,
  pathReferences,
  type Scope,
} from "./helper-references.js";
import { parseSimpleTemplate } from "./parse.js";
import { partialReferences } from "./partials.js";
import { scanProse, type TextPiece } from "./prose.js";
import { scanReferences, segmentOffsets } from "./scan.js";
import type { TemplateReference, TemplateReferences } from "./types.js";

type Node = hbs.AST.Node;
/** The tool of the enclosing `{{#tool}}` block and the prompt of the enclosing `{{#prompt}}` block. */
type Expression = hbs.AST.Expression;

/**
 * Every tool, parameter, prompt, prompt argument and resource `source` names, in source order, with 1-based line
 * and column. Throws TemplateError (`file:line: message`) on a syntax error. By default the body is
 * read straight from its text where it can be (scan.ts), else from its tree (`parseForReferences`:
 * the small exact parser, parse.ts, else Handlebars); `parse`, when given, is how the tree is built
 * and no text is read without one: tests pass `parseTemplate` to compare with Handlebars' own tree.
 */
export function extractReferences(
  source: string,
  file: string,
  parse?: (body: string, file: string) => hbs.AST.Program,
): TemplateReferences {
  const { references: declared, body } = splitFrontMatter(source, file);
  // Read from the text, unless the body may nest deeper than the nesting check allows (the tree
  // path runs it) or holds what only a tree answers exactly.
  const scanned =
    parse === undefined && openings(body) <= MAX_TEMPLATE_NESTING ? scanReferences(body, file) : undefined;
  if (scanned) {
    const references: TemplateReference[] = [...declared, ...scanned.references];
    for (const { name, location } of scanned.partials)
      references.push({ kind: "partial", form: "helper", name, location, inline: [] });
    references.push(...scanProse(scanned.pieces, file));
    references.sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
    return { file, references };
  }
  const ast = (parse ?? parseForReferences)(body, file);
  const lines = body.split("\n");
  const references: TemplateReference[] = [...declared];
  const pieces: TextPiece[] = [];
  const at = (pos: hbs.AST.Position, offset = 0): SourceLocation => ({
    file,
    line: pos.line,
    column: pos.column + 1 + offset,
  });

  const visitHelperCall = (
    node: { path: Expression; params: Expression[]; hash?: hbs.AST.Hash },
    form: "helper" | "block",
    scope: Scope,
  ): void => {
    const [first, second] = node.params;
    if (!isString(first)) return;
    const pairs = node.hash?.pairs ?? [];
    const args: HelperArguments<hbs.AST.Position> = {
      count: node.params.length,
      first: first.value,
      firstAt: first.loc.start,
      second: isString(second) ? second.value : undefined,
      secondAt: (second ?? first).loc.start,
      keys: pairs.length > 0 ? pairs.map((pair) => pair.key) : undefined,
      keyAt: pairs.map((pair) => pair.loc.start),
    };
    helperCallReferences(helperName(node.path), form, scope, args, at, references);
  };

  const visitPath = (path: hbs.AST.PathExpression): void => {
    const parts = path.data && path.parts[0] === "root" ? path.parts.slice(1) : path.parts;
    if (!namesSurface(parts)) return;
    const offsets = pathSegmentOffsets(lines, path);
    // `parts` are the path's last segments (leading `this`, `../`, `@` are not parts).
    pathReferences(
      parts,
      (i) => at(path.loc.start, offsets[offsets.length - parts.length + i] ?? 0),
      references,
    );
  };

  const visit = (node: Node | undefined | null, scope: Scope): void => {
    if (!node) return;
    switch (node.type) {
      case "Program":
        for (const statement of (node as hbs.AST.Program).body) visit(statement, scope);
        return;
      case "ContentStatement": {
        // `original` is the text before whitespace control (the typings call it StripFlags; it is a string).
        const content = node as unknown as { original: string; loc: hbs.AST.SourceLocation };
        pieces.push({
          text: content.original,
          line: content.loc.start.line,
          column: content.loc.start.column,
          ...(scope.tool !== undefined && { scope: scope.tool }),
        });
        return;
      }
      case "MustacheStatement":
      case "Decorator":
      case "SubExpression": {
        const call = node as hbs.AST.MustacheStatement | hbs.AST.SubExpression;
        visitHelperCall(call, "helper", scope);
        visitExpressions(call.path, call.params, call.hash, scope);
        return;
      }
      case "BlockStatement":
      case "DecoratorBlock": {
        const block = node as hbs.AST.BlockStatement;
        visitHelperCall(block, "block", scope);
        visitExpressions(block.path, block.params, block.hash, scope);
        const first = block.params[0];
        const helper = helperName(block.path);
        const inner =
          helper === "tool" && isString(first)
            ? { ...scope, tool: first.value }
            : helper === "prompt" && isString(first)
              ? { ...scope, prompt: first.value }
              : scope;
        visit(block.program, inner);
        visit(block.inverse, scope);
        return;
      }
      case "PartialStatement":
      case "PartialBlockStatement": {
        const partial = node as hbs.AST.PartialBlockStatement;
        visitExpressions(undefined, partial.params, partial.hash, scope);
        if (partial.name.type === "SubExpression") visit(partial.name, scope);
        visit(partial.program, scope);
        return;
      }
      case "PathExpression":
        visitPath(node as hbs.AST.PathExpression);
        return;
      default:
        // Comments and literals name nothing.
        return;
    }
  };

  const visitExpressions = (
    path: Expression | undefined,
    params: Expression[],
    hash: hbs.AST.Hash | undefined,
    scope: Scope,
  ): void => {
    if (path) visit(path, scope);
    for (const param of params) visit(param, scope);
    for (const pair of hash?.pairs ?? []) visit(pair.value, scope);
  };

  visit(ast, {});
  references.push(...partialReferences(ast, file));
  references.push(...scanProse(pieces, file));
  references.sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
  return { file, references };
}

/**
 * How deep blocks (`{{#…}}`, `{{^…}}`) and subexpressions (`(…)`) may nest.
 * Handlebars parses and compiles recursively, in time that grows with the
 * square of the depth: 5,000 levels take seconds and then overflow the stack.
 */
export const MAX_TEMPLATE_NESTING = 256;

/**
 * Throws TemplateError (`file:line: …`) when `body` nests blocks and
 * subexpressions deeper than MAX_TEMPLATE_NESTING; a linear scan, run before
 * Handlebars sees the text. Comments and string literals are skipped; a
 * template Handlebars would reject anyway (an unclosed block) is left to it.
 */
export function checkNesting(body: string, file: string): void {
  let depth = 0;
  let line = 1;
  const fail = (): never => {
    throw new TemplateError(
      `${file}:${line}: blocks and subexpressions nest more than ${MAX_TEMPLATE_NESTING} deep; flatten the template (Handlebars would overflow its stack)`,
    );
  };
  let i = 0;
  const lineTo = (end: number): void => {
    for (; i < end; i++) if (body.charCodeAt(i) === 10) line++;
  };
  for (;;) {
    const open = body.indexOf("{{", i);
    if (open === -1) return;
    lineTo(open);
    let j = open + 2;
    while (body[j] === "{") j++; // triple-stash and raw blocks
    if (body[j] === "~") j++;
    if (body[j] === "!") {
      // {{!-- … --}} may hold "}}"; {{! … }} may not.
      const end = body.startsWith("--", j + 1) ? body.indexOf("--}}", j) : body.indexOf("}}", j);
      if (end === -1) return;
      lineTo(end);
      continue;
    }
    const sigil = body[j];
    if (sigil === "#") depth++;
    else if (sigil === "^" && !/^\^\s*~?\}\}/.test(body.slice(j, j + 8))) depth++;
    else if (sigil === "/") depth = Math.max(0, depth - 1);
    if (depth > MAX_TEMPLATE_NESTING) fail();
    // Inside the mustache: subexpressions, outside string literals.
    let parens = 0;
    let quote: string | undefined;
    let k = j;
    for (; k < body.length; k++) {
      const c = body[k]!;
      if (c === "\n") line++;
      if (quote) {
        if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === "(") {
        if (++parens + depth > MAX_TEMPLATE_NESTING) fail();
      } else if (c === ")") parens = Math.max(0, parens - 1);
      else if (c === "}" && body[k + 1] === "}") break;
    }
    i = k;
  }
}

/**
 * The tree `parseTemplate` gives, for what the reference reader reads: from the small exact parser
 * (parse.ts) when it answers, else from Handlebars (loaded only then). The nesting check runs
 * first whenever it could refuse: only a body with more than MAX_TEMPLATE_NESTING `{{` and `(` in
 * all can nest that deep.
 */
export function parseForReferences(body: string, file: string): hbs.AST.Program {
  if (openings(body) > MAX_TEMPLATE_NESTING) checkNesting(body, file);
  return parseSimpleTemplate(body) ?? parseTemplate(body, file);
}

/** How many `{{` (overlapping) and `(` `body` holds: a bound on what `checkNesting` counts. */
function openings(body: string): number {
  let n = 0;
  for (let i = body.indexOf("{{"); i !== -1; i = body.indexOf("{{", i + 1)) n++;
  for (let i = body.indexOf("("); i !== -1; i = body.indexOf("(", i + 1)) n++;
  return n;
}

/** `Handlebars.parse`, its errors turned into `file:line: message`. */
export function parseTemplate(body: string, file: string): hbs.AST.Program {
  checkNesting(body, file);
  try {
    return handlebars().parse(body);
  } catch (error) {
    throw templateSyntaxError(error, file, body);
  }
}

/**
 * Converts a Handlebars parse or compile exception into a one-line TemplateError naming file and
 * line. With the template's `body`, a block left open is reported where it opens.
 */
export function templateSyntaxError(error: unknown, file: string, body?: string): TemplateError {
  const e = error as { message?: string; lineNumber?: number };
  const message = String(e.message ?? error);
  const lines = message.split("\n");
  const parseLine = /^(?:Parse|Lexical) error on line (\d+):/.exec(lines[0] ?? "");
  if (parseLine) {
    // "Parse error on line N:", the source line, a caret, then what was expected.
    if (/ got 'EOF'$/.test(lines[3] ?? "")) {
      const open = body === undefined ? undefined : unclosedBlock(body);
      if (open) {
        return new TemplateError(
          `${file}:${open.line}:${open.column}: syntax error: \`{{${open.sigil}${open.name}}}\` is never closed: add \`{{/${open.name}}}\` where the block ends`,
          { cause: error },
        );
      }
      return new TemplateError(
        `${file}:${parseLine[1]}: syntax error: the file ends inside a block: a {{#…}} is missing its {{/…}}`,
        { cause: error },
      );
    }
    const detail = lines.slice(3).join(" ").trim() || lines[0]!;
    return new TemplateError(`${file}:${parseLine[1]}: syntax error: ${detail}`, { cause: error });
  }
  // Other exceptions ("if doesn't match each - 2:3") carry lineNumber and append " - line:column".
  const text = (lines[0] ?? "").replace(/ - \d+:\d+$/, "");
  const line = e.lineNumber ?? 1;
  return new TemplateError(`${file}:${line}: syntax error: ${text}`, { cause: error });
}

function helperName(path: Expression): string | undefined {
  if (path.type !== "PathExpression") return undefined;
  const p = path as hbs.AST.PathExpression;
  return !p.data && p.depth === 0 && p.parts.length === 1 && p.original === p.parts[0]
    ? p.parts[0]
    : undefined;
}

function isString(node: Expression | undefined): node is hbs.AST.StringLiteral {
  return node?.type === "StringLiteral";
}

/** `segmentOffsets` of a path of the tree: its text on its first line. */
function pathSegmentOffsets(lines: readonly string[], path: hbs.AST.PathExpression): number[] {
  const { start, end } = path.loc;
  const line = lines[start.line - 1] ?? "";
  return segmentOffsets(
    start.line === end.line ? line.slice(start.column, end.column) : line.slice(start.column),
  );
}

/**
 * The innermost block still open at the end of `body` (`{{#name …}}` or `{{^name …}}` without its
 * `{{/name}}`), with the 1-based line and column of its `{{`; undefined when every block closes.
 * Comments and string literals are skipped, as in `checkNesting`.
 */
export function unclosedBlock(
  body: string,
): { name: string; sigil: string; line: number; column: number } | undefined {
  const open: { name: string; sigil: string; line: number; column: number }[] = [];
  const mustache = /\{\{(~?)(!--[\s\S]*?--~?\}\}|![\s\S]*?\}\}|([#^/])\s*([>*]?)\s*([^\s}~]*))/g;
  for (const m of body.matchAll(mustache)) {
    const sigil = m[3];
    if (sigil === undefined) continue; // a comment
    const name = m[5] ?? "";
    if (sigil === "/") {
      open.pop();
      continue;
    }
    if (sigil === "^" && name === "") continue; // `{{^}}` is an else, not a block
    const before = body.slice(0, m.index);
    const line = before.split("\n").length;
    open.push({ name, sigil: `${sigil}${m[4] ?? ""}`, line, column: m.index - before.lastIndexOf("\n") });
  }
  return open.at(-1);
}
