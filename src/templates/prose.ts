/**
 * References in the template's prose: inline code spans in the text between
 * Handlebars statements (`` `customer_email` ``, `` `create_ticket(customer_email=...)` ``).
 * Input is the AST's ContentStatements; positions are mapped back through their `loc`.
 */
import type { SourceLocation } from "../core/change.js";
import type { CallReference, MentionReference } from "./types.js";

/** One stretch of literal text and where it starts (1-based line, 0-based column, as Handlebars reports). */
export interface TextPiece {
  text: string;
  line: number;
  column: number;
  /** The tool of the enclosing `{{#tool}}` block, if any. */
  scope?: string;
}

// Stands for a Handlebars statement between two pieces of text: a code span containing one is dynamic.
const STATEMENT = "\u0000";
// A code span: a run of backticks, content, the same run (CommonMark's rule, without the newline folding).
const CODE_SPAN = /(?<!`)(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g;
const NAME = "[A-Za-z_][\\w.-]*(?:/[A-Za-z_][\\w.-]*)?";
const BARE_NAME = new RegExp(`^${NAME}$`);
const CALLEE = new RegExp(`(?<![\\w.$/-])(${NAME})\\s*\\(`, "g");
const NAMED_ARG = /^(\s*)(["']?)([A-Za-z_][\w-]*)\2\s*(?:=(?!=)|:)/;

/** Finds the mentions and calls in the code spans of the given text pieces (in source order). */
export function scanProse(pieces: readonly TextPiece[], file: string): (MentionReference | CallReference)[] {
  let joined = "";
  const starts: number[] = [];
  for (const piece of pieces) {
    if (joined !== "") joined += STATEMENT;
    starts.push(joined.length);
    joined += piece.text;
  }
  // The piece holding an index of `joined`: the last one starting at or before it. Spans are found
  // in order and each lies in one piece, so a cursor moves to it (back only for safety).
  let cursor = 0;
  const pieceIndex = (index: number): number => {
    while (cursor < starts.length - 1 && starts[cursor + 1]! <= index) cursor++;
    while (cursor > 0 && starts[cursor]! > index) cursor--;
    return cursor;
  };
  const pieceAt = (index: number): TextPiece => pieces[pieceIndex(index)]!;
  const locate = (index: number): SourceLocation => {
    const i = pieceIndex(index);
    const piece = pieces[i]!;
    const text = piece.text;
    // `offset` characters of the piece come before it: on its first line, or after a line feed.
    const offset = index - starts[i]!;
    const lastNewline = offset === 0 ? -1 : text.lastIndexOf("\n", offset - 1);
    if (lastNewline === -1) return { file, line: piece.line, column: piece.column + offset + 1 };
    let newlines = 0;
    for (let n = text.indexOf("\n"); n !== -1 && n < offset; n = text.indexOf("\n", n + 1)) newlines++;
    return { file, line: piece.line + newlines, column: offset - lastNewline };
  };

  const out: (MentionReference | CallReference)[] = [];
  if (!joined.includes("`")) return out;
  for (const span of joined.matchAll(CODE_SPAN)) {
    const content = span[2]!;
    if (content.includes(STATEMENT)) continue;
    const contentStart = span.index + span[1]!.length;
    const trimmed = content.trim();
    if (BARE_NAME.test(trimmed)) {
      const start = contentStart + content.indexOf(trimmed);
      const scope = pieceAt(start).scope;
      out.push({
        kind: "mention",
        form: "prose",
        name: trimmed,
        ...(scope !== undefined && { scope }),
        location: locate(start),
      });
      continue;
    }
    for (const call of findCalls(content)) {
      const scope = pieceAt(contentStart + call.offset).scope;
      out.push({
        kind: "call",
        form: "prose",
        tool: call.tool,
        args: call.args.map((a) => ({ name: a.name, location: locate(contentStart + a.offset) })),
        elided: call.elided,
        ...(scope !== undefined && { scope }),
        location: locate(contentStart + call.offset),
      });
    }
  }
  return out;
}

export interface RawCall {
  tool: string;
  offset: number;
  args: { name: string; offset: number }[];
  elided: boolean;
}

/** Calls `name(...)` in a code span's content, with their named arguments. */
export function findCalls(code: string): RawCall[] {
  const calls: RawCall[] = [];
  for (const m of code.matchAll(CALLEE)) {
    const open = m.index + m[0].length - 1;
    const close = matchingParen(code, open);
    if (close === -1) continue;
    let argsText = code.slice(open + 1, close);
    let argsOffset = open + 1;
    // A single object argument, JSON style: create_ticket({"customer_email": "..."}).
    const objectArg = /^\s*\{([\s\S]*)\}\s*$/.exec(argsText);
    if (objectArg) {
      argsOffset += argsText.indexOf("{") + 1;
      argsText = objectArg[1]!;
    }
    const args: RawCall["args"] = [];
    let elided = false;
    for (const part of splitTopLevel(argsText)) {
      if (part.text.trim() === "") continue;
      const named = NAMED_ARG.exec(part.text);
      if (named) {
        args.push({
          name: named[3]!,
          offset: argsOffset + part.offset + named[1]!.length + named[2]!.length,
        });
      } else {
        // `...`, `**kwargs` or a positional value: the call does not show every argument by name.
        elided = true;
      }
    }
    calls.push({ tool: m[1]!, offset: m.index, args, elided });
  }
  return calls;
}

function matchingParen(code: string, open: number): number {
  let depth = 0;
  let quote = "";
  for (let i = open; i < code.length; i++) {
    const c = code[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      depth--;
      if (depth === 0) return c === ")" ? i : -1;
    }
  }
  return -1;
}

/** Splits on commas outside brackets and quotes. */
function splitTopLevel(text: string): { text: string; offset: number }[] {
  const parts: { text: string; offset: number }[] = [];
  let depth = 0;
  let quote = "";
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) {
      parts.push({ text: text.slice(start, i), offset: start });
      start = i + 1;
    }
  }
  parts.push({ text: text.slice(start), offset: start });
  return parts;
}
