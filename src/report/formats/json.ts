import { type Report, toReportJson } from "../../core/report.js";

/**
 * The report pretty-printed, without the policy's marks (schema/report.schema.json documents
 * it; `merge` reads it back and marks it again).
 */
export function formatJson(report: Report): string {
  return `${JSON.stringify(toReportJson(report), null, 2)}\n`;
}
