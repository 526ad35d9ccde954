/**
 * A small exact parser for the Handlebars a template checker reads: content, comments, mustaches
 * (`{{x}}`, `{{{x}}}`, `{{&x}}`), blocks with `{{else}}`, `{{^}}` and `{{else if …}}` chains,
 * inverted blocks, raw blocks, partials and partial blocks, subexpressions, string, number,
 * boolean, null and undefined literals, hash arguments, block parameters, paths (`../`, `this.`,
 * `@data`, `[segments]`) and whitespace control (`~`). It tokenizes as Handlebars' own lexer does
 * (its rules in their order, dispatched on the character at hand) and builds the same tree, for the fields the
 * reference reader (references.ts) reads: statement and expression types, paths (`data`, `depth`,
 * `parts`, `original`, where they start and end), string values, hash keys and values, content
 * `original` text, and where literals, hash pairs and content start.
 *
 * Anything else, or anything it cannot answer exactly, is `undefined`, and Handlebars parses the
 * template: decorators, escaped mustaches (`\{{`), text Handlebars' lexer would position
 * differently from character offsets (a NUL, a lone `\r`, U+2028, U+2029), and every syntax error
 * (so errors are always Handlebars' own). `test/templates/parse.test.ts` proves both trees agree
 * on every template in the repository, the benchmark's templates, a battery of edge shapes and
 * generated ones. Pure.
 */

/** Where a token or node starts or ends: 1-based line, 0-based column (Handlebars' convention). */
interface Position {
  line: number;
  column: number;
}
interface Loc {
  start: Position;
  end: Position;
}

export type Kind =
  | "CONTENT"
  | "COMMENT"
  | "OPEN_SEXPR"
  | "CLOSE_SEXPR"
  | "OPEN_RAW_BLOCK"
  | "CLOSE_RAW_BLOCK"
  | "END_RAW_BLOCK"
  | "OPEN_PARTIAL"
  | "OPEN_PARTIAL_BLOCK"
  | "OPEN_BLOCK"
  | "OPEN_ENDBLOCK"
  | "INVERSE"
  | "OPEN_INVERSE"
  | "OPEN_INVERSE_CHAIN"
  | "OPEN_UNESCAPED"
  | "OPEN"
  | "EQUALS"
  | "ID"
  | "SEP"
  | "CLOSE_UNESCAPED"
  | "CLOSE"
  | "STRING"
  | "DATA"
  | "BOOLEAN"
  | "UNDEFINED"
  | "NULL"
  | "NUMBER"
  | "OPEN_BLOCK_PARAMS"
  | "CLOSE_BLOCK_PARAMS"
  | "EOF";

interface Token {
  kind: Kind;
  /** The token's value (a string's contents, an ID without its escapes, a raw block's closing name). */
  text: string;
  /** Offsets of its first character and past its last. */
  start: number;
  end: number;
}

/** Characters that Handlebars' lexer positions otherwise than by offsets, and NUL, which it refuses. */
export const UNPOSITIONED = /[\u0000\u2028\u2029]|\r(?!\n)/;

// Handlebars' lexer (its handlebars.l) tries its rules in order and takes the first that matches;
// inside a mustache the character at hand decides which can, so `muToken` dispatches on it and
// keeps that order. The rules written as regular expressions here are Handlebars' own.
const INVERSE = /\{\{(~)?\^\s*(~)?\}\}/y;
const ELSE = /\{\{(~)?\s*else\s*(~)?\}\}/y;
const ELSE_CHAIN = /\{\{(~)?\s*else\b/y;
const STRING_DOUBLE = /"(\\["]|[^"])*"/y;
const STRING_SINGLE = /'(\\[']|[^'])*'/y;
const BRACKET_ID = /\[(\\\]|[^\]])*\]/y;
const NUMBER = /-?[0-9]+(?:\.[0-9]+)?(?=[~}\s)])/y;
const BLOCK_PARAMS = /as\s+\|/y;
const COMMENT_END = /--(~)?\}\}/g;
// Inside a raw block: a nested opening, a closing (of a nested block or of this one), other text.
const RAW_OPEN = /\{\{\{\{(?=[^/])/y;
const RAW_CLOSE = /\{\{\{\{\/([^\s!"#%-,./;->@[-^\x60{-~]+)(?=[=}\s/.])\}\}\}\}/y;
const RAW_TEXT = /[^\u0000]+?(?=\{\{\{\{)/y;

/** JavaScript's `\s`. */
export function isSpace(c: number): boolean {
  return (
    (c >= 9 && c <= 13) ||
    c === 32 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** A character of a plain ID: `[^\s!"#%-,\.\/;->@\[-\^\x60\{-~]`. */
function isIdChar(c: number): boolean {
  if (c < 0x80) {
    return !(
      (c >= 9 && c <= 13) ||
      c === 32 ||
      c === 0x21 ||
      c === 0x22 ||
      c === 0x23 ||
      (c >= 0x25 && c <= 0x2c) ||
      c === 0x2e ||
      c === 0x2f ||
      (c >= 0x3b && c <= 0x3e) ||
      c === 0x40 ||
      (c >= 0x5b && c <= 0x5e) ||
      c === 0x60 ||
      (c >= 0x7b && c <= 0x7e)
    );
  }
  return !isSpace(c);
}

/** What may follow an ID: `[=~}\s\/.)|]`. */
function endsId(c: number): boolean {
  return (
    c === 0x3d ||
    c === 0x7e ||
    c === 0x7d ||
    c === 0x2f ||
    c === 0x2e ||
    c === 0x29 ||
    c === 0x7c ||
    isSpace(c)
  );
}

/** What may follow a number, boolean, null or undefined: `[~}\s)]`. */
function endsLiteral(c: number): boolean {
  return c === 0x7e || c === 0x7d || c === 0x29 || isSpace(c);
}

export type MuToken = { kind: Kind | "SPACE" | "COMMENT_LONG"; end: number; text?: string } | undefined;

/**
 * The token at `pos` inside a mustache (undefined: Handlebars' INVALID, or the end of the text).
 * `text`, when set, is the token's value when it is not the matched text.
 */
export function muToken(body: string, pos: number): MuToken {
  const c = body.charCodeAt(pos);
  switch (c) {
    case 0x28: // (
      return { kind: "OPEN_SEXPR", end: pos + 1 };
    case 0x29: // )
      return { kind: "CLOSE_SEXPR", end: pos + 1 };
    case 0x7b: // {
      return opener(body, pos);
    case 0x7d: // }
      if (body.startsWith("}}}}", pos)) return { kind: "CLOSE_RAW_BLOCK", end: pos + 4 };
      if (body.startsWith("}}}", pos)) return { kind: "CLOSE_UNESCAPED", end: pos + 3 };
      if (body.startsWith("}~}}", pos)) return { kind: "CLOSE_UNESCAPED", end: pos + 4 };
      if (body.startsWith("}}", pos)) return { kind: "CLOSE", end: pos + 2 };
      return undefined;
    case 0x7e: // ~
      return body.startsWith("~}}", pos) ? { kind: "CLOSE", end: pos + 3 } : undefined;
    case 0x3d: // =
      return { kind: "EQUALS", end: pos + 1 };
    case 0x2e: // .
      if (body.charCodeAt(pos + 1) === 0x2e) return { kind: "ID", end: pos + 2 };
      if (pos + 1 < body.length && endsId(body.charCodeAt(pos + 1))) return { kind: "ID", end: pos + 1 };
      return { kind: "SEP", end: pos + 1 };
    case 0x2f: // /
      return { kind: "SEP", end: pos + 1 };
    case 0x22: // "
    case 0x27: {
      // '
      const m = sticky(c === 0x22 ? STRING_DOUBLE : STRING_SINGLE, body, pos);
      if (!m) return undefined;
      const quote = body[pos]!;
      return {
        kind: "STRING",
        end: pos + m[0].length,
        text: m[0].slice(1, -1).replaceAll(`\\${quote}`, quote),
      };
    }
    case 0x40: // @
      return { kind: "DATA", end: pos + 1 };
    case 0x7c: // |
      return { kind: "CLOSE_BLOCK_PARAMS", end: pos + 1 };
    case 0x5b: {
      // [
      const m = sticky(BRACKET_ID, body, pos);
      return m ? { kind: "ID", end: pos + m[0].length, text: m[0].replace(/\\([\\\]])/g, "$1") } : undefined;
    }
  }
  if (isSpace(c)) {
    let end = pos + 1;
    while (end < body.length && isSpace(body.charCodeAt(end))) end++;
    return { kind: "SPACE", end };
  }
  let found: MuToken;
  if (c === 0x74) found = literal(body, pos, "true", "BOOLEAN");
  else if (c === 0x66) found = literal(body, pos, "false", "BOOLEAN");
  else if (c === 0x75) found = literal(body, pos, "undefined", "UNDEFINED");
  else if (c === 0x6e) found = literal(body, pos, "null", "NULL");
  else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
    const m = sticky(NUMBER, body, pos);
    if (m) found = { kind: "NUMBER", end: pos + m[0].length };
  } else if (c === 0x61) {
    const m = sticky(BLOCK_PARAMS, body, pos);
    if (m) found = { kind: "OPEN_BLOCK_PARAMS", end: pos + m[0].length };
  }
  if (found) return found;
  if (!isIdChar(c)) return undefined;
  let end = pos + 1;
  while (end < body.length && isIdChar(body.charCodeAt(end))) end++;
  return end < body.length && endsId(body.charCodeAt(end)) ? { kind: "ID", end } : undefined;
}

/** `re` (sticky) matched at `pos`. */
function sticky(re: RegExp, body: string, pos: number): RegExpExecArray | null {
  re.lastIndex = pos;
  return re.exec(body);
}

/** `true`, `false`, `null` or `undefined` at `pos`, followed by what may end a literal. */
function literal(body: string, pos: number, word: string, kind: Kind): MuToken {
  return body.startsWith(word, pos) &&
    pos + word.length < body.length &&
    endsLiteral(body.charCodeAt(pos + word.length))
    ? { kind, end: pos + word.length }
    : undefined;
}

/** The token at `pos`, where `body` has `{` (rules 9 and 11–23 of Handlebars' lexer, in order). */
function opener(body: string, pos: number): MuToken {
  if (body.charCodeAt(pos + 1) !== 0x7b) return undefined;
  if (body.startsWith("{{{{", pos)) return { kind: "OPEN_RAW_BLOCK", end: pos + 4 };
  let t = pos + 2;
  if (body.charCodeAt(t) === 0x7e) t++; // ~
  const x = body.charCodeAt(t);
  switch (x) {
    case 0x3e: // >
      return { kind: "OPEN_PARTIAL", end: t + 1 };
    case 0x23: // #
      if (body.charCodeAt(t + 1) === 0x3e) return { kind: "OPEN_PARTIAL_BLOCK", end: t + 2 };
      return { kind: "OPEN_BLOCK", end: body.charCodeAt(t + 1) === 0x2a ? t + 2 : t + 1 };
    case 0x2f: // /
      return { kind: "OPEN_ENDBLOCK", end: t + 1 };
    case 0x5e: {
      // ^
      const m = sticky(INVERSE, body, pos);
      return m ? { kind: "INVERSE", end: pos + m[0].length } : { kind: "OPEN_INVERSE", end: t + 1 };
    }
  }
  if (x === 0x65 || isSpace(x)) {
    // e, or a space: perhaps `{{else}}` or `{{else …}}`.
    const m = sticky(ELSE, body, pos);
    if (m) return { kind: "INVERSE", end: pos + m[0].length };
    const chain = sticky(ELSE_CHAIN, body, pos);
    if (chain) return { kind: "OPEN_INVERSE_CHAIN", end: pos + chain[0].length };
  }
  switch (x) {
    case 0x7b: // {
      return { kind: "OPEN_UNESCAPED", end: t + 1 };
    case 0x26: // &
      return { kind: "OPEN", end: t + 1 };
    case 0x21: {
      // !
      if (body.startsWith("--", t + 1)) return { kind: "COMMENT_LONG", end: t + 3 };
      const close = body.indexOf("}}", t + 1);
      if (close !== -1) return { kind: "COMMENT", end: close + 2 };
      return { kind: "OPEN", end: t };
    }
    case 0x2a: // *
      return { kind: "OPEN", end: t + 1 };
  }
  return { kind: "OPEN", end: t };
}

/** Where the `{{!-- … --}}` opened at `pos` ends: past the first `--}}` or `--~}}` from the `{{`; -1 if none. */
export function longCommentEnd(body: string, pos: number): number {
  COMMENT_END.lastIndex = pos;
  const close = COMMENT_END.exec(body);
  return close ? close.index + close[0].length : -1;
}

/**
 * Handlebars' tokens for `body`, with character offsets; undefined where Handlebars would read the
 * text otherwise (an escaped mustache) or fail (a lexical error, an invalid character).
 */
function tokenize(body: string): Token[] | undefined {
  const tokens: Token[] = [];
  const push = (kind: Kind, text: string, start: number, end: number): void => {
    tokens.push({ kind, text, start, end });
  };
  // The lexer's state stack, as Handlebars keeps it ("mu" inside a mustache, "raw" in a raw block).
  const states: ("initial" | "mu" | "raw")[] = ["initial"];
  let pos = 0;
  for (;;) {
    const state = states[states.length - 1]!;
    if (state === "initial") {
      const open = body.indexOf("{{", pos);
      const end = open === -1 ? body.length : open;
      if (end > pos) {
        const text = body.slice(pos, end);
        // `\{{` escapes a mustache, `\\{{` escapes the backslash: both change the text.
        if (open !== -1 && text.endsWith("\\")) return undefined;
        push("CONTENT", text, pos, end);
        pos = end;
      }
      if (open === -1) {
        push("EOF", "", pos, pos);
        return tokens;
      }
      states.push("mu");
      continue;
    }
    if (state === "raw") {
      RAW_OPEN.lastIndex = pos;
      RAW_CLOSE.lastIndex = pos;
      RAW_TEXT.lastIndex = pos;
      if (RAW_OPEN.test(body)) {
        states.push("raw");
        push("CONTENT", "{{{{", pos, pos + 4);
        pos += 4;
        continue;
      }
      const close = RAW_CLOSE.exec(body);
      if (close) {
        states.pop();
        const end = pos + close[0].length;
        if (states[states.length - 1] === "raw") push("CONTENT", close[0], pos, end);
        else push("END_RAW_BLOCK", close[1]!, pos, end);
        pos = end;
        continue;
      }
      const text = RAW_TEXT.exec(body);
      if (!text) return undefined; // Handlebars: a lexical error, or the file ends in the raw block
      push("CONTENT", text[0], pos, pos + text[0].length);
      pos += text[0].length;
      continue;
    }
    // Inside a mustache.
    if (pos >= body.length) {
      push("EOF", "", pos, pos);
      return tokens;
    }
    const token = muToken(body, pos);
    if (token === undefined) return undefined;
    const { kind, end } = token;
    switch (kind) {
      case "SPACE":
        break;
      case "COMMENT_LONG": {
        const stop = longCommentEnd(body, pos);
        if (stop === -1) return undefined;
        states.pop();
        push("COMMENT", "", pos, stop);
        pos = stop;
        continue;
      }
      case "COMMENT":
      case "INVERSE":
      case "CLOSE":
      case "CLOSE_UNESCAPED":
        states.pop();
        push(kind, "", pos, end);
        break;
      case "CLOSE_RAW_BLOCK":
        states.pop();
        states.push("raw");
        push(kind, "", pos, end);
        break;
      default:
        push(kind, token.text ?? body.slice(pos, end), pos, end);
    }
    pos = end;
  }
}

// The tree, as Handlebars builds it (the fields references.ts reads, and their neighbours).
type Expression = PathExpression | Literal | SubExpression;
interface PathExpression {
  type: "PathExpression";
  data: boolean;
  depth: number;
  parts: string[];
  original: string;
  loc: Loc;
}
interface Literal {
  type: "StringLiteral" | "NumberLiteral" | "BooleanLiteral" | "UndefinedLiteral" | "NullLiteral";
  value: string | number | boolean | null | undefined;
  original: string | number | boolean | null | undefined;
  loc: Loc;
}
interface HashPair {
  type: "HashPair";
  key: string;
  value: Expression;
  loc: Loc;
}
interface Hash {
  type: "Hash";
  pairs: HashPair[];
  loc: Loc;
}
interface SubExpression {
  type: "SubExpression";
  path: Expression;
  params: Expression[];
  hash: Hash | undefined;
  loc: Loc;
}
interface Program {
  type: "Program";
  body: Statement[];
}
type Statement =
  | { type: "ContentStatement"; original: string; value: string; loc: Loc }
  | { type: "CommentStatement"; loc: Loc }
  | {
      type: "MustacheStatement";
      path: Expression;
      params: Expression[];
      hash: Hash | undefined;
      escaped: boolean;
      loc: Loc;
    }
  | {
      type: "BlockStatement";
      path: Expression;
      params: Expression[];
      hash: Hash | undefined;
      program: Program | undefined;
      inverse: Program | undefined;
      loc: Loc;
    }
  | {
      type: "PartialStatement" | "PartialBlockStatement";
      name: Expression;
      params: Expression[];
      hash: Hash | undefined;
      program?: Program;
      loc: Loc;
    };

/** Thrown inside the parser for anything it leaves to Handlebars; never escapes `parseSimpleTemplate`. */
class Unsupported extends Error {}

/** How deep blocks and subexpressions may nest here before Handlebars is left to judge. */
const MAX_DEPTH = 300;

/**
 * The template's tree as `Handlebars.parse(body)` returns it, for the fields the reference reader
 * reads (see the file's comment), or undefined when Handlebars must parse it (anything outside the
 * subset, and every syntax error).
 */
export function parseSimpleTemplate(body: string): hbs.AST.Program | undefined {
  if (UNPOSITIONED.test(body)) return undefined;
  const tokens = tokenize(body);
  if (tokens === undefined) return undefined;
  try {
    return new Parser(body, tokens).root() as unknown as hbs.AST.Program;
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

class Parser {
  private i = 0;
  private depth = 0;
  /** Offsets of the body's line feeds, for positions. */
  private readonly newlines: number[] = [];
  constructor(
    body: string,
    private readonly tokens: readonly Token[],
  ) {
    for (let n = body.indexOf("\n"); n !== -1; n = body.indexOf("\n", n + 1)) this.newlines.push(n);
  }

  private position(offset: number): Position {
    // The number of line feeds before `offset`.
    let lo = 0;
    let hi = this.newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.newlines[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return { line: lo + 1, column: lo === 0 ? offset : offset - this.newlines[lo - 1]! - 1 };
  }
  /** From the start of token `from` to the end of the last token taken. */
  private span(from: Token): Loc {
    return { start: this.position(from.start), end: this.position(this.tokens[this.i - 1]!.end) };
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }
  private take(kind?: Kind): Token {
    const token = this.peek();
    if (kind !== undefined && token.kind !== kind) throw new Unsupported();
    this.i++;
    return token;
  }
  private nest<T>(parse: () => T): T {
    if (++this.depth > MAX_DEPTH) throw new Unsupported();
    const out = parse();
    this.depth--;
    return out;
  }

  root(): Program {
    const program = this.program();
    this.take("EOF");
    return program;
  }

  /** Statements up to a token that ends a program (an else, a close, the end). */
  private program(): Program {
    const body: Statement[] = [];
    for (;;) {
      const token = this.peek();
      switch (token.kind) {
        case "CONTENT":
          this.i++;
          body.push({
            type: "ContentStatement",
            original: token.text,
            value: token.text,
            loc: this.span(token),
          });
          break;
        case "COMMENT":
          this.i++;
          body.push({ type: "CommentStatement", loc: this.span(token) });
          break;
        case "OPEN":
        case "OPEN_UNESCAPED":
          body.push(this.mustache());
          break;
        case "OPEN_BLOCK":
        case "OPEN_INVERSE":
          body.push(this.nest(() => this.block()));
          break;
        case "OPEN_RAW_BLOCK":
          body.push(this.rawBlock());
          break;
        case "OPEN_PARTIAL":
          body.push(this.partial());
          break;
        case "OPEN_PARTIAL_BLOCK":
          body.push(this.nest(() => this.partialBlock()));
          break;
        default:
          return { type: "Program", body };
      }
    }
  }

  private mustache(): Statement {
    const open = this.take();
    // `{{*decorator}}`: left to Handlebars.
    if (open.text.includes("*")) throw new Unsupported();
    const path = this.helperName();
    const { params, hash } = this.arguments();
    this.take(open.kind === "OPEN_UNESCAPED" ? "CLOSE_UNESCAPED" : "CLOSE");
    const flag = open.text.charAt(3) || open.text.charAt(2);
    return {
      type: "MustacheStatement",
      path,
      params,
      hash,
      escaped: flag !== "{" && flag !== "&",
      loc: this.span(open),
    };
  }

  /** `{{#name …}}…{{/name}}` or `{{^name …}}…{{/name}}`, with its else and else-chain. */
  private block(): Statement {
    const open = this.take();
    if (open.text.includes("*")) throw new Unsupported(); // a decorator block
    const { path, params, hash } = this.blockOpening();
    let program: Program | undefined = this.program();
    let inverse: Program | undefined;
    if (open.kind === "OPEN_BLOCK") {
      inverse = this.inverseChain();
    } else if (this.peek().kind === "INVERSE") {
      this.i++;
      inverse = this.program();
    }
    this.closeBlock(path);
    if (open.kind === "OPEN_INVERSE") [program, inverse] = [inverse, program];
    return { type: "BlockStatement", path, params, hash, program, inverse, loc: this.span(open) };
  }

  /** What follows a block's program before its close: `{{else}} …`, `{{else if …}} …`, or nothing. */
  private inverseChain(): Program | undefined {
    const token = this.peek();
    if (token.kind === "INVERSE") {
      this.i++;
      return this.program();
    }
    if (token.kind !== "OPEN_INVERSE_CHAIN") return undefined;
    // `{{else if x}}…`: a block of its own, alone in the inverse program, closed by the outer close.
    this.i++;
    return this.nest(() => {
      const { path, params, hash } = this.blockOpening();
      const program = this.program();
      const inverse = this.inverseChain();
      const chained: Statement = {
        type: "BlockStatement",
        path,
        params,
        hash,
        program,
        inverse,
        loc: this.span(token),
      };
      return { type: "Program", body: [chained] };
    });
  }

  /** The helper name, parameters, hash and block parameters of a block's opening, and its `}}`. */
  private blockOpening(): { path: Expression; params: Expression[]; hash: Hash | undefined } {
    const path = this.helperName();
    const { params, hash } = this.arguments();
    if (this.peek().kind === "OPEN_BLOCK_PARAMS") {
      this.i++;
      this.take("ID");
      while (this.peek().kind === "ID") this.i++;
      this.take("CLOSE_BLOCK_PARAMS");
    }
    this.take("CLOSE");
    return { path, params, hash };
  }

  /** `{{/name}}`, which must name the block it closes (else Handlebars reports the mismatch). */
  private closeBlock(opened: Expression): void {
    this.take("OPEN_ENDBLOCK");
    const name = this.helperName();
    this.take("CLOSE");
    if (
      opened.type !== "PathExpression" ||
      name.type !== "PathExpression" ||
      name.original !== opened.original
    ) {
      throw new Unsupported();
    }
  }

  private rawBlock(): Statement {
    const open = this.take();
    const path = this.helperName();
    const { params, hash } = this.arguments();
    this.take("CLOSE_RAW_BLOCK");
    const body: Statement[] = [];
    while (this.peek().kind === "CONTENT") {
      const token = this.take();
      body.push({ type: "ContentStatement", original: token.text, value: token.text, loc: this.span(token) });
    }
    const close = this.take("END_RAW_BLOCK");
    if (path.type !== "PathExpression" || path.original !== close.text) throw new Unsupported();
    return {
      type: "BlockStatement",
      path,
      params,
      hash,
      program: { type: "Program", body },
      inverse: undefined,
      loc: this.span(open),
    };
  }

  private partial(): Statement {
    const open = this.take();
    const name = this.peek().kind === "OPEN_SEXPR" ? this.subExpression() : this.helperName();
    const { params, hash } = this.arguments();
    this.take("CLOSE");
    return { type: "PartialStatement", name, params, hash, loc: this.span(open) };
  }

  private partialBlock(): Statement {
    const open = this.take();
    const name = this.peek().kind === "OPEN_SEXPR" ? this.subExpression() : this.helperName();
    const { params, hash } = this.arguments();
    this.take("CLOSE");
    const program = this.program();
    this.closeBlock(name);
    return { type: "PartialBlockStatement", name, params, hash, program, loc: this.span(open) };
  }

  /** Parameters, then `key=value` pairs. */
  private arguments(): { params: Expression[]; hash: Hash | undefined } {
    const params: Expression[] = [];
    for (;;) {
      const token = this.peek();
      if (token.kind === "ID" && this.peek(1).kind === "EQUALS") break;
      if (token.kind === "OPEN_SEXPR") params.push(this.subExpression());
      else if (startsHelperName(token.kind)) params.push(this.helperName());
      else break;
    }
    if (!(this.peek().kind === "ID" && this.peek(1).kind === "EQUALS")) return { params, hash: undefined };
    const pairs: HashPair[] = [];
    while (this.peek().kind === "ID" && this.peek(1).kind === "EQUALS") {
      const key = this.take();
      this.i++;
      const value = this.peek().kind === "OPEN_SEXPR" ? this.subExpression() : this.helperName();
      pairs.push({ type: "HashPair", key: id(key.text), value, loc: this.span(key) });
    }
    return {
      params,
      hash: { type: "Hash", pairs, loc: { start: pairs[0]!.loc.start, end: pairs.at(-1)!.loc.end } },
    };
  }

  private subExpression(): SubExpression {
    return this.nest(() => {
      const open = this.take("OPEN_SEXPR");
      const path = this.helperName();
      const { params, hash } = this.arguments();
      this.take("CLOSE_SEXPR");
      return { type: "SubExpression", path, params, hash, loc: this.span(open) };
    });
  }

  /** A path, `@data` path or literal. */
  private helperName(): PathExpression | Literal {
    const token = this.take();
    switch (token.kind) {
      case "ID":
        return this.path(false, token);
      case "DATA":
        return this.path(true, token);
      case "STRING":
        return { type: "StringLiteral", value: token.text, original: token.text, loc: this.span(token) };
      case "NUMBER":
        return {
          type: "NumberLiteral",
          value: Number(token.text),
          original: Number(token.text),
          loc: this.span(token),
        };
      case "BOOLEAN":
        return {
          type: "BooleanLiteral",
          value: token.text === "true",
          original: token.text === "true",
          loc: this.span(token),
        };
      case "UNDEFINED":
        return { type: "UndefinedLiteral", value: undefined, original: undefined, loc: this.span(token) };
      case "NULL":
        return { type: "NullLiteral", value: null, original: null, loc: this.span(token) };
      default:
        throw new Unsupported();
    }
  }

  /** `a.b/c` (after `@` when `data`), as Handlebars' preparePath builds it. */
  private path(data: boolean, first: Token): PathExpression {
    const segments: { part: string; original: string; separator?: string }[] = [];
    let last = data ? this.take("ID") : first;
    segments.push({ part: id(last.text), original: last.text });
    while (this.peek().kind === "SEP") {
      const separator = this.take().text;
      last = this.take("ID");
      segments.push({ part: id(last.text), original: last.text, separator });
    }
    let original = data ? "@" : "";
    const parts: string[] = [];
    let depth = 0;
    for (const segment of segments) {
      const literal = segment.original !== segment.part;
      original += (segment.separator ?? "") + segment.part;
      if (!literal && (segment.part === ".." || segment.part === "." || segment.part === "this")) {
        if (parts.length > 0) throw new Unsupported(); // Handlebars: "Invalid path"
        if (segment.part === "..") depth++;
      } else {
        parts.push(segment.part);
      }
    }
    return { type: "PathExpression", data, depth, parts, original, loc: this.span(first) };
  }
}

export const startsHelperName = (kind: Kind | "SPACE" | "COMMENT_LONG"): boolean =>
  kind === "ID" ||
  kind === "DATA" ||
  kind === "STRING" ||
  kind === "NUMBER" ||
  kind === "BOOLEAN" ||
  kind === "UNDEFINED" ||
  kind === "NULL";

/** A segment's name: `[x]` is `x` (as Handlebars' `id`: only when the brackets hold one line). */
export function id(text: string): string {
  return /^\[.*\]$/.test(text) ? text.slice(1, -1) : text;
}
