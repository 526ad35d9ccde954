/**
 * Resolves templates' references against the tool lists and turns what does
 * not resolve into findings. Pure: templates, lockfiles and changes in,
 * `Change[]` out.
 */
import type { Change, SourceLocation } from "../core/change.js";
import { cmp } from "../core/json.js";
import type { Lockfile, SurfaceKind } from "../core/lockfile.js";
import { closestName, didYouMean as suggest } from "../core/suggest.js";
import { uriTemplateShape } from "../core/uri-template.js";
import {
  type CatalogPrompt,
  type CatalogResource,
  type CatalogTool,
  PromptCatalog,
  paramNames,
  paramPointer,
  promptArguments,
  qualified,
  ResourceCatalog,
  requiredParams,
  splitQualified,
  ToolCatalog,
} from "./catalog.js";
import { missingPartial } from "./partials.js";
import { extractReferences } from "./references.js";
import { TEMPLATE_RULES, type TemplateRuleId } from "./rules.js";
import type {
  CallReference,
  MentionReference,
  PartialReference,
  PromptArgumentReference,
  PromptReference,
  ResourceReference,
  TemplateReference,
} from "./types.js";

/** One template file to check. */
export interface TemplateSource {
  /** Path as it should appear in findings (usually relative to the config's directory). */
  file: string;
  source: string;
  /**
   * True for a partial: its one-argument `{{param "p"}}` outside a `{{#tool}}`
   * block gets its tool from the template that includes it, so it is not flagged.
   */
  partial?: boolean;
  /**
   * Its references when already known (from `extractReferences` of this very
   * source, e.g. kept in a cache); absent means they are extracted here.
   */
  references?: readonly TemplateReference[];
}

/** What `checkTemplates` needs. */
export interface CheckTemplatesInput {
  templates: readonly TemplateSource[];
  /** The tool lists templates must match: the live servers in `check`, the lockfile in `check --offline`. */
  lock: Lockfile;
  /**
   * The version before `lock` (the lockfile in `check`, the lockfile at git HEAD
   * offline). Prose that names something only it has is a stale mention;
   * absent means no history is known.
   */
  previousLock?: Lockfile;
  /** The diff from `previousLock` to `lock`: its hints name renames, its breaking changes give template-affected. */
  changes?: readonly Change[];
  /**
   * The names of the config's partials (the files of its `partials` directories: `shared/footer`),
   * which `{{> name}}` must name (template-unknown-partial); absent, partials are not checked.
   */
  partials?: readonly string[];
}

// Within one position, the finding to fix first comes first.
const RULE_ORDER: readonly string[] = Object.keys(TEMPLATE_RULES);

/** Where one template depends on one tool. */
interface Dependency {
  server: string;
  tool: string;
  /** First reference of the tool. */
  location: SourceLocation;
  /** First reference of each parameter (made with the first). */
  params: Map<string, SourceLocation> | undefined;
}

/** Where one template depends on one prompt, resource template or resource. */
interface SurfaceDependency {
  server: string;
  kind: SurfaceKind;
  item: string;
  /** First reference of the item. */
  location: SourceLocation;
  /** First reference of each prompt argument. */
  args: Map<string, SourceLocation>;
}

/** The catalogs of one lockfile: its tools, prompts and resources as templates name them. */
interface Catalogs {
  tools: ToolCatalog;
  prompts: PromptCatalog;
  resources: ResourceCatalog;
}

/** The catalogs of `lock`, each built when first asked for (most templates name tools only). */
function catalogs(lock: Lockfile | undefined): Catalogs {
  let tools: ToolCatalog | undefined;
  let prompts: PromptCatalog | undefined;
  let resources: ResourceCatalog | undefined;
  return {
    get tools() {
      tools ??= new ToolCatalog(lock);
      return tools;
    },
    get prompts() {
      prompts ??= new PromptCatalog(lock);
      return prompts;
    },
    get resources() {
      resources ??= new ResourceCatalog(lock);
      return resources;
    },
  };
}

/**
 * Checks every template's references: unknown tools, parameters, prompts, prompt arguments and
 * resources, ambiguous names, stale prose, calls and prompt uses missing required parameters or
 * arguments, and which templates a breaking change affects. Throws TemplateError on a template
 * syntax error.
 */
export function checkTemplates(input: CheckTemplatesInput): Change[] {
  return checkEachTemplate(input).flat();
}

/**
 * `checkTemplates`' findings template by template, in the order given: each template's depend on
 * it, the lockfiles and the changes only, so they can be remembered one template at a time.
 */
export function checkEachTemplate(input: CheckTemplatesInput): Change[][] {
  const current = catalogs(input.lock);
  const previous = catalogs(input.previousLock);
  const changes = citedChanges(input.changes);
  return input.templates.map((template) => {
    const references = template.references ?? extractReferences(template.source, template.file).references;
    return new TemplateChecker(current, previous, changes, template, input.partials).run(references);
  });
}

/**
 * The changes a template check can cite, in their order: of a tool or another item (a template
 * names nothing else), breaking ones (template-affected), those with a hint (a rename's
 * successor), and every change of a resource or resource template (its new URI); never the
 * checker's own `template-*` findings. Checking against these alone gives the same findings as
 * against all (each use below looks only at these), so a cache can key template findings by them:
 * an edit to a description, say, or the version bump it asks for, leaves every template's findings
 * as they were.
 */
export function citedChanges(changes: readonly Change[] | undefined): Change[] {
  return (changes ?? []).filter(
    (c) =>
      !c.rule.startsWith("template-") &&
      (c.tool !== undefined || c.kind !== undefined) &&
      (c.severity === "breaking" || !!c.hint || c.kind === "resource" || c.kind === "resourceTemplate"),
  );
}

class TemplateChecker {
  private readonly findings: Change[] = [];
  /** By server, then tool (no key string built per reference). */
  private readonly deps = new Map<string, Map<string, Dependency>>();
  private readonly surfaceDeps = new Map<string, SurfaceDependency>();
  private readonly current: ToolCatalog;
  private readonly previous: ToolCatalog;

  constructor(
    private readonly now: Catalogs,
    private readonly before: Catalogs,
    private readonly changes: readonly Change[],
    private readonly template: TemplateSource,
    private readonly partials?: readonly string[],
  ) {
    this.current = now.tools;
    this.previous = before.tools;
  }

  run(references: readonly TemplateReference[]): Change[] {
    // Mentions last: a bare parameter name is attributed to the tools the template otherwise uses.
    for (const ref of references) {
      if (ref.kind === "tool") this.toolReference(ref.name, ref.location);
      else if (ref.kind === "param") this.paramReference(ref.tool, ref.param, ref.location);
      else if (ref.kind === "call") this.call(ref);
      else if (ref.kind === "prompt") this.promptReference(ref);
      else if (ref.kind === "prompt-argument") this.promptArgumentReference(ref);
      else if (ref.kind === "resource") this.resourceReference(ref);
      else if (ref.kind === "partial") this.partialReference(ref);
    }
    for (const ref of references) if (ref.kind === "mention") this.mention(ref);
    this.affected();
    return this.findings.sort(
      (a, b) =>
        (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
        (a.location?.column ?? 0) - (b.location?.column ?? 0) ||
        RULE_ORDER.indexOf(a.rule) - RULE_ORDER.indexOf(b.rule),
    );
  }

  private toolReference(written: string, location: SourceLocation): void {
    const found = this.current.resolve(written);
    if (found.status === "found") {
      this.depend(found.tool, location);
    } else if (found.status === "ambiguous") {
      this.ambiguous(written, found.tools, location);
    } else {
      const was = this.previous.resolve(written);
      const before = was.status === "found" ? [was.tool] : was.status === "ambiguous" ? was.tools : [];
      for (const tool of before) this.depend(tool, location);
      const { server, tool } = splitQualified(written, this.current.servers);
      const hint = this.toolChangeHint(server ?? before[0]?.server, tool) ?? this.suggestTool(written);
      this.add("template-unknown-tool", {
        server: server ?? before[0]?.server ?? "",
        tool,
        pointer: "",
        message:
          server !== undefined
            ? `server \`${server}\` has no tool \`${tool}\``
            : before.length > 0
              ? `tool \`${written}\` no longer exists (it was on ${list(before.map((t) => `\`${t.server}\``))})`
              : `no server has a tool \`${written}\``,
        ...(hint !== undefined && { hint }),
        location,
      });
    }
  }

  private partialReference(ref: PartialReference): void {
    // A partial's `{{> name}}` may name an inline partial of the template that includes it; render
    // checks the template's own, as here.
    if (this.partials === undefined || this.template.partial) return;
    const missing = missingPartial(ref, this.partials);
    if (missing === undefined) return;
    this.add("template-unknown-partial", {
      server: "",
      pointer: "",
      message: `no partial \`${ref.name}\``,
      hint: missing.meant ?? missing.where,
      location: ref.location,
    });
  }

  private paramReference(written: string | undefined, param: string, location: SourceLocation): void {
    if (written === undefined) {
      // A partial's `{{param "p"}}` takes its tool from the including template's block.
      if (this.template.partial) return;
      this.add("template-unknown-param", {
        server: "",
        pointer: paramPointer(param),
        message: `\`{{param "${param}"}}\` names no tool: it is outside any \`{{#tool}}\` block`,
        hint: `write \`{{param "TOOL" "${param}"}}\` or move it into a \`{{#tool "TOOL"}}\` block`,
        location,
      });
      return;
    }
    const found = this.current.resolve(written);
    // An unknown tool was already reported by the tool reference that comes with every parameter reference.
    if (found.status === "unknown") return;
    // The common case first: the one tool named has the parameter.
    if (found.status === "found" && paramNames(found.tool.definition).includes(param)) {
      this.depend(found.tool, location, param);
      return;
    }
    const tools = found.status === "found" ? [found.tool] : found.tools;
    const owners = tools.filter((t) => paramNames(t.definition).includes(param));
    for (const tool of owners) this.depend(tool, location, param);
    if (owners.length > 0) return;
    const tool = tools[0]!;
    // Still a dependency: template-affected then points at this very reference.
    for (const t of tools) this.depend(t, location, param);
    const server = found.status === "found" ? tool.server : "";
    const hint =
      this.paramChangeHint(tools, param) ??
      suggest(
        param,
        tools.flatMap((t) => paramNames(t.definition)),
      );
    this.add("template-unknown-param", {
      server,
      tool: tool.name,
      pointer: paramPointer(param),
      message: `tool \`${found.status === "found" ? qualified(tool) : written}\` has no parameter \`${param}\``,
      ...(hint !== undefined && { hint }),
      location,
    });
  }

  private call(ref: CallReference): void {
    let found = this.current.resolve(ref.tool);
    // Inside `{{#tool "s/t"}}`, a bare call of `t` is a call of that very tool.
    const scoped = ref.scope === undefined ? undefined : this.current.resolve(ref.scope);
    if (found.status === "ambiguous" && scoped?.status === "found" && found.tools.includes(scoped.tool))
      found = scoped;
    if (found.status === "unknown") {
      const was = this.previous.resolve(ref.tool);
      if (was.status === "unknown") return; // not a tool call at all, e.g. `print(x)`
      const before = was.status === "found" ? [was.tool] : was.tools;
      for (const tool of before) this.depend(tool, ref.location);
      this.staleTool(ref.tool, before, ref.location);
      return;
    }
    if (found.status === "ambiguous") {
      // A bare call of a name several servers share: which tool it calls is unknown, as for `{{tool}}`.
      this.ambiguous(ref.tool, found.tools, ref.location);
      return;
    }
    const tool = found.tool;
    this.depend(tool, ref.location);
    for (const arg of ref.args) {
      // Still a dependency when the tool lacks it: template-affected then points at this argument.
      this.depend(tool, arg.location, arg.name);
      if (paramNames(tool.definition).includes(arg.name)) continue;
      // The same finding as `{{param}}` naming it, whether or not the previous version had it.
      const hint = this.paramChangeHint([tool], arg.name) ?? suggest(arg.name, paramNames(tool.definition));
      this.add("template-unknown-param", {
        server: tool.server,
        tool: tool.name,
        pointer: paramPointer(arg.name),
        message: `this call of \`${qualified(tool)}\` passes \`${arg.name}\`, a parameter the tool does not have`,
        ...(hint !== undefined && { hint }),
        location: arg.location,
      });
    }
    if (ref.elided) return;
    const given = new Set(ref.args.map((a) => a.name));
    for (const required of requiredParams(tool.definition)) {
      if (given.has(required)) continue;
      this.add("template-missing-required-param", {
        server: tool.server,
        tool: tool.name,
        pointer: paramPointer(required),
        message: `this call of \`${qualified(tool)}\` omits its required parameter \`${required}\``,
        hint: `add \`${required}\` to the call`,
        location: ref.location,
      });
    }
  }

  private mention(ref: MentionReference): void {
    const asTool = this.current.resolve(ref.name);
    if (asTool.status === "found") {
      this.depend(asTool.tool, ref.location);
      return;
    }
    if (asTool.status === "ambiguous") {
      for (const tool of asTool.tools) this.depend(tool, ref.location);
      return;
    }
    // Inside `{{#tool "t"}}`, prose is about t: a name t had and lost is stale even if another tool has it.
    const scoped = ref.scope === undefined ? undefined : this.current.resolve(ref.scope);
    if (scoped?.status === "found") {
      if (paramNames(scoped.tool.definition).includes(ref.name)) {
        this.depend(scoped.tool, ref.location, ref.name);
        return;
      }
      const before = this.previousVersion(scoped.tool);
      if (before && paramNames(before.definition).includes(ref.name)) {
        this.depend(scoped.tool, ref.location, ref.name);
        this.staleParam(ref.name, [before], ref.location);
        return;
      }
    }
    const owners = this.preferUsed(this.current.withParam(ref.name));
    if (owners.length > 0) {
      for (const tool of owners) this.depend(tool, ref.location, ref.name);
      return;
    }
    const wasTool = this.previous.resolve(ref.name);
    if (wasTool.status !== "unknown") {
      const before = wasTool.status === "found" ? [wasTool.tool] : wasTool.tools;
      for (const tool of before) this.depend(tool, ref.location);
      this.staleTool(ref.name, before, ref.location);
      return;
    }
    const formerOwners = this.preferUsed(this.previous.withParam(ref.name));
    if (formerOwners.length > 0) {
      for (const tool of formerOwners) this.depend(tool, ref.location, ref.name);
      this.staleParam(ref.name, formerOwners, ref.location);
    }
  }

  private ambiguous(written: string, tools: CatalogTool[], location: SourceLocation): void {
    for (const tool of tools) this.depend(tool, location);
    const names = tools.map((t) => `\`${qualified(t)}\``);
    this.add("template-ambiguous-tool", {
      server: "",
      tool: written,
      pointer: "",
      message: `tool \`${written}\` is ambiguous: servers ${list(tools.map((t) => `\`${t.server}\``))} ${tools.length === 2 ? "both" : "all"} have it`,
      hint: `qualify it: ${names.join(" or ")}`,
      location,
    });
  }

  private staleTool(written: string, before: CatalogTool[], location: SourceLocation): void {
    const tool = before[0]!;
    const hint = this.toolChangeHint(tool.server, tool.name) ?? this.suggestTool(written);
    this.add("template-stale-mention", {
      server: tool.server,
      tool: tool.name,
      pointer: "",
      message: `prose names \`${written}\`, a tool no server has now (it was \`${qualified(tool)}\`)`,
      ...(hint !== undefined && { hint }),
      location,
    });
  }

  private staleParam(param: string, before: CatalogTool[], location: SourceLocation): void {
    const tool = before[0]!;
    const now = this.current.resolve(qualified(tool));
    const hint =
      this.paramChangeHint(before, param) ??
      (now.status === "found" ? suggest(param, paramNames(now.tool.definition)) : undefined);
    this.add("template-stale-mention", {
      server: tool.server,
      tool: tool.name,
      pointer: paramPointer(param),
      message: `prose names \`${param}\`, a parameter \`${qualified(tool)}\` no longer has`,
      ...(hint !== undefined && { hint }),
      location,
    });
  }

  /** One template-affected finding per breaking change of a tool, prompt or resource the template depends on. */
  private affected(): void {
    for (const change of this.changes) {
      if (change.severity !== "breaking") continue;
      if (change.kind !== undefined) {
        this.surfaceAffected(change);
        continue;
      }
      if (change.tool === undefined) continue;
      const dep = this.deps.get(change.server)?.get(change.tool);
      if (!dep) continue;
      const param = topLevelParam(change.pointer);
      const location = (param !== undefined && dep.params?.get(param)) || dep.location;
      this.add("template-affected", {
        server: change.server,
        tool: change.tool,
        pointer: change.pointer,
        message: `this template uses \`${change.server}/${change.tool}\`, which has a breaking change (${change.rule}): ${change.message}`,
        ...(change.hint !== undefined && { hint: change.hint }),
        location,
      });
    }
  }

  private promptReference(ref: PromptReference): void {
    const found = this.now.prompts.resolve(ref.name);
    if (found.status === "ambiguous") {
      found.tools.sort((a, b) => cmp(a.server, b.server));
      for (const prompt of found.tools) this.dependOn(prompt.server, "prompt", prompt.name, ref.location);
      const names = found.tools.map((t) => `\`${qualified(t)}\``);
      this.add("template-ambiguous-prompt", {
        server: "",
        kind: "prompt",
        item: ref.name,
        pointer: "",
        message: `prompt \`${ref.name}\` is ambiguous: servers ${list(found.tools.map((t) => `\`${t.server}\``))} ${found.tools.length === 2 ? "both" : "all"} have it`,
        hint: `qualify it: ${names.join(" or ")}`,
        location: ref.location,
      });
      return;
    }
    if (found.status === "unknown") {
      this.unknownPrompt(ref.name, ref.location);
      return;
    }
    const prompt = found.tool;
    this.dependOn(prompt.server, "prompt", prompt.name, ref.location);
    if (ref.args === undefined) return;
    const args = promptArguments(prompt.definition);
    const names = args.map((a) => a.name);
    for (const arg of ref.args) {
      this.dependOn(prompt.server, "prompt", prompt.name, arg.location, arg.name);
      if (names.includes(arg.name)) continue;
      this.unknownArgument(prompt, arg.name, arg.location, `passes \`${arg.name}\`, an argument`);
    }
    const given = new Set(ref.args.map((a) => a.name));
    for (const required of args) {
      if (!required.required || given.has(required.name)) continue;
      this.add("template-missing-prompt-argument", {
        server: prompt.server,
        kind: "prompt",
        item: prompt.name,
        pointer: `/arguments/${required.index}`,
        message: `this use of prompt \`${qualified(prompt)}\` does not pass its required argument \`${required.name}\``,
        hint: `add \`${required.name}="…"\``,
        location: ref.location,
      });
    }
  }

  private unknownPrompt(written: string, location: SourceLocation): void {
    const was = this.before.prompts.resolve(written);
    const before = was.status === "found" ? [was.tool] : was.status === "ambiguous" ? was.tools : [];
    for (const prompt of before) this.dependOn(prompt.server, "prompt", prompt.name, location);
    const catalog = this.now.prompts;
    const { server, tool: name } = splitQualified(written, catalog.servers);
    const owner = server ?? before[0]?.server;
    const unlisted =
      server !== undefined
        ? catalog.unknownSections.has(server)
        : catalog.servers.size > 0 && catalog.unknownSections.size === catalog.servers.size;
    const hint = unlisted
      ? "the lockfile does not list prompts (it predates version 2, or a file source leaves them out): run `mcp-contract lock`"
      : (this.surfaceChangeHint(owner, "prompt", name) ??
        suggest(
          written,
          catalog
            .all()
            .filter((p) => server === undefined || p.server === server)
            .map((p) => (written.includes("/") ? qualified(p) : p.name)),
        ));
    this.add("template-unknown-prompt", {
      server: owner ?? "",
      kind: "prompt",
      item: name,
      pointer: "",
      message:
        server !== undefined
          ? `server \`${server}\` has no prompt \`${name}\``
          : before.length > 0
            ? `prompt \`${written}\` no longer exists (it was on ${list(before.map((t) => `\`${t.server}\``))})`
            : `no server has a prompt \`${written}\``,
      ...(hint !== undefined && { hint }),
      location,
    });
  }

  private promptArgumentReference(ref: PromptArgumentReference): void {
    if (ref.prompt === undefined) {
      // A partial's `{{arg "a"}}` takes its prompt from the including template's block.
      if (this.template.partial) return;
      this.add("template-unknown-prompt-argument", {
        server: "",
        kind: "prompt",
        item: "",
        pointer: "",
        message: `\`{{arg "${ref.argument}"}}\` names no prompt: it is outside any \`{{#prompt}}\` block`,
        hint: `write \`{{arg "PROMPT" "${ref.argument}"}}\` or move it into a \`{{#prompt "PROMPT"}}\` block`,
        after: ref.argument,
        location: ref.location,
      });
      return;
    }
    const found = this.now.prompts.resolve(ref.prompt);
    // An unknown prompt was already reported by the prompt reference that comes with every argument reference.
    if (found.status === "unknown") return;
    const prompts = found.status === "found" ? [found.tool] : found.tools;
    const owners = prompts.filter((p) => promptArguments(p.definition).some((a) => a.name === ref.argument));
    for (const p of owners.length > 0 ? owners : prompts)
      this.dependOn(p.server, "prompt", p.name, ref.location, ref.argument);
    if (owners.length > 0) return;
    this.unknownArgument(
      prompts[0]!,
      ref.argument,
      ref.location,
      `names \`${ref.argument}\`, an argument`,
      found.status === "ambiguous" ? ref.prompt : undefined,
    );
  }

  private unknownArgument(
    prompt: CatalogPrompt,
    argument: string,
    location: SourceLocation,
    what: string,
    ambiguousAs?: string,
  ): void {
    const names = promptArguments(prompt.definition).map((a) => a.name);
    const hint = this.argumentChangeHint(prompt, argument) ?? suggest(argument, names);
    const shown = ambiguousAs ?? qualified(prompt);
    this.add("template-unknown-prompt-argument", {
      server: ambiguousAs === undefined ? prompt.server : "",
      kind: "prompt",
      item: prompt.name,
      pointer: "",
      message: what.startsWith("passes")
        ? `this use of prompt \`${shown}\` ${what} the prompt does not have`
        : `prompt \`${shown}\` has no argument \`${argument}\``,
      ...(hint !== undefined && { hint }),
      // Two unknown arguments of one prompt in one template are two findings (and fingerprints).
      after: argument,
      location,
    });
  }

  private resourceReference(ref: ResourceReference): void {
    const found = this.now.resources.resolve(ref.uri);
    if (found.status === "found") {
      // A path is a lookup by key: only the template or resource listed under exactly that URI.
      const exact = found.resources.filter((r) => r.uri === found.uri);
      const resources = ref.form === "path" ? exact : found.resources;
      for (const r of resources) this.dependOn(r.server, r.kind, r.name, ref.location);
      if (resources.length > 0) return;
      const listed = found.resources[0]!;
      this.add("template-unknown-resource", {
        server: found.server,
        kind: "resource",
        item: found.uri,
        pointer: "",
        message: `\`resources\` has no entry \`${ref.uri}\`: a path names a resource template or resource by the URI it is listed under`,
        hint: `write \`resources.[${ref.uri === found.uri ? "" : `${found.server}/`}${listed.uri}]\``,
        location: ref.location,
      });
      return;
    }
    if (found.status === "ambiguous") {
      for (const r of found.resources) this.dependOn(r.server, r.kind, r.name, ref.location);
      const servers = [...new Set(found.resources.map((r) => r.server))];
      this.add("template-ambiguous-resource", {
        server: "",
        kind: "resource",
        item: ref.uri,
        pointer: "",
        message: `resource \`${ref.uri}\` is ambiguous: resources of servers ${list(servers.map((s) => `\`${s}\``))} match it`,
        hint: `qualify it: ${servers.map((s) => `\`${s}/${ref.uri}\``).join(" or ")}`,
        location: ref.location,
      });
      return;
    }
    const catalog = this.now.resources;
    const was = this.before.resources.resolve(ref.uri);
    const before = was.status === "found" ? was.resources : was.status === "ambiguous" ? was.resources : [];
    for (const r of before) this.dependOn(r.server, r.kind, r.name, ref.location);
    const server = found.server ?? before[0]?.server;
    const uri = found.server === undefined ? ref.uri : ref.uri.slice(found.server.length + 1);
    const matched = before[0];
    const hint =
      (matched && this.resourceChangeHint(matched)) ??
      suggestUri(
        ref.uri,
        catalog
          .all()
          .filter((r) => found.server === undefined || r.server === found.server)
          .map((r) => (found.server === undefined ? r.uri : `${r.server}/${r.uri}`)),
      ) ??
      this.unlockedHint(uri, found.server);
    this.add("template-unknown-resource", {
      server: server ?? "",
      kind: "resource",
      item: uri,
      pointer: "",
      message: matched
        ? `\`${ref.uri}\` matches no resource now (it was ${matched.kind === "resource" ? "resource" : "resource template"} \`${matched.name}\` of \`${matched.server}\`, \`${matched.uri}\`)`
        : found.server !== undefined
          ? `server \`${found.server}\` has no resource template or resource matching \`${uri}\``
          : `no resource template or resource of any server matches \`${ref.uri}\``,
      ...(hint !== undefined && { hint }),
      location: ref.location,
    });
  }

  /** Why a URI may match nothing without being wrong: the servers' resource lists are not locked. */
  private unlockedHint(uri: string, server: string | undefined): string | undefined {
    const catalog = this.now.resources;
    const servers = server === undefined ? [...catalog.servers] : [server];
    const unknown = servers.filter((s) => catalog.unknownTemplates.has(s));
    if (unknown.length > 0 && unknown.length === servers.length)
      return "the lockfile does not list resource templates (it predates version 2, or a file source leaves them out): run `mcp-contract lock`";
    const unlocked = servers.filter((s) => catalog.unlockedResources.has(s));
    if (!/\{/.test(uri) && unlocked.length > 0)
      return `if it is a static resource, lock the servers' resources with \`resources: true\` on ${list(unlocked.map((s) => `\`${s}\``))}`;
    return undefined;
  }

  /** The hint a diff change about a prompt, template or resource gives (e.g. "renamed to `x`"). */
  private surfaceChangeHint(server: string | undefined, kind: SurfaceKind, item: string): string | undefined {
    return this.changes.find(
      (c) =>
        c.kind === kind &&
        c.item === item &&
        c.pointer === "" &&
        c.hint &&
        (server === undefined || c.server === server),
    )?.hint;
  }

  private resourceChangeHint(was: CatalogResource): string | undefined {
    const change = this.changes.find(
      (c) => c.kind === was.kind && c.item === was.name && c.server === was.server,
    );
    if (change?.rule === "resource-template-uri-changed" && typeof change.after === "string")
      return `the template is now \`${change.after}\``;
    return change?.hint;
  }

  private argumentChangeHint(prompt: CatalogPrompt, argument: string): string | undefined {
    const was = this.before.prompts.resolve(qualified(prompt));
    if (was.status !== "found") return undefined;
    const index = promptArguments(was.tool.definition).find((a) => a.name === argument)?.index;
    if (index === undefined) return undefined;
    return this.changes.find(
      (c) =>
        c.kind === "prompt" &&
        c.item === prompt.name &&
        c.server === prompt.server &&
        c.pointer === `/arguments/${index}` &&
        c.hint,
    )?.hint;
  }

  /** template-affected for a breaking change of a prompt, resource template or resource the template uses. */
  private surfaceAffected(change: Change): void {
    if (change.item === undefined) return;
    const dep = this.surfaceDeps.get(surfaceKey(change.server, change.kind!, change.item));
    if (!dep) return;
    const argument = this.changedArgument(change);
    const location = (argument !== undefined && dep.args.get(argument)) || dep.location;
    const label =
      change.kind === "prompt" ? "prompt" : change.kind === "resource" ? "resource" : "resource template";
    this.add("template-affected", {
      server: change.server,
      kind: change.kind!,
      item: change.item,
      pointer: change.pointer,
      message: `this template uses ${label} \`${change.server}/${change.item}\`, which has a breaking change (${change.rule}): ${change.message}`,
      ...(change.hint !== undefined && { hint: change.hint }),
      location,
    });
  }

  /** The prompt argument a prompt change is about, by name. */
  private changedArgument(change: Change): string | undefined {
    if (change.kind !== "prompt") return undefined;
    const index = /^\/arguments\/(\d+)/.exec(change.pointer)?.[1];
    if (index === undefined) return undefined;
    if (change.rule === "prompt-argument-removed")
      return typeof change.before === "string" ? change.before : undefined;
    if (typeof change.after === "string" && change.rule.endsWith("-added")) return change.after;
    const now = this.now.prompts.resolve(`${change.server}/${change.item}`);
    if (now.status !== "found") return undefined;
    return promptArguments(now.tool.definition).find((a) => a.index === Number(index))?.name;
  }

  private dependOn(
    server: string,
    kind: SurfaceKind,
    item: string,
    location: SourceLocation,
    argument?: string,
  ): void {
    const k = surfaceKey(server, kind, item);
    let dep = this.surfaceDeps.get(k);
    if (!dep) {
      dep = { server, kind, item, location, args: new Map() };
      this.surfaceDeps.set(k, dep);
    }
    if (argument !== undefined && !dep.args.has(argument)) dep.args.set(argument, location);
  }

  /** The same tool in the previous lockfile. */
  private previousVersion(tool: CatalogTool): CatalogTool | undefined {
    const was = this.previous.resolve(qualified(tool));
    return was.status === "found" ? was.tool : undefined;
  }

  /** Of several tools sharing a parameter name, those the template names otherwise; all if none. */
  private preferUsed(tools: CatalogTool[]): CatalogTool[] {
    const used = tools.filter((t) => this.deps.get(t.server)?.has(t.name));
    return used.length > 0 ? used : tools;
  }

  private toolChangeHint(server: string | undefined, tool: string): string | undefined {
    return this.changes.find(
      (c) => c.tool === tool && c.pointer === "" && c.hint && (server === undefined || c.server === server),
    )?.hint;
  }

  private paramChangeHint(tools: readonly CatalogTool[], param: string): string | undefined {
    const pointer = paramPointer(param);
    return this.changes.find(
      (c) => c.hint && c.pointer === pointer && tools.some((t) => t.server === c.server && t.name === c.tool),
    )?.hint;
  }

  private suggestTool(written: string): string | undefined {
    const { server } = splitQualified(written, this.current.servers);
    const candidates = this.current
      .all()
      .filter((t) => server === undefined || t.server === server)
      .map((t) => (written.includes("/") ? qualified(t) : t.name));
    return suggest(written, candidates);
  }

  private depend(tool: CatalogTool, location: SourceLocation, param?: string): void {
    let byTool = this.deps.get(tool.server);
    if (byTool === undefined) {
      byTool = new Map();
      this.deps.set(tool.server, byTool);
    }
    let dep = byTool.get(tool.name);
    if (!dep) {
      dep = { server: tool.server, tool: tool.name, location, params: undefined };
      byTool.set(tool.name, dep);
    }
    if (param === undefined) return;
    if (dep.params === undefined) dep.params = new Map([[param, location]]);
    else if (!dep.params.has(param)) dep.params.set(param, location);
  }

  private add(rule: TemplateRuleId, finding: Omit<Change, "rule" | "severity">): void {
    this.findings.push({ rule, severity: TEMPLATE_RULES[rule].severity, ...finding });
  }
}

function topLevelParam(pointer: string): string | undefined {
  const m = /^\/inputSchema\/properties\/([^/]+)/.exec(pointer);
  return m ? m[1]!.replace(/~1/g, "/").replace(/~0/g, "~") : undefined;
}

/** Did-you-mean for a URI: compared by fixed part, so a template's optional `{?…}` does not hide the likeness. */
function suggestUri(written: string, candidates: readonly string[]): string | undefined {
  const byFixed = new Map<string, string>();
  for (const c of candidates)
    if (!byFixed.has(uriTemplateShape(c).fixed)) byFixed.set(uriTemplateShape(c).fixed, c);
  const best = closestName(uriTemplateShape(written).fixed, byFixed.keys());
  return best === undefined ? undefined : `did you mean \`${byFixed.get(best)}\`?`;
}

function surfaceKey(server: string, kind: SurfaceKind, item: string): string {
  return `${server}\u0000${kind}\u0000${item}`;
}

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}
