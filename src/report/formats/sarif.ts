import type { Log, ReportingDescriptor, Result } from "sarif";
import type { Severity } from "../../diff/change.js";
import { type ResolvedReporterOptions, ruleDocsUrl } from "../options.js";
import { isAcknowledged, type Report } from "../report.js";

const level: Record<Severity, Result.level> = { breaking: "error", warning: "warning", info: "note" };

/**
 * SARIF 2.1.0 for code-scanning tools. One rule descriptor per rule id that
 * occurs, with the docs page as `helpUri`; results point at the template or
 * the lockfile entry; acknowledged changes carry an external suppression with
 * the reason, so code scanning shows them as dismissed rather than open.
 */
export function formatSarif(report: Report, options: ResolvedReporterOptions): string {
  const ruleIds = [...new Set(report.changes.map((c) => c.rule))].sort();
  const rules: ReportingDescriptor[] = ruleIds.map((id) => {
    const meta = options.rules[id];
    const descriptor: ReportingDescriptor = { id, helpUri: ruleDocsUrl(id, options) };
    if (meta) {
      descriptor.shortDescription = { text: meta.summary };
      descriptor.defaultConfiguration = { level: level[meta.severity] };
      descriptor.properties = { family: meta.family };
    }
    return descriptor;
  });
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));

  const results: Result[] = report.changes.map((change) => {
    const location = change.location
      ? {
          artifactLocation: { uri: toUri(change.location.file) },
          region: { startLine: change.location.line, startColumn: change.location.column },
        }
      : {
          artifactLocation: { uri: toUri(options.lockfile) },
          ...regionOf(options.locate?.(change.server, change.tool)),
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
              fullyQualifiedName: [change.server, change.tool]
                .filter((p) => p !== undefined && p !== "")
                .join("/"),
              kind: change.tool ? "function" : "module",
            },
          ],
        },
      ],
      partialFingerprints: { "mcpContract/v1": change.fingerprint },
      properties: {
        server: change.server,
        ...(change.tool !== undefined ? { tool: change.tool } : {}),
        pointer: change.pointer,
      },
    };
    if (change.acknowledgement && isAcknowledged(change)) {
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
        invocations: (report.errors ?? []).length
          ? [
              {
                executionSuccessful: false,
                toolExecutionNotifications: report.errors!.map((e) => ({
                  level: "error" as const,
                  message: { text: `${e.server}: could not fetch: ${e.message}` },
                })),
              },
            ]
          : [{ executionSuccessful: true }],
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function regionOf(line: number | undefined): { region?: { startLine: number } } {
  return line === undefined ? {} : { region: { startLine: line } };
}

/** A relative path as a SARIF URI reference: forward slashes, each segment percent-encoded. */
function toUri(path: string): string {
  return path.split(/[\\/]/).map(encodeURIComponent).join("/");
}
