import type { Change } from "../../src/core/change.js";
import type { FailOn } from "../../src/core/fail-on.js";
import { createReport, type Report } from "../../src/core/report.js";
import type { Acknowledgement } from "../../src/policy/acknowledgements.js";
import { acknowledge } from "../../src/policy/acknowledgements.js";
import { applyPolicy } from "../../src/policy/policy.js";
import type { Checked } from "../../src/report/options.js";

/** Findings covering every shape a reporter must handle, including characters that need escaping. */
export const SAMPLE_CHANGES: Change[] = [
  {
    rule: "parameter-removed",
    severity: "breaking",
    server: "crm",
    tool: "search_customers",
    pointer: "/inputSchema/properties/customer_email",
    message: "Parameter `customer_email` was removed.",
    before: { type: "string", format: "email" },
    hint: "renamed to `email_address`",
  },
  {
    rule: "required-added",
    severity: "breaking",
    server: "crm",
    tool: "create_ticket",
    pointer: "/inputSchema/required/priority",
    message: "Parameter `priority` is now required: 100% of old calls, a,b: c\nfail.",
    after: "priority",
    witness: { title: "x" },
  },
  {
    rule: "description-changed",
    severity: "warning",
    server: "crm",
    tool: "create_ticket",
    pointer: "/description",
    message: "Description changed.",
    before: "Create a ticket.",
    after: "Create a ticket | <b>now</b> urgent.",
  },
  {
    rule: "template-unknown-parameter",
    severity: "breaking",
    server: "crm",
    tool: "search_customers",
    pointer: "/inputSchema/properties/customer_email",
    message: "Template uses `customer_email`, which `search_customers` no longer has.",
    location: { file: "prompts/support, v2.hbs", line: 12, column: 5 },
    hint: "did you mean `email_address`?",
  },
  {
    rule: "tool-added",
    severity: "info",
    server: "billing",
    tool: "refund",
    pointer: "",
    message: "Tool `refund` was added.",
  },
  {
    rule: "tool-removed",
    severity: "breaking",
    server: "billing",
    tool: "void_invoice",
    pointer: "",
    message: "Tool `void_invoice` was removed.",
  },
  {
    rule: "server-info-changed",
    severity: "info",
    server: "billing",
    pointer: "/serverInfo/version",
    message: "Server version changed.",
    before: "1.0.0",
    after: "1.1.0",
  },
];

export const NOW = new Date("2026-11-24T12:00:00Z");

/** tool-removed is acknowledged (valid); required-added was acknowledged but expired. */
export const SAMPLE_ACKS: Acknowledgement[] = [
  acknowledge(SAMPLE_CHANGES[5]!, { reason: "Nobody calls it", acceptedBy: "ana@example.com", now: NOW }),
  acknowledge(SAMPLE_CHANGES[1]!, {
    reason: "Prompts updated next sprint",
    acceptedBy: "bo",
    now: new Date("2026-10-01T00:00:00Z"),
    expires: "2026-11-01",
  }),
];

/** The sample findings through the policy, marked for `failOn` (default `breaking`). */
export function sampleReport(failOn?: FailOn): Report {
  return createReport({
    changes: applyPolicy(SAMPLE_CHANGES, {
      acknowledgements: SAMPLE_ACKS,
      now: NOW,
      ...(failOn && { failOn }),
    }),
    servers: ["crm", "billing", "search"],
    errors: [{ server: "flaky", message: "connect ECONNREFUSED 127.0.0.1:1 (check the url)" }],
  });
}

/** What the sample run checked: every locked tool (some without findings) and two templates (one clean). */
export const SAMPLE_CHECKED: Checked = {
  tools: new Map([
    ["billing", ["refund", "void_invoice"]],
    ["crm", ["create_ticket", "list_accounts", "search_customers"]],
    ["search", ["query"]],
  ]),
  templates: ["prompts/clean.hbs", "prompts/support, v2.hbs"],
};

/** A lockfile text as the lockfile writer lays it out, for `lockfileLocator`. */
export const SAMPLE_LOCKFILE = `{
  "lockfileVersion": 1,
  "servers": {
    "billing": {
      "hash": "aa",
      "tools": {
        "refund": {
          "definition": { "name": "refund" },
          "hash": "bb"
        },
        "void_invoice": {
          "definition": {
            "name": "void_invoice"
          },
          "hash": "cc"
        }
      }
    },
    "crm": {
      "hash": "dd",
      "tools": {
        "create_ticket": {
          "definition": { "name": "create_ticket" },
          "hash": "ee"
        },
        "search_customers": {
          "definition": { "name": "search_customers" },
          "hash": "ff"
        }
      }
    }
  }
}
`;
