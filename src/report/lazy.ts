/**
 * Reporters loaded on demand: the CLI imports only the formats a run asks for
 * (and chalk only for coloured text), so the pre-commit hook's default text
 * report does not load the other formatters and chalk. The same
 * functions as `formatReport` in index.ts, which loads them all eagerly.
 */

import type { Report } from "../core/report.js";
import type { Format } from "./formats.js";
import type { ResolvedReporterOptions } from "./options.js";

/** A reporter: formats a report; never prints, never decides. */
export type LoadedReporter = (report: Report, options: ResolvedReporterOptions) => string;

/** The reporter for `format`; `color` picks chalk's text styles over plain ones (text only). */
export async function loadReporter(format: Format, color = false): Promise<LoadedReporter> {
  switch (format) {
    case "text": {
      if (color) return (await import("./formats/text-chalk.js")).formatText;
      const { formatTextStyled, PLAIN_TEXT } = await import("./formats/text.js");
      return (report, options) => formatTextStyled(report, options, PLAIN_TEXT);
    }
    case "json":
      return (await import("./formats/json.js")).formatJson;
    case "markdown":
      return (await import("./formats/markdown.js")).formatMarkdown;
    case "github":
      return (await import("./formats/github.js")).formatGithub;
    case "sarif":
      return (await import("./formats/sarif.js")).formatSarif;
    case "junit":
      return (await import("./formats/junit.js")).formatJunit;
    case "html":
      return (await import("./formats/html.js")).formatHtml;
  }
}
