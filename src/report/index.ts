/**
 * Reporters: one pure function per `--format`, from a report to a string.
 * The registry's keys are the format names commander offers, so the choices
 * cannot drift from the implementations.
 */

import type { Report } from "../core/report.js";
import { formatGithub } from "./formats/github.js";
import { formatHtml } from "./formats/html.js";
import { formatJson } from "./formats/json.js";
import { formatJunit } from "./formats/junit.js";
import { formatMarkdown } from "./formats/markdown.js";
import { formatSarif } from "./formats/sarif.js";
import { formatText } from "./formats/text-chalk.js";
import type { Format } from "./formats.js";
import { type ReporterOptions, type ResolvedReporterOptions, resolveOptions } from "./options.js";

/** A reporter: formats a report; never prints, never decides. */
export type Reporter = (report: Report, options: ResolvedReporterOptions) => string;

const reporters = {
  text: formatText,
  json: formatJson,
  markdown: formatMarkdown,
  github: formatGithub,
  sarif: formatSarif,
  junit: formatJunit,
  html: formatHtml,
} satisfies Record<Format, Reporter>;

export { FORMATS, type Format } from "./formats.js";

/** Formats `report` as `format`. */
export function formatReport(report: Report, format: Format, options: ReporterOptions = {}): string {
  return reporters[format](report, resolveOptions(options));
}

export {
  type Checked,
  DEFAULT_DOCS_BASE_URL,
  type DefinitionLookup,
  type Locate,
  lockfileLocator,
  type ReporterOptions,
  toolListLocator,
} from "./options.js";
export { inShard, parseShard, selectShard } from "./shard.js";
