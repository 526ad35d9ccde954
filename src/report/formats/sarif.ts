import type { Invocation, Log, Notification, ReportingDescriptor, Result } from "sarif";
import type { Severity } from "../../core/change.js";
import { own } from "../../core/own.js";
import { type Report, unjudgedLine } from "../../core/report.js";
import { findingPlace, type ResolvedReporterOptions, ruleDocsUrl } from "../options.js";

const level: Record<Severity, Result.level> = { breaking: "error", warning: "warning", info: "note" };

/**
 * SARIF 2.1.0 for code-scanning tools. One rule descriptor per rule id that
 * occurs, with the docs page as `helpUri` and, from that page, `fullDescription`
 * and `help` (GitHub wants both); results point at the template or at the
 * tool's entry in the file that holds it, by paths from the repository root;
 * acknowledged changes carry an external suppression with the reason, so code
 * scanning shows them as dismissed rather than open.
 */
export function formatSarif(report: Report, options: ResolvedReporterOptions): string {
  const ruleIds = [...new Set(report.changes.map((c) => c.rule))].sort();
  const rules: ReportingDescriptor[] = ruleIds.map((id) => {
    const meta = own(options.rules, id);
    const helpUri = ruleDocsUrl(id, options);
    const page = options.ruleDocs.get(id);
    const summary = meta?.summary ?? `mcp-contract rule ${id}.`;
    const descriptor: ReportingDescriptor = {
      id,
      helpUri,
      shortDescription: { text: summary },
      fullDescription: { text: (page && firstParagraph(page)) || summary },
      help: page
        ? { text: page, markdown: absoluteLinks(page, options.docsBaseUrl) }
        : { text: `${summary} See ${helpUri}`, markdown: `${summary} See [${id}](${helpUri}).` },
    };
    if (meta) {
      descriptor.defaultConfiguration = { level: level[meta.severity] };
      descriptor.properties = { family: meta.family };
    }
    return descriptor;
  });
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));

  const results: Result[] = report.changes.map((change) => {
    const place = findingPlace(change, options);
    const location = {
      artifactLocation: { uri: toUri(place.file) },
      ...(place.line !== undefined && {
        region: { startLine: place.line, ...(place.column !== undefined && { startColumn: place.column }) },
      }),
    };
    const text = change.hint ? `${change.message} (${change.hint})` : change.message;
    const result: Result = {
      ruleId: change.rule,
      ruleIndex: ruleIndex.get(change.rule)!,
      level: level[change.severity],
      message: { text },
      locations: [
        {
          physicalLocation: location,
          logicalLocations: [
            {
              fullyQualifiedName: [change.server, change.tool ?? change.kind, change.item]
                .filter((p) => p !== undefined && p !== "")
                .join("/"),
              kind: change.tool || change.kind ? "function" : "module",
            },
          ],
        },
      ],
      partialFingerprints: { "mcpContract/v1": change.fingerprint },
      properties: {
        server: change.server,
        ...(change.tool !== undefined ? { tool: change.tool } : {}),
        ...(change.kind !== undefined ? { kind: change.kind } : {}),
        ...(change.item !== undefined ? { item: change.item } : {}),
        pointer: change.pointer,
        ...(change.unjudged ? { unjudged: true } : {}),
      },
    };
    if (change.acknowledgement && change.acknowledged) {
      result.suppressions = [
        {
          kind: "external",
          justification: `${change.acknowledgement.reason} (${change.acknowledgement.acceptedBy})`,
        },
      ];
    }
    return result;
  });

  const log: Log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "mcp-contract",
            version: options.toolVersion,
            informationUri: options.docsBaseUrl.replace(/docs\/rules\/?$/, ""),
            rules,
          },
        },
        invocations: [invocation(report)],
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/**
 * The run's invocation: unsuccessful with an error notification per server that could not be
 * fetched; a warning notification when changes could not be judged.
 */
function invocation(report: Report): Invocation {
  const notifications: Notification[] = (report.errors ?? []).map((e) => ({
    level: "error",
    message: { text: `${e.server}: could not fetch: ${e.message}` },
  }));
  const unjudged = unjudgedLine(report.summary);
  if (unjudged)
    notifications.push({ level: "warning", message: { text: `${unjudged}: check them by hand.` } });
  const successful = (report.errors ?? []).length === 0;
  return notifications.length === 0
    ? { executionSuccessful: successful }
    : { executionSuccessful: successful, toolExecutionNotifications: notifications };
}

/** A path as a SARIF URI reference: forward slashes, each segment percent-encoded. */
function toUri(path: string): string {
  return path.split(/[\\/]/).map(encodeURIComponent).join("/");
}

/**
 * A rule's docs page in one paragraph: the first under its "What changed" heading (after the
 * title and any metadata line), else the page's first that is not a heading or code; joined
 * onto one line; "" when there is none.
 */
export function firstParagraph(markdown: string): string {
  const section = /^#+ *What changed *$/im.exec(markdown);
  const from = section ? markdown.slice(section.index + section[0].length) : markdown;
  for (const block of from.split(/\n\s*\n/)) {
    // A heading may sit right above its paragraph, with no blank line between.
    const text = block.replace(/^(\s*#[^\n]*(\n|$))+/, "").trim();
    if (text === "" || text.startsWith("```")) continue;
    return text.replace(/\s*\n\s*/g, " ");
  }
  return "";
}

/** Relative links of a docs page made absolute against where the pages are published, so they work in code scanning's help pane. */
export function absoluteLinks(markdown: string, docsBaseUrl: string): string {
  return markdown.replace(/\]\(([^)\s]+)\)/g, (whole, target: string) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("#")) return whole;
    try {
      return `](${new URL(target, docsBaseUrl).href})`;
    } catch {
      return whole;
    }
  });
}
