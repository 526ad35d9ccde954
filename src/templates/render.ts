/**
 * Rendering templates with the same helpers the checker reads, so an agent
 * runtime and `mcp-contract check` see tools the same way: `{{tool "x"}}`
 * renders the tool's name, description and parameter docs from the lockfile,
 * `{{param ...}}` the parameter's name, `{{tools.x...}}` the same data by path.
 */
import type { HelperOptions } from "handlebars";
import type { Lockfile } from "../core/lockfile.js";
import { own, put } from "../core/own.js";
import { TemplateError } from "../errors.js";
import { paramNames, properties, requiredParams, ToolCatalog } from "./catalog.js";
import { splitFrontMatter } from "./front-matter.js";
import { handlebars } from "./handlebars.js";
import { checkNesting, parseTemplate, templateSyntaxError } from "./references.js";

/** One parameter as templates see it. Renders as its name. */
export interface ParamDoc {
  name: string;
  /** JSON Schema type(s), e.g. `string` or `string | null`; absent when the schema does not say. */
  type?: string;
  description?: string;
  required: boolean;
  /** Allowed values, when the schema has an `enum`. */
  enum?: unknown[];
  /** The schema's `default`, when it has one. */
  default?: unknown;
}

/** One tool as templates see it (`{{tools.create_ticket}}`, `this` in `{{#tool}}`). Renders as its docs. */
export interface ToolDoc {
  name: string;
  server: string;
  /** `server/name`. */
  qualifiedName: string;
  title?: string;
  /** The tool's description; "" when it has none. */
  description: string;
  /** Parameters by name, in the schema's order. */
  params: Record<string, ParamDoc>;
  /** Names of the required parameters. */
  required: string[];
}

/** Options for `renderTemplate`. */
export interface RenderOptions {
  /** Name used in error messages (`file:line: ...`); default `<template>`. */
  file?: string;
  /** Partials by name (`{{> name}}`), as template sources (front matter allowed). */
  partials?: Record<string, string>;
}

/**
 * The `tools` object templates see: every tool under `server/name`, and under
 * its bare name when only one server has that name.
 */
export function toolsView(lock: Lockfile): Record<string, ToolDoc> {
  const view: Record<string, ToolDoc> = {};
  const catalog = new ToolCatalog(lock);
  const all = catalog.all();
  const counts = new Map<string, number>();
  for (const tool of all) counts.set(tool.name, (counts.get(tool.name) ?? 0) + 1);
  for (const tool of all) {
    const schemaProps = properties(tool.definition);
    const required = requiredParams(tool.definition);
    const params: Record<string, ParamDoc> = {};
    for (const name of paramNames(tool.definition)) {
      put(params, name, paramDoc(name, own(schemaProps, name) ?? {}, required.includes(name)));
    }
    const title = typeof tool.definition.title === "string" ? tool.definition.title : undefined;
    const description = typeof tool.definition.description === "string" ? tool.definition.description : "";
    const doc: ToolDoc = {
      name: tool.name,
      server: tool.server,
      qualifiedName: `${tool.server}/${tool.name}`,
      ...(title !== undefined && { title }),
      description,
      params,
      required,
    };
    Object.defineProperty(doc, "toString", { value: () => formatToolDoc(doc), enumerable: false });
    put(view, doc.qualifiedName, doc);
    if (counts.get(tool.name) === 1) put(view, tool.name, doc);
  }
  return view;
}

/** A tool's docs as plain text: name and description, then one line per parameter. */
export function formatToolDoc(tool: ToolDoc): string {
  const lines = [tool.description ? `${tool.name}: ${tool.description.trim()}` : tool.name];
  const params = Object.values(tool.params);
  if (params.length === 0) {
    lines.push("Parameters: none.");
  } else {
    lines.push("Parameters:");
    for (const p of params) {
      const facts = [p.type, p.required ? "required" : "optional"].filter((f) => f !== undefined);
      if (p.enum) facts.push(`one of ${p.enum.map((v) => JSON.stringify(v)).join(", ")}`);
      if (p.default !== undefined) facts.push(`default ${JSON.stringify(p.default)}`);
      lines.push(`- ${p.name} (${facts.join("; ")})${p.description ? `: ${p.description.trim()}` : ""}`);
    }
  }
  return lines.join("\n");
}

/**
 * Renders a template against a lockfile's tools. `data` is the template's own
 * context; `tools` in it is always the lockfile's. Throws TemplateError
 * (`file:line: message`) on a syntax error, an unknown tool or parameter, or
 * an ambiguous tool name.
 */
export function renderTemplate(
  source: string,
  lock: Lockfile,
  data?: unknown,
  options: RenderOptions = {},
): string {
  const file = options.file ?? "<template>";
  const tools = toolsView(lock);
  const catalog = new ToolCatalog(lock);
  const hbs = handlebars().create();

  const body = splitFrontMatter(source, file).body;
  // Parse first so a syntax error names this file and line, not Handlebars' compile stage.
  const names = nameColumns(parseTemplate(body, file));
  // Points at the name the error is about (argument `arg` of the helper), as `check` does.
  const fail = (options: HelperOptions, message: string, arg = 0): never => {
    const loc = (options as HelperOptions & { loc?: hbs.AST.SourceLocation }).loc;
    const at = loc && names.get(`${loc.start.line}:${loc.start.column}`)?.[arg];
    const where = at ?? (loc ? `${loc.start.line}:${loc.start.column + 1}` : "1");
    throw new TemplateError(`${file}:${where}: ${message}`);
  };
  const lookupTool = (name: unknown, options: HelperOptions): ToolDoc => {
    if (typeof name !== "string") return fail(options, "`tool` and `param` need a tool name as a string");
    const found = catalog.resolve(name);
    if (found.status === "ambiguous") {
      const names = found.tools.map((t) => `\`${t.server}/${t.name}\``).join(" or ");
      return fail(options, `tool \`${name}\` is ambiguous: write ${names}`);
    }
    if (found.status === "unknown") return fail(options, `no server in the lockfile has a tool \`${name}\``);
    return own(tools, `${found.tool.server}/${found.tool.name}`)!;
  };
  const lookupParam = (tool: ToolDoc, name: unknown, options: HelperOptions, arg: number): ParamDoc => {
    const param = typeof name === "string" ? own(tool.params, name) : undefined;
    return param ?? fail(options, `tool \`${tool.qualifiedName}\` has no parameter \`${String(name)}\``, arg);
  };

  hbs.registerHelper("tool", function (this: unknown, ...args: unknown[]) {
    const options = args.pop() as HelperOptions;
    const tool = lookupTool(args[0], options);
    if (!(options as { fn?: unknown }).fn) return formatToolDoc(tool);
    const frame = hbs.createFrame(options.data);
    frame.tool = tool;
    return options.fn(tool, { data: frame });
  });
  hbs.registerHelper("param", function (this: unknown, ...args: unknown[]) {
    const options = args.pop() as HelperOptions;
    if (args.length >= 2) return lookupParam(lookupTool(args[0], options), args[1], options, 1).name;
    const scoped = options.data?.tool as ToolDoc | undefined;
    if (!scoped)
      return fail(options, `\`{{param "${String(args[0])}"}}\` is outside any \`{{#tool}}\` block`);
    return lookupParam(scoped, args[0], options, 0).name;
  });
  for (const [name, partial] of Object.entries(options.partials ?? {})) {
    const partialBody = splitFrontMatter(partial, name).body;
    checkNesting(partialBody, name);
    hbs.registerPartial(name, partialBody);
  }

  const context = { ...(isObject(data) ? data : {}), tools };
  try {
    // Prompts are not HTML: no escaping of quotes, ampersands or angle brackets.
    return hbs.compile(body, { noEscape: true })(context);
  } catch (error) {
    if (error instanceof TemplateError) throw error;
    throw templateSyntaxError(error, file);
  }
}

/**
 * For each `tool` and `param` helper call (keyed `line:column` of its start, as Handlebars passes
 * it in the helper's `loc`), the `line:column` of each string argument's first character.
 */
function nameColumns(ast: hbs.AST.Program): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const visit = (node: unknown): void => {
    if (typeof node !== "object" || node === null) return;
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    const n = node as {
      type?: string;
      path?: { type?: string; original?: string };
      params?: { type: string; loc: hbs.AST.SourceLocation }[];
      loc?: hbs.AST.SourceLocation;
    };
    if (
      (n.type === "MustacheStatement" || n.type === "BlockStatement" || n.type === "SubExpression") &&
      n.path?.type === "PathExpression" &&
      (n.path.original === "tool" || n.path.original === "param") &&
      n.loc
    ) {
      const columns = (n.params ?? []).map((p) =>
        p.type === "StringLiteral"
          ? `${p.loc.start.line}:${p.loc.start.column + 2}`
          : `${p.loc.start.line}:${p.loc.start.column + 1}`,
      );
      out.set(`${n.loc.start.line}:${n.loc.start.column}`, columns);
    }
    for (const [key, value] of Object.entries(node)) if (key !== "loc" && key !== "strip") visit(value);
  };
  visit(ast);
  return out;
}

function paramDoc(name: string, schema: Record<string, unknown>, required: boolean): ParamDoc {
  const type = typeOf(schema);
  const doc: ParamDoc = { name, required };
  if (type !== undefined) doc.type = type;
  if (typeof schema.description === "string") doc.description = schema.description;
  if (Array.isArray(schema.enum)) doc.enum = schema.enum;
  if ("default" in schema) doc.default = schema.default;
  Object.defineProperty(doc, "toString", { value: () => name, enumerable: false });
  return doc;
}

function typeOf(schema: Record<string, unknown>): string | undefined {
  if (typeof schema.type === "string") return schema.type;
  if (Array.isArray(schema.type)) return schema.type.join(" | ");
  const branches = (schema.anyOf ?? schema.oneOf) as unknown;
  if (Array.isArray(branches)) {
    const types = branches.map((b) => (isObject(b) ? typeOf(b) : undefined));
    if (types.every((t) => t !== undefined)) return [...new Set(types)].join(" | ");
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
