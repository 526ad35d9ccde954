import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Change } from "../../src/core/change.js";
import type { Lockfile } from "../../src/core/lockfile.js";

const fixtures = fileURLToPath(new URL("../../fixtures/templates/", import.meta.url));

/** Reads a fixture lockfile: `crm-v1` has crm/create_ticket(customer_email), `crm-v2` renamed it to email_address. */
export function loadLock(name: "crm-v1" | "crm-v2"): Lockfile {
  return JSON.parse(readFileSync(`${fixtures}${name}.lock.json`, "utf8")) as Lockfile;
}

/** What the diff engine reports for crm-v1 → crm-v2 (the parts templates use). */
export const V1_TO_V2: Change[] = [
  {
    rule: "param-renamed",
    severity: "breaking",
    server: "crm",
    tool: "create_ticket",
    pointer: "/inputSchema/properties/customer_email",
    message: "parameter `customer_email` of `create_ticket` was renamed to `email_address`",
    hint: "renamed to `email_address`",
  },
  {
    rule: "tool-removed",
    severity: "breaking",
    server: "crm",
    tool: "escalate",
    pointer: "",
    message: "tool `escalate` was removed",
  },
  {
    rule: "description-changed",
    severity: "warning",
    server: "crm",
    tool: "lookup_customer",
    pointer: "/description",
    message: "description changed",
  },
];

/** Keeps the fields a test asserts on, with the location as `line:column`. */
export function brief(change: Change): Record<string, unknown> {
  return {
    rule: change.rule,
    server: change.server,
    tool: change.tool,
    at: change.location
      ? `${change.location.file}:${change.location.line}:${change.location.column}`
      : undefined,
    ...(change.hint !== undefined && { hint: change.hint }),
  };
}

/**
 * `line:column` (1-based) of the `nth` (0-based) occurrence of `needle` in
 * `source`: expected positions are computed from the text, not counted by hand.
 */
export function pos(source: string, needle: string, nth = 0): string {
  let index = -1;
  for (let i = 0; i <= nth; i++) {
    index = source.indexOf(needle, index + 1);
    if (index === -1) throw new Error(`test bug: occurrence ${nth} of ${needle} not in source`);
  }
  const before = source.slice(0, index);
  const line = before.split("\n").length;
  return `${line}:${index - before.lastIndexOf("\n")}`;
}
