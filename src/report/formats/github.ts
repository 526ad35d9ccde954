import type { Severity } from "../../core/change.js";
import { type Report, unjudgedLine } from "../../core/report.js";
import { findingPlace, fromRepositoryRoot, type ResolvedReporterOptions } from "../options.js";

const command: Record<Severity, "error" | "warning" | "notice"> = {
  breaking: "error",
  warning: "warning",
  info: "notice",
};

/**
 * GitHub Actions workflow commands, one line per finding:
 * `::error file=F,line=L,col=C,title=T::message`. Template findings point at
 * the template line; others at the tool's entry in the file that holds it (the
 * lockfile; for `diff`, the side that has the tool). Files are named from the
 * repository root, as GitHub looks them up. Acknowledged
 * changes become notices. (The markdown summary for `$GITHUB_STEP_SUMMARY` is
 * the `markdown` format; the CLI writes it there.)
 */
export function formatGithub(report: Report, options: ResolvedReporterOptions): string {
  const lines: string[] = [];
  for (const error of report.errors ?? []) {
    const line = options.locate?.(error.server);
    lines.push(
      workflowCommand(
        "error",
        {
          file: fromRepositoryRoot(options.lockfile, options),
          line,
          title: `mcp-contract: ${error.server} could not be fetched`,
        },
        error.message,
      ),
    );
  }
  for (const change of report.changes) {
    const { acknowledged } = change;
    const level = acknowledged ? "notice" : command[change.severity];
    const place = findingPlace(change, options);
    const props: Props = { file: place.file, line: place.line, col: place.column };
    const subject = [change.server, change.tool].filter(Boolean).join("/");
    props.title = `${acknowledged ? "acknowledged " : ""}${change.severity} ${change.rule}${subject ? ` (${subject})` : ""}`;
    let message = change.message;
    if (change.hint) message += `\nhint: ${change.hint}`;
    if (change.acknowledgement) {
      const ack = change.acknowledgement;
      message += ack.expired
        ? `\nacknowledgement expired ${ack.expires}: ${ack.reason}`
        : `\nacknowledged by ${ack.acceptedBy}: ${ack.reason}`;
    }
    if (change.unjudged) message += "\ncould not be judged: check this change by hand";
    if (change.pointer) message += `\nat ${change.pointer}`;
    lines.push(workflowCommand(level, props, message));
  }
  const unjudged = unjudgedLine(report.summary);
  if (unjudged) {
    lines.push(
      workflowCommand(
        "warning",
        { title: "mcp-contract: changes not judged" },
        `${unjudged}: check them by hand.`,
      ),
    );
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}

interface Props {
  file?: string;
  line?: number | undefined;
  col?: number | undefined;
  title?: string;
}

/** One workflow command, escaped exactly as @actions/core's `issueCommand` does. */
export function workflowCommand(name: string, props: Props, message: string): string {
  const parts: string[] = [];
  for (const key of ["file", "line", "col", "title"] as const) {
    const value = props[key];
    if (value !== undefined && value !== "") parts.push(`${key}=${escapeProperty(String(value))}`);
  }
  return `::${name}${parts.length > 0 ? ` ${parts.join(",")}` : ""}::${escapeData(message)}`;
}

/** Escapes a command's message: `%`, CR and LF. */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Escapes a property value: as data, plus `:` and `,`, which delimit properties. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
