import type { Severity } from "../../core/change.js";
import { type Report, type ReportedChange, unjudgedLine } from "../../core/report.js";
import { type ResolvedReporterOptions, ruleDocsUrl } from "../options.js";
import {
  digestReport,
  foldedLine,
  foldRuns,
  groupByServerAndTool,
  reportSections,
  shownChanges,
  summaryParagraph,
} from "../order.js";
import { formatLocation, preview, subjectOf, withVisibleControls } from "./shared.js";

const LABEL: Record<Severity, string> = { breaking: "BREAKING", warning: "warning ", info: "info    " };

/**
 * The styles text output uses. Without colour they are the identity, so this
 * module needs no chalk: the CLI loads chalk (text-chalk.ts) only when it
 * prints in colour, which the pre-commit hook (output piped) never does.
 */
export interface TextStyle {
  bold: (text: string) => string;
  dim: (text: string) => string;
  red: (text: string) => string;
  redBold: (text: string) => string;
  yellow: (text: string) => string;
}

const same = (text: string): string => text;

/** No colour: every style leaves the text as it is. */
export const PLAIN_TEXT: TextStyle = { bold: same, dim: same, red: same, redBold: same, yellow: same };

/**
 * Human output: the summary paragraph, then one section per tier of harm (templates first, then
 * breaking, warnings, info, acknowledged; see report/order.ts), each grouped by server, then by
 * what a change is about (the server itself, each tool, then each prompt, resource template,
 * resource, the instructions and the capabilities):
 * one line per change (severity, template location, message, hint, rule id), then its details
 * indented, painted with `c` (`options.color` is decided by whoever chose `c`). Long runs of one
 * rule in one server are folded unless `options.verbose`; `options.minSeverity` hides the rest.
 */
export function formatTextStyled(
  shownReport: Report,
  options: ResolvedReporterOptions,
  c: TextStyle,
): string {
  const report = withVisibleControls(shownReport);
  const paint: Record<Severity, (text: string) => string> = {
    breaking: c.redBold,
    warning: c.yellow,
    info: c.dim,
  };
  // A clean run is one line; the paragraph is for a report with something to read.
  const clean = report.changes.length === 0 && !report.errors?.length;
  const digest = digestReport(report);
  if (options.next !== undefined) digest.next = options.next;
  const out: string[] = clean ? [] : [summaryParagraph(digest), ""];

  const shown = shownChanges(report, options.minSeverity);
  for (const section of reportSections(report, shown)) {
    out.push(c.bold(`${section.title} (${section.changes.length})`));
    for (const [server, tools] of groupByServerAndTool(section.changes)) {
      const { shown: kept, folded } = foldRuns(section.tier, [...tools.values()].flat(), options.verbose);
      out.push(c.bold(server === "" ? "templates" : `server ${server}`));
      for (const [subject, changes] of groupByServerAndTool(kept).get(server) ?? []) {
        if (subject !== "") out.push(`  ${subjectOf(changes[0]!)}`);
        for (const change of changes) out.push(...formatChange(change, c, paint, options));
      }
      for (const item of folded) out.push(`  ${c.dim(foldedLine(item, (rule) => `\`${rule}\``))}`);
    }
    out.push("");
  }
  for (const error of report.errors ?? []) {
    // A fetch error's message opens with `server "NAME": `, which this line already says.
    const prefix = `server ${JSON.stringify(error.server)}: `;
    const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    out.push(`${c.redBold("ERROR")}    server ${error.server} could not be fetched: ${message}`);
  }

  const s = options.listedOnly?.summary ?? report.summary;
  if (report.changes.length === 0) {
    out.push(report.errors?.length ? "no changes in the servers that were fetched" : "no changes");
  } else {
    const acknowledged = s.acknowledged > 0 ? `, ${s.acknowledged} acknowledged` : "";
    const hidden = report.changes.length - shown.length;
    const below = hidden > 0 ? ` (${hidden} below --min-severity ${options.minSeverity} not shown)` : "";
    const unjudged = unjudgedLine(s);
    const listed = options.listedOnly ? `; listed: ${options.listedOnly.what}` : "";
    out.push(
      `${s.breaking} breaking, ${s.warning} warning, ${s.info} info${acknowledged}${unjudged ? `; ${unjudged}` : ""}${listed}${below}`,
    );
  }
  return `${out.join("\n")}\n`;
}

function formatChange(
  change: ReportedChange,
  c: TextStyle,
  paint: Record<Severity, (text: string) => string>,
  options: ResolvedReporterOptions,
): string[] {
  const ack = change.acknowledgement;
  const { acknowledged } = change;
  const label = acknowledged ? c.dim(LABEL[change.severity]) : paint[change.severity](LABEL[change.severity]);
  const where = formatLocation(change);
  const hint = change.hint ? ` (${change.hint})` : "";
  const pad = "             "; // under the message: 4 + label + 1
  const message = change.message.replace(/\r?\n/g, `\n${pad}`);
  const lines = [`    ${label} ${where ? `${where} ` : ""}${message}${hint}  ${c.dim(change.rule)}`];
  if (change.unjudged) lines.push(`${pad}${c.dim("could not be judged: check this change by hand")}`);
  if (change.witness !== undefined) lines.push(`${pad}${c.dim(`now rejected: ${preview(change.witness)}`)}`);
  if (ack) {
    lines.push(
      ack.expired
        ? `${pad}${c.red(`acknowledgement expired ${ack.expires}`)}: ${ack.reason} (${ack.acceptedBy})`
        : `${pad}${c.dim(`acknowledged${ack.expires ? ` until ${ack.expires}` : ""}: ${ack.reason} (${ack.acceptedBy})`)}`,
    );
  }
  if (change.severity === "breaking" && !acknowledged) {
    lines.push(`${pad}${c.dim(`fingerprint ${change.fingerprint} · ${ruleDocsUrl(change.rule, options)}`)}`);
  }
  return lines;
}
