import { kindRank } from "../../core/change.js";
import { cmp } from "../../core/json.js";
import type { Report, ReportedChange } from "../../core/report.js";
import { unjudgedLine } from "../../core/report.js";
import type { ResolvedReporterOptions } from "../options.js";
import { formatLocation, preview, subjectOf } from "./shared.js";

/** Name of the suite of template test cases. */
const TEMPLATES_SUITE = "(templates)";
/** Name of the test case of a server's own findings (capabilities, version, instructions, fetch errors). */
const SERVER_CASE = "(server)";

/** One test case: its findings, and whether its server could not be fetched. */
interface Case {
  name: string;
  /** Sorts the `(server)` case (-1) before the tools (0), then prompts, resource templates, resources (`kindRank`). */
  rank: number;
  /** The `(server)` case. */
  server: boolean;
  changes: ReportedChange[];
  /** The server could not be fetched: its `(server)` case errs with this message. */
  fetchError?: string;
  /** The server could not be fetched: this tool was not checked. */
  skipped?: boolean;
}

interface Suite {
  name: string;
  cases: Map<string, Case>;
}

/**
 * JUnit XML for CI dashboards, valid under the Apache Ant JUnit schema (the
 * strictest of the common ones; fixtures/junit/ has it) and so under Jenkins'
 * and the readers that follow them. One test suite per server with one test
 * case per tool it has (the lockfile's, or both sides of `diff`), then one per
 * prompt, resource template and resource (`prompt NAME`, `resource template
 * NAME`, `resource URI`), and a `(server)` case for findings about the server
 * itself (its instructions and capabilities among them); one `(templates)` suite
 * with a test case per template file. A case has at most one `<failure>`,
 * present when a finding fails the run under `--fail-on`, and its body lists all
 * the case's findings. Findings of passing cases (warnings, notices,
 * acknowledged changes) go to the suite's `<system-out>`. A server that could
 * not be fetched errs in its `(server)` case and skips its tools' cases.
 * `time` is 0: findings are computed for the whole run, not timed per tool.
 */
export function formatJunit(report: Report, options: ResolvedReporterOptions): string {
  const errors = new Map((report.errors ?? []).map((e) => [e.server, e.message]));
  // Keyed apart from their names: a server called "(templates)" or a tool called "(server)" is data, not a clash.
  const suites = new Map<string, Suite>();
  const caseOf = (
    suiteKey: string,
    suiteName: string,
    caseKey: string,
    caseName: string,
    rank = caseKey === "" ? -1 : 0,
  ): Case => {
    let suite = suites.get(suiteKey);
    if (!suite) {
      suite = { name: suiteName, cases: new Map() };
      suites.set(suiteKey, suite);
    }
    let found = suite.cases.get(caseKey);
    if (!found) {
      found = { name: caseName, rank, server: caseKey === "", changes: [] };
      suite.cases.set(caseKey, found);
    }
    return found;
  };
  const serverCase = (server: string, tool: string | undefined): Case =>
    server === "" && tool === undefined
      ? caseOf("", TEMPLATES_SUITE, "", SERVER_CASE)
      : caseOf(
          `s:${server}`,
          server === "" ? TEMPLATES_SUITE : server,
          tool === undefined ? "" : `t:${tool}`,
          tool ?? SERVER_CASE,
        );
  const templateCase = (file: string): Case => caseOf("", TEMPLATES_SUITE, `f:${file}`, file);
  // A prompt, resource template or resource has a case of its own, named by its kind (`prompt NAME`);
  // the instructions and capabilities are the server's own, in its `(server)` case.
  const itemCase = (server: string, kind: CaseKind, item: string): Case =>
    caseOf(
      `s:${server}`,
      server === "" ? TEMPLATES_SUITE : server,
      `${kind}:${item}`,
      subjectOf({ kind, item }),
      kindRank(kind),
    );
  const caseFor = (change: ReportedChange): Case => {
    if (change.location) return templateCase(change.location.file);
    if (change.tool === undefined && change.item !== undefined && isCaseKind(change.kind))
      return itemCase(change.server, change.kind, change.item);
    return serverCase(change.server, change.tool);
  };

  const servers = new Set([...report.servers, ...errors.keys()]);
  for (const server of servers) {
    serverCase(server, undefined);
    for (const tool of options.checked?.tools.get(server) ?? []) serverCase(server, tool);
    for (const { kind, item } of options.checked?.items?.get(server) ?? []) itemCase(server, kind, item);
  }
  for (const file of options.checked?.templates ?? []) templateCase(file);
  for (const change of report.changes) caseFor(change).changes.push(change);
  for (const [server, message] of errors) {
    for (const c of suites.get(`s:${server}`)?.cases.values() ?? []) {
      if (c.server) c.fetchError = message;
      else c.skipped = true;
    }
  }

  const timestamp = options.startedAt.toISOString().slice(0, 19); // the schema's form: no fraction, no zone
  const hostname = options.hostname.trim() === "" ? "localhost" : options.hostname;
  // Server suites by name, then the templates; a server's `(server)` case first, then its tools by name.
  const ordered = [...suites.entries()]
    .sort(([a, x], [b, y]) => Number(a === "") - Number(b === "") || cmp(x.name, y.name))
    .map(([, suite]) => suite);
  const out = [`<?xml version="1.0" encoding="UTF-8"?>`, "<testsuites>"];
  for (const [id, { name: suite, cases: caseMap }] of ordered.entries()) {
    const cases = [...caseMap.values()].sort((a, b) => a.rank - b.rank || cmp(a.name, b.name));
    const body: string[] = [];
    const passed: string[] = [];
    let failures = 0;
    let errorCount = 0;
    let skipped = 0;
    let unjudged = 0;
    for (const c of cases) {
      unjudged += c.changes.filter((change) => change.unjudged && !change.acknowledged).length;
      const open = `    <testcase name="${attr(c.name)}" classname="${attr(suite)}" time="0"`;
      const failing = c.changes.filter((change) => change.fails);
      const others = c.changes.filter((change) => !failing.includes(change));
      const listing = [...failing, ...others].map(details).join("\n\n");
      if (c.fetchError !== undefined) {
        errorCount++;
        const text = listing === "" ? c.fetchError : `${c.fetchError}\n\n${listing}`;
        body.push(
          `${open}>\n      <error message="${attr(c.fetchError)}" type="FetchError">${escapeText(text)}</error>\n    </testcase>`,
        );
      } else if (failing.length > 0) {
        failures++;
        const rules = [...new Set(failing.map((change) => change.rule))];
        const message =
          failing.length === 1
            ? failing[0]!.message
            : `${failing.length} findings fail under --fail-on ${options.failOn}: ${rules.join(", ")}`;
        body.push(
          `${open}>\n      <failure message="${attr(message)}" type="${attr(rules.join(", "))}">${escapeText(listing)}</failure>\n    </testcase>`,
        );
      } else if (c.skipped && c.changes.length === 0) {
        skipped++;
        body.push(
          `${open}>\n      <skipped message="${attr(`not checked: server ${suite} could not be fetched`)}"/>\n    </testcase>`,
        );
      } else {
        body.push(`${open}/>`);
        if (listing !== "") passed.push(`${c.name}\n${indent(listing)}`);
      }
    }
    out.push(
      `  <testsuite name="${attr(suite)}" package="${attr(suite)}" id="${id}" tests="${cases.length}" failures="${failures}" errors="${errorCount}" skipped="${skipped}" time="0" timestamp="${timestamp}" hostname="${attr(hostname)}">`,
      ...(unjudged === 0
        ? ["    <properties/>"]
        : [
            "    <properties>",
            `      <property name="mcp-contract.unjudged" value="${attr(unjudgedLine({ breaking: 0, warning: 0, info: 0, acknowledged: 0, unjudged })!)}"/>`,
            "    </properties>",
          ]),
      ...body,
      passed.length === 0
        ? "    <system-out/>"
        : `    <system-out>${escapeText(`Findings that do not fail the run:\n\n${passed.join("\n\n")}`)}</system-out>`,
      "    <system-err/>",
      "  </testsuite>",
    );
  }
  out.push("</testsuites>", "");
  return out.join("\n");
}

/** The kinds with a test case per item. */
type CaseKind = "prompt" | "resourceTemplate" | "resource";

function isCaseKind(kind: ReportedChange["kind"]): kind is CaseKind {
  return kind === "prompt" || kind === "resourceTemplate" || kind === "resource";
}

function details(change: ReportedChange): string {
  const lines = [`[${change.severity}] ${change.rule}: ${change.message}`];
  if (change.unjudged) lines.push("could not be judged: check this change by hand");
  if (change.location && change.tool !== undefined)
    lines.push(`tool ${[change.server, change.tool].filter(Boolean).join("/")}`);
  else if (change.location && change.kind !== undefined && change.server !== "")
    lines.push(`${subjectOf(change)} of server ${change.server}`);
  const where = formatLocation(change);
  if (where) lines.push(`at ${where}`);
  if (change.pointer) lines.push(`pointer ${change.pointer}`);
  if (change.before !== undefined) lines.push(`before: ${preview(change.before, 500)}`);
  if (change.after !== undefined) lines.push(`after: ${preview(change.after, 500)}`);
  if (change.hint) lines.push(`hint: ${change.hint}`);
  if (change.acknowledgement) {
    const ack = change.acknowledgement;
    lines.push(
      ack.expired
        ? `acknowledgement expired ${ack.expires}`
        : `acknowledged by ${ack.acceptedBy}: ${ack.reason}`,
    );
  }
  lines.push(`fingerprint ${change.fingerprint}`);
  return lines.join("\n");
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => (line === "" ? line : `  ${line}`))
    .join("\n");
}

// XML 1.0 forbids most C0 controls even escaped; drop them.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function escapeText(value: string): string {
  return value.replace(INVALID_XML, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function attr(value: string): string {
  return escapeText(value)
    .replace(/"/g, "&quot;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;")
    .replace(/\t/g, "&#9;");
}
