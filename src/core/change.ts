/**
 * The change model: every finding mcp-contract reports is one of these plain
 * objects. Rules produce them, policy may reclassify them, reporters only
 * format them.
 */
import { cmp } from "./json.js";
import { SURFACE_KINDS, type SurfaceKind } from "./lockfile.js";

/** Every severity, from most to least severe. */
export const SEVERITIES = ["breaking", "warning", "info"] as const;
/** `breaking` fails CI by default; `warning` is shown; `info` is for the record. */
export type Severity = (typeof SEVERITIES)[number];

/** Where a finding points in a file (1-based line and column), e.g. a template reference. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** One finding. */
export interface Change {
  /** Stable kebab-case rule id, documented at docs/rules/<rule>.md. */
  rule: string;
  severity: Severity;
  /** Server name as configured (the lockfile key). Empty for findings about no server. */
  server: string;
  /** Tool name; absent for server-level findings and findings about the rest of the surface. */
  tool?: string;
  /** What the finding is about when it is neither a tool nor the server as a whole. */
  kind?: SurfaceKind;
  /** The prompt's or resource template's name, or the resource's URI (absent for instructions and capabilities). */
  item?: string;
  /** JSON Pointer into the tool definition (e.g. `/inputSchema/properties/customer_email`); "" for the tool itself. */
  pointer: string;
  /** One human sentence saying what changed. */
  message: string;
  /** The value before the change, when there was one. */
  before?: unknown;
  /** The value after the change, when there is one. */
  after?: unknown;
  /** What to do or what it probably became, e.g. "renamed to `email_address`". */
  hint?: string;
  /** For template findings: where in which template. */
  location?: SourceLocation;
  /** For breaking input changes: an argument object the old schema accepts and the new one rejects. */
  witness?: unknown;
  /** The change could not be judged (its rule says so: `schema-changed`, `schema-too-deep`, …). */
  unjudged?: true;
}

/** What a rule may add to a finding beyond its rule, place and message. */
export interface ChangeExtra {
  before?: unknown;
  after?: unknown;
  hint?: string;
  /** Overrides the rule's default severity (e.g. a removal of something already deprecated). */
  severity?: Severity;
}

/** A finding's subject beside the tools: its kind and, for prompts and resources, its name or URI. */
export interface SurfaceItem {
  kind: SurfaceKind;
  item?: string;
}

/**
 * Builds one finding: the one way every rule does (fields in this order, absent ones left out, so
 * reports serialise alike whichever family found it).
 */
export function newChange(
  rule: { readonly id: string; readonly severity: Severity; readonly unjudged?: true },
  server: string,
  tool: string | SurfaceItem | undefined,
  pointer: string,
  message: string,
  extra: ChangeExtra = {},
): Change {
  const severity = extra.severity ?? rule.severity;
  const change: Change =
    tool === undefined
      ? { rule: rule.id, severity, server, pointer, message }
      : typeof tool === "string"
        ? { rule: rule.id, severity, server, tool, pointer, message }
        : {
            rule: rule.id,
            severity,
            server,
            kind: tool.kind,
            ...(tool.item !== undefined && { item: tool.item }),
            pointer,
            message,
          };
  if (extra.before !== undefined) change.before = extra.before;
  if (extra.after !== undefined) change.after = extra.after;
  if (extra.hint !== undefined) change.hint = extra.hint;
  if (rule.unjudged) change.unjudged = true;
  return change;
}

/** How tool- and server-level checks report: rule, JSON Pointer into the tool, message, extras. */
export type EmitChange = (
  rule: { readonly id: string; readonly severity: Severity },
  pointer: string,
  message: string,
  extra?: ChangeExtra,
) => void;

/** Counts per severity. */
export type Summary = Record<Severity, number>;

/** How many changes there are of each severity. */
export function summarize(changes: readonly Change[]): Summary {
  const summary: Summary = { breaking: 0, warning: 0, info: 0 };
  for (const change of changes) summary[change.severity]++;
  return summary;
}

const severityRank: Record<Severity, number> = { breaking: 0, warning: 1, info: 2 };

/** Report order of a finding's kind: the server and its tools first, then prompts, resources, instructions, capabilities. */
export function kindRank(kind: SurfaceKind | undefined): number {
  return kind === undefined ? 0 : 1 + SURFACE_KINDS.indexOf(kind);
}

/** Stable order for reports: server, template location, kind (tools first), tool or item, severity, pointer, rule. */
export function compareChanges(a: Change, b: Change): number {
  return (
    cmp(a.server, b.server) ||
    cmp(a.location?.file ?? "", b.location?.file ?? "") ||
    (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
    (a.location?.column ?? 0) - (b.location?.column ?? 0) ||
    kindRank(a.kind) - kindRank(b.kind) ||
    cmp(a.tool ?? a.item ?? "", b.tool ?? b.item ?? "") ||
    severityRank[a.severity] - severityRank[b.severity] ||
    cmp(a.pointer, b.pointer) ||
    cmp(a.rule, b.rule)
  );
}
