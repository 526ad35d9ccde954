/**
 * Report output for `check` and `diff`: plain text grouped by server and
 * tool, or the JSON report. Pure: returns strings.
 */
import { Chalk, type ChalkInstance } from "chalk";
import { type Change, compareChanges, type Severity, type Summary, summarize } from "../diff/change.js";

/** The JSON report (`--format json`). */
export interface JsonReport {
  version: 1;
  summary: Summary;
  changes: Change[];
  /** Servers that could not be fetched; absent when none failed. */
  errors?: { server: string; message: string }[];
}

export function buildReport(
  changes: readonly Change[],
  errors: { server: string; message: string }[] = [],
): JsonReport {
  const sorted = [...changes].sort(compareChanges);
  const report: JsonReport = { version: 1, summary: summarize(sorted), changes: sorted };
  if (errors.length > 0) report.errors = errors;
  return report;
}

export function formatJson(report: JsonReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const LABEL: Record<Severity, string> = { breaking: "BREAKING", warning: "warning ", info: "info    " };

/** Text grouped by server, then tool; one line per change with its rule id. */
export function formatText(report: JsonReport, color: boolean): string {
  const c: ChalkInstance = new Chalk({ level: color ? 1 : 0 });
  const paint: Record<Severity, (s: string) => string> = {
    breaking: c.red.bold,
    warning: c.yellow,
    info: c.dim,
  };
  const lines: string[] = [];
  let server: string | undefined;
  let tool: string | undefined;
  for (const change of report.changes) {
    if (change.server !== server) {
      server = change.server;
      tool = undefined;
      lines.push(c.bold(server ? `server ${server}` : "templates"));
    }
    if ((change.tool ?? "") !== (tool ?? "") && change.tool) {
      tool = change.tool;
      lines.push(`  tool ${tool}`);
    }
    const where = change.location
      ? `${change.location.file}:${change.location.line}:${change.location.column} `
      : "";
    const hint = change.hint ? ` (${change.hint})` : "";
    lines.push(
      `    ${paint[change.severity](LABEL[change.severity])} ${where}${change.message}${hint}  ${c.dim(change.rule)}`,
    );
  }
  const { breaking, warning, info } = report.summary;
  if (report.changes.length === 0)
    lines.push(report.errors ? "no changes in the servers that were fetched" : "no changes");
  else lines.push(`${breaking} breaking, ${warning} warning, ${info} info`);
  return `${lines.join("\n")}\n`;
}
