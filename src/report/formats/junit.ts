import { failsPolicy } from "../../policy/policy.js";
import type { ResolvedReporterOptions } from "../options.js";
import type { Report, ReportedChange } from "../report.js";
import { formatLocation, groupByServerAndTool, preview } from "./shared.js";

/**
 * JUnit XML for CI dashboards: one test suite per server, one test case per
 * tool with findings (plus one passing case for a server without findings),
 * a `<failure>` for each change that fails the run under `--fail-on`, an
 * `<error>` for a server that could not be fetched. Other findings go in
 * `<system-out>` so they stay visible without failing the case.
 */
export function formatJunit(report: Report, options: ResolvedReporterOptions): string {
  const grouped = groupByServerAndTool(report.changes);
  const errors = new Map((report.errors ?? []).map((e) => [e.server, e.message]));
  const servers = [...new Set([...report.servers, ...grouped.keys(), ...errors.keys()])].sort();
  let totalTests = 0;
  let totalFailures = 0;
  let totalErrors = 0;
  const suites: string[] = [];
  for (const server of servers) {
    const cases: string[] = [];
    let failures = 0;
    const error = errors.get(server);
    if (error !== undefined) {
      cases.push(
        `    <testcase classname="${attr(suiteName(server))}" name="fetch">\n      <error message="${attr(error)}" type="FetchError"/>\n    </testcase>`,
      );
    }
    const tools = grouped.get(server);
    if (tools) {
      for (const [tool, changes] of tools) {
        const failing = changes.filter((c) => failsPolicy(c, options.failOn));
        failures += failing.length > 0 ? 1 : 0;
        const body: string[] = failing.map(
          (c) =>
            `      <failure message="${attr(c.message)}" type="${attr(c.rule)}">${text(details(c))}</failure>`,
        );
        const rest = changes.filter((c) => !failing.includes(c));
        if (rest.length > 0) {
          body.push(
            `      <system-out>${text(rest.map((c) => `[${c.severity}] ${details(c)}`).join("\n\n"))}</system-out>`,
          );
        }
        cases.push(
          `    <testcase classname="${attr(suiteName(server))}" name="${attr(tool === "" ? "(server)" : tool)}">\n${body.join("\n")}\n    </testcase>`,
        );
      }
    } else if (error === undefined) {
      cases.push(`    <testcase classname="${attr(suiteName(server))}" name="contract"/>`);
    }
    const errorCount = error === undefined ? 0 : 1;
    totalTests += cases.length;
    totalFailures += failures;
    totalErrors += errorCount;
    suites.push(
      `  <testsuite name="${attr(suiteName(server))}" tests="${cases.length}" failures="${failures}" errors="${errorCount}">\n${cases.join("\n")}\n  </testsuite>`,
    );
  }
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="mcp-contract" tests="${totalTests}" failures="${totalFailures}" errors="${totalErrors}">`,
    ...suites,
    `</testsuites>`,
    "",
  ].join("\n");
}

function suiteName(server: string): string {
  return server === "" ? "(templates)" : server;
}

function details(change: ReportedChange): string {
  const lines = [`${change.rule}: ${change.message}`];
  const where = formatLocation(change);
  if (where) lines.push(`at ${where}`);
  if (change.pointer) lines.push(`pointer ${change.pointer}`);
  if (change.before !== undefined) lines.push(`before: ${preview(change.before, 500)}`);
  if (change.after !== undefined) lines.push(`after: ${preview(change.after, 500)}`);
  if (change.hint) lines.push(`hint: ${change.hint}`);
  if (change.acknowledgement?.expired)
    lines.push(`acknowledgement expired ${change.acknowledgement.expires}`);
  lines.push(`fingerprint ${change.fingerprint}`);
  return lines.join("\n");
}

// XML 1.0 forbids most C0 controls even escaped; drop them.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function text(value: string): string {
  return value.replace(INVALID_XML, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function attr(value: string): string {
  return text(value)
    .replace(/"/g, "&quot;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;")
    .replace(/\t/g, "&#9;");
}
