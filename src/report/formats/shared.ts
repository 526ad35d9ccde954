import type { ReportedChange } from "../../core/report.js";

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
