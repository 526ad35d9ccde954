import type { RuleMeta } from "../diff/rule.js";
import type { FailOn } from "../policy/policy.js";

/** Where rule docs are published; `helpUri` and text/markdown links are this plus `<rule>.md`. */
export const DEFAULT_DOCS_BASE_URL = "https://github.com/mcp-contract/mcp-contract/blob/main/docs/rules/";

/** What reporters need besides the report. Every field has a default, so `{}` works. */
export interface ReporterOptions {
  /** Emit ANSI colours (text only). The CLI decides from NO_COLOR/FORCE_COLOR and the TTY; default false. */
  color?: boolean;
  /** The run's `--fail-on`, so JUnit marks as failures exactly what fails the run; default `breaking`. */
  failOn?: FailOn;
  /** Rule metadata by id (SARIF rule descriptors, summaries); unknown ids get a bare descriptor. */
  rules?: Readonly<Record<string, RuleMeta>>;
  /** Lockfile path as shown to users (relative to the repo); findings without a template location point at it. Default `mcp-contract.lock.json`. */
  lockfile?: string;
  /** 1-based line of a server's or tool's entry in the lockfile, when known (see `lockfileLocator`). */
  locate?: (server: string, tool?: string) => number | undefined;
  /** mcp-contract's version, recorded in SARIF. Default "0.0.0". */
  toolVersion?: string;
  /** Base URL of docs/rules/; default DEFAULT_DOCS_BASE_URL. */
  docsBaseUrl?: string;
}

/** ReporterOptions with defaults filled in. */
export type ResolvedReporterOptions = Required<Omit<ReporterOptions, "locate">> &
  Pick<ReporterOptions, "locate">;

export function resolveOptions(options: ReporterOptions = {}): ResolvedReporterOptions {
  return {
    color: options.color ?? false,
    failOn: options.failOn ?? "breaking",
    rules: options.rules ?? {},
    lockfile: options.lockfile ?? "mcp-contract.lock.json",
    locate: options.locate,
    toolVersion: options.toolVersion ?? "0.0.0",
    docsBaseUrl: options.docsBaseUrl ?? DEFAULT_DOCS_BASE_URL,
  };
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
export function lockfileLocator(text: string): (server: string, tool?: string) => number | undefined {
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
  return (server, tool) => {
    const root = lines.findIndex((l) => l.trim() !== ""); // the opening brace
    const servers = root < 0 ? -1 : find("servers", root);
    if (servers < 0) return undefined;
    const s = find(server, servers);
    if (s < 0) return undefined;
    if (tool === undefined) return s + 1;
    const tools = find("tools", s);
    const t = tools < 0 ? -1 : find(tool, tools);
    return (t < 0 ? s : t) + 1;
  };
}
