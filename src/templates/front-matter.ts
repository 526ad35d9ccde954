/**
 * YAML front matter (`---\ntools: [crm/create_ticket]\n---`). Stripped before
 * Handlebars sees the template, replaced by a Handlebars comment spanning the
 * same lines, so every line and column the AST reports stays the file's own and
 * rendering outputs nothing for it.
 */
import { isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { TemplateError } from "../errors.js";
import type { ToolReference } from "./types.js";

/** A template split into its front matter's tool list and a Handlebars body of the same line count. */
export interface SplitTemplate {
  /** The `tools:` entries of the front matter (empty when there is none). */
  tools: ToolReference[];
  /** The source with the front matter replaced by a same-height `{{!-- --}}` comment. */
  body: string;
}

// The opening fence must be the file's very first line; the closing one is `---` or `...`.
const FRONT_MATTER = /^---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

/** Splits off front matter; throws TemplateError (`file:line: ...`) on invalid YAML or a bad `tools` entry. */
export function splitFrontMatter(source: string, file: string): SplitTemplate {
  const match = FRONT_MATTER.exec(source);
  if (!match) return { tools: [], body: source };
  const block = match[0];
  const yamlText = match[1] ?? "";
  const newlines = block.split("\n").length - 1;
  const body =
    (block.endsWith("\n") ? `{{!--${"\n".repeat(newlines - 1)}--}}\n` : `{{!--${"\n".repeat(newlines)}--}}`) +
    source.slice(block.length);
  return { tools: readTools(yamlText, file), body };
}

function readTools(yamlText: string, file: string): ToolReference[] {
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
  const node = doc.get("tools", true);
  if (node === undefined || node === null) return [];
  const items = isSeq(node) ? node.items : [node];
  const tools: ToolReference[] = [];
  for (const item of items) {
    const offset = (item as { range?: [number, number, number] }).range?.[0] ?? 0;
    if (!isScalar(item) || typeof item.value !== "string" || item.value === "") {
      throw new TemplateError(
        `${file}:${at(offset).line}: front matter \`tools\` must list tool names, e.g. \`tools: [crm/create_ticket]\``,
      );
    }
    // Point past an opening quote, at the name itself.
    const quoted = item.type === "QUOTE_DOUBLE" || item.type === "QUOTE_SINGLE";
    tools.push({
      kind: "tool",
      form: "front-matter",
      name: item.value,
      location: at(offset + (quoted ? 1 : 0)),
    });
  }
  return tools;
}
