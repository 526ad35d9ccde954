/**
 * YAML front matter (`---\ntools: [crm/create_ticket]\n---`). Stripped before
 * Handlebars sees the template, replaced by a Handlebars comment spanning the
 * same lines, so every line and column the AST reports stays the file's own and
 * rendering outputs nothing for it.
 *
 * The common shapes (`tools: [a, b]` on one line, or a block list of plain
 * names) are read by a small exact parser; anything else goes to the `yaml`
 * package, loaded only then. test/templates/front-matter.test.ts proves both
 * give the same result on every fixture and on a battery of edge cases.
 */
import { createRequire } from "node:module";
import { TemplateError } from "../errors.js";
import type { PromptReference, ResourceReference, ToolReference } from "./types.js";

/** What front matter may declare: tools, prompts, resources. */
export type DeclaredReference = ToolReference | PromptReference | ResourceReference;

/** A template split into its front matter's declarations and a Handlebars body of the same line count. */
export interface SplitTemplate {
  /** The `tools:` entries of the front matter (empty when there is none). */
  tools: ToolReference[];
  /** The `tools:`, `prompts:` and `resources:` entries, in that order. */
  references: DeclaredReference[];
  /** The source with the front matter replaced by a same-height `{{!-- --}}` comment. */
  body: string;
}

// The opening fence must be the file's very first line; the closing one is `---` or `...`.
const FRONT_MATTER = /^---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

/** Splits off front matter; throws TemplateError (`file:line: ...`) on invalid YAML or a bad `tools` entry. */
export function splitFrontMatter(source: string, file: string): SplitTemplate {
  const match = FRONT_MATTER.exec(source);
  if (!match) return { tools: [], references: [], body: source };
  const block = match[0];
  const yamlText = match[1] ?? "";
  const newlines = block.split("\n").length - 1;
  const body =
    (block.endsWith("\n") ? `{{!--${"\n".repeat(newlines - 1)}--}}\n` : `{{!--${"\n".repeat(newlines)}--}}`) +
    source.slice(block.length);
  const simple = readSimpleTools(yamlText, file);
  const references = simple ?? readWithYaml(yamlText, file);
  return { tools: references.filter((r): r is ToolReference => r.kind === "tool"), references, body };
}

// A plain YAML scalar that is certainly a string: no indicator characters, not a number, bool or null.
const PLAIN_NAME = /^[A-Za-z_][\w./-]*$/;
const NOT_A_STRING = /^(?:true|false|null|True|False|TRUE|FALSE|Null|NULL)$/;
// A space after the colon: `tools:[a]` is one plain scalar in YAML, not a key (the parser refuses it).
const FLOW_LINE = /^tools:[ ]+\[([^\][{}#"'\r\n]*)\][ ]*$/;
const BLOCK_ITEM = /^([ ]*)-[ ]+([^ \r\n]+)[ ]*$/;

/**
 * The front matter's tools when it has one of the common shapes, exactly as
 * `readToolsWithYaml` would return them; undefined for anything else (then the
 * YAML parser decides). Locations: the YAML text starts on the file's line 2.
 */
export function readSimpleTools(yamlText: string, file: string): ToolReference[] | undefined {
  const name = (value: string, line: number, column: number): ToolReference | undefined =>
    PLAIN_NAME.test(value) && !NOT_A_STRING.test(value)
      ? { kind: "tool", form: "front-matter", name: value, location: { file, line, column } }
      : undefined;
  const lines = yamlText.split("\n");
  const flow = lines.length === 1 ? FLOW_LINE.exec(lines[0]!) : null;
  if (flow) {
    const inner = flow[1]!;
    const start = lines[0]!.indexOf("[") + 1;
    if (inner.trim() === "") return [];
    const tools: ToolReference[] = [];
    let offset = 0;
    for (const part of inner.split(",")) {
      const value = part.trim();
      const ref = name(value, 2, start + offset + part.indexOf(value) + 1);
      if (ref === undefined) return undefined;
      tools.push(ref);
      offset += part.length + 1;
    }
    return tools;
  }
  // `tools:` then one `- name` per line, all at the same indentation.
  if (lines.length < 2 || !/^tools:[ ]*$/.test(lines[0]!)) return undefined;
  const tools: ToolReference[] = [];
  let indent: string | undefined;
  for (const [i, line] of lines.slice(1).entries()) {
    const item = BLOCK_ITEM.exec(line);
    if (!item || (indent !== undefined && item[1] !== indent)) return undefined;
    indent = item[1]!;
    const ref = name(
      item[2]!,
      i + 3,
      line.indexOf("-") + 1 + line.slice(line.indexOf("-") + 1).search(/\S/) + 1,
    );
    if (ref === undefined) return undefined;
    tools.push(ref);
  }
  return tools;
}

type Yaml = typeof import("yaml");
let yaml: Yaml | undefined;

/** The front matter's `tools`, read by the `yaml` package (any YAML; errors as `file:line: ...`). */
export function readToolsWithYaml(yamlText: string, file: string): ToolReference[] {
  return readWithYaml(yamlText, file).filter((r): r is ToolReference => r.kind === "tool");
}

/** What each front matter key lists, and the example its error message gives. */
const KEYS = [
  { key: "tools", kind: "tool", what: "tool names", example: "tools: [crm/create_ticket]" },
  { key: "prompts", kind: "prompt", what: "prompt names", example: "prompts: [crm/summarize_customer]" },
  {
    key: "resources",
    kind: "resource",
    what: "resource URIs or URI templates",
    example: 'resources: ["crm://customers/{id}"]',
  },
] as const;

/** The front matter's `tools`, `prompts` and `resources`, read by the `yaml` package (errors as `file:line: ...`). */
export function readWithYaml(yamlText: string, file: string): DeclaredReference[] {
  yaml ??= createRequire(import.meta.url)("yaml") as Yaml;
  const { isScalar, isSeq, LineCounter, parseDocument } = yaml;
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false });
  // The YAML text starts on the file's second line, right after the opening fence.
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line + 1, column: pos.col };
  };
  const error = doc.errors[0];
  if (error) {
    const loc = at(error.pos[0]);
    throw new TemplateError(
      `${file}:${loc.line}: invalid front matter: ${error.message.split("\n")[0]}; fix the YAML between the --- lines`,
    );
  }
  if (
    doc.contents !== null &&
    !(doc.contents && typeof doc.contents === "object" && "items" in doc.contents)
  ) {
    throw new TemplateError(
      `${file}:2: front matter must be a YAML mapping such as \`tools: [crm/create_ticket]\``,
    );
  }
  const out: DeclaredReference[] = [];
  for (const { key, kind, what, example } of KEYS) {
    const node = doc.get(key, true);
    if (node === undefined || node === null) continue;
    const items = isSeq(node) ? node.items : [node];
    for (const item of items) {
      const offset = (item as { range?: [number, number, number] }).range?.[0] ?? 0;
      if (!isScalar(item) || typeof item.value !== "string" || item.value === "") {
        throw new TemplateError(
          `${file}:${at(offset).line}: front matter \`${key}\` must list ${what}, e.g. \`${example}\``,
        );
      }
      // Point past an opening quote, at the name itself.
      const quoted = item.type === "QUOTE_DOUBLE" || item.type === "QUOTE_SINGLE";
      const location = at(offset + (quoted ? 1 : 0));
      out.push(
        kind === "resource"
          ? { kind, form: "front-matter", uri: item.value, location }
          : { kind, form: "front-matter", name: item.value, location },
      );
    }
  }
  return out;
}
