/**
 * The html report as text (the rendered page is tested in Chromium: test/browser/): escaped
 * data, self-contained, findings beside the lines their pointers name, folded unchanged runs.
 */
import { describe, expect, test } from "vitest";
import type { Severity } from "../../src/core/change.js";
import { createReport, type ReportedChange } from "../../src/core/report.js";
import { escapeHtml, formatHtml } from "../../src/report/formats/html.js";
import { lineOfPointer, printJson } from "../../src/report/formats/html-json.js";
import { resolveOptions } from "../../src/report/options.js";

function change(over: Partial<ReportedChange> & { severity?: Severity } = {}): ReportedChange {
  return {
    rule: "param-removed",
    severity: "breaking",
    server: "crm",
    tool: "create_ticket",
    pointer: "/inputSchema/properties/customer_email",
    message: "Parameter `customer_email` was removed.",
    fingerprint: "fp",
    acknowledged: false,
    fails: true,
    ...over,
  };
}

const before = {
  name: "create_ticket",
  inputSchema: {
    type: "object",
    properties: { customer_email: { type: "string" }, subject: { type: "string" } },
  },
};
const after = {
  name: "create_ticket",
  inputSchema: { type: "object", properties: { subject: { type: "string" } } },
};

describe("printJson", () => {
  test("prints as JSON.stringify(…, 2) with sorted keys and records each pointer's line", () => {
    const printed = printJson({ b: [1, { "a/b": "x~" }], a: {} });
    expect(printed.lines.join("\n")).toBe(JSON.stringify({ a: {}, b: [1, { "a/b": "x~" }] }, null, 2));
    expect(printed.lineOf.get("")).toBe(0);
    expect(printed.lineOf.get("/a")).toBe(1);
    expect(printed.lineOf.get("/b/1/a~1b")).toBe(5);
    expect(lineOfPointer(printed, "/b/1/a~1b/deeper")).toBe(5);
    expect(lineOfPointer(printed, "/nothing")).toBe(0);
  });
});

describe("formatHtml", () => {
  const options = resolveOptions({ definitions: { before: () => before, after: () => after } });

  test("puts a removed parameter's finding beside its line in the old definition, the lines marked", () => {
    const html = formatHtml(createReport({ servers: ["crm"], changes: [change()] }), options);
    const row = html.split("<tr").find((r) => r.includes('li class="finding'))!;
    expect(row).toContain("&quot;customer_email&quot;: {");
    expect(row).toMatch(/^ class="del hit"/);
    expect(html).toContain('<span class="sev sev-breaking">breaking</span>');
  });

  test("escapes every name and message, and anchors never come from names", () => {
    const evil = '"><script>alert(1)</script>';
    const html = formatHtml(
      createReport({
        servers: [evil],
        changes: [change({ server: evil, tool: evil, message: evil, hint: evil })],
      }),
      resolveOptions(),
    );
    expect(html).not.toContain("<script>alert(1)");
    expect(html).toContain(escapeHtml(evil));
    expect(html).toContain('id="tool-1"');
    // The only script is the page's own filter.
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  test("is self-contained: no external script, style, font or image, and a policy that forbids them", () => {
    const html = formatHtml(createReport({ servers: ["crm"], changes: [change()] }), options);
    expect(html).toContain(`content="default-src 'none';`);
    expect(html).not.toMatch(/<script[^>]+src=|<link|@import|url\(|<img|<iframe/);
  });

  test("folds long unchanged runs and keeps the lines next to a change", () => {
    const big = { name: "t", inputSchema: { type: "object", properties: {} as Record<string, unknown> } };
    for (let i = 0; i < 30; i++)
      big.inputSchema.properties[`p${String(i).padStart(2, "0")}`] = { type: "string" };
    const changed = structuredClone(big);
    changed.inputSchema.properties.p15 = { type: "integer" };
    const html = formatHtml(
      createReport({
        servers: ["s"],
        changes: [
          change({
            server: "s",
            tool: "t",
            rule: "param-type-changed",
            pointer: "/inputSchema/properties/p15/type",
          }),
        ],
      }),
      resolveOptions({ definitions: { before: () => big, after: () => changed } }),
    );
    expect(html).toMatch(/… \d+ unchanged lines/);
    expect(html).toContain("&quot;type&quot;: &quot;integer&quot;");
    expect(html).not.toContain("&quot;p02&quot;");
  });

  test("the same report gives the same bytes", () => {
    const report = createReport({
      servers: ["crm"],
      changes: [change(), change({ severity: "warning", rule: "x" })],
    });
    expect(formatHtml(report, options)).toBe(formatHtml(report, options));
  });

  test("without definitions a tool's findings are listed; with no findings the page says so in its summary", () => {
    const listed = formatHtml(createReport({ servers: ["crm"], changes: [change()] }), resolveOptions());
    expect(listed).toContain('<ul class="findings"><li class="finding fails" data-severity="breaking">');
    const empty = formatHtml(createReport({ servers: ["crm"], changes: [] }), resolveOptions());
    expect(empty).toContain('<p class="summary" id="summary">No changes in 1 server. Nothing to do.</p>');
    expect(empty).toContain('<p class="counts" id="counts">0 breaking, 0 warning, 0 info</p>');
    expect(empty).not.toContain('id="filters"');
  });
});
