import type { Report } from "../../core/report.js";

/** The report object itself, pretty-printed (schema/report.schema.json documents it). */
export function formatJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
