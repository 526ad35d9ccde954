/**
 * What the human formats (text, markdown, github, and html) show of a report, as data: the
 * sections in the order of who a change hurts (HARM_TIERS, the order of `report.changes`), the
 * summary paragraph, `--min-severity`, the collapsed runs of one rule and the annotations GitHub
 * shows. Pure; each format only lays these out. Machine formats (json, sarif, junit) use none of
 * it but the order.
 */
import type { Severity } from "../core/change.js";
import {
  HARM_TIERS,
  type HarmTier,
  harmTiers,
  isTemplateFinding,
  REVIEW_STANDING_FINDINGS,
  type Report,
  type ReportedChange,
  STANDING_FINDING_RULES,
} from "../core/report.js";

/** The heading of each section. */
export const TIER_TITLES: Record<HarmTier, string> = {
  templates: "Templates and the breaking changes of the tools, prompts and resources they use",
  breaking: "Breaking changes",
  warning: "Warnings",
  info: "Info",
  acknowledged: "Acknowledged",
};

/** One section of a report: the changes of one tier, in report order. */
export interface ReportSection {
  tier: HarmTier;
  title: string;
  changes: ReportedChange[];
}

const severityRank: Record<Severity, number> = { breaking: 0, warning: 1, info: 2 };

/** Whether a change is at least as severe as `min` (`--min-severity`); every change is when `min` is absent. */
export function atLeast(change: Pick<ReportedChange, "severity">, min: Severity | undefined): boolean {
  return min === undefined || severityRank[change.severity] <= severityRank[min];
}

/** The report's changes `--min-severity` keeps, in report order. */
export function shownChanges(report: Report, min?: Severity): ReportedChange[] {
  return report.changes.filter((c) => atLeast(c, min));
}

/** The non-empty sections of `changes` (a subset of `report.changes`, in its order), in tier order. */
export function reportSections(report: Report, changes: readonly ReportedChange[]): ReportSection[] {
  const tierOf = harmTiers(report.changes);
  const byTier = new Map<HarmTier, ReportedChange[]>();
  for (const change of changes) {
    const tier = tierOf(change);
    const list = byTier.get(tier);
    if (list) list.push(change);
    else byTier.set(tier, [change]);
  }
  return HARM_TIERS.filter((t) => byTier.has(t)).map((tier) => ({
    tier,
    title: TIER_TITLES[tier],
    changes: byTier.get(tier)!,
  }));
}

/** What the summary paragraph says, as data. */
export interface ReportDigest {
  /** Servers the run covered. */
  servers: number;
  /** Servers with at least one change (a standing finding, such as a poisoning warning, is none), sorted. */
  serversChanged: string[];
  /** `server/tool` of each tool with an unacknowledged breaking change, in report order. */
  toolsBroken: string[];
  /** Template files with an unacknowledged finding, in report order. */
  templatesAffected: string[];
  /** Servers that could not be fetched. */
  unfetched: string[];
  /** Changes that fail the run (the policy's `fails` mark). */
  failing: number;
  /** What to do next, one or two sentences. */
  next: string;
}

/** The digest of a report: what changed, what broke, which templates, what to do next. Pure. */
export function digestReport(report: Report): ReportDigest {
  const serversChanged = [
    ...new Set(report.changes.filter((c) => !STANDING_FINDING_RULES.has(c.rule)).map((c) => c.server)),
  ]
    .filter((s) => s !== "")
    .sort();
  const toolsBroken: string[] = [];
  const templatesAffected: string[] = [];
  for (const c of report.changes) {
    if (c.acknowledged) continue;
    if (isTemplateFinding(c)) {
      if (c.location && !templatesAffected.includes(c.location.file)) templatesAffected.push(c.location.file);
    } else if (c.severity === "breaking" && c.tool !== undefined) {
      const name = `${c.server}/${c.tool}`;
      if (!toolsBroken.includes(name)) toolsBroken.push(name);
    }
  }
  const unfetched = (report.errors ?? []).map((e) => e.server);
  const failing = report.changes.filter((c) => c.fails).length;
  const open = report.changes.filter((c) => !c.acknowledged);
  const steps: string[] = [];
  if (templatesAffected.length > 0)
    steps.push("fix the templates first: their findings are listed first, at the line and column to edit");
  if (open.some((c) => c.severity === "breaking" && !isTemplateFinding(c)))
    steps.push(
      'decide on each breaking change: if it is intended, accept it with `mcp-contract lock --accept-breaking "<reason>"`; if not, pin the server to the version that was locked',
    );
  else if (open.some((c) => !STANDING_FINDING_RULES.has(c.rule)) && templatesAffected.length === 0)
    steps.push(
      "nothing breaks: review the warnings, then run `mcp-contract lock` to record the new contract",
    );
  else if (open.length > 0 && templatesAffected.length === 0) steps.push(REVIEW_STANDING_FINDINGS);
  if (unfetched.length > 0)
    steps.push(
      "make the servers that could not be fetched reachable and run again: their changes are unknown",
    );
  const next =
    steps.length === 0
      ? report.changes.length > 0
        ? "Nothing to do: every change is acknowledged."
        : "Nothing to do."
      : `Next: ${steps.join("; then ")}.`;
  return {
    // A server removed from the config is reported, so it counts among those covered.
    servers: new Set([...report.servers, ...serversChanged]).size,
    serversChanged,
    toolsBroken,
    templatesAffected,
    unfetched,
    failing,
    next,
  };
}

/** The summary paragraph: servers changed, tools broken, templates affected, what to do next. */
export function summaryParagraph(digest: ReportDigest, quote: (name: string) => string = (n) => n): string {
  const parts: string[] = [];
  const changed = digest.serversChanged.length;
  if (changed === 0 && digest.unfetched.length === 0 && digest.templatesAffected.length === 0) {
    parts.push(`No changes in ${count(digest.servers, "server")}.`);
  } else {
    const what = [
      changed === 0 && digest.unfetched.length === 0
        ? `No changes in ${count(digest.servers, "server")}`
        : `${changed} of ${count(digest.servers, "server")} changed${changed > 0 ? ` (${names(digest.serversChanged, quote)})` : ""}`,
    ];
    if (digest.toolsBroken.length > 0)
      what.push(`${count(digest.toolsBroken.length, "tool")} broken (${names(digest.toolsBroken, quote)})`);
    if (digest.templatesAffected.length > 0)
      what.push(
        `${count(digest.templatesAffected.length, "template")} affected (${names(digest.templatesAffected, quote)})`,
      );
    if (digest.unfetched.length > 0)
      what.push(
        `${count(digest.unfetched.length, "server")} not fetched (${names(digest.unfetched, quote)})`,
      );
    parts.push(`${what.join("; ")}.`);
    if (digest.failing > 0)
      parts.push(`${count(digest.failing, "finding")} ${digest.failing === 1 ? "fails" : "fail"} this run.`);
  }
  parts.push(digest.next);
  return parts.join(" ");
}

/** A line of a section as shown: a change, or a run of one rule folded into one line. */
export type ShownItem =
  | { kind: "change"; change: ReportedChange }
  | {
      kind: "folded";
      server: string;
      rule: string;
      /** Changes folded into the line. */
      count: number;
      /** Distinct tools among them. */
      tools: number;
    };

/** How long a run of one rule in one server is shown whole, and how much of a longer one. */
export const FOLD = { after: 5, keep: 3 } as const;

/**
 * The changes of one section and server (in order), with each run of one rule longer than
 * `FOLD.after` cut to its first `FOLD.keep` changes and a folded line; `verbose` keeps every
 * change. The templates section is never folded: each of its findings is a line to edit.
 */
export function foldRuns(
  tier: HarmTier,
  changes: readonly ReportedChange[],
  verbose: boolean,
): { shown: ReportedChange[]; folded: Extract<ShownItem, { kind: "folded" }>[] } {
  if (verbose || tier === "templates") return { shown: [...changes], folded: [] };
  const total = new Map<string, number>();
  for (const c of changes) total.set(c.rule, (total.get(c.rule) ?? 0) + 1);
  const seen = new Map<string, number>();
  const hidden = new Map<string, ReportedChange[]>();
  const shown: ReportedChange[] = [];
  for (const c of changes) {
    const n = (seen.get(c.rule) ?? 0) + 1;
    seen.set(c.rule, n);
    if (total.get(c.rule)! <= FOLD.after || n <= FOLD.keep) shown.push(c);
    else hidden.set(c.rule, [...(hidden.get(c.rule) ?? []), c]);
  }
  const folded = [...hidden].map(([rule, list]) => ({
    kind: "folded" as const,
    server: list[0]!.server,
    rule,
    count: list.length,
    tools: new Set(list.map((c) => c.tool ?? "")).size,
  }));
  return { shown, folded };
}

/** The text of a folded line. */
export function foldedLine(
  item: { rule: string; count: number; tools: number },
  quote: (s: string) => string,
): string {
  return `and ${item.count} more ${quote(item.rule)} in ${count(item.tools, "tool")}; --verbose shows them`;
}

/** How many `::error` and `::warning` annotations GitHub shows per step. */
export const GITHUB_ANNOTATION_LIMIT = 10;

/**
 * The changes GitHub annotations show, in report order: at most GITHUB_ANNOTATION_LIMIT errors
 * (breaking, after `errorsTaken` server errors) and as many warnings (after `warningsTaken` other
 * warning lines); the rest are counted, for the
 * one notice that points at the job summary. Info and acknowledged changes are never annotated.
 */
export function annotationPicks(
  changes: readonly ReportedChange[],
  errorsTaken = 0,
  warningsTaken = 0,
): { errors: ReportedChange[]; warnings: ReportedChange[]; rest: number } {
  const errors: ReportedChange[] = [];
  const warnings: ReportedChange[] = [];
  let rest = 0;
  for (const c of changes) {
    if (!c.acknowledged && c.severity === "breaking" && errors.length + errorsTaken < GITHUB_ANNOTATION_LIMIT)
      errors.push(c);
    else if (
      !c.acknowledged &&
      c.severity === "warning" &&
      warnings.length + warningsTaken < GITHUB_ANNOTATION_LIMIT
    )
      warnings.push(c);
    else rest++;
  }
  return { errors, warnings, rest };
}

/**
 * The key of what a change is about inside its server: "" for the server itself, else its tool or
 * its kind and item, kept apart (a tool called "prompt x" is not prompt `x`: names are data).
 */
export function subjectKey(change: Pick<ReportedChange, "tool" | "kind" | "item">): string {
  if (change.tool !== undefined) return `tool\u0000${change.tool}`;
  return change.kind === undefined ? "" : `${change.kind}\u0000${change.item ?? ""}`;
}

/**
 * Groups changes by server, then by what they are about (`subjectKey`: "" for server-level
 * findings, then each tool, prompt, resource template, resource, the instructions, the
 * capabilities), keeping their order; `subjectOf` of a group's first change is its heading.
 */
export function groupByServerAndTool(
  changes: readonly ReportedChange[],
): Map<string, Map<string, ReportedChange[]>> {
  const servers = new Map<string, Map<string, ReportedChange[]>>();
  for (const change of changes) {
    let subjects = servers.get(change.server);
    if (!subjects) {
      subjects = new Map();
      servers.set(change.server, subjects);
    }
    const key = subjectKey(change);
    const list = subjects.get(key);
    if (list) list.push(change);
    else subjects.set(key, [change]);
  }
  return servers;
}

/** `n word(s)`. */
export function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Up to three names, then how many more. */
function names(list: readonly string[], quote: (name: string) => string): string {
  const shown = list.slice(0, 3).map(quote).join(", ");
  return list.length > 3 ? `${shown} and ${list.length - 3} more` : shown;
}
