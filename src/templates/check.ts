/**
 * Resolves templates' references against the tool lists and turns what does
 * not resolve into findings. Pure: templates, lockfiles and changes in,
 * `Change[]` out.
 */
import type { Change, SourceLocation } from "../core/change.js";
import type { Lockfile } from "../core/lockfile.js";
import { didYouMean as suggest } from "../core/suggest.js";
import {
  type CatalogTool,
  paramNames,
  paramPointer,
  qualified,
  requiredParams,
  splitQualified,
  ToolCatalog,
} from "./catalog.js";
import { extractReferences } from "./references.js";
import { TEMPLATE_RULES, type TemplateRuleId } from "./rules.js";
import type { CallReference, MentionReference, TemplateReference } from "./types.js";

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
}

// Within one position, the finding to fix first comes first.
const RULE_ORDER: readonly string[] = Object.keys(TEMPLATE_RULES);

/** Where one template depends on one tool. */
interface Dependency {
  server: string;
  tool: string;
  /** First reference of the tool. */
  location: SourceLocation;
  /** First reference of each parameter. */
  params: Map<string, SourceLocation>;
}

/**
 * Checks every template's references: unknown tools and parameters, ambiguous
 * names, stale prose, calls missing required parameters, and which templates
 * a breaking change affects. Throws TemplateError on a template syntax error.
 */
export function checkTemplates(input: CheckTemplatesInput): Change[] {
  return checkEachTemplate(input).flat();
}

/**
 * `checkTemplates`' findings template by template, in the order given: each template's depend on
 * it, the lockfiles and the changes only, so they can be remembered one template at a time.
 */
export function checkEachTemplate(input: CheckTemplatesInput): Change[][] {
  const current = new ToolCatalog(input.lock);
  const previous = new ToolCatalog(input.previousLock);
  const changes = (input.changes ?? []).filter((c) => !c.rule.startsWith("template-"));
  return input.templates.map((template) => {
    const references = template.references ?? extractReferences(template.source, template.file).references;
    return new TemplateChecker(current, previous, changes, template).run(references);
  });
}

class TemplateChecker {
  private readonly findings: Change[] = [];
  private readonly deps = new Map<string, Dependency>();

  constructor(
    private readonly current: ToolCatalog,
    private readonly previous: ToolCatalog,
    private readonly changes: readonly Change[],
    private readonly template: TemplateSource,
  ) {}

  run(references: readonly TemplateReference[]): Change[] {
    // Mentions last: a bare parameter name is attributed to the tools the template otherwise uses.
    for (const ref of references) {
      if (ref.kind === "tool") this.toolReference(ref.name, ref.location);
      else if (ref.kind === "param") this.paramReference(ref.tool, ref.param, ref.location);
      else if (ref.kind === "call") this.call(ref);
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
    if (asTool.status !== "unknown") {
      for (const tool of asTool.status === "found" ? [asTool.tool] : asTool.tools)
        this.depend(tool, ref.location);
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

  /** One template-affected finding per breaking change of a tool the template depends on. */
  private affected(): void {
    for (const change of this.changes) {
      if (change.severity !== "breaking" || change.tool === undefined) continue;
      const dep = this.deps.get(key(change.server, change.tool));
      if (!dep) continue;
      const param = topLevelParam(change.pointer);
      const location = (param !== undefined && dep.params.get(param)) || dep.location;
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

  /** The same tool in the previous lockfile. */
  private previousVersion(tool: CatalogTool): CatalogTool | undefined {
    const was = this.previous.resolve(qualified(tool));
    return was.status === "found" ? was.tool : undefined;
  }

  /** Of several tools sharing a parameter name, those the template names otherwise; all if none. */
  private preferUsed(tools: CatalogTool[]): CatalogTool[] {
    const used = tools.filter((t) => this.deps.has(key(t.server, t.name)));
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
    const k = key(tool.server, tool.name);
    let dep = this.deps.get(k);
    if (!dep) {
      dep = { server: tool.server, tool: tool.name, location, params: new Map() };
      this.deps.set(k, dep);
    }
    if (param !== undefined && !dep.params.has(param)) dep.params.set(param, location);
  }

  private add(rule: TemplateRuleId, finding: Omit<Change, "rule" | "severity">): void {
    this.findings.push({ rule, severity: TEMPLATE_RULES[rule].severity, ...finding });
  }
}

function topLevelParam(pointer: string): string | undefined {
  const m = /^\/inputSchema\/properties\/([^/]+)/.exec(pointer);
  return m ? m[1]!.replace(/~1/g, "/").replace(/~0/g, "~") : undefined;
}

function key(server: string, tool: string): string {
  return `${server}\u0000${tool}`;
}

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}
