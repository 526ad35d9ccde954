import { showControls } from "../../core/controls.js";
import { type Report, unjudgedLine } from "../../core/report.js";
import { findingPlace, fromRepositoryRoot, type ResolvedReporterOptions } from "../options.js";
import { annotationPicks, count, GITHUB_ANNOTATION_LIMIT, shownChanges } from "../order.js";
import { subjectOf } from "./shared.js";

/**
 * GitHub Actions workflow commands: `::error file=F,line=L,col=C,title=T::message`. GitHub shows
 * 10 error and 10 warning annotations per step, so at most that many of each are written, chosen
 * in the order of who a change hurts (report/order.ts: template findings and the breaking changes
 * of the tools templates use first); one `::notice` then says how many more findings the job summary
 * lists (the markdown report, which the CLI appends to `$GITHUB_STEP_SUMMARY`). Servers that could
 * not be fetched come first, as errors. Template findings point at the template line; others at the
 * tool's entry in the file that holds it (the lockfile; for `diff`, the side that has the tool).
 * Files are named from the repository root, as GitHub looks them up.
 */
export function formatGithub(report: Report, options: ResolvedReporterOptions): string {
  const lines: string[] = [];
  const errors = (report.errors ?? []).slice(0, GITHUB_ANNOTATION_LIMIT);
  for (const error of errors) {
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
  const shown = shownChanges(report, options.minSeverity);
  const unjudged = unjudgedLine(report.summary);
  // The line about changes that could not be judged is a warning too: it takes one of the ten.
  const picks = annotationPicks(shown, errors.length, unjudged ? 1 : 0);
  for (const change of [...picks.errors, ...picks.warnings]) {
    const place = findingPlace(change, options);
    const props: Props = { file: place.file, line: place.line, col: place.column };
    const subject =
      change.kind !== undefined
        ? `${change.server} ${subjectOf(change)}`
        : [change.server, change.tool].filter(Boolean).join("/");
    props.title = `${change.severity} ${change.rule}${subject ? ` (${subject})` : ""}`;
    let message = change.message;
    if (change.hint) message += `\nhint: ${change.hint}`;
    const ack = change.acknowledgement;
    if (ack?.expired) message += `\nacknowledgement expired ${ack.expires}: ${ack.reason}`;
    if (change.unjudged) message += "\ncould not be judged: check this change by hand";
    if (change.pointer) message += `\nat ${change.pointer}`;
    lines.push(workflowCommand(change.severity === "breaking" ? "error" : "warning", props, message));
  }
  if (unjudged) {
    lines.push(
      workflowCommand(
        "warning",
        { title: "mcp-contract: changes not judged" },
        `${unjudged}: check them by hand.`,
      ),
    );
  }
  const more = picks.rest + (report.errors?.length ?? 0) - errors.length;
  if (more > 0) {
    lines.push(
      workflowCommand(
        "notice",
        { title: `mcp-contract: ${count(more, "more finding")}` },
        `${count(more, "more finding")} ${more === 1 ? "is" : "are"} not annotated (GitHub shows ${GITHUB_ANNOTATION_LIMIT} errors and ${GITHUB_ANNOTATION_LIMIT} warnings per step): the job summary lists every finding, in the same order.`,
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

/**
 * One workflow command, escaped exactly as @actions/core's `issueCommand` does. The title and the
 * message carry a server's text: their control characters are shown (`\u{1B}`), as in the text
 * report, since the runner's log renders ANSI sequences and a server could colour or hide lines.
 */
export function workflowCommand(name: string, props: Props, message: string): string {
  const parts: string[] = [];
  for (const key of ["file", "line", "col", "title"] as const) {
    const value = props[key];
    if (value === undefined || value === "") continue;
    const text = key === "title" ? showControls(String(value)) : String(value);
    parts.push(`${key}=${escapeProperty(text)}`);
  }
  return `::${name}${parts.length > 0 ? ` ${parts.join(",")}` : ""}::${escapeData(showControls(message))}`;
}

/** Escapes a command's message: `%`, CR and LF. */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Escapes a property value: as data, plus `:` and `,`, which delimit properties. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
