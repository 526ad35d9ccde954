/**
 * The printing every reporting command shares: write a report (built by the
 * pipeline, src/pipeline/) in each `--format` to stdout or its `--output` file,
 * and the markdown job summary under GitHub Actions.
 */
import { appendFile, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { hostname } from "node:os";
import { isAbsolute, relative, resolve, sep } from "node:path";
import type { Severity } from "../core/change.js";
import type { FailOn } from "../core/fail-on.js";
import type { LockedServer } from "../core/lockfile.js";
import type { Report } from "../core/report.js";
import { UsageError } from "../errors.js";
import type { Format } from "../report/formats.js";
import { loadReporter } from "../report/lazy.js";
import {
  type CheckedItem,
  type DefinitionLookup,
  type Locate,
  lockfileLocator,
  resolveOptions,
  STEP_SUMMARY_LIMIT,
  toolListLocator,
} from "../report/options.js";
import type { FormatSpec } from "./format-options.js";
import type { CommandIO } from "./io.js";
import { useColor } from "./io.js";
import { type ReadFile, refuseInputAsOutput, writeOutputFile } from "./output-file.js";
import { workingDirectoryFromRoot } from "./repository-root.js";

const pkg = createRequire(import.meta.url)("../../package.json") as { version: string };

/** Options of every reporting command. */
export interface ReportCommandOptions {
  /** Collected by `collectFormat`/`collectOutput`; default one text report on stdout. */
  format?: FormatSpec[];
  failOn?: FailOn;
  /** `--min-severity`: what text, markdown and github show at least; default every change. */
  minSeverity?: Severity;
  /** `--verbose`: text shows long runs of one rule whole. */
  verbose?: boolean;
  /** Acknowledgements file; default mcp-contract.acks.json next to the config. */
  acknowledgements?: string;
}

/** A file findings about servers and tools can point at: a lockfile or one server's tool list. */
export interface ContractFile {
  /** Absolute path (for `git:REF:PATH`, where PATH is in the working tree). */
  path: string;
  /** Its text when the command has it (a git revision has no file to read); else it is read when a format needs it. */
  text?: string;
  /** Default `lockfile`; `tools` for a file holding one server's tool list (`diff`). */
  kind?: "lockfile" | "tools";
}

/** What the formats point at and list, besides the report. */
export interface ReportContext {
  /** The file findings about servers and tools point at: the lockfile (`check`), diff's AFTER side. */
  file?: ContractFile;
  /**
   * diff's BEFORE side, when it is a file of the working tree: findings about what only it
   * holds (`holdsOnly`: removed or renamed tools, removed servers) point there.
   */
  before?: ContractFile & { holdsOnly: (server: string, tool?: string, section?: string) => boolean };
  /** Tool names by server, when the command knows them; else JUnit takes them from `file` (a lockfile). */
  tools?: ReadonlyMap<string, readonly string[]>;
  /** Prompts, resource templates and resources by server, likewise. */
  items?: ReadonlyMap<string, readonly CheckedItem[]>;
  /** Template and partial files the run checked, as findings name them. */
  templates?: readonly string[];
  /** Files the run read (the config, the lockfile, diff's sides, …): no `--output` may replace one. */
  inputs?: readonly ReadFile[];
  /**
   * Tool definitions for html's side-by-side view. `before` defaults to the tools of `file` when it
   * is a lockfile, `after` to `before` (an offline check: the lockfile is both sides).
   */
  definitions?: { before?: DefinitionLookup; after?: DefinitionLookup };
}

/** Writes a finished report in every requested format. */
export async function writeReport(
  report: Report,
  options: ReportCommandOptions,
  io: CommandIO,
  context: ReportContext = {},
): Promise<void> {
  const specs = options.format && options.format.length > 0 ? options.format : [{ format: "text" as Format }];
  const toStdout = specs.filter((s) => s.output === undefined);
  if (toStdout.length > 1) {
    throw new UsageError(
      `only one --format can write to stdout, got ${toStdout.map((s) => s.format).join(", ")}; give the others --output FILE`,
    );
  }
  for (const spec of specs)
    if (spec.output !== undefined) refuseInputAsOutput(io.cwd, spec.output, context.inputs ?? []);
  const wants = (...formats: Format[]) => specs.some((s) => formats.includes(s.format));
  const locating = wants("sarif", "github");
  // Rule metadata pulls in every rule family (and fetch's): load it only for SARIF, keeping --offline light.
  const rules = wants("sarif") ? (await import("../rules.js")).RULES : {};
  const ruleDocs = wants("sarif") ? await readRuleDocs(report, rules) : undefined;
  // Only SARIF and GitHub annotations point at lines, and JUnit lists the lockfile's tools: other formats skip reading it again.
  const file = context.file;
  const html = wants("html");
  const fileText =
    file &&
    (locating || ((wants("junit") || html) && !context.tools) || (html && !context.definitions?.before))
      ? (file.text ?? (await readFile(file.path, "utf8").catch(() => undefined)))
      : undefined;
  const before = context.before;
  const beforeText =
    before && locating
      ? (before.text ?? (await readFile(before.path, "utf8").catch(() => undefined)))
      : undefined;
  // GitHub resolves both formats' paths from the repository root; asking git costs a process, so only for them.
  const workingDirectory = locating ? await workingDirectoryFromRoot(io.cwd, io.env) : "";
  const lockedText = file?.kind !== "tools" ? fileText : undefined;
  const junit =
    wants("junit") || html
      ? {
          checked: {
            tools: context.tools ?? (lockedText ? lockedTools(lockedText, report.servers) : new Map()),
            items:
              context.items ??
              (lockedText && !context.tools ? lockedItems(lockedText, report.servers) : new Map()),
            templates: context.templates ?? [],
          },
          startedAt: runStart(io.env),
          hostname: hostname(),
        }
      : {};
  const htmlInputs = html ? await htmlOptions(context, lockedText, io.cwd) : {};
  const reporterOptions = (color: boolean) =>
    resolveOptions({
      color,
      failOn: options.failOn ?? "breaking",
      rules,
      ruleDocs,
      lockfile: file ? fromWorkingDirectory(file.path, io.cwd) : undefined,
      locate: fileText === undefined ? undefined : locator(fileText, file?.kind),
      before: before && {
        file: fromWorkingDirectory(before.path, io.cwd),
        locate: beforeText === undefined ? undefined : locator(beforeText, before.kind),
        holdsOnly: before.holdsOnly,
      },
      workingDirectory,
      ...junit,
      ...htmlInputs,
      toolVersion: pkg.version,
      minSeverity: options.minSeverity,
      verbose: options.verbose === true,
    });
  for (const spec of specs) {
    const color = spec.format === "text" && spec.output === undefined && useColor(io);
    // Only the formats asked for are loaded (and chalk only for coloured text): see report/lazy.ts.
    const format = await loadReporter(spec.format, color);
    const text = format(report, reporterOptions(color));
    if (spec.output === undefined) io.stdout(text);
    else {
      writeOutputFile(io.cwd, spec.output, text, `the ${spec.format} report`);
    }
    // Under GitHub Actions, annotations go to the log and the readable summary to the job page.
    const summary = io.env.GITHUB_STEP_SUMMARY;
    if (spec.format === "github" && summary) {
      const markdown = await loadReporter("markdown");
      // The job summary holds every finding the annotations leave out, within GitHub's 1 MiB.
      const text = markdown(
        report,
        resolveOptions({
          failOn: options.failOn,
          minSeverity: options.minSeverity,
          markdownLimit: STEP_SUMMARY_LIMIT,
        }),
      );
      await appendFile(summary, text);
    }
  }
}

/** Where the rule pages are: docs/ ships in the package, two levels above src/cli and dist/cli. */
const RULE_DOCS = new URL("../../docs/rules/", import.meta.url);

/**
 * The docs page of every known rule in the report, for SARIF's `fullDescription` and `help`.
 * Only ids in the rule table are read (a merged report's ids are data, never paths); a
 * missing page leaves the rule with its summary and link.
 */
async function readRuleDocs(
  report: Report,
  rules: Readonly<Record<string, unknown>>,
): Promise<Map<string, string>> {
  const ids = [...new Set(report.changes.map((c) => c.rule))].filter(
    (id) => Object.hasOwn(rules, id) && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(id),
  );
  const pages = await Promise.all(
    ids.map((id) => readFile(new URL(`${id}.md`, RULE_DOCS), "utf8").catch(() => undefined)),
  );
  const docs = new Map<string, string>();
  for (const [i, id] of ids.entries()) if (pages[i] !== undefined) docs.set(id, pages[i]!);
  return docs;
}

/** What only html reads: both sides' tool definitions and the texts of the templates with findings. */
async function htmlOptions(
  context: ReportContext,
  lockedText: string | undefined,
  cwd: string,
): Promise<{
  definitions: { before?: DefinitionLookup; after?: DefinitionLookup };
  templateSources: Map<string, string>;
}> {
  const before = context.definitions?.before ?? (lockedText ? lockfileDefinitions(lockedText) : undefined);
  const after = context.definitions?.after ?? before;
  const templateSources = new Map<string, string>();
  for (const file of context.templates ?? []) {
    const text = await readFile(resolve(cwd, file), "utf8").catch(() => undefined);
    if (text !== undefined) templateSources.set(file, text);
  }
  return { definitions: { before, after }, templateSources };
}

/** Looks tool definitions up in locked servers (a lockfile's, or the live ones locked as `lock` would). */
export function definitionsOf(
  servers: ReadonlyMap<string, LockedServer> | Readonly<Record<string, LockedServer>>,
): DefinitionLookup {
  return (server, tool) => {
    const entry =
      servers instanceof Map
        ? servers.get(server)
        : Object.hasOwn(servers, server)
          ? (servers as Record<string, LockedServer>)[server]
          : undefined;
    const tools = entry?.tools;
    return tools && Object.hasOwn(tools, tool) ? tools[tool]!.definition : undefined;
  };
}

/** Looks tool definitions up in a lockfile's text, with own-property checks (names are data). */
export function lockfileDefinitions(text: string): DefinitionLookup | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const servers = isObject(data) && isObject(data.servers) ? data.servers : undefined;
  if (!servers) return undefined;
  return (server, tool) => {
    const entry = Object.hasOwn(servers, server) ? servers[server] : undefined;
    const tools = isObject(entry) && isObject(entry.tools) ? entry.tools : undefined;
    const locked = tools && Object.hasOwn(tools, tool) ? tools[tool] : undefined;
    return isObject(locked) ? locked.definition : undefined;
  };
}

/** The lockfile's tool names for each of the servers; none when the text is not a lockfile. */
function lockedTools(text: string, servers: readonly string[]): Map<string, string[]> {
  const tools = new Map<string, string[]>();
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return tools;
  }
  const entries = isObject(data) && isObject(data.servers) ? data.servers : {};
  for (const server of servers) {
    const entry = Object.hasOwn(entries, server) ? entries[server] : undefined;
    if (isObject(entry) && isObject(entry.tools)) tools.set(server, Object.keys(entry.tools));
  }
  return tools;
}

/** The lockfile's prompts, resource templates and resources for each of the servers, in that order. */
function lockedItems(text: string, servers: readonly string[]): Map<string, CheckedItem[]> {
  const items = new Map<string, CheckedItem[]>();
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return items;
  }
  const entries = isObject(data) && isObject(data.servers) ? data.servers : {};
  for (const server of servers) {
    const entry = Object.hasOwn(entries, server) ? entries[server] : undefined;
    if (!isObject(entry)) continue;
    items.set(server, surfaceItems(entry));
  }
  return items;
}

/** The prompts, resource templates and resources of either side's servers (diff's two lockfiles), once each. */
export function itemsOfBoth(
  ...sides: readonly Readonly<Record<string, LockedServer>>[]
): Map<string, CheckedItem[]> {
  const items = new Map<string, CheckedItem[]>();
  for (const servers of sides)
    for (const [server, entry] of Object.entries(servers)) {
      const list = items.get(server) ?? [];
      for (const found of surfaceItems(entry as unknown as Record<string, unknown>))
        if (!list.some((i) => i.kind === found.kind && i.item === found.item)) list.push(found);
      items.set(server, list);
    }
  return items;
}

/** A locked server entry's prompts, resource templates and resources, as JUnit lists them. */
export function surfaceItems(entry: Readonly<Record<string, unknown>>): CheckedItem[] {
  const out: CheckedItem[] = [];
  for (const [section, kind] of [
    ["prompts", "prompt"],
    ["resourceTemplates", "resourceTemplate"],
    ["resources", "resource"],
  ] as const) {
    const value = Object.hasOwn(entry, section) ? entry[section] : undefined;
    if (isObject(value)) for (const item of Object.keys(value)) out.push({ kind, item });
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function locator(text: string, kind: ContractFile["kind"]): Locate {
  return kind === "tools" ? toolListLocator(text) : lockfileLocator(text);
}

/**
 * When the run started, for JUnit's `timestamp`: `SOURCE_DATE_EPOCH` (seconds, the
 * reproducible-builds convention) when set, else the process's start.
 */
function runStart(env: Readonly<Record<string, string | undefined>>): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000);
  return new Date(performance.timeOrigin);
}

/** A path relative to the working directory, forward slashes, `..` where it lies outside. */
function fromWorkingDirectory(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return (isAbsolute(rel) ? path : rel).split(sep).join("/");
}
