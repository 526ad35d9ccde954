import { describe, expect, it } from "vitest";
import { TemplateError } from "../../src/errors.js";
import { checkTemplates } from "../../src/templates/check.js";
import { renderTemplate, toolsView } from "../../src/templates/render.js";
import { loadLock } from "./helpers.js";

const v2 = loadLock("crm-v2");

const CREATE_TICKET_DOC = [
  "create_ticket: Create a support ticket.",
  "Parameters:",
  "- email_address (string; required): The customer's email address.",
  '- priority (string; optional; one of "low", "high"; default "low")',
  "- subject (string; required): One-line summary.",
].join("\n");

describe("renderTemplate", () => {
  it("renders known, inline and quoted partials and a partial block's fallback; an unknown partial is a TemplateError at its line", () => {
    const partials = { footer: "F" };
    const source =
      '{{#*inline "x"}}X{{/inline}}{{> x}} {{> footer}} {{> "footer"}} {{#> gone}}fallback{{/gone}}';
    expect(renderTemplate(source, v2, {}, { file: "p.hbs", partials })).toBe("X F F fallback");
    expect(() => renderTemplate("a\n {{> nope}}", v2, {}, { file: "p.hbs", partials })).toThrow(
      new TemplateError(
        "p.hbs:2:2: cannot render: no partial `nope`; partials are the files of the config's `partials` directories",
      ),
    );
  });

  it("hands {{log}} messages to options.log with file:line:column, and drops them without it", () => {
    const messages: string[] = [];
    const source = 'a{{log "x" tools.create_ticket.name}}b\n{{log 1}}';
    expect(renderTemplate(source, v2, {}, { file: "p.hbs", log: (m) => messages.push(m) })).toBe("ab\n");
    expect(messages).toEqual(["p.hbs:1:2: log: x create_ticket", "p.hbs:2:1: log: 1"]);
    expect(renderTemplate(source, v2)).toBe("ab\n");
  });

  it("renders a tool as its name, description and parameter docs", () => {
    expect(renderTemplate('Tools:\n{{tool "crm/create_ticket"}}\n', v2)).toBe(
      `Tools:\n${CREATE_TICKET_DOC}\n`,
    );
  });

  it("renders params as their names, in the helper, block and path forms", () => {
    const source = [
      'A {{param "create_ticket" "email_address"}}',
      '{{#tool "create_ticket"}}B {{param "subject"}} of {{name}} ({{@tool.server}}){{/tool}}',
      "C {{tools.create_ticket.params.priority}}: {{tools.[crm/create_ticket].params.email_address.description}}",
    ].join("\n");
    expect(renderTemplate(source, v2)).toBe(
      "A email_address\nB subject of create_ticket (crm)\nC priority: The customer's email address.",
    );
  });

  it("lets templates iterate parameters and see required ones", () => {
    const source =
      "{{#each tools.refund.params}}{{@key}}{{#if required}}*{{/if}}={{type}} {{/each}}{{tools.refund.required}}";
    expect(renderTemplate(source, v2)).toBe("amount=number payment_id*=string payment_id");
  });

  it("drops front matter while keeping line numbers for errors", () => {
    const source = '---\ntools: [refund]\n---\nHi {{name}}\n{{tool "nope"}}';
    expect(() => renderTemplate(source, v2, { name: "Ann" }, { file: "p.hbs" })).toThrow(
      "p.hbs:5:9: no server in the lockfile has a tool `nope`",
    );
    expect(renderTemplate("---\ntools: [refund]\n---\nHi {{name}} & <b>", v2, { name: 'Ann "A"' })).toBe(
      'Hi Ann "A" & <b>',
    );
  });

  it("renders user data and partials, with the lockfile's tools always under `tools`", () => {
    const out = renderTemplate(
      "{{> sig}} {{who}} {{tools.refund.name}}",
      v2,
      { who: "me", tools: "ignored" },
      {
        partials: { sig: '---\ntools: [refund]\n---\n-- {{tool "refund"}}' },
      },
    );
    expect(out).toBe(
      "-- refund: Refund a payment.\nParameters:\n- amount (number; optional)\n- payment_id (string; required) me refund",
    );
  });

  it("throws TemplateError for unknown params, ambiguous tools and params outside a tool block", () => {
    // Each error points at the name it is about: the column check reports for the same template.
    const source = 'x\n {{param "refund" "amt"}}';
    expect(() => renderTemplate(source, v2, {}, { file: "p.hbs" })).toThrow(
      "p.hbs:2:20: tool `billing/refund` has no parameter `amt`",
    );
    const [finding] = checkTemplates({ templates: [{ file: "p.hbs", source }], lock: v2 });
    expect(finding).toMatchObject({ rule: "template-unknown-param", location: { line: 2, column: 20 } });
    expect(() => renderTemplate('{{#tool "refund"}}\n  {{param "amt"}}{{/tool}}', v2)).toThrow(
      "<template>:2:12: tool `billing/refund` has no parameter `amt`",
    );
    expect(() => renderTemplate('{{tool "lookup_customer"}}', v2)).toThrow(
      "<template>:1:9: tool `lookup_customer` is ambiguous: write `billing/lookup_customer` or `crm/lookup_customer`",
    );
    expect(() => renderTemplate('{{param "subject"}}', v2)).toThrow(TemplateError);
  });

  it("reports a syntax error as file:line", () => {
    expect(() => renderTemplate("a\n{{#if x}}", v2, {}, { file: "p.hbs" })).toThrow(
      "p.hbs:2:1: syntax error: `{{#if}}` is never closed: add `{{/if}}` where the block ends",
    );
    expect(() => renderTemplate("a\n{{foo bar=}}", v2, {}, { file: "p.hbs" })).toThrow(
      /^p\.hbs:2: syntax error/,
    );
  });
});

describe("toolsView", () => {
  it("keys tools by server/name and by unique bare name only", () => {
    const view = toolsView(v2);
    expect(Object.keys(view).sort()).toEqual([
      "billing/lookup_customer",
      "billing/refund",
      "close_ticket",
      "create_ticket",
      "crm/close_ticket",
      "crm/create_ticket",
      "crm/lookup_customer",
      "refund",
    ]);
    expect(JSON.parse(JSON.stringify(view.refund))).toEqual({
      name: "refund",
      server: "billing",
      qualifiedName: "billing/refund",
      description: "Refund a payment.",
      params: {
        payment_id: { name: "payment_id", type: "string", required: true },
        amount: { name: "amount", type: "number", required: false },
      },
      required: ["payment_id"],
    });
  });
});
