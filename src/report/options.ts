import { posix } from "node:path";
import type { Change, Severity } from "../core/change.js";
import type { FailOn } from "../core/fail-on.js";
import type { ReportSummary } from "../core/report.js";
import type { RuleMeta } from "../core/rule.js";

/** Where rule docs are published; `helpUri` and text/markdown links are this plus `<rule>.md`. */
export const DEFAULT_DOCS_BASE_URL = "https://github.com/mcp-contract/mcp-contract/blob/main/docs/rules/";

/**
 * 1-based line of a server's entry, or of a tool's entry when `tool` is given, in a file's text;
 * with `section` (`prompts`, `resourceTemplates`, `resources`, `instructions`, `capabilities`),
 * `tool` names an item of that section instead (a capability's dotted path, `tools.listChanged`),
 * and without `tool` the line is the section's; undefined when unknown.
 */
export type Locate = (server: string, tool?: string, section?: string) => number | undefined;

/** The lockfile section a finding's kind is locked in. */
const SECTION: Record<string, string> = {
  prompt: "prompts",
  resourceTemplate: "resourceTemplates",
  resource: "resources",
  instructions: "instructions",
  capabilities: "capabilities",
};

/** What a run checked, for reports that list what passed as well as what failed (JUnit). */
export interface Checked {
  /** Tool names by server (the lockfile's, or both sides of `diff`); tools with findings are added to them. */
  tools: ReadonlyMap<string, readonly string[]>;
  /**
   * Prompts, resource templates and resources by server, likewise (JUnit has a test case for each);
   * default none beyond those with findings.
   */
  items?: ReadonlyMap<string, readonly CheckedItem[]>;
  /** Template and partial files, as their findings name them (relative to the working directory). */
  templates: readonly string[];
}

/** A prompt (by name), resource template (by name) or static resource (by URI) a run checked. */
export interface CheckedItem {
  kind: "prompt" | "resourceTemplate" | "resource";
  item: string;
}

/** A tool's definition on one side of a run (the locked one, the live one), or undefined where that side has none. */
export type DefinitionLookup = (server: string, tool: string) => unknown;

/** What reporters need besides the report. Every field has a default, so `{}` works. */
export interface ReporterOptions {
  /** Emit ANSI colours (text only). The CLI decides from NO_COLOR/FORCE_COLOR and the TTY; default false. */
  color?: boolean;
  /**
   * The `--fail-on` the report's changes were marked with, which JUnit's failure message names
   * (what fails is the policy's `fails` mark, never decided here); default `breaking`.
   */
  failOn?: FailOn;
  /** Rule metadata by id (SARIF rule descriptors, summaries); unknown ids get a bare descriptor. */
  rules?: Readonly<Record<string, RuleMeta>>;
  /**
   * Each rule's docs page (docs/rules/<id>.md) by id, as markdown: SARIF takes a rule's
   * `fullDescription` (the page's first paragraph) and `help` from it. Default none: then
   * `fullDescription` is the summary and `help` a link to the page.
   */
  ruleDocs?: ReadonlyMap<string, string>;
  /**
   * The file findings without a template location point at: the lockfile, or diff's AFTER file;
   * relative to the working directory, like the report's template locations. Default `mcp-contract.lock.json`.
   */
  lockfile?: string;
  /** Lines of servers' and tools' entries in `lockfile`, when known (see `lockfileLocator`). */
  locate?: Locate;
  /**
   * diff's BEFORE file, when it is a file of the working tree. Findings about a tool, prompt,
   * resource, capability or server that only it holds (`holdsOnly`: a removed or renamed tool, a
   * removed prompt or resource, a removed server; with the finding's lockfile section) point at it,
   * where the entry still is. Absent: every such finding points at `lockfile`.
   */
  before?: {
    file: string;
    locate?: Locate;
    holdsOnly: (server: string, tool?: string, section?: string) => boolean;
  };
  /**
   * The working directory's path from the repository root, with forward slashes ("" at the root,
   * the default). SARIF and GitHub annotations name files from the root, where GitHub looks for
   * them, so it is put before `lockfile`, `before.file` and template locations there.
   */
  workingDirectory?: string;
  /** What the run checked, so JUnit has a test case per tool and per template; default: what has findings. */
  checked?: Checked;
  /** When the run started: JUnit's `timestamp`. Output-only metadata; default the epoch. */
  startedAt?: Date;
  /** The machine that ran it: JUnit's `hostname`. Output-only metadata; default `localhost`. */
  hostname?: string;
  /** mcp-contract's version, recorded in SARIF. Default "0.0.0". */
  toolVersion?: string;
  /** Base URL of docs/rules/; default DEFAULT_DOCS_BASE_URL. */
  docsBaseUrl?: string;
  /** Tool definitions before and after, for html's side-by-side view; without them html lists the findings. */
  definitions?: { before?: DefinitionLookup; after?: DefinitionLookup };
  /** Template and partial texts by the file name their findings give, for html's excerpts. */
  templateSources?: ReadonlyMap<string, string>;
  /**
   * `--min-severity`: the human formats (text, markdown, github) show only changes at least this
   * severe; the machine formats (json, sarif, junit) ignore it. Default: every change.
   */
  minSeverity?: Severity;
  /**
   * What the summary paragraph says to do next, in place of the steps a check's report suggests
   * (text only): `lock` has already written the lockfile, so its next step is not to run lock.
   */
  next?: string;
  /**
   * For a report that lists part of what the run saw (a refused `lock` lists the breaking changes
   * that need a reason): the run's counts, and what the report lists (text only). The count line
   * then counts what the run saw, as `check`'s does, and says what is listed.
   */
  listedOnly?: { summary: ReportSummary; what: string };
  /** `--verbose`: text shows every change of a long run of one rule instead of folding it. Default false. */
  verbose?: boolean;
  /**
   * The most UTF-8 bytes the markdown report may take; past it, it cuts and points at the complete
   * JSON or SARIF report. Default MARKDOWN_LIMIT (a pull-request comment's 65,536 characters).
   */
  markdownLimit?: number;
}

/** What a GitHub pull-request comment holds: 65,536 characters (bytes are counted, which is stricter). */
export const MARKDOWN_LIMIT = 65_536;

/** The artifact the example workflow uploads the complete JSON and SARIF reports as; the markdown names it when it cuts. */
export const REPORTS_ARTIFACT = "mcp-contract-reports";

/** What the markdown job summary may take: under GitHub's 1 MiB step-summary limit. */
export const STEP_SUMMARY_LIMIT = 1_000_000;

/** The reporter options that have no default: left out unless given. */
type OptionsWithoutDefault =
  | "locate"
  | "before"
  | "checked"
  | "definitions"
  | "templateSources"
  | "minSeverity"
  | "next"
  | "listedOnly";

/** ReporterOptions with defaults filled in. */
export type ResolvedReporterOptions = Required<Omit<ReporterOptions, OptionsWithoutDefault>> &
  Pick<ReporterOptions, OptionsWithoutDefault>;

export function resolveOptions(options: ReporterOptions = {}): ResolvedReporterOptions {
  return {
    color: options.color ?? false,
    failOn: options.failOn ?? "breaking",
    rules: options.rules ?? {},
    ruleDocs: options.ruleDocs ?? new Map(),
    lockfile: options.lockfile ?? "mcp-contract.lock.json",
    locate: options.locate,
    before: options.before,
    workingDirectory: options.workingDirectory ?? "",
    checked: options.checked,
    startedAt: options.startedAt ?? new Date(0),
    hostname: options.hostname ?? "localhost",
    toolVersion: options.toolVersion ?? "0.0.0",
    docsBaseUrl: options.docsBaseUrl ?? DEFAULT_DOCS_BASE_URL,
    definitions: options.definitions,
    templateSources: options.templateSources,
    minSeverity: options.minSeverity,
    next: options.next,
    listedOnly: options.listedOnly,
    verbose: options.verbose ?? false,
    markdownLimit: options.markdownLimit ?? MARKDOWN_LIMIT,
  };
}

/**
 * A path relative to the working directory as GitHub names it: from the repository root, with
 * forward slashes (`workingDirectory` put before it, `..` resolved). An absolute path stays as it is.
 */
export function fromRepositoryRoot(file: string, options: ResolvedReporterOptions): string {
  const path = file.split("\\").join("/");
  if (path.startsWith("/") || /^[A-Za-z]:\//.test(path)) return path;
  return posix.normalize(options.workingDirectory === "" ? path : `${options.workingDirectory}/${path}`);
}

/** Where a finding points in a file: its path from the repository root and its line and column when known. */
export interface FindingPlace {
  file: string;
  line?: number;
  column?: number;
}

/**
 * Where a finding points: its template location; else the entry of its tool (or server) in the
 * file that holds it: `before.file` for what only BEFORE holds, else `lockfile`.
 */
export function findingPlace(
  change: Pick<Change, "server" | "tool" | "location" | "kind" | "item">,
  options: ResolvedReporterOptions,
): FindingPlace {
  if (change.location) {
    const { file, line, column } = change.location;
    return { file: fromRepositoryRoot(file, options), line, column };
  }
  const before = options.before;
  const section = change.kind === undefined ? undefined : SECTION[change.kind];
  const holds =
    section === undefined
      ? before?.holdsOnly(change.server, change.tool)
      : before?.holdsOnly(change.server, change.item, section);
  const holder =
    before && holds === true
      ? { file: before.file, locate: before.locate }
      : { file: options.lockfile, locate: options.locate };
  const line =
    change.kind === undefined
      ? holder.locate?.(change.server, change.tool)
      : holder.locate?.(change.server, change.item, section);
  return { file: fromRepositoryRoot(holder.file, options), ...(line !== undefined && { line }) };
}

/** Link to a rule's docs page. */
export function ruleDocsUrl(rule: string, options: ResolvedReporterOptions): string {
  return `${options.docsBaseUrl}${encodeURIComponent(rule)}.md`;
}

/**
 * Builds `locate` for a lockfile's text: finds the line of `"<server>": {`
 * under `"servers"` and of `"<tool>": {` under that server's `"tools"`. Works
 * on any indentation; returns undefined when the entry is not there (e.g. a
 * tool that was added since the lockfile was written).
 */
export function lockfileLocator(text: string): Locate {
  const lines = text.split("\n");
  const indent = (i: number): number => lines[i]!.length - lines[i]!.trimStart().length;
  // Searches the direct keys of the object whose key is on line `parent` (or the root's opening brace),
  // stopping at the first line indented no deeper than that key: its closing brace.
  const find = (key: string, parent: number): number => {
    const needle = `${JSON.stringify(key)}:`;
    const depth = indent(parent);
    let child: number | undefined; // indentation of the object's own keys (deeper lines are nested values)
    for (let i = parent + 1; i < lines.length; i++) {
      if (lines[i]!.trim() === "") continue;
      if (indent(i) <= depth) return -1;
      child ??= indent(i);
      if (indent(i) === child && lines[i]!.trimStart().startsWith(needle)) return i;
    }
    return -1;
  };
  return (server, tool, section) => {
    const root = lines.findIndex((l) => l.trim() !== ""); // the opening brace
    const servers = root < 0 ? -1 : find("servers", root);
    if (servers < 0) return undefined;
    const s = find(server, servers);
    if (s < 0) return undefined;
    if (section !== undefined && tool === undefined) {
      const at = find(section, s);
      return (at < 0 ? s : at) + 1;
    }
    if (tool === undefined) return s + 1;
    if (section === "capabilities") {
      // A capability (`logging`, `tools.listChanged`) is a key path in the section's definition:
      // its deepest line the lockfile has (an added capability: its parent, or the section).
      const at = find(section, s);
      if (at < 0) return s + 1;
      let line = find("definition", at);
      if (line < 0) return at + 1;
      for (const key of tool.split(".")) {
        const next = find(key, line);
        if (next < 0) break;
        line = next;
      }
      return line + 1;
    }
    const tools = find(section ?? "tools", s);
    const t = tools < 0 ? -1 : find(tool, tools);
    return (t < 0 ? s : t) + 1;
  };
}

/**
 * Builds `locate` for a file holding one server's tool list (a `tools/list` result or a bare
 * array, as `diff` reads them): a tool's line is the shallowest line with `"name": "<tool>"`.
 * With `section` (a `{tools, prompts, resourceTemplates, resources, instructions}` file), the
 * item is looked for inside that section alone (a resource by its `"uri"`), and without an item
 * the section's key line is the answer. The file holds one server, so the server is ignored and
 * has no line of its own.
 */
export function toolListLocator(text: string): Locate {
  const lines = text.split("\n");
  const indent = (line: string) => line.length - line.trimStart().length;
  /** The shallowest line in [from, to) matching `needle`. */
  const shallowest = (needle: RegExp, from: number, to: number) => {
    let best: { line: number; indent: number } | undefined;
    for (let i = from; i < to; i++) {
      if (!needle.test(lines[i]!)) continue;
      if (!best || indent(lines[i]!) < best.indent) best = { line: i, indent: indent(lines[i]!) };
    }
    return best?.line;
  };
  return (_server, tool, section) => {
    let from = 0;
    let to = lines.length;
    if (section !== undefined) {
      const key = shallowest(
        new RegExp(`^\\s*${escapeRegExp(JSON.stringify(section))}\\s*:`),
        0,
        lines.length,
      );
      if (key === undefined) return undefined;
      if (tool === undefined) return key + 1;
      from = key + 1;
      to = from;
      // The section's value ends at the first later line indented no deeper than its key.
      while (to < lines.length && (lines[to]!.trim() === "" || indent(lines[to]!) > indent(lines[key]!)))
        to++;
    }
    if (tool === undefined) return undefined;
    const field = section === "resources" ? "uri" : "name";
    const found = shallowest(
      new RegExp(`"${field}"\\s*:\\s*${escapeRegExp(JSON.stringify(tool))}`),
      from,
      to,
    );
    return found === undefined ? undefined : found + 1;
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
