import { showControls } from "../../core/controls.js";
import type { SurfaceKind } from "../../core/lockfile.js";
import type { Report, ReportedChange } from "../../core/report.js";

/** Short JSON for before/after values in human output; long values are cut with an ellipsis. */
export function preview(value: unknown, max = 120): string {
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `file:line:column` of a template finding. */
export function formatLocation(change: ReportedChange): string | undefined {
  const loc = change.location;
  return loc ? `${loc.file}:${loc.line}:${loc.column}` : undefined;
}

/** Plural helper for counts in summaries. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** How a finding's kind is named in reports. */
const KIND_LABEL: Record<SurfaceKind, string> = {
  prompt: "prompt",
  resourceTemplate: "resource template",
  resource: "resource",
  instructions: "instructions",
  capabilities: "capabilities",
};

/**
 * What a finding is about, as reports head it: `tool NAME`, `prompt NAME`, `resource template
 * NAME`, `resource URI`, `instructions`, `capabilities`; "" for server-level findings.
 */
export function subjectOf(change: Pick<ReportedChange, "tool" | "kind" | "item">): string {
  if (change.tool !== undefined) return `tool ${change.tool}`;
  if (change.kind === undefined) return "";
  if (change.kind === "instructions" || change.kind === "capabilities") return KIND_LABEL[change.kind];
  return change.item === undefined ? KIND_LABEL[change.kind] : `${KIND_LABEL[change.kind]} ${change.item}`;
}

/**
 * The report with control characters shown (`showControls`) in every text a server, a template or
 * an acknowledgement wrote: a tool description holding `ESC[2J` or an OSC sequence would otherwise
 * clear the terminal, retitle it or hide the lines of the text report around it.
 */
export function withVisibleControls(report: Report): Report {
  const v = showControls;
  return {
    ...report,
    servers: report.servers.map(v),
    changes: report.changes.map((c) => ({
      ...c,
      server: v(c.server),
      message: v(c.message),
      ...(c.hint !== undefined && { hint: v(c.hint) }),
      ...(c.tool !== undefined && { tool: v(c.tool) }),
      ...(c.item !== undefined && { item: v(c.item) }),
      ...(c.location && { location: { ...c.location, file: v(c.location.file) } }),
      ...(c.acknowledgement && {
        acknowledgement: {
          ...c.acknowledgement,
          reason: v(c.acknowledgement.reason),
          acceptedBy: v(c.acknowledgement.acceptedBy),
        },
      }),
    })),
    ...(report.errors && {
      errors: report.errors.map((e) => ({ server: v(e.server), message: v(e.message) })),
    }),
  };
}
