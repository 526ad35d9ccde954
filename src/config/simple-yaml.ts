/**
 * A small exact reader for the YAML configs are mostly written in, so a check that must read its
 * config (`--no-cache`, a changed config) does not load and run the `yaml` library (~20 ms): block
 * mappings and block sequences, one-line flow sequences of scalars (`args: ["-y", "pkg"]`), plain
 * scalars of a plain character set, quoted scalars without escapes, comments and blank lines. It
 * gives what `parseDocument(text, { uniqueKeys: true }).toJS()` gives, with YAML 1.2's core schema
 * (`true`/`True`/`TRUE`, `false`…, `null`/`Null`/`NULL`, decimal integers), or undefined for
 * anything else (anchors, tags, block scalars, flow mappings, escapes, tabs, carriage returns, a
 * byte order mark, non-ASCII text, duplicate keys, other numbers, a mapping inside a sequence, any
 * syntax error), which the `yaml` library then reads, errors included.
 * `test/config/simple-yaml.test.ts` compares both on every YAML file in the repository, edge shapes
 * and generated documents. Pure.
 */

/** Thrown inside for anything left to the `yaml` library; never escapes `parseSimpleYaml`. */
class Unsupported extends Error {}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
// A plain scalar in block context: no indicator first, nothing that could end it or start a comment.
const PLAIN = /^[A-Za-z_/$][A-Za-z0-9_/.:@${}+=,%~-]*$/;
// In a flow sequence, no flow indicators.
const FLOW_PLAIN = /^[A-Za-z_/$][A-Za-z0-9_/.:@$+=%~-]*$/;
const INTEGER = /^(?:0|[1-9][0-9]{0,14})$/;
const DOUBLE = /^"([\x20\x21\x23-\x5b\x5d-\x7e]*)"/;
const SINGLE = /^'([\x20-\x26\x28-\x7e]*)'/;
const RESERVED_KEY = /^(?:null|true|false|__proto__)$/i;

interface Line {
  indent: number;
  text: string;
}

/** The document's value, or undefined when the `yaml` library must read it. */
export function parseSimpleYaml(text: string): unknown {
  // Printable ASCII and line feeds only: no tab, carriage return, byte order mark or other text.
  if (!/^[\x20-\x7e\n]*$/.test(text)) return undefined;
  const lines: Line[] = [];
  for (const raw of text.split("\n")) {
    const content = raw.trimStart();
    if (content === "" || content.startsWith("#")) continue;
    lines.push({ indent: raw.length - content.length, text: content.trimEnd() });
  }
  if (lines.length === 0 || lines[0]!.indent !== 0) return undefined;
  try {
    const reader = new Reader(lines);
    const value = reader.block(0);
    return reader.done() ? value : undefined;
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

class Reader {
  private i = 0;
  constructor(private readonly lines: readonly Line[]) {}

  done(): boolean {
    return this.i === this.lines.length;
  }

  /** The mapping or sequence whose entries start at `indent` on the line at hand. */
  block(indent: number): unknown {
    const line = this.lines[this.i]!;
    if (line.indent !== indent) throw new Unsupported();
    return isEntry(line.text) ? this.sequence(indent) : this.mapping(indent);
  }

  private mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (line.indent < indent) break;
      if (line.indent > indent || isEntry(line.text)) throw new Unsupported();
      const colon = line.text.indexOf(":");
      if (colon === -1) throw new Unsupported();
      const key = line.text.slice(0, colon);
      const rest = line.text.slice(colon + 1);
      if (!KEY.test(key) || RESERVED_KEY.test(key) || Object.hasOwn(out, key)) throw new Unsupported();
      this.i++;
      if (rest === "" || /^ +#/.test(rest)) {
        out[key] = this.nested(indent);
      } else {
        if (!rest.startsWith(" ")) throw new Unsupported();
        out[key] = scalarOrFlow(rest.trimStart());
      }
    }
    return out;
  }

  /** What follows `key:` with nothing after it: a deeper block, a sequence at the key's indent, or null. */
  private nested(indent: number): unknown {
    const next = this.lines[this.i];
    if (next === undefined || next.indent < indent) return null;
    if (next.indent > indent) return this.block(next.indent);
    return isEntry(next.text) ? this.sequence(indent) : null;
  }

  private sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (line.indent !== indent || !isEntry(line.text)) break;
      // An entry holding a mapping or a nested block is left to the yaml library.
      if (line.text === "-") throw new Unsupported();
      out.push(scalarOrFlow(line.text.slice(2).trimStart()));
      this.i++;
    }
    const next = this.lines[this.i];
    if (next !== undefined && next.indent > indent) throw new Unsupported();
    return out;
  }
}

function isEntry(text: string): boolean {
  return text === "-" || text.startsWith("- ");
}

/** A value on one line: a flow sequence of scalars or one scalar, then at most a comment. */
function scalarOrFlow(text: string): unknown {
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close === -1 || !isTail(text.slice(close + 1))) throw new Unsupported();
    const inner = text.slice(1, close).trim();
    if (inner === "") return [];
    return inner.split(",").map((item) => {
      const { value, rest } = scalar(item.trim(), FLOW_PLAIN);
      if (rest !== "") throw new Unsupported();
      return value;
    });
  }
  const { value, rest } = scalar(text, PLAIN);
  if (!isTail(rest)) throw new Unsupported();
  return value;
}

/** Nothing, or a comment after a space. */
function isTail(rest: string): boolean {
  return rest === "" || /^ +#/.test(rest);
}

/** One scalar at the start of `text` and what follows it. */
function scalar(text: string, plain: RegExp): { value: unknown; rest: string } {
  const quoted = DOUBLE.exec(text) ?? SINGLE.exec(text);
  if (quoted) return { value: quoted[1]!, rest: text.slice(quoted[0].length) };
  const end = / +#/.exec(text)?.index ?? -1;
  const token = end === -1 ? text : text.slice(0, end);
  const rest = end === -1 ? "" : text.slice(end);
  if (token.endsWith(":")) throw new Unsupported();
  if (INTEGER.test(token)) return { value: Number(token), rest };
  if (!plain.test(token)) throw new Unsupported();
  if (/^(?:null|Null|NULL)$/.test(token)) return { value: null, rest };
  if (/^(?:true|True|TRUE)$/.test(token)) return { value: true, rest };
  if (/^(?:false|False|FALSE)$/.test(token)) return { value: false, rest };
  return { value: token, rest };
}
