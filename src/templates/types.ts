/**
 * What a template refers to (tools, parameters, prompts, prompt arguments, resources), as read
 * from its Handlebars AST. Pure data: the
 * checker resolves it against a lockfile, the renderer never needs it.
 */
import type { SourceLocation } from "../core/change.js";

/** Which syntax a reference was written in (see docs/templates.md). */
export type ReferenceForm = "helper" | "block" | "path" | "front-matter" | "prose";

/** A tool named explicitly: `{{tool "x"}}`, `{{#tool "x"}}`, `{{tools.x...}}`, front matter. */
export interface ToolReference {
  kind: "tool";
  form: Exclude<ReferenceForm, "prose">;
  /** The name as written; may be server-qualified (`crm/create_ticket`). */
  name: string;
  /** Where the name starts. */
  location: SourceLocation;
}

/** A parameter named explicitly: `{{param "t" "p"}}`, `{{param "p"}}` in a tool block, `{{tools.t.params.p}}`. */
export interface ParamReference {
  kind: "param";
  form: Exclude<ReferenceForm, "prose" | "front-matter">;
  /**
   * The tool as written (may be server-qualified). Undefined for a one-argument
   * `{{param "p"}}` outside any `{{#tool}}` block: no tool is in scope.
   */
  tool: string | undefined;
  param: string;
  /** Where the parameter name starts. */
  location: SourceLocation;
}

/**
 * A bare name in an inline code span of the template's prose (`` `customer_email` ``).
 * It counts as a reference only if the current or previous lockfile knows the name.
 */
export interface MentionReference {
  kind: "mention";
  form: "prose";
  name: string;
  /** The tool of the enclosing `{{#tool}}` block, as written; a bare name is first read as its parameter. */
  scope?: string;
  location: SourceLocation;
}

/** One named argument of a call shown in prose. */
export interface CallArgument {
  name: string;
  location: SourceLocation;
}

/**
 * A call shown in a code span of the prose: `` `create_ticket(customer_email=...)` ``.
 * Counts as a reference only if the current or previous lockfile knows the tool.
 */
export interface CallReference {
  kind: "call";
  form: "prose";
  /** The callee as written (may be server-qualified). */
  tool: string;
  /** Named arguments, in order. */
  args: CallArgument[];
  /**
   * True when the call elides or hides arguments (`...`, `…`, `**kwargs`,
   * positional values): then no required parameter can be said to be missing.
   */
  elided: boolean;
  /** The tool of the enclosing `{{#tool}}` block, if any: a bare call of its name calls it. */
  scope?: string;
  /** Where the callee's name starts. */
  location: SourceLocation;
}

/**
 * A prompt named explicitly: `{{prompt "crm/summarize_customer" customer_id="42"}}`, its block
 * form, `{{prompts.x...}}`, front matter `prompts:`.
 */
export interface PromptReference {
  kind: "prompt";
  form: Exclude<ReferenceForm, "prose">;
  /** The name as written; may be server-qualified (`crm/summarize_customer`). */
  name: string;
  /**
   * The arguments a `{{prompt}}` helper or block passes (its hash: `customer_id="42"`), in
   * order; absent when it passes none: then it names the prompt (to render its docs) and no
   * required argument can be said to be missing.
   */
  args?: CallArgument[];
  /** Where the name starts. */
  location: SourceLocation;
}

/** A prompt argument named explicitly: `{{arg "p" "a"}}`, `{{arg "a"}}` in a prompt block, `{{prompts.p.args.a}}`. */
export interface PromptArgumentReference {
  kind: "prompt-argument";
  form: Exclude<ReferenceForm, "prose" | "front-matter">;
  /** The prompt as written; undefined for a one-argument `{{arg "a"}}` outside any `{{#prompt}}` block. */
  prompt: string | undefined;
  argument: string;
  /** Where the argument's name starts. */
  location: SourceLocation;
}

/**
 * A resource named explicitly: `{{resource "crm://customers/{id}"}}` (a URI template, as the
 * server lists it) or `{{resource "crm://customers/42"}}` (a URI), its block form,
 * `{{resources.[crm://customers/{id}]...}}`, front matter `resources:`.
 */
export interface ResourceReference {
  kind: "resource";
  form: Exclude<ReferenceForm, "prose">;
  /** The URI or URI template as written; may be server-qualified (`crm/crm://customers/{id}`). */
  uri: string;
  /** Where the URI starts. */
  location: SourceLocation;
}

/**
 * A partial included by name (`{{> footer}}`) that no `{{#*inline}}` of the template defines: it
 * must be a file of the config's `partials` directories.
 */
export interface PartialReference {
  kind: "partial";
  form: "helper";
  /** The partial's name as written (`shared/footer`). */
  name: string;
  /** The template's own `{{#*inline}}` partials, for the one meant. */
  inline: string[];
  /** Where the `{{>` starts. */
  location: SourceLocation;
}

/** Any reference a template makes. */
export type TemplateReference =
  | ToolReference
  | ParamReference
  | MentionReference
  | CallReference
  | PromptReference
  | PromptArgumentReference
  | ResourceReference
  | PartialReference;

/** Everything one template refers to, in source order. */
export interface TemplateReferences {
  file: string;
  references: TemplateReference[];
}
