import type { Severity } from "../../core/change.js";
import { type Report, type ReportedChange, unjudgedLine } from "../../core/report.js";
import { type ResolvedReporterOptions, ruleDocsUrl } from "../options.js";
import { formatLocation, plural } from "./shared.js";

const badge: Record<Severity, string> = { breaking: "🔴 breaking", warning: "🟡 warning", info: "🔵 info" };

/** A pull-request comment / GitHub job summary. */
export function formatMarkdown(report: Report, options: ResolvedReporterOptions): string {
  const s = report.summary;
  const out: string[] = ["## mcp-contract", ""];
  const counts = `**${s.breaking} breaking**, ${s.warning} warning, ${s.info} info`;
  const acks = s.acknowledged > 0 ? `, ${s.acknowledged} acknowledged` : "";
  out.push(`${counts}${acks} across ${plural(report.servers.length, "server")}.`, "");
  const unjudged = unjudgedLine(s);
  if (unjudged) out.push(`⚠️ ${unjudged}: check those marked *could not be judged* by hand.`, "");

  if (report.errors?.length) {
    out.push("### Servers that could not be fetched", "");
    for (const e of report.errors) out.push(`- **${inline(e.server)}**: ${inline(e.message)}`);
    out.push("");
  }

  const open = report.changes.filter((c) => !c.acknowledged);
  const accepted = report.changes.filter((c) => c.acknowledged);
  if (open.length > 0) {
    out.push("| Severity | Server | Tool | Change | Rule |", "| --- | --- | --- | --- | --- |");
    for (const change of open) out.push(row(change, options));
    out.push("");
  } else if (!report.errors?.length) {
    out.push("✅ No unacknowledged changes.", "");
  }

  if (accepted.length > 0) {
    out.push(
      `<details><summary>${plural(accepted.length, "acknowledged change")}</summary>`,
      "",
      "| Server | Tool | Change | Reason | Accepted by | Expires |",
      "| --- | --- | --- | --- | --- | --- |",
    );
    for (const change of accepted) {
      const ack = change.acknowledgement!;
      out.push(
        `| ${cell(change.server)} | ${cell(change.tool ?? "")} | ${cell(change.message)} | ${cell(ack.reason)} | ${cell(ack.acceptedBy)} | ${cell(ack.expires ?? "never")} |`,
      );
    }
    out.push("", "</details>", "");
  }
  return `${out.join("\n").trimEnd()}\n`;
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
  return `| ${badge[change.severity]} | ${cell(change.server)} | ${cell(change.tool ?? "")} | ${details.join("<br>")} | ${rule} |`;
}

/** Table cell text: pipes escaped, newlines folded, HTML-significant characters neutralised. */
function cell(text: string): string {
  return inline(text).replace(/\|/g, "\\|");
}

function inline(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
