import { describe, expect, it } from "vitest";
import { TemplateError } from "../../src/errors.js";
import { extractReferences } from "../../src/templates/references.js";
import { pos } from "./helpers.js";

/** References as `kind form name@line:column` strings, to assert file positions compactly. */
function refs(source: string): string[] {
  return extractReferences(source, "p.hbs").references.map((r) => {
    const at = `@${r.location.line}:${r.location.column}`;
    if (r.kind === "tool") return `tool ${r.form} ${r.name}${at}`;
    if (r.kind === "param") return `param ${r.form} ${r.tool ?? "?"}.${r.param}${at}`;
    if (r.kind === "mention") return `mention ${r.name}${at}`;
    if (r.kind === "prompt") {
      const given = r.args?.map((a) => `${a.name}@${a.location.line}:${a.location.column}`).join(",");
      return `prompt ${r.form} ${r.name}${given === undefined ? "" : `(${given})`}${at}`;
    }
    if (r.kind === "prompt-argument") return `arg ${r.form} ${r.prompt ?? "?"}.${r.argument}${at}`;
    if (r.kind === "resource") return `resource ${r.form} ${r.uri}${at}`;
    if (r.kind === "partial") return `partial ${r.name}${at}`;
    const args = r.args.map((a) => `${a.name}@${a.location.line}:${a.location.column}`).join(",");
    return `call ${r.tool}(${args}${r.elided ? ",…" : ""})${at}`;
  });
}

describe("extractReferences", () => {
  it("reads the tool helper, plain and server-qualified", () => {
    const source = 'Use {{tool "create_ticket"}}.\n  {{tool "crm/create_ticket"}}';
    expect(refs(source)).toEqual([
      `tool helper create_ticket@${pos(source, "create_ticket")}`,
      `tool helper crm/create_ticket@${pos(source, "crm/")}`,
    ]);
    expect(pos(source, "crm/")).toBe("2:11");
  });

  it("reads the two-argument param helper as a tool and a parameter", () => {
    const source = 'x {{param "create_ticket" "customer_email"}}';
    expect(refs(source)).toEqual([
      `tool helper create_ticket@${pos(source, "create_ticket")}`,
      `param helper create_ticket.customer_email@${pos(source, "customer_email")}`,
    ]);
  });

  it("gives a one-argument param the tool of the enclosing tool block", () => {
    const source = ['{{#tool "crm/create_ticket"}}', 'Send {{param "customer_email"}}.', "{{/tool}}"].join(
      "\n",
    );
    expect(refs(source)).toEqual([
      "tool block crm/create_ticket@1:10",
      `param block crm/create_ticket.customer_email@${pos(source, "customer_email")}`,
    ]);
  });

  it("scopes nested tool blocks and leaves a param outside any block without a tool", () => {
    const source = [
      '{{#tool "a"}}{{#tool "b"}}{{param "x"}}{{/tool}}{{param "y"}}{{/tool}}',
      '{{param "z"}}',
    ].join("\n");
    expect(refs(source)).toEqual([
      `tool block a@${pos(source, 'a"')}`,
      `tool block b@${pos(source, 'b"')}`,
      `param block b.x@${pos(source, 'x"')}`,
      `param block a.y@${pos(source, 'y"')}`,
      `param helper ?.z@${pos(source, 'z"')}`,
    ]);
  });

  it("reads tools.* paths, bracketed segments, @root and ../ prefixes", () => {
    const source = [
      "{{tools.create_ticket.params.customer_email}}",
      "{{tools.[crm/create_ticket].description}}",
      "{{#each items}}{{@root.tools.refund.params.amount.description}} {{../tools.escalate}}{{/each}}",
    ].join("\n");
    expect(refs(source)).toEqual([
      `tool path create_ticket@${pos(source, "create_ticket")}`,
      `param path create_ticket.customer_email@${pos(source, "customer_email")}`,
      `tool path crm/create_ticket@${pos(source, "crm/")}`,
      `tool path refund@${pos(source, "refund")}`,
      `param path refund.amount@${pos(source, "amount")}`,
      `tool path escalate@${pos(source, "escalate")}`,
    ]);
  });

  it("finds references inside sub-expressions, hash values and block params", () => {
    const source = '{{upper (tool "a")}} {{x key=tools.b.name}} {{#each tools.c.params}}{{/each}}';
    expect(refs(source)).toEqual([
      `tool helper a@${pos(source, 'a"')}`,
      `tool path b@${pos(source, "b.name")}`,
      `tool path c@${pos(source, "c.params")}`,
    ]);
  });

  it("reads front matter tools with their own positions and keeps body lines right", () => {
    const source = [
      "---",
      "title: Escalate",
      "tools: [crm/create_ticket, 'refund']",
      "---",
      '{{tool "x"}}',
    ].join("\n");
    expect(refs(source)).toEqual([
      "tool front-matter crm/create_ticket@3:9",
      "tool front-matter refund@3:29",
      "tool helper x@5:9",
    ]);
  });

  it("reads front matter tools as a block list or a single name", () => {
    expect(refs("---\ntools:\n  - a\n  - b/c\n---\n")).toEqual([
      "tool front-matter a@3:5",
      "tool front-matter b/c@4:5",
    ]);
    expect(refs("---\ntools: a\n---")).toEqual(["tool front-matter a@2:8"]);
  });

  it("reads bare names in prose code spans as mentions", () => {
    const source = "Pass `customer_email` and ``crm/create_ticket`` but not `two words`.\n  then ` subject `";
    expect(refs(source)).toEqual([
      `mention customer_email@${pos(source, "customer_email")}`,
      `mention crm/create_ticket@${pos(source, "crm/")}`,
      `mention subject@${pos(source, "subject")}`,
    ]);
  });

  it("records the enclosing tool block of a prose mention", () => {
    const source = '{{#tool "crm/create_ticket"}}Set `subject`.{{/tool}} `body`';
    const mentions = extractReferences(source, "p.hbs").references.filter((r) => r.kind === "mention");
    expect(mentions.map((m) => [m.name, m.scope])).toEqual([
      ["subject", "crm/create_ticket"],
      ["body", undefined],
    ]);
  });

  it("reads calls in code spans with their named arguments, JSON style too", () => {
    const source = [
      'Call `create_ticket(customer_email="a@b.c", subject=...)` or',
      '`crm/refund({"payment_id": "p1", "amount": 3})` or `escalate(...)` or `close_ticket()`',
    ].join("\n");
    expect(refs(source)).toEqual([
      `call create_ticket(customer_email@${pos(source, "customer_email")},subject@${pos(source, "subject")})@1:7`,
      `call crm/refund(payment_id@${pos(source, "payment_id")},amount@${pos(source, "amount")})@2:2`,
      `call escalate(,…)@${pos(source, "escalate")}`,
      `call close_ticket()@${pos(source, "close_ticket")}`,
    ]);
  });

  it("reads calls in fenced code blocks across lines", () => {
    const source = ["```", "create_ticket(", "  subject: 'x',", "  priority: 'high')", "```"].join("\n");
    expect(refs(source)).toEqual(["call create_ticket(subject@3:3,priority@4:3)@2:1"]);
    expect(pos(source, "priority")).toBe("4:3");
  });

  it("maps prose positions through statements, whitespace control and comments", () => {
    const source = [
      "{{!-- `not_this` --}}{{#if x~}}",
      '   {{tool "a"~}}  `after_strip` {{~/if}}',
      "`last`",
    ].join("\n");
    expect(refs(source)).toEqual([
      `tool helper a@${pos(source, 'a"')}`,
      `mention after_strip@${pos(source, "after_strip")}`,
      "mention last@3:2",
    ]);
  });

  it("skips code spans that contain a Handlebars statement and keeps later spans paired", () => {
    const source = 'Use `{{tool "a"}}` then `subject`';
    expect(refs(source)).toEqual([
      `tool helper a@${pos(source, 'a"')}`,
      `mention subject@${pos(source, "subject")}`,
    ]);
  });

  it("ignores dynamic helper arguments and other helpers; a partial's name is a partial, not a tool", () => {
    expect(
      refs('{{tool name}} {{param x "y"}} {{lookup tools name}} {{> tools}} {{my_helper "create_ticket"}}'),
    ).toEqual(["partial tools@1:53"]);
  });

  it("reads partials by name, not inline ones, partial blocks or computed names", () => {
    expect(
      refs(
        '{{#*inline "sig"}}x{{/inline}}\n{{> sig}} {{#> block}}y{{/block}} {{> (lookup . "n")}}\n  {{> "shared/footer"}}',
      ),
    ).toEqual(["partial shared/footer@3:3"]);
  });

  it("reports a syntax error as file:line", () => {
    expect(() => extractReferences('ok\n\n{{tool "a"', "prompts/bad.hbs")).toThrow(TemplateError);
    expect(() => extractReferences('ok\n\n{{tool "a"', "prompts/bad.hbs")).toThrow(
      /^prompts\/bad\.hbs:3: syntax error: /,
    );
    expect(() => extractReferences("a\n{{#if x}}\n{{/each}}", "p.hbs")).toThrow(
      /^p\.hbs:2: syntax error: if doesn't match each$/,
    );
  });

  it("reports invalid front matter as file:line", () => {
    expect(() => extractReferences("---\ntitle: x\ntools: [a\n---\n", "f.hbs")).toThrow(
      /^f\.hbs:\d+: invalid front matter/,
    );
    expect(() => extractReferences("---\ntools: [1]\n---\n", "f.hbs")).toThrow(
      /^f\.hbs:2: front matter `tools` must list tool names/,
    );
  });
});
