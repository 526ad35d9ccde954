/**
 * A template's references read straight from its text, in one pass and without a syntax tree: the
 * reader of `extractReferences` (references.ts) for the common shapes. It lexes as Handlebars does
 * (the small parser's tokens, parse.ts `muToken`), follows the same grammar as that parser, and
 * gives exactly what walking its tree gives: the references of helpers, blocks and paths in the
 * order the tree walk visits them, the text pieces the prose reader scans (with their scope), and
 * the `{{> name}}` partials, each with Handlebars' line and column.
 *
 * Anything it does not answer exactly is `undefined`, and the tree is built (parse.ts, then
 * Handlebars): everything the small parser leaves to Handlebars (escaped mustaches, decorators,
 * characters Handlebars positions otherwise, every syntax error), raw blocks, and an inverted block
 * with an `{{else}}` (the tree walk visits its two halves in the opposite order). Bodies that may
 * nest too deep for the nesting check are left to the tree path, which runs that check.
 * `test/templates/scan.test.ts` proves the two agree on every template of the repository, the
 * benchmark's, a battery of edge shapes and generated ones. Pure.
 */
import type { SourceLocation } from "../core/change.js";
import {
  type HelperArguments,
  helperCallReferences,
  namesSurface,
  pathReferences,
  type Scope,
} from "./helper-references.js";
import { id, isSpace, type Kind, longCommentEnd, muToken, startsHelperName, UNPOSITIONED } from "./parse.js";
import type { TextPiece } from "./prose.js";
import type { TemplateReference } from "./types.js";

/** What a template's syntax names, as the tree walk of `extractReferences` collects it. */
export interface ScannedTemplate {
  /** References of helpers, blocks and paths, in the walk's order. */
  references: TemplateReference[];
  /** The text between statements, for the prose reader. */
  pieces: TextPiece[];
  /** Each `{{> name}}` with a name written out, at its `{{`. */
  partials: { name: string; location: SourceLocation }[];
}

/** A helper call's parameters and hash, offsets in the body, its hash read pair by pair. */
interface Args extends HelperArguments<number> {
  keys: string[] | undefined;
  keyAt: number[] | undefined;
}

/** What `call` read of a helper call. */
interface Call {
  name: string | undefined;
  first: string | undefined;
  path: boolean;
  original: string;
}

/** Thrown for anything left to the tree path; never escapes `scanReferences`. */
const UNSUPPORTED = new Error("left to the parser");

/**
 * A mustache of the common shapes, its sigil (`#`, `/` or none), name and ` "string"` parameters:
 * a plain name (ASCII, so that Handlebars' lexer ends it where this does), strings without
 * escapes, no whitespace control, and `}}` not followed by `}` (which Handlebars reads otherwise).
 */
const SIMPLE = /\{\{([#/]?)([A-Za-z_$][\w$-]*)((?:\s+"[^"\\]*")*)\s*\}\}(?!\})/y;
/** Names that are literals, `this` or `{{else}}` to Handlebars. */
const RESERVED = new Set(["else", "true", "false", "null", "undefined", "this"]);
/**
 * A bare name Handlebars' lexer reads as `{{else …`: `else` then no word character (`{{else-x}}`,
 * `{{else$}}` open an else chain, as `ELSE_CHAIN` in parse.ts reads them).
 */
const ELSE_NAME = /^else(?!\w)/;

/** A call's arguments before any is read (every field present: one shape for V8). */
function noArgs(): Args {
  return {
    count: 0,
    first: undefined,
    firstAt: 0,
    second: undefined,
    secondAt: 0,
    keys: undefined,
    keyAt: undefined,
  };
}

/** The string parameters of a `SIMPLE` match (`text`, from offset `from`). */
function stringArgs(text: string, from: number): Args {
  const args = noArgs();
  for (let open = text.indexOf('"'); open !== -1; ) {
    const close = text.indexOf('"', open + 1);
    if (args.count === 0) {
      args.first = text.slice(open + 1, close);
      args.firstAt = from + open;
    } else if (args.count === 1) {
      args.second = text.slice(open + 1, close);
      args.secondAt = from + open;
    }
    args.count++;
    open = text.indexOf('"', close + 1);
  }
  return args;
}

/** The scope of a block's program: its tool or prompt for `{{#tool "t"}}` and `{{#prompt "p"}}`. */
function innerScope(scope: Scope, call: Call): Scope {
  return call.name === "tool" && call.first !== undefined
    ? { ...scope, tool: call.first }
    : call.name === "prompt" && call.first !== undefined
      ? { ...scope, prompt: call.first }
      : scope;
}

/** What `extractReferences` reads of `body`'s syntax, or undefined when the tree must be built. */
export function scanReferences(body: string, file: string): ScannedTemplate | undefined {
  if (UNPOSITIONED.test(body)) return undefined;
  const scanner = new Scanner(body, file);
  try {
    if (scanner.program({}) !== "EOF") return undefined;
  } catch (error) {
    if (error === UNSUPPORTED) return undefined;
    throw error;
  }
  return { references: scanner.references, pieces: scanner.pieces, partials: scanner.partials };
}

/**
 * Start offset (from the path's first character) of every segment of a path expression as
 * written (`raw`: the path's text on its first line), e.g. `@root.tools.[crm/x].params.y` →
 * offsets of root, tools, crm/x (inside the brackets), params, y.
 */
export function segmentOffsets(raw: string): number[] {
  const offsets: number[] = [];
  let i = raw.startsWith("@") ? 1 : 0;
  while (i < raw.length) {
    if (raw[i] === "[") {
      offsets.push(i + 1);
      const close = raw.indexOf("]", i);
      i = close === -1 ? raw.length : close + 1;
    } else {
      offsets.push(i);
      while (i < raw.length && raw[i] !== "." && raw[i] !== "/") i++;
    }
    if (raw[i] === "." || raw[i] === "/") i++;
  }
  return offsets;
}

class Scanner {
  readonly references: TemplateReference[] = [];
  readonly pieces: TextPiece[] = [];
  readonly partials: { name: string; location: SourceLocation }[] = [];
  /** Where the scan is. */
  private pos = 0;
  /** The name of a `{{/name}}` read whole, for the block it closes. */
  private closed: string | undefined;
  // The token at `pos` inside a mustache, once lexed (`lexed`): its kind, start, end, value.
  private lexed = false;
  private kind: Kind = "EOF";
  private start = 0;
  private end = 0;
  private text: string | undefined;
  // The line holding the offset last located: its 1-based number, its start, the next line feed.
  private line = 1;
  private lineStart = 0;
  private nextNewline: number;
  // The expression last read (`expression`): a path (and its `original`), a string (its value), other.
  private exprPath = false;
  private exprData = false;
  private exprString: string | undefined;
  private exprOriginal = "";
  /** A one-segment path (`tool`), which may name a helper. */
  private exprSimple = false;

  constructor(
    private readonly body: string,
    private readonly file: string,
  ) {
    this.nextNewline = body.indexOf("\n");
  }

  /** Makes `line`/`lineStart` those of `offset` (forward or back). */
  private locate(offset: number): void {
    while (offset < this.lineStart) {
      this.nextNewline = this.lineStart - 1;
      this.lineStart = this.lineStart >= 2 ? this.body.lastIndexOf("\n", this.lineStart - 2) + 1 : 0;
      this.line--;
    }
    while (this.nextNewline !== -1 && this.nextNewline < offset) {
      this.line++;
      this.lineStart = this.nextNewline + 1;
      this.nextNewline = this.body.indexOf("\n", this.lineStart);
    }
  }

  /** `at`, as a function of its own (made once, not at every call). */
  private readonly locationAt = (offset: number, add: number): SourceLocation => this.at(offset, add);

  /** The 1-based location of `offset`, `add` columns on. */
  private at(offset: number, add: number): SourceLocation {
    this.locate(offset);
    return { file: this.file, line: this.line, column: offset - this.lineStart + 1 + add };
  }

  /** Statements up to what ends a program (an else, a close, the end), whose kind it returns. */
  program(scope: Scope): Kind {
    const body = this.body;
    for (;;) {
      const open = body.indexOf("{{", this.pos);
      const end = open === -1 ? body.length : open;
      if (end > this.pos) {
        // `\{{` escapes a mustache, `\\{{` the backslash: both change the text.
        if (open !== -1 && body.charCodeAt(open - 1) === 0x5c) throw UNSUPPORTED;
        this.locate(this.pos);
        const text = body.slice(this.pos, end);
        const line = this.line;
        const column = this.pos - this.lineStart;
        // The tree walk's piece (its `scope` only inside a tool block), without a spread per piece.
        this.pieces.push(
          scope.tool === undefined ? { text, line, column } : { text, line, column, scope: scope.tool },
        );
      }
      if (open === -1) {
        this.pos = body.length;
        return "EOF";
      }
      this.lexed = false;
      // The common shapes (`{{name}}`, `{{name "a" "b"}}`, `{{#name "a"}}`, `{{/name}}`) in one match.
      SIMPLE.lastIndex = open;
      const simple = SIMPLE.exec(body);
      if (simple !== null && !RESERVED.has(simple[2]!) && !(simple[1] === "" && ELSE_NAME.test(simple[2]!))) {
        this.pos = SIMPLE.lastIndex;
        const sigil = simple[1];
        const name = simple[2]!;
        if (sigil === "/") {
          // `{{/name "a"}}`: a close takes no parameters (Handlebars' syntax error).
          if (simple[3] !== "") throw UNSUPPORTED;
          this.closed = name;
          return "OPEN_ENDBLOCK";
        }
        const args = stringArgs(simple[3]!, open + 2 + sigil!.length + name.length);
        if (sigil === "#") {
          this.block("OPEN_BLOCK", scope, { name, first: args.first, path: true, original: name }, args);
        } else {
          this.helperReferences(this.references.length, name, "helper", scope, args);
        }
        continue;
      }
      const token = muToken(body, open)!;
      this.pos = token.end;
      switch (token.kind) {
        case "COMMENT":
          break;
        case "COMMENT_LONG":
          this.pos = longCommentEnd(body, open);
          if (this.pos === -1) throw UNSUPPORTED;
          break;
        case "OPEN":
        case "OPEN_UNESCAPED":
          // `{{*decorator}}` is left to the parser.
          if (body.charCodeAt(token.end - 1) === 0x2a) throw UNSUPPORTED;
          this.call(scope, "helper");
          this.expect(token.kind === "OPEN" ? "CLOSE" : "CLOSE_UNESCAPED");
          break;
        case "OPEN_BLOCK":
        case "OPEN_INVERSE":
          if (body.charCodeAt(token.end - 1) === 0x2a) throw UNSUPPORTED; // a decorator block
          this.block(token.kind, scope);
          break;
        case "OPEN_PARTIAL":
        case "OPEN_PARTIAL_BLOCK":
          this.partial(open, token.kind === "OPEN_PARTIAL_BLOCK", scope);
          break;
        case "INVERSE":
        case "OPEN_INVERSE_CHAIN":
        case "OPEN_ENDBLOCK":
          return token.kind;
        default:
          throw UNSUPPORTED; // a raw block
      }
    }
  }

  /** `{{#name …}}…{{/name}}` or `{{^name …}}…{{/name}}`, after its opener. */
  private block(kind: "OPEN_BLOCK" | "OPEN_INVERSE", scope: Scope, head?: Call, args?: Args): void {
    if (head) this.helperReferences(this.references.length, head.name!, "block", scope, args!);
    const { original, path, inner } = head
      ? { original: head.original, path: head.path, inner: innerScope(scope, head) }
      : this.opening(scope);
    let end: Kind;
    if (kind === "OPEN_BLOCK") {
      end = this.program(inner);
      if (end === "INVERSE") end = this.program(scope);
      else if (end === "OPEN_INVERSE_CHAIN") end = this.chain(scope);
    } else {
      // `{{^name}}` holds its inverse first: the tree walk visits its `{{else}}` half first.
      end = this.program(scope);
      if (end === "INVERSE") throw UNSUPPORTED;
    }
    if (end !== "OPEN_ENDBLOCK") throw UNSUPPORTED;
    this.close(path, original);
  }

  /** `{{else name …}}…`, after its `{{else`: a block of its own, closed by the outer close. */
  private chain(scope: Scope): Kind {
    const { inner } = this.opening(scope);
    let end = this.program(inner);
    if (end === "INVERSE") end = this.program(scope);
    else if (end === "OPEN_INVERSE_CHAIN") end = this.chain(scope);
    return end;
  }

  /** A block's helper call, block parameters and `}}`; the scope of its program. */
  private opening(scope: Scope): { original: string; path: boolean; inner: Scope } {
    const call = this.call(scope, "block");
    if (this.peek() === "OPEN_BLOCK_PARAMS") {
      this.take();
      if (this.peek() !== "ID") throw UNSUPPORTED;
      this.take();
      while (this.peek() === "ID") this.take();
      this.expect("CLOSE_BLOCK_PARAMS");
    }
    this.expect("CLOSE");
    return { original: call.original, path: call.path, inner: innerScope(scope, call) };
  }

  /** `{{/name}}` after its `{{/`: it must name the block it closes (else the parser reports it). */
  private close(path: boolean, original: string): void {
    if (this.closed !== undefined) {
      // Read whole already (`{{/name}}`).
      const name = this.closed;
      this.closed = undefined;
      if (!path || name !== original) throw UNSUPPORTED;
      return;
    }
    this.expression(undefined);
    if (!path || !this.exprPath || this.exprOriginal !== original) throw UNSUPPORTED;
    this.expect("CLOSE");
  }

  /** `{{> name …}}` or `{{#> name …}}…{{/name}}`, after its opener at `open`. */
  private partial(open: number, block: boolean, scope: Scope): void {
    this.expression(this.peek() === "OPEN_SEXPR" ? scope : undefined);
    const path = this.exprPath;
    const original = this.exprOriginal;
    // A name written out (a path or a string, not `@data`), not a computed one.
    const name = path ? (this.exprData ? undefined : original) : this.exprString;
    this.args(scope);
    this.expect("CLOSE");
    if (!block) {
      if (name !== undefined) this.partials.push({ name, location: this.at(open, 0) });
      return;
    }
    if (this.program(scope) !== "OPEN_ENDBLOCK") throw UNSUPPORTED;
    this.close(path, original);
  }

  /**
   * A helper name, its parameters and hash, with the references of a `{{tool}}`, `{{param}}`,
   * `{{prompt}}`, `{{arg}}` or `{{resource}}` call (`form`: as a helper or a block) before those
   * of its paths, as the tree walk visits them. Returns the helper's name (a one-segment path),
   * its first parameter when a string, and whether the name is a path and its `original`.
   */
  private call(scope: Scope, form: "helper" | "block"): Call {
    const mark = this.references.length;
    // A subexpression is no helper name.
    if (this.peek() === "OPEN_SEXPR") throw UNSUPPORTED;
    this.expression(scope);
    const name = this.exprSimple ? this.exprOriginal : undefined;
    const head = { path: this.exprPath, original: this.exprOriginal };
    const args = this.args(scope);
    if (name !== undefined) this.helperReferences(mark, name, form, scope, args);
    return { name, first: args.first, ...head };
  }

  /**
   * The references of a `{{tool}}`, `{{param}}`, `{{prompt}}`, `{{arg}}` or `{{resource}}` call
   * (`form`: as a helper or a block), put at `mark`: before those of its parameters' paths.
   */
  private helperReferences(
    mark: number,
    name: string,
    form: "helper" | "block",
    scope: Scope,
    args: Args,
  ): void {
    const found: TemplateReference[] = [];
    helperCallReferences(name, form, scope, args, this.locationAt, found);
    if (found.length === 0) return;
    if (mark === this.references.length) this.references.push(...found);
    else this.references.splice(mark, 0, ...found);
  }

  /** Parameters, then `key=value` pairs (their paths' references emitted, in order). */
  private args(scope: Scope): Args {
    const args = noArgs();
    for (;;) {
      const kind = this.peek();
      if (kind === "ID" && this.equalsFollows()) break;
      if (kind !== "OPEN_SEXPR" && !startsHelperName(kind)) break;
      const at = this.start;
      this.expression(scope);
      if (args.count === 0) {
        args.first = this.exprString;
        args.firstAt = at;
      } else if (args.count === 1) {
        args.second = this.exprString;
        args.secondAt = at;
      }
      args.count++;
    }
    while (this.peek() === "ID" && this.equalsFollows()) {
      const key = id(this.text ?? this.body.slice(this.start, this.end));
      const at = this.start;
      this.take();
      this.take(); // `=`
      this.expression(scope);
      if (args.keys === undefined) {
        args.keys = [];
        args.keyAt = [];
      }
      args.keys.push(key);
      args.keyAt!.push(at);
    }
    return args;
  }

  /**
   * A subexpression, path or literal; a path's references are emitted unless `scope` is undefined
   * (a close, a partial's name). Sets `exprPath`, `exprString`, `exprOriginal`, `exprSimple`.
   */
  private expression(scope: Scope | undefined): void {
    const kind = this.peek();
    if (kind === "OPEN_SEXPR") {
      if (scope === undefined) throw UNSUPPORTED;
      this.take();
      this.call(scope, "helper");
      this.expect("CLOSE_SEXPR");
      this.exprPath = false;
      this.exprData = false;
      this.exprString = undefined;
      this.exprOriginal = "";
      this.exprSimple = false;
      return;
    }
    this.exprPath = false;
    this.exprData = false;
    this.exprString = undefined;
    this.exprOriginal = "";
    this.exprSimple = false;
    switch (kind) {
      case "ID":
      case "DATA":
        this.path(kind === "DATA", scope !== undefined);
        return;
      case "STRING":
        this.exprString = this.text!;
        this.take();
        return;
      case "NUMBER":
      case "BOOLEAN":
      case "UNDEFINED":
      case "NULL":
        this.take();
        return;
      default:
        throw UNSUPPORTED;
    }
  }

  /** `a.b/c` (after `@` when `data`), as Handlebars' preparePath reads it; its references when `emit`. */
  private path(data: boolean, emit: boolean): void {
    const from = this.start;
    if (data) {
      this.take();
      if (this.peek() !== "ID") throw UNSUPPORTED;
    }
    const parts: string[] = [];
    let original = data ? "@" : "";
    let segments = 0;
    let to: number;
    for (;;) {
      const written = this.text ?? this.body.slice(this.start, this.end);
      const part = id(written);
      original += part;
      segments++;
      if (written === part && (part === ".." || part === "." || part === "this")) {
        if (parts.length > 0) throw UNSUPPORTED; // Handlebars: "Invalid path"
      } else {
        parts.push(part);
      }
      to = this.end;
      this.take();
      if (this.peek() !== "SEP") break;
      original += this.body[this.start];
      this.take();
      if (this.peek() !== "ID") throw UNSUPPORTED;
    }
    this.exprPath = true;
    this.exprData = data;
    this.exprOriginal = original;
    this.exprSimple = !data && segments === 1 && parts.length === 1;
    if (emit) this.pathReferences(data, parts, from, to);
  }

  /** What `tools.x…`, `prompts.x…` and `resources.x` (from `from` to `to`) name. */
  private pathReferences(data: boolean, all: string[], from: number, to: number): void {
    const parts = data && all[0] === "root" ? all.slice(1) : all;
    if (!namesSurface(parts)) return;
    const newline = this.body.indexOf("\n", from);
    const offsets = segmentOffsets(this.body.slice(from, newline !== -1 && newline < to ? newline : to));
    pathReferences(
      parts,
      (i) => this.at(from, offsets[offsets.length - parts.length + i] ?? 0),
      this.references,
    );
  }

  /** The kind of the token at `pos` inside a mustache (spaces skipped), lexed once. */
  private peek(): Kind {
    if (this.lexed) return this.kind;
    const body = this.body;
    let pos = this.pos;
    while (pos < body.length && isSpace(body.charCodeAt(pos))) pos++;
    this.lexed = true;
    this.start = pos;
    if (pos >= body.length) {
      this.kind = "EOF";
      this.end = pos;
      this.text = undefined;
      return "EOF";
    }
    const token = muToken(body, pos);
    // Handlebars' INVALID, or an opener or comment inside a mustache: the parser decides.
    if (token === undefined || token.kind === "SPACE" || token.kind === "COMMENT_LONG") throw UNSUPPORTED;
    this.kind = token.kind;
    this.end = token.end;
    this.text = token.text;
    return token.kind;
  }

  /** Consumes the token at `pos`. */
  private take(): void {
    this.peek();
    this.pos = this.end;
    this.lexed = false;
  }

  /** Consumes a token of `kind`, else leaves the template to the parser. */
  private expect(kind: Kind): void {
    if (this.peek() !== kind) throw UNSUPPORTED;
    this.take();
  }

  /** Whether the token after the current one is `=` (a hash pair's key comes first). */
  private equalsFollows(): boolean {
    const body = this.body;
    let pos = this.end;
    while (pos < body.length && isSpace(body.charCodeAt(pos))) pos++;
    return body.charCodeAt(pos) === 0x3d;
  }
}
