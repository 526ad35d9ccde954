import type { Severity } from "../../core/change.js";
import { type Report, type ReportedChange, unjudgedLine } from "../../core/report.js";
import { REPORTS_ARTIFACT, type ResolvedReporterOptions, ruleDocsUrl } from "../options.js";
import { count, digestReport, reportSections, shownChanges, summaryParagraph } from "../order.js";
import { formatLocation, subjectOf, withVisibleControls } from "./shared.js";

const badge: Record<Severity, string> = { breaking: "🔴 breaking", warning: "🟡 warning", info: "🔵 info" };

const CHANGE_HEADER = [
  "| Severity | Server | Tool or item | Change | Rule |",
  "| --- | --- | --- | --- | --- |",
];
const ACK_HEADER = [
  "| Server | Tool or item | Change | Reason | Accepted by | Expires |",
  "| --- | --- | --- | --- | --- | --- |",
];
// Room kept for the closing tags and the note that says where the rest is.
const RESERVE = 1_000;

/**
 * A pull-request comment / GitHub job summary: the summary paragraph and counts, then a table per
 * section in the order of who a change hurts (templates and breaking open, the rest in collapsible
 * `<details>`). At most `options.markdownLimit` UTF-8 bytes: past it, the rows stop and a note says
 * how many more there are and that the JSON or SARIF report holds them all.
 */
export function formatMarkdown(serversReport: Report, options: ResolvedReporterOptions): string {
  // A job summary or PR comment shows a server's text: its control characters are shown, never kept.
  const report = withVisibleControls(serversReport);
  const s = report.summary;
  const shown = shownChanges(report, options.minSeverity);
  const head: string[] = ["## mcp-contract", "", summaryParagraph(digestReport(report), code), ""];
  const counts = `**${s.breaking} breaking**, ${s.warning} warning, ${s.info} info`;
  const acks = s.acknowledged > 0 ? `, ${s.acknowledged} acknowledged` : "";
  const hidden = report.changes.length - shown.length;
  const below = hidden > 0 ? `; ${hidden} below \`--min-severity ${options.minSeverity}\` not shown` : "";
  head.push(`${counts}${acks} across ${count(report.servers.length, "server")}${below}.`, "");
  const unjudged = unjudgedLine(s);
  if (unjudged) head.push(`⚠️ ${unjudged}: check those marked *could not be judged* by hand.`, "");

  if (report.errors?.length) {
    head.push("### Servers that could not be fetched", "");
    for (const e of report.errors) head.push(`- **${inline(e.server)}**: ${inline(e.message)}`);
    head.push("");
  }

  if (!shown.some((c) => !c.acknowledged) && !report.errors?.length)
    head.push("✅ No unacknowledged changes.", "");

  const body = new Budget(options.markdownLimit - bytes(head.join("\n")) - RESERVE);
  let left = 0;
  for (const section of reportSections(report, shown)) {
    const open = section.tier === "templates" || section.tier === "breaking";
    const acknowledged = section.tier === "acknowledged";
    const title = `${section.title} (${section.changes.length})`;
    const start = open
      ? [`### ${title}`, "", ...(acknowledged ? ACK_HEADER : CHANGE_HEADER)]
      : [`<details><summary>${title}</summary>`, "", ...(acknowledged ? ACK_HEADER : CHANGE_HEADER)];
    const end = open ? [""] : ["", "</details>", ""];
    if (left > 0 || !body.fits([...start, ...end])) {
      left += section.changes.length;
      continue;
    }
    body.add(start);
    body.keep(bytes(end.join("\n")) + 1);
    for (const change of section.changes) {
      const line = acknowledged ? ackRow(change) : row(change, options);
      if (left === 0 && body.fits([line])) body.add([line]);
      else left++;
    }
    body.keep(0);
    body.add(end);
  }
  if (left > 0) {
    body.add([
      `**${count(left, "more finding")} not shown:** this report stops at ${options.markdownLimit.toLocaleString("en-US")} bytes (a pull-request comment's limit). The complete list is in the JSON report (\`--format json\`) and the SARIF report of this run; the example workflow uploads them as the \`${REPORTS_ARTIFACT}\` artifact.`,
      "",
    ]);
  }
  return `${[...head, ...body.lines].join("\n").trimEnd()}\n`;
}

/** Lines added while they fit in a byte budget, with room kept back for what must close them. */
class Budget {
  readonly lines: string[] = [];
  private used = 0;
  private reserved = 0;
  constructor(private readonly limit: number) {}
  fits(lines: readonly string[]): boolean {
    return this.used + this.reserved + bytes(lines.join("\n")) + 1 <= this.limit;
  }
  add(lines: readonly string[]): void {
    this.lines.push(...lines);
    this.used += bytes(lines.join("\n")) + 1;
  }
  keep(reserved: number): void {
    this.reserved = reserved;
  }
}

const encoder = new TextEncoder();
function bytes(text: string): number {
  return encoder.encode(text).length;
}

function code(name: string): string {
  return `\`${inline(name).replace(/`/g, "'")}\``;
}

function row(change: ReportedChange, options: ResolvedReporterOptions): string {
  const details: string[] = [cell(change.message)];
  const where = formatLocation(change);
  if (where) details.push(`\`${cell(where)}\``);
  else if (change.pointer) details.push(`\`${cell(change.pointer)}\``);
  if (change.hint) details.push(`hint: ${cell(change.hint)}`);
  if (change.unjudged) details.push("*could not be judged*");
  if (change.acknowledgement?.expired)
    details.push(`acknowledgement expired ${cell(change.acknowledgement.expires ?? "")}`);
  const rule = `[\`${change.rule}\`](${ruleDocsUrl(change.rule, options)})`;
  return `| ${badge[change.severity]} | ${cell(change.server)} | ${cell(change.tool ?? subjectOf(change))} | ${details.join("<br>")} | ${rule} |`;
}

function ackRow(change: ReportedChange): string {
  const ack = change.acknowledgement!;
  return `| ${cell(change.server)} | ${cell(change.tool ?? subjectOf(change))} | ${cell(change.message)} | ${cell(ack.reason)} | ${cell(ack.acceptedBy)} | ${cell(ack.expires ?? "never")} |`;
}

/** Table cell text: pipes escaped, newlines folded, HTML-significant characters neutralised. */
function cell(text: string): string {
  return inline(text).replace(/\|/g, "\\|");
}

function inline(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
