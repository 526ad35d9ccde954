/**
 * Rendering templates with the same helpers the checker reads, so an agent
 * runtime and `mcp-contract check` see tools the same way: `{{tool "x"}}`
 * renders the tool's name, description and parameter docs from the lockfile,
 * `{{param ...}}` the parameter's name, `{{tools.x...}}` the same data by path;
 * `{{prompt "x"}}` a prompt's description and arguments, `{{arg ...}}` an
 * argument's name, `{{resource "uri"}}` a resource's one-line docs,
 * `{{prompts.x...}}` and `{{resources.[uri]...}}` the same data by path.
 */
import type { HelperOptions } from "handlebars";
import type { Lockfile } from "../core/lockfile.js";
import { dict, has, own, put } from "../core/own.js";
import { TemplateError } from "../errors.js";
import {
  type CatalogResource,
  PromptCatalog,
  paramNames,
  promptArguments,
  properties,
  ResourceCatalog,
  requiredParams,
  ToolCatalog,
} from "./catalog.js";
import { splitFrontMatter } from "./front-matter.js";
import { handlebars } from "./handlebars.js";
import { eachNode, missingPartial, partialReferences } from "./partials.js";
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

/** One prompt argument as templates see it. Renders as its name. */
export interface ArgDoc {
  name: string;
  description?: string;
  required: boolean;
}

/** One prompt as templates see it (`{{prompts.summarize_customer}}`, `this` in `{{#prompt}}`). Renders as its docs. */
export interface PromptDoc {
  name: string;
  server: string;
  /** `server/name`. */
  qualifiedName: string;
  title?: string;
  /** The prompt's description; "" when it has none. */
  description: string;
  /** Arguments by name, in the server's order. */
  args: Record<string, ArgDoc>;
  /** Names of the required arguments. */
  required: string[];
}

/** One resource template or static resource as templates see it (`this` in `{{#resource}}`). Renders as its docs. */
export interface ResourceDoc {
  /** The definition's `name`; "" when it has none. */
  name: string;
  server: string;
  kind: "resourceTemplate" | "resource";
  /** The template's `uriTemplate`, the resource's `uri`. */
  uri: string;
  title?: string;
  /** Its description; "" when it has none. */
  description: string;
  mimeType?: string;
}

/** Options for `renderTemplate`. */
export interface RenderOptions {
  /** Name used in error messages (`file:line: ...`); default `<template>`. */
  file?: string;
  /** Partials by name (`{{> name}}`), as template sources (front matter allowed). */
  partials?: Record<string, string>;
  /**
   * Where `{{log ...}}` messages go (`file:line:column: log: text`); absent, they are dropped.
   * Never the console: Handlebars' own `log` wrote to stdout, into the rendered prompt (and into
   * the JSON-RPC stream of a stdio server that renders prompts).
   */
  log?: (message: string) => void;
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

/**
 * The `prompts` object templates see: every prompt under `server/name`, and under its bare name
 * when only one server has that name.
 */
export function promptsView(lock: Lockfile): Record<string, PromptDoc> {
  const view = dict<PromptDoc>();
  const all = new PromptCatalog(lock).all();
  const counts = new Map<string, number>();
  for (const prompt of all) counts.set(prompt.name, (counts.get(prompt.name) ?? 0) + 1);
  for (const prompt of all) {
    const args = dict<ArgDoc>();
    const list = promptArguments(prompt.definition);
    for (const a of list) {
      const doc: ArgDoc = { name: a.name, required: a.required };
      if (a.description !== undefined) doc.description = a.description;
      Object.defineProperty(doc, "toString", { value: () => a.name, enumerable: false });
      put(args, a.name, doc);
    }
    const title = typeof prompt.definition.title === "string" ? prompt.definition.title : undefined;
    const description =
      typeof prompt.definition.description === "string" ? prompt.definition.description : "";
    const doc: PromptDoc = {
      name: prompt.name,
      server: prompt.server,
      qualifiedName: `${prompt.server}/${prompt.name}`,
      ...(title !== undefined && { title }),
      description,
      args,
      required: list.filter((a) => a.required).map((a) => a.name),
    };
    Object.defineProperty(doc, "toString", { value: () => formatPromptDoc(doc), enumerable: false });
    put(view, doc.qualifiedName, doc);
    if (counts.get(prompt.name) === 1) put(view, prompt.name, doc);
  }
  return view;
}

/**
 * The `resources` object templates see: every resource template under its `uriTemplate` and
 * every locked static resource under its URI, qualified (`server/uri`) and, when only one server
 * has it, bare.
 */
export function resourcesView(lock: Lockfile): Record<string, ResourceDoc> {
  const view = dict<ResourceDoc>();
  const all = new ResourceCatalog(lock).all();
  const servers = new Map<string, Set<string>>();
  for (const r of all) servers.set(r.uri, (servers.get(r.uri) ?? new Set()).add(r.server));
  for (const r of all) {
    const doc = resourceDoc(r);
    if (!has(view, `${r.server}/${r.uri}`)) put(view, `${r.server}/${r.uri}`, doc);
    if (servers.get(r.uri)!.size === 1 && !has(view, r.uri)) put(view, r.uri, doc);
  }
  return view;
}

function resourceDoc(r: CatalogResource): ResourceDoc {
  const d = r.definition as Record<string, unknown>;
  const doc: ResourceDoc = {
    name: typeof d.name === "string" ? d.name : "",
    server: r.server,
    kind: r.kind,
    uri: r.uri,
    ...(typeof d.title === "string" && { title: d.title }),
    description: typeof d.description === "string" ? d.description : "",
    ...(typeof d.mimeType === "string" && { mimeType: d.mimeType }),
  };
  Object.defineProperty(doc, "toString", { value: () => formatResourceDoc(doc), enumerable: false });
  return doc;
}

/**
 * A prompt's docs as plain text: name and description, then one line per argument (with the
 * value a `{{prompt}}` passes it, when `given` has one that is defined).
 */
export function formatPromptDoc(prompt: PromptDoc, given?: ReadonlyMap<string, unknown>): string {
  const lines = [prompt.description ? `${prompt.name}: ${prompt.description.trim()}` : prompt.name];
  const args = Object.values(prompt.args);
  if (args.length === 0) {
    lines.push("Arguments: none.");
  } else {
    lines.push("Arguments:");
    for (const a of args) {
      const facts = [a.required ? "required" : "optional"];
      const value = given?.get(a.name);
      if (value !== undefined) facts.push(`given ${JSON.stringify(value) ?? String(value)}`);
      lines.push(`- ${a.name} (${facts.join("; ")})${a.description ? `: ${a.description.trim()}` : ""}`);
    }
  }
  return lines.join("\n");
}

/** A resource's docs as one line: its URI (`uri`, default the locked one), name and MIME type, description. */
export function formatResourceDoc(resource: ResourceDoc, uri = resource.uri): string {
  const facts = [resource.name, resource.mimeType].filter((f) => f !== undefined && f !== "");
  const description = resource.description.trim();
  return `${uri}${facts.length > 0 ? ` (${facts.join("; ")})` : ""}${description ? `: ${description}` : ""}`;
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
 * Renders a template against a lockfile's tools, prompts and resources. `data` is the
 * template's own context; `tools`, `prompts` and `resources` in it are always the lockfile's.
 * Throws TemplateError (`file:line:column: message`) on a syntax error, an unknown or ambiguous
 * tool, prompt or resource, an unknown parameter or prompt argument, or a `{{prompt}}` that
 * passes arguments but not a required one.
 */
export function renderTemplate(
  source: string,
  lock: Lockfile,
  data?: unknown,
  options: RenderOptions = {},
): string {
  const file = options.file ?? "<template>";
  const tools = toolsView(lock);
  const prompts = promptsView(lock);
  const resources = resourcesView(lock);
  const catalog = new ToolCatalog(lock);
  const promptCatalog = new PromptCatalog(lock);
  const resourceCatalog = new ResourceCatalog(lock);
  const hbs = handlebars().create();

  const body = splitFrontMatter(source, file).body;
  // Parse first so a syntax error names this file and line, not Handlebars' compile stage.
  const ast = parseTemplate(body, file);
  const names = nameColumns(ast);
  checkPartialNames(ast, options.partials ?? {}, file);
  const callAt = (options: HelperOptions) => {
    const loc = (options as HelperOptions & { loc?: hbs.AST.SourceLocation }).loc;
    return { loc, call: loc && names.get(`${loc.start.line}:${loc.start.column}`) };
  };
  // Points at the name the error is about (argument `arg` of the helper, or a hash key), as `check` does.
  const fail = (options: HelperOptions, message: string, arg: number | string = 0): never => {
    const { loc, call } = callAt(options);
    const at = typeof arg === "number" ? call?.params[arg] : call?.hash.find(([key]) => key === arg)?.[1];
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
  const lookupPrompt = (name: unknown, options: HelperOptions): PromptDoc => {
    if (typeof name !== "string") return fail(options, "`prompt` and `arg` need a prompt name as a string");
    const found = promptCatalog.resolve(name);
    if (found.status === "ambiguous") {
      const names = found.tools.map((t) => `\`${t.server}/${t.name}\``).join(" or ");
      return fail(options, `prompt \`${name}\` is ambiguous: write ${names}`);
    }
    if (found.status === "unknown")
      return fail(options, `no server in the lockfile has a prompt \`${name}\``);
    return own(prompts, `${found.tool.server}/${found.tool.name}`)!;
  };
  const lookupArg = (prompt: PromptDoc, name: unknown, options: HelperOptions, arg: number): ArgDoc => {
    const found = typeof name === "string" ? own(prompt.args, name) : undefined;
    return (
      found ?? fail(options, `prompt \`${prompt.qualifiedName}\` has no argument \`${String(name)}\``, arg)
    );
  };
  const lookupResource = (uri: unknown, options: HelperOptions): { doc: ResourceDoc; uri: string } => {
    if (typeof uri !== "string") return fail(options, "`resource` needs a URI or URI template as a string");
    const found = resourceCatalog.resolve(uri);
    if (found.status === "ambiguous") {
      const servers = [...new Set(found.resources.map((r) => r.server))];
      return fail(
        options,
        `resource \`${uri}\` is ambiguous: write ${servers.map((s) => `\`${s}/${uri}\``).join(" or ")}`,
      );
    }
    if (found.status === "unknown")
      return fail(options, `no resource template or resource in the lockfile matches \`${uri}\``);
    return { doc: resourceDoc(found.resources[0]!), uri: found.uri };
  };

  // Handlebars' built-ins given the wrong number of arguments: one line naming the call and where it
  // is (`{{lookup}}` threw a raw TypeError, `{{#if}}` an error without its line).
  for (const [name, count, what] of BUILT_IN_ARITY) {
    const builtIn = hbs.helpers[name] as ((this: unknown, ...args: unknown[]) => unknown) | undefined;
    if (builtIn === undefined) continue;
    hbs.registerHelper(name, function (this: unknown, ...args: unknown[]) {
      const options = args[args.length - 1] as HelperOptions;
      const given = args.length - 1;
      if (given !== count) {
        const call = (options as { fn?: unknown }).fn ? `{{#${name}}}` : `{{${name}}}`;
        fail(
          options,
          `cannot render: \`${call}\` takes ${what}; it was given ${given === 0 ? "none" : given}`,
          -1,
        );
      }
      return builtIn.apply(this, args);
    });
  }

  hbs.registerHelper("log", (...args: unknown[]) => {
    const helper = args.pop() as HelperOptions & { loc?: hbs.AST.SourceLocation };
    if (options.log === undefined) return "";
    const where = helper.loc ? `${helper.loc.start.line}:${helper.loc.start.column + 1}` : "1";
    const text = args.map((a) => (typeof a === "string" ? a : (JSON.stringify(a) ?? String(a)))).join(" ");
    options.log(`${file}:${where}: log: ${text}`);
    return "";
  });

  // A call of a helper render does not have, named where it is (Handlebars' own says neither).
  hbs.registerHelper("helperMissing", (...args: unknown[]) => {
    const options = args[args.length - 1] as HelperOptions & { name?: string };
    // `{{name}}` with no arguments is a lookup of data the context lacks: it renders empty.
    if (args.length === 1) return undefined;
    return fail(
      options,
      `cannot render: no helper \`${String(options.name)}\`: render has mcp-contract's helpers (tool, param, prompt, arg, resource) and Handlebars' built-ins only`,
      -1,
    );
  });
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
  hbs.registerHelper("prompt", function (this: unknown, ...args: unknown[]) {
    const options = args.pop() as HelperOptions;
    const prompt = lookupPrompt(args[0], options);
    // The argument names as written (the syntax tree's: a `__proto__=` key is not lost), their values from the hash.
    const keys = callAt(options).call?.hash.map(([key]) => key) ?? [];
    const given = new Map<string, unknown>();
    for (const key of keys) {
      if (!has(prompt.args, key))
        fail(options, `prompt \`${prompt.qualifiedName}\` has no argument \`${key}\``, key);
      given.set(key, own(options.hash as Record<string, unknown>, key));
    }
    if (keys.length > 0) {
      const missing = prompt.required.find((r) => !given.has(r));
      if (missing !== undefined)
        fail(options, `prompt \`${prompt.qualifiedName}\` needs its required argument \`${missing}\``);
    }
    if (!(options as { fn?: unknown }).fn) return formatPromptDoc(prompt, given);
    const frame = hbs.createFrame(options.data);
    frame.prompt = prompt;
    return options.fn(prompt, { data: frame });
  });
  hbs.registerHelper("arg", function (this: unknown, ...args: unknown[]) {
    const options = args.pop() as HelperOptions;
    if (args.length >= 2) return lookupArg(lookupPrompt(args[0], options), args[1], options, 1).name;
    const scoped = options.data?.prompt as PromptDoc | undefined;
    if (!scoped)
      return fail(options, `\`{{arg "${String(args[0])}"}}\` is outside any \`{{#prompt}}\` block`);
    return lookupArg(scoped, args[0], options, 0).name;
  });
  hbs.registerHelper("resource", function (this: unknown, ...args: unknown[]) {
    const options = args.pop() as HelperOptions;
    const { doc, uri } = lookupResource(args[0], options);
    if (!(options as { fn?: unknown }).fn) return formatResourceDoc(doc, uri);
    const frame = hbs.createFrame(options.data);
    frame.resource = doc;
    return options.fn(doc, { data: frame });
  });
  for (const [name, partial] of Object.entries(options.partials ?? {})) {
    const partialBody = splitFrontMatter(partial, name).body;
    checkNesting(partialBody, name);
    hbs.registerPartial(name, partialBody);
  }

  const context = { ...(isObject(data) ? data : {}), tools, prompts, resources };
  try {
    // Prompts are not HTML: no escaping of quotes, ampersands or angle brackets.
    return hbs.compile(body, { noEscape: true })(context);
  } catch (error) {
    if (error instanceof TemplateError) throw error;
    throw renderError(error, file) ?? templateSyntaxError(error, file);
  }
}

/**
 * Throws a TemplateError at the first `{{> name}}` of the template naming no partial it has (the
 * given partials and the template's own `{{#*inline}}` ones), with the one meant: Handlebars says
 * "The partial x could not be found" on line 1. `check` reports the same ones (partials.ts).
 */
function checkPartialNames(ast: hbs.AST.Program, partials: Record<string, string>, file: string): void {
  const names = Object.keys(partials);
  for (const ref of partialReferences(ast, file)) {
    const missing = missingPartial(ref, names);
    if (missing === undefined) continue;
    const { line, column } = ref.location;
    throw new TemplateError(
      `${file}:${line}:${column}: cannot render: no partial \`${ref.name}\`${missing.meant ? ` (${missing.meant})` : ""}; ${missing.where}`,
    );
  }
}

/** Handlebars' built-in helpers that take a fixed number of arguments: name, count, and what they are. */
const BUILT_IN_ARITY: readonly [name: string, count: number, what: string][] = [
  ["if", 1, "one argument, the condition"],
  ["unless", 1, "one argument, the condition"],
  ["with", 1, "one argument, the new context"],
  ["each", 1, "one argument, the list or object to iterate over"],
  ["lookup", 2, 'two arguments, an object and a key (`{{lookup tools "crm/create_ticket"}}`)'],
];

/**
 * An error of running the template, not of its syntax (which parseTemplate reported first): a
 * built-in helper called without what it needs, a missing partial.
 * Undefined for anything else (Handlebars' compile errors, left to `templateSyntaxError`).
 */
function renderError(error: unknown, file: string): TemplateError | undefined {
  const e = error as { message?: unknown; lineNumber?: unknown };
  const message = String(e.message ?? error)
    .split("\n")[0]!
    .replace(/ - \d+:\d+$/, "");
  const line = typeof e.lineNumber === "number" ? e.lineNumber : 1;
  let text: string | undefined;
  if (error instanceof TypeError)
    text = `a Handlebars built-in helper was called without the arguments it needs (${message})`;
  else if (message.startsWith("Must pass iterator") || / could not be found$/.test(message)) text = message;
  return text === undefined
    ? undefined
    : new TemplateError(`${file}:${line}: cannot render: ${text}`, { cause: error });
}

/** Where one helper call's names start: each positional argument's and each hash key's `line:column`. */
interface CallColumns {
  params: string[];
  hash: [key: string, at: string][];
}

const NAMED_HELPERS = new Set(["tool", "param", "prompt", "arg", "resource"]);

/**
 * For each `tool`, `param`, `prompt`, `arg` and `resource` helper call (keyed `line:column` of its
 * start, as Handlebars passes it in the helper's `loc`), the `line:column` of each string
 * argument's first character and of each hash key.
 */
function nameColumns(ast: hbs.AST.Program): Map<string, CallColumns> {
  const out = new Map<string, CallColumns>();
  eachNode(ast, (node) => {
    const n = node as {
      type?: string;
      path?: { type?: string; original?: string };
      params?: { type: string; loc: hbs.AST.SourceLocation }[];
      hash?: { pairs?: { key: string; loc: hbs.AST.SourceLocation }[] };
      loc?: hbs.AST.SourceLocation;
    };
    if (
      (n.type === "MustacheStatement" || n.type === "BlockStatement" || n.type === "SubExpression") &&
      n.path?.type === "PathExpression" &&
      NAMED_HELPERS.has(n.path.original ?? "") &&
      n.loc
    ) {
      const params = (n.params ?? []).map((p) =>
        p.type === "StringLiteral"
          ? `${p.loc.start.line}:${p.loc.start.column + 2}`
          : `${p.loc.start.line}:${p.loc.start.column + 1}`,
      );
      const hash = (n.hash?.pairs ?? []).map((pair): [string, string] => [
        pair.key,
        `${pair.loc.start.line}:${pair.loc.start.column + 1}`,
      ]);
      out.set(`${n.loc.start.line}:${n.loc.start.column}`, { params, hash });
    }
  });
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
