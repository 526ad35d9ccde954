import { describe, expect, it } from "vitest";
import type { Change } from "../../src/core/change.js";
import { TemplateError } from "../../src/errors.js";
import { checkTemplates } from "../../src/templates/check.js";
import { brief, loadLock, pos, V1_TO_V2 } from "./helpers.js";

const v1 = loadLock("crm-v1");
const v2 = loadLock("crm-v2");

/** Checks one template against v2 (previous v1, with the v1→v2 changes) and returns brief findings. */
function check(
  source: string,
  options: { partial?: boolean; history?: boolean } = {},
): Record<string, unknown>[] {
  const history = options.history ?? true;
  return checkTemplates({
    templates: [{ file: "prompts/t.hbs", source, ...(options.partial && { partial: true }) }],
    lock: v2,
    ...(history && { previousLock: v1, changes: V1_TO_V2 }),
  }).map(brief);
}

const at = (source: string, needle: string, nth = 0) => `prompts/t.hbs:${pos(source, needle, nth)}`;

describe("checkTemplates: valid references", () => {
  it("finds nothing wrong with references that all resolve", () => {
    const source = [
      "---",
      "tools: [crm/create_ticket, refund]",
      "---",
      '{{tool "create_ticket"}} {{param "crm/create_ticket" "email_address"}}',
      '{{#tool "refund"}}{{param "amount"}}{{/tool}} {{tools.close_ticket.params.ticket_id.description}}',
      "{{tools.[billing/lookup_customer].description}} `subject` `create_ticket(email_address=x, subject=y)`",
      "`print(foo)` `unknown_name`",
    ].join("\n");
    expect(check(source, { history: false })).toEqual([]);
  });
});

describe("template-unknown-param", () => {
  it("flags the renamed parameter in every explicit form, with the diff's rename hint", () => {
    const source = [
      'Email: {{param "create_ticket" "customer_email"}}',
      '{{#tool "crm/create_ticket"}}',
      '  {{param "customer_email"}}',
      "{{/tool}}",
      "{{tools.create_ticket.params.customer_email.description}}",
    ].join("\n");
    const hint = "renamed to `email_address`";
    expect(check(source)).toEqual([
      {
        rule: "template-unknown-param",
        server: "crm",
        tool: "create_ticket",
        at: at(source, "customer_email", 0),
        hint,
      },
      {
        rule: "template-affected",
        server: "crm",
        tool: "create_ticket",
        at: at(source, "customer_email", 0),
        hint,
      },
      {
        rule: "template-unknown-param",
        server: "crm",
        tool: "create_ticket",
        at: at(source, "customer_email", 1),
        hint,
      },
      {
        rule: "template-unknown-param",
        server: "crm",
        tool: "create_ticket",
        at: at(source, "customer_email", 2),
        hint,
      },
    ]);
  });

  it("says did you mean when there is no rename to cite", () => {
    const source = '{{param "refund" "ammount"}}';
    const [finding] = checkTemplates({ templates: [{ file: "t.hbs", source }], lock: v2 });
    expect(finding).toMatchObject({
      rule: "template-unknown-param",
      severity: "breaking",
      server: "billing",
      tool: "refund",
      pointer: "/inputSchema/properties/ammount",
      message: "tool `billing/refund` has no parameter `ammount`",
      hint: "did you mean `amount`?",
      location: { file: "t.hbs", line: 1, column: 19 },
    });
  });

  it("flags a one-argument param outside any tool block, but not in a partial", () => {
    const source = 'Hi\n  {{param "subject"}}';
    expect(check(source)).toEqual([
      {
        rule: "template-unknown-param",
        server: "",
        tool: undefined,
        at: at(source, "subject"),
        hint: 'write `{{param "TOOL" "subject"}}` or move it into a `{{#tool "TOOL"}}` block',
      },
    ]);
    expect(check(source, { partial: true })).toEqual([]);
  });

  it("accepts a parameter of an ambiguous tool if any of its servers has it, after flagging the ambiguity", () => {
    const source = '{{param "lookup_customer" "account_id"}}';
    expect(check(source).map((f) => f.rule)).toEqual(["template-ambiguous-tool"]);
  });
});

describe("template-unknown-tool", () => {
  it("flags a removed tool in every explicit form", () => {
    const source = [
      "---",
      "tools: [escalate]",
      "---",
      '{{tool "escalate"}} {{#tool "crm/escalate"}}{{param "reason"}}{{/tool}} {{tools.escalate.description}}',
    ].join("\n");
    const found = check(source);
    expect(found.filter((f) => f.rule === "template-unknown-tool")).toEqual([
      { rule: "template-unknown-tool", server: "crm", tool: "escalate", at: at(source, "escalate", 0) },
      { rule: "template-unknown-tool", server: "crm", tool: "escalate", at: at(source, "escalate", 1) },
      { rule: "template-unknown-tool", server: "crm", tool: "escalate", at: at(source, "crm/escalate") },
      { rule: "template-unknown-tool", server: "crm", tool: "escalate", at: at(source, "escalate", 3) },
    ]);
    // The parameter of an unknown tool is not reported again.
    expect(found.some((f) => f.rule === "template-unknown-param")).toBe(false);
  });

  it("suggests the closest tool name, qualified when written qualified", () => {
    const findings = checkTemplates({
      templates: [
        { file: "t.hbs", source: '{{tool "create_tiket"}}\n{{tool "crm/close_tickets"}}\n{{tool "nope/x"}}' },
      ],
      lock: v2,
    });
    expect(findings.map((f) => [f.server, f.message, f.hint, f.location?.line, f.location?.column])).toEqual([
      ["", "no server has a tool `create_tiket`", "did you mean `create_ticket`?", 1, 9],
      ["crm", "server `crm` has no tool `close_tickets`", "did you mean `crm/close_ticket`?", 2, 9],
      ["", "no server has a tool `nope/x`", undefined, 3, 9],
    ]);
  });

  it("uses a tool-level hint from the diff when it has one", () => {
    const changes: Change[] = [
      {
        rule: "tool-removed",
        severity: "breaking",
        server: "crm",
        tool: "escalate",
        pointer: "",
        message: "gone",
        hint: "replaced by `create_ticket`",
      },
    ];
    const [finding] = checkTemplates({
      templates: [{ file: "t.hbs", source: '{{tool "escalate"}}' }],
      lock: v2,
      previousLock: v1,
      changes,
    });
    expect(finding).toMatchObject({ rule: "template-unknown-tool", hint: "replaced by `create_ticket`" });
  });
});

describe("template-ambiguous-tool", () => {
  it("flags an unqualified name that several servers have, and not the qualified one", () => {
    const source =
      '{{tool "lookup_customer"}} {{tool "crm/lookup_customer"}}\n{{tools.lookup_customer.description}}';
    const findings = checkTemplates({ templates: [{ file: "prompts/t.hbs", source }], lock: v2 });
    expect(findings.map(brief)).toEqual([
      {
        rule: "template-ambiguous-tool",
        server: "",
        tool: "lookup_customer",
        at: at(source, "lookup_customer", 0),
        hint: "qualify it: `billing/lookup_customer` or `crm/lookup_customer`",
      },
      {
        rule: "template-ambiguous-tool",
        server: "",
        tool: "lookup_customer",
        at: at(source, "lookup_customer", 2),
        hint: "qualify it: `billing/lookup_customer` or `crm/lookup_customer`",
      },
    ]);
    expect(findings[0]).toMatchObject({
      severity: "breaking",
      message: "tool `lookup_customer` is ambiguous: servers `billing` and `crm` both have it",
      hint: "qualify it: `billing/lookup_customer` or `crm/lookup_customer`",
    });
  });
});

describe("template-stale-mention", () => {
  it("flags prose naming a parameter only the previous lockfile has, with the rename hint", () => {
    const source = "Always pass the customer's address as `customer_email`.";
    expect(check(source)).toEqual([
      {
        rule: "template-stale-mention",
        server: "crm",
        tool: "create_ticket",
        at: at(source, "customer_email"),
        hint: "renamed to `email_address`",
      },
      {
        rule: "template-affected",
        server: "crm",
        tool: "create_ticket",
        at: at(source, "customer_email"),
        hint: "renamed to `email_address`",
      },
    ]);
  });

  it("flags prose naming a removed tool; a call's argument the tool lacks is an unknown parameter", () => {
    const source = "If stuck, `escalate`.\nOr call `create_ticket(customer_email=e, subject=s)`.";
    const found = check(source).filter((f) => f.rule !== "template-affected");
    expect(found).toEqual([
      { rule: "template-stale-mention", server: "crm", tool: "escalate", at: at(source, "escalate") },
      {
        rule: "template-missing-required-param",
        server: "crm",
        tool: "create_ticket",
        at: at(source, "create_ticket"),
        hint: "add `email_address` to the call",
      },
      {
        rule: "template-unknown-param",
        server: "crm",
        tool: "create_ticket",
        at: at(source, "customer_email"),
        hint: "renamed to `email_address`",
      },
    ]);
  });

  it("gives the same prose call the same rule wherever it appears, with history or without", () => {
    const call = "`create_ticket(customer_email=e, subject=s)`";
    const source = [
      `Top: ${call}`,
      `{{#tool "crm/create_ticket"}}In its block: ${call}{{/tool}}`,
      `{{#tool "refund"}}In another block: ${call}{{/tool}}`,
      `{{#if x}}In an if: ${call}{{/if}}`,
      "```",
      "create_ticket(customer_email=e, subject=s)",
      "```",
    ].join("\n");
    const rules = (found: Record<string, unknown>[]) =>
      found.filter((f) => f.rule !== "template-affected").map((f) => `${f.rule} ${f.at}`);
    const expected = [0, 1, 2, 3, 4].flatMap((n) => [
      `template-missing-required-param ${at(source, "create_ticket(", n)}`,
      `template-unknown-param ${at(source, "customer_email", n)}`,
    ]);
    expect(rules(check(source))).toEqual(expected);
    expect(rules(check(source, { history: false }))).toEqual(expected);
    expect(rules(check(source, { partial: true }))).toEqual(expected);
    // The argument it lacks is unknown even when no version ever had it; a hint names the closest one.
    expect(check("`refund(payment_id=1, amout=2)`", { history: false })).toEqual([
      {
        rule: "template-unknown-param",
        server: "billing",
        tool: "refund",
        at: "prompts/t.hbs:1:23",
        hint: "did you mean `amount`?",
      },
    ]);
  });

  it("reports a bare call of a name two servers share as ambiguous, unless a block of one of them holds it", () => {
    const source = "Call `lookup_customer(email=a)`.";
    expect(check(source, { history: false })).toEqual([
      {
        rule: "template-ambiguous-tool",
        server: "",
        tool: "lookup_customer",
        at: at(source, "lookup_customer"),
        hint: "qualify it: `billing/lookup_customer` or `crm/lookup_customer`",
      },
    ]);
    const scoped = '{{#tool "crm/lookup_customer"}}Call `lookup_customer(nope=a)`.{{/tool}}';
    expect(check(scoped, { history: false }).map((f) => `${f.rule} ${f.server}/${f.tool}`)).toEqual([
      "template-missing-required-param crm/lookup_customer",
      "template-unknown-param crm/lookup_customer",
    ]);
  });

  it("reads prose inside a tool block as about that tool, even when another tool still has the name", () => {
    const lock = structuredClone(v2);
    const refund = lock.servers.billing!.tools.refund!.definition as unknown as {
      inputSchema: { properties: object };
    };
    refund.inputSchema.properties = { ...refund.inputSchema.properties, customer_email: { type: "string" } };
    const source = '{{#tool "create_ticket"}}\nFill in `customer_email`.\n{{/tool}}\nAlso `customer_email`.';
    const findings = checkTemplates({
      templates: [{ file: "prompts/t.hbs", source }],
      lock,
      previousLock: v1,
    });
    expect(findings.map(brief)).toEqual([
      {
        rule: "template-stale-mention",
        server: "crm",
        tool: "create_ticket",
        at: at(source, "customer_email"),
      },
    ]);
  });

  it("is a warning, and without a previous lockfile unknown prose is not a reference", () => {
    const source = "`customer_email` and `escalate(reason=x)`";
    expect(check(source, { history: false })).toEqual([]);
    const [finding] = checkTemplates({ templates: [{ file: "t.hbs", source }], lock: v2, previousLock: v1 });
    expect(finding).toMatchObject({ severity: "warning", pointer: "/inputSchema/properties/customer_email" });
  });
});

describe("template-missing-required-param", () => {
  it("flags a call in prose that omits a required parameter, at the call", () => {
    const source = 'Then:\n\n    `create_ticket(subject="Refund")`';
    expect(check(source, { history: false })).toEqual([
      {
        rule: "template-missing-required-param",
        server: "crm",
        tool: "create_ticket",
        at: at(source, "create_ticket"),
        hint: "add `email_address` to the call",
      },
    ]);
    const [finding] = checkTemplates({ templates: [{ file: "t.hbs", source }], lock: v2 });
    expect(finding).toMatchObject({
      severity: "warning",
      pointer: "/inputSchema/properties/email_address",
      message: "this call of `crm/create_ticket` omits its required parameter `email_address`",
    });
  });

  it("does not flag calls that elide arguments or give them all", () => {
    expect(
      check("`create_ticket(...)` `refund(payment_id=1)` `create_ticket(email_address=a, subject=b)`", {
        history: false,
      }),
    ).toEqual([]);
  });
});

describe("template-affected", () => {
  it("lists each breaking change of each tool a template depends on, at the reference", () => {
    const templates = [
      { file: "a.hbs", source: "---\ntools: [crm/create_ticket]\n---\nHello" },
      { file: "b.hbs", source: 'Use {{tool "refund"}} and\n`create_ticket(email_address=a, subject=b)`' },
      { file: "c.hbs", source: 'Only {{tool "refund"}}' },
    ];
    const found = checkTemplates({ templates, lock: v2, previousLock: v1, changes: V1_TO_V2 }).filter(
      (f) => f.rule === "template-affected",
    );
    expect(found.map(brief)).toEqual([
      {
        rule: "template-affected",
        server: "crm",
        tool: "create_ticket",
        at: "a.hbs:2:9",
        hint: "renamed to `email_address`",
      },
      {
        rule: "template-affected",
        server: "crm",
        tool: "create_ticket",
        at: "b.hbs:2:2",
        hint: "renamed to `email_address`",
      },
    ]);
    expect(found[0]).toMatchObject({
      severity: "warning",
      pointer: "/inputSchema/properties/customer_email",
      message:
        "this template uses `crm/create_ticket`, which has a breaking change (param-renamed): parameter `customer_email` of `create_ticket` was renamed to `email_address`",
    });
  });

  it("includes templates that use a removed tool, and skips non-breaking changes", () => {
    const found = check('{{tool "escalate"}} {{tool "crm/lookup_customer"}}').filter(
      (f) => f.rule === "template-affected",
    );
    expect(found).toEqual([
      { rule: "template-affected", server: "crm", tool: "escalate", at: "prompts/t.hbs:1:9" },
    ]);
  });
});

describe("checkTemplates errors", () => {
  it("throws TemplateError with file:line on a syntax error", () => {
    expect(() =>
      checkTemplates({ templates: [{ file: "prompts/x.hbs", source: 'a\nb\n{{#tool "x"}}\n' }], lock: v2 }),
    ).toThrow(TemplateError);
    expect(() =>
      checkTemplates({ templates: [{ file: "prompts/x.hbs", source: 'a\nb\n{{#tool "x"}}\n' }], lock: v2 }),
    ).toThrow(/^prompts\/x\.hbs:\d+:\d+: syntax error/);
  });

  it("reports a block left open where it opens, not at the end of the file", () => {
    const source = 'a\n  {{#tool "crm/create_ticket"}}\n{{#if x}}y{{/if}}\n{{! {{#each}} }}\nthe end\n\n';
    expect(() => checkTemplates({ templates: [{ file: "prompts/x.hbs", source }], lock: v2 })).toThrow(
      "prompts/x.hbs:2:3: syntax error: `{{#tool}}` is never closed: add `{{/tool}}` where the block ends",
    );
  });
});
