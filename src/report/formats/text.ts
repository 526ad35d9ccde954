import { Chalk, type ChalkInstance } from "chalk";
import type { Severity } from "../../diff/change.js";
import { type ResolvedReporterOptions, ruleDocsUrl } from "../options.js";
import type { Report, ReportedChange } from "../report.js";
import { formatLocation, groupByServerAndTool, preview } from "./shared.js";

const icon: Record<Severity, string> = { breaking: "✖", warning: "⚠", info: "ℹ" };

/** Human output, grouped by server and tool, coloured when `options.color`. */
export function formatText(report: Report, options: ResolvedReporterOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const paint: Record<Severity, ChalkInstance> = { breaking: c.red, warning: c.yellow, info: c.blue };
  const out: string[] = [];

  for (const error of report.errors ?? []) {
    out.push(`${c.red("✖")} ${c.bold(error.server)}: could not fetch: ${error.message}`);
  }
  if (report.errors?.length) out.push("");

  for (const [server, tools] of groupByServerAndTool(report.changes)) {
    out.push(c.bold(server === "" ? "(templates)" : server));
    for (const [tool, changes] of tools) {
      if (tool !== "") out.push(`  ${c.cyan(tool)}`);
      const indent = tool === "" ? "  " : "    ";
      for (const change of changes) out.push(...formatChange(change, indent, c, paint, options));
    }
    out.push("");
  }

  const s = report.summary;
  const parts = [
    paint.breaking(`${s.breaking} breaking`),
    paint.warning(`${s.warning} warning`),
    paint.info(`${s.info} info`),
  ];
  if (s.acknowledged > 0) parts.push(c.dim(`${s.acknowledged} acknowledged`));
  const checked = `${report.servers.length} server${report.servers.length === 1 ? "" : "s"}`;
  if (report.changes.length === 0 && !report.errors?.length) out.push(c.green(`✔ No changes (${checked}).`));
  out.push(`${parts.join(", ")} (${checked})`);
  return `${out.join("\n")}\n`;
}

function formatChange(
  change: ReportedChange,
  indent: string,
  c: ChalkInstance,
  paint: Record<Severity, ChalkInstance>,
  options: ResolvedReporterOptions,
): string[] {
  const ack = change.acknowledgement;
  const acknowledged = ack && !ack.expired;
  const color = acknowledged ? c.dim : paint[change.severity];
  const where = formatLocation(change) ?? (change.pointer === "" ? "" : change.pointer);
  const more = `${indent}    `;
  const message = change.message.replace(/\r?\n/g, `\n${more}`);
  const lines = [`${indent}${color(`${icon[change.severity]} ${change.severity}`)} ${message}`];
  lines.push(`${more}${c.dim(`${change.rule}${where ? `  ${where}` : ""}`)}`);
  if (change.before !== undefined) lines.push(`${more}before: ${preview(change.before)}`);
  if (change.after !== undefined) lines.push(`${more}after:  ${preview(change.after)}`);
  if (change.witness !== undefined) lines.push(`${more}now rejected: ${preview(change.witness)}`);
  if (change.hint) lines.push(`${more}${c.green("hint:")} ${change.hint}`);
  if (ack) {
    const until = ack.expires ? ` until ${ack.expires}` : "";
    lines.push(
      ack.expired
        ? `${more}${c.red(`acknowledgement expired ${ack.expires}`)} (was: ${ack.reason} — ${ack.acceptedBy})`
        : `${more}${c.dim(`acknowledged${until}: ${ack.reason} — ${ack.acceptedBy}`)}`,
    );
  }
  if (change.severity === "breaking" && !acknowledged) {
    lines.push(`${more}${c.dim(`fingerprint ${change.fingerprint} · ${ruleDocsUrl(change.rule, options)}`)}`);
  }
  return lines;
}
