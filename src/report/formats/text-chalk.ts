import { Chalk } from "chalk";
import type { Report } from "../../core/report.js";
import type { ResolvedReporterOptions } from "../options.js";
import { formatTextStyled, PLAIN_TEXT, type TextStyle } from "./text.js";

/** Chalk's ANSI styles (level 1: the 16 basic colours every terminal has). */
function chalkStyle(): TextStyle {
  const c = new Chalk({ level: 1 });
  return { bold: c.bold, dim: c.dim, red: c.red, redBold: c.red.bold, yellow: c.yellow };
}

/**
 * Human output, grouped by server and tool: one line per change (severity,
 * template location, message, hint, rule id), then its details indented.
 * Coloured when `options.color`.
 */
export function formatText(report: Report, options: ResolvedReporterOptions): string {
  return formatTextStyled(report, options, options.color ? chalkStyle() : PLAIN_TEXT);
}
