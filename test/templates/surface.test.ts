// Templates that use the rest of a server's surface: `{{prompt}}`, `{{arg}}`, `{{resource}}`, their
// block forms, `prompts.…` / `resources.…` paths and front matter, read from the syntax tree,
// checked against a lockfile (unknown, ambiguous, missing required, did-you-mean, blast radius)
// and rendered with the same lookups.
import { describe, expect, it } from "vitest";
import type { Change } from "../../src/core/change.js";
import type { Lockfile } from "../../src/core/lockfile.js";
import type { ServerSnapshot } from "../../src/core/snapshot.js";
import { isUriTemplate, matchesUriTemplate, sameUriTemplate } from "../../src/core/uri-template.js";
import { diffLockfiles } from "../../src/diff/index.js";
import { TemplateError } from "../../src/errors.js";
import { emptyLockfile, lockServer } from "../../src/lockfile/build.js";
import { checkTemplates } from "../../src/templates/check.js";
import { extractReferences } from "../../src/templates/references.js";
import { renderTemplate } from "../../src/templates/render.js";
import { pos } from "./helpers.js";

type Surface = Omit<ServerSnapshot, "server">;

const CRM_V1: Surface = {
  tools: [{ name: "lookup_customer", inputSchema: { type: "object" } }],
  prompts: [
    {
      name: "summarize_customer",
      description: "Summarise a customer's open tickets.",
      arguments: [
        { name: "customer_id", description: "The customer's id.", required: true },
        { name: "since", description: "Only tickets opened since this date." },
      ],
    },
  ],
  resourceTemplates: [
    {
      name: "customer",
      uriTemplate: "crm://customers/{id}{?fields}",
      mimeType: "application/json",
      description: "A customer's record.",
    },
  ],
  resources: [{ uri: "crm://status", name: "status", mimeType: "text/plain" }],
};

/** v2: `since` became required, the template's variable was renamed. */
const CRM_V2: Surface = {
  ...CRM_V1,
  prompts: [
    {
      ...CRM_V1.prompts![0]!,
      arguments: [
        { name: "customer_id", description: "The customer's id.", required: true },
        { name: "since", description: "Only tickets opened since this date.", required: true },
      ],
    },
  ],
  resourceTemplates: [{ ...CRM_V1.resourceTemplates![0]!, uriTemplate: "crm://customers/{customer_id}" }],
};

function lockOf(servers: Record<string, Surface>): Lockfile {
  const lock = emptyLockfile();
  for (const [name, surface] of Object.entries(servers)) lock.servers[name] = lockServer(surface);
  return lock;
}

/** Findings as `rule at: message (hint)` lines. */
function check(source: string, lock: Lockfile, previousLock?: Lockfile, partial = false): string[] {
  const changes: Change[] | undefined = previousLock ? diffLockfiles(previousLock, lock) : undefined;
  return checkTemplates({
    templates: [{ file: "p.hbs", source, partial }],
    lock,
    ...(previousLock && { previousLock }),
    ...(changes && { changes }),
  }).map(
    (c) => `${c.rule} ${c.location!.line}:${c.location!.column}: ${c.message}${c.hint ? ` (${c.hint})` : ""}`,
  );
}

const v1 = lockOf({ crm: CRM_V1 });
const v2 = lockOf({ crm: CRM_V2 });

describe("references to prompts and resources", () => {
  it("reads helpers with their hash arguments, blocks, two-argument arg, paths and front matter", () => {
    const source = [
      "---",
      "prompts: [crm/summarize_customer]",
      'resources: ["crm://status"]',
      "---",
      '{{prompt "crm/summarize_customer" customer_id=id  since="2026-01-01"}}',
      '{{#prompt "summarize_customer"}}{{arg "since"}} {{description}}{{/prompt}}',
      '{{arg "summarize_customer" "customer_id"}} {{prompts.[crm/summarize_customer].args.since.description}}',
      '{{resource "crm://customers/42"}} {{#resource "crm://status"}}{{mimeType}}{{/resource}}',
      "{{resources.[crm://customers/{id}{?fields}].description}}",
    ].join("\n");
    const refs = extractReferences(source, "p.hbs").references.map((r) => {
      const at = `${r.location.line}:${r.location.column}`;
      if (r.kind === "prompt")
        return `prompt ${r.form} ${r.name}${r.args ? `(${r.args.map((a) => `${a.name}@${a.location.line}:${a.location.column}`).join(",")})` : ""}@${at}`;
      if (r.kind === "prompt-argument") return `arg ${r.form} ${r.prompt ?? "?"}.${r.argument}@${at}`;
      if (r.kind === "resource") return `resource ${r.form} ${r.uri}@${at}`;
      return `${r.kind}@${at}`;
    });
    expect(refs).toEqual([
      `prompt front-matter crm/summarize_customer@${pos(source, "crm/summarize_customer")}`,
      `resource front-matter crm://status@${pos(source, "crm://status")}`,
      `prompt helper crm/summarize_customer(customer_id@${pos(source, "customer_id=")},since@${pos(source, "since=")})@${pos(source, "crm/summarize_customer", 1)}`,
      `prompt block summarize_customer@${pos(source, 'summarize_customer"}}')}`,
      `arg block summarize_customer.since@${pos(source, 'since"}}')}`,
      `prompt helper summarize_customer@${pos(source, 'summarize_customer" "')}`,
      `arg helper summarize_customer.customer_id@${pos(source, 'customer_id"}}')}`,
      `prompt path crm/summarize_customer@${pos(source, "crm/summarize_customer].")}`,
      `arg path crm/summarize_customer.since@${pos(source, "since.description")}`,
      `resource helper crm://customers/42@${pos(source, "crm://customers/42")}`,
      `resource block crm://status@${pos(source, 'crm://status"}}')}`,
      `resource path crm://customers/{id}{?fields}@${pos(source, "crm://customers/{id}")}`,
    ]);
    expect(pos(source, "since=")).toBe("5:51");
  });

  it("front matter lists are checked: prompts must be names", () => {
    expect(() => extractReferences("---\nprompts: [{a: 1}]\n---\n", "p.hbs")).toThrow(
      new TemplateError(
        "p.hbs:2: front matter `prompts` must list prompt names, e.g. `prompts: [crm/summarize_customer]`",
      ),
    );
  });
});

describe("RFC 6570 matching", () => {
  it("a URI matches the templates it is an expansion of", () => {
    const yes: [string, string][] = [
      ["crm://customers/42", "crm://customers/{id}"],
      ["crm://customers/42", "crm://customers/{id}{?fields}"],
      ["crm://customers/42?fields=a,b", "crm://customers/{id}{?fields}"],
      ["file:///etc/hosts", "file:///{+path}"],
      ["crm://x/a/b", "crm://x{/segments*}"],
      ["crm://x.json", "crm://x{.ext}"],
    ];
    const no: [string, string][] = [
      ["crm://customers/", "crm://customers/{id}"],
      ["crm://customers/42/notes", "crm://customers/{id}"],
      ["crm://customers/42?fields=a", "crm://customers/{id}"],
      ["crm://orders/42", "crm://customers/{id}"],
    ];
    for (const [uri, template] of yes)
      expect([uri, template, matchesUriTemplate(uri, template)]).toEqual([uri, template, true]);
    for (const [uri, template] of no)
      expect([uri, template, matchesUriTemplate(uri, template)]).toEqual([uri, template, false]);
    // An unparseable template is compared as text.
    expect(matchesUriTemplate("crm://customers/{id", "crm://customers/{id")).toBe(true);
    expect(matchesUriTemplate("crm://customers/1", "crm://customers/{id")).toBe(false);
    expect(isUriTemplate("crm://customers/{id}")).toBe(true);
  });

  it("a written template means the locked one with the same fixed part and variables", () => {
    expect(sameUriTemplate("crm://customers/{id}", "crm://customers/{id}{?fields}")).toBe(true);
    expect(sameUriTemplate("crm://customers/{id}{?fields}", "crm://customers/{id}{?fields}")).toBe(true);
    expect(sameUriTemplate("crm://customers/{customer_id}", "crm://customers/{id}")).toBe(false);
    expect(sameUriTemplate("crm://customers/{id}{?page}", "crm://customers/{id}{?fields}")).toBe(false);
  });

  it("a hostile template does not make matching backtrack", () => {
    const template = "x".concat("{+a}".repeat(200), "!");
    expect(matchesUriTemplate(`x${"a".repeat(2000)}`, template)).toBe(false);
  });
});

describe("checking prompt references", () => {
  it("a known prompt with every required argument is no finding", () => {
    expect(
      check(
        '{{prompt "crm/summarize_customer" customer_id="42"}} {{#prompt "summarize_customer"}}{{arg "since"}}{{/prompt}} {{prompts.summarize_customer.args.customer_id}}',
        v1,
      ),
    ).toEqual([]);
  });

  it("an unknown prompt, bare or qualified, with did-you-mean", () => {
    const source =
      '{{prompt "summarise_customer"}}\n{{prompt "crm/summarize_customers"}}\n{{prompt "billing/x"}}';
    expect(check(source, v1)).toEqual([
      `template-unknown-prompt ${pos(source, "summarise")}: no server has a prompt \`summarise_customer\` (did you mean \`summarize_customer\`?)`,
      `template-unknown-prompt ${pos(source, "crm/")}: server \`crm\` has no prompt \`summarize_customers\` (did you mean \`crm/summarize_customer\`?)`,
      `template-unknown-prompt ${pos(source, "billing")}: no server has a prompt \`billing/x\``,
    ]);
  });

  it("an unknown argument passed or named, and a required argument not passed", () => {
    const source = [
      '{{prompt "summarize_customer" customerid="42"}}',
      '{{#prompt "summarize_customer"}}{{arg "sinse"}}{{/prompt}}',
      '{{arg "summarize_customer" "until"}} {{prompts.summarize_customer.args.customer_ids}}',
      '{{arg "since"}}',
    ].join("\n");
    expect(check(source, v1)).toEqual([
      `template-missing-prompt-argument ${pos(source, "summarize_customer")}: this use of prompt \`crm/summarize_customer\` does not pass its required argument \`customer_id\` (add \`customer_id="…"\`)`,
      `template-unknown-prompt-argument ${pos(source, "customerid")}: this use of prompt \`crm/summarize_customer\` passes \`customerid\`, an argument the prompt does not have (did you mean \`customer_id\`?)`,
      `template-unknown-prompt-argument ${pos(source, "sinse")}: prompt \`crm/summarize_customer\` has no argument \`sinse\` (did you mean \`since\`?)`,
      `template-unknown-prompt-argument ${pos(source, "until")}: prompt \`crm/summarize_customer\` has no argument \`until\``,
      `template-unknown-prompt-argument ${pos(source, "customer_ids}")}: prompt \`crm/summarize_customer\` has no argument \`customer_ids\` (did you mean \`customer_id\`?)`,
      `template-unknown-prompt-argument ${pos(source, 'since"}}')}: \`{{arg "since"}}\` names no prompt: it is outside any \`{{#prompt}}\` block (write \`{{arg "PROMPT" "since"}}\` or move it into a \`{{#prompt "PROMPT"}}\` block)`,
    ]);
    // In a partial, the including template's block supplies the prompt.
    expect(check('{{arg "since"}}', v1, undefined, true)).toEqual([]);
  });

  it("a bare name two servers share is ambiguous; qualified it is not", () => {
    const both = lockOf({ crm: CRM_V1, billing: { tools: [], prompts: [{ name: "summarize_customer" }] } });
    const source = '{{prompt "summarize_customer"}} {{prompt "billing/summarize_customer"}}';
    expect(check(source, both)).toEqual([
      `template-ambiguous-prompt 1:11: prompt \`summarize_customer\` is ambiguous: servers \`billing\` and \`crm\` both have it (qualify it: \`billing/summarize_customer\` or \`crm/summarize_customer\`)`,
    ]);
  });

  it("a lockfile without prompt lists says so instead of calling the prompt unknown", () => {
    const v1Lock = lockOf({ crm: { tools: CRM_V1.tools } });
    expect(check('{{prompt "summarize_customer"}}', v1Lock)).toEqual([
      "template-unknown-prompt 1:11: no server has a prompt `summarize_customer` (the lockfile does not list prompts (it predates version 2, or a file source leaves them out): run `mcp-contract lock`)",
    ]);
  });
});

describe("checking resource references", () => {
  it("a concrete URI, the template as written, a static resource and a qualified URI resolve", () => {
    expect(
      check(
        '{{resource "crm://customers/42"}} {{resource "crm://customers/{id}"}} {{resource "crm://status"}} {{resource "crm/crm://customers/7?fields=name"}} {{resources.[crm://customers/{id}{?fields}].mimeType}}',
        v1,
      ),
    ).toEqual([]);
  });

  it("a URI that matches nothing, with did-you-mean or the resources: true hint", () => {
    const unlocked = lockOf({ crm: { ...CRM_V1, resources: undefined } });
    const source =
      '{{resource "crm://customer/{id}"}}\n{{resource "crm://orders/9"}}\n{{resource "crm/crm://x"}}';
    expect(check(source, unlocked)).toEqual([
      `template-unknown-resource ${pos(source, "crm://customer/")}: no resource template or resource of any server matches \`crm://customer/{id}\` (did you mean \`crm://customers/{id}{?fields}\`?)`,
      `template-unknown-resource ${pos(source, "crm://orders")}: no resource template or resource of any server matches \`crm://orders/9\` (if it is a static resource, lock the servers' resources with \`resources: true\` on \`crm\`)`,
      `template-unknown-resource ${pos(source, "crm/crm://x")}: server \`crm\` has no resource template or resource matching \`crm://x\` (if it is a static resource, lock the servers' resources with \`resources: true\` on \`crm\`)`,
    ]);
  });

  it("a URI two servers' templates match is ambiguous until qualified", () => {
    const files = (name: string): Surface => ({
      tools: [],
      resourceTemplates: [{ name, uriTemplate: "file:///{+path}" }],
    });
    const lock = lockOf({ a: files("a-files"), b: files("b-files") });
    const source = '{{resource "file:///etc/hosts"}} {{resource "b/file:///etc/hosts"}}';
    expect(check(source, lock)).toEqual([
      "template-ambiguous-resource 1:13: resource `file:///etc/hosts` is ambiguous: resources of servers `a` and `b` match it (qualify it: `a/file:///etc/hosts` or `b/file:///etc/hosts`)",
    ]);
  });
});

describe("blast radius", () => {
  it("a breaking prompt or resource template change lists the templates that use it, at the reference", () => {
    const source = [
      "---",
      "prompts: [crm/summarize_customer]",
      "---",
      'Summary: {{prompt "crm/summarize_customer" customer_id=id}}',
      'Record: {{resource "crm://customers/{id}"}} of {{resource "crm://customers/42"}}',
      'Status: {{resource "crm://status"}}',
    ].join("\n");
    expect(check(source, v2, v1)).toEqual([
      `template-affected ${pos(source, "crm/summarize_customer")}: this template uses prompt \`crm/summarize_customer\`, which has a breaking change (prompt-argument-became-required): Argument \`since\` of prompt \`summarize_customer\` is now required.`,
      `template-missing-prompt-argument ${pos(source, "crm/summarize_customer", 1)}: this use of prompt \`crm/summarize_customer\` does not pass its required argument \`since\` (add \`since="…"\`)`,
      `template-unknown-resource ${pos(source, "crm://customers/{id}")}: \`crm://customers/{id}\` matches no resource now (it was resource template \`customer\` of \`crm\`, \`crm://customers/{id}{?fields}\`) (the template is now \`crm://customers/{customer_id}\`)`,
      `template-affected ${pos(source, "crm://customers/{id}")}: this template uses resource template \`crm/customer\`, which has a breaking change (resource-template-uri-changed): Resource template \`customer\` changed its uriTemplate from \`crm://customers/{id}{?fields}\` to \`crm://customers/{customer_id}\`: URIs built from the old template no longer match.`,
    ]);
  });

  it("points at the argument the change is about when the template names it", () => {
    const source = '{{#prompt "summarize_customer"}}\nPass {{arg "since"}}.\n{{/prompt}}';
    expect(check(source, v2, v1)).toEqual([
      `template-affected ${pos(source, "since")}: this template uses prompt \`crm/summarize_customer\`, which has a breaking change (prompt-argument-became-required): Argument \`since\` of prompt \`summarize_customer\` is now required.`,
    ]);
  });

  it("a renamed prompt: unknown with the rename as hint, and the template is affected", () => {
    const renamed = lockOf({
      crm: { ...CRM_V1, prompts: [{ ...CRM_V1.prompts![0]!, name: "customer_summary" }] },
    });
    const source = '{{prompt "summarize_customer" customer_id="1"}}';
    expect(check(source, renamed, v1)).toEqual([
      "template-unknown-prompt 1:11: prompt `summarize_customer` no longer exists (it was on `crm`) (renamed to `customer_summary`)",
      "template-affected 1:11: this template uses prompt `crm/summarize_customer`, which has a breaking change (prompt-renamed): Prompt `summarize_customer` was removed and `customer_summary` looks like its successor. (renamed to `customer_summary`)",
    ]);
  });
});

describe("hostile names", () => {
  it("a prompt, argument or server called constructor or __proto__ is looked up as data", () => {
    const lock = lockOf({
      constructor: {
        tools: [],
        prompts: [{ name: "__proto__", arguments: [{ name: "constructor", required: true }] }],
        resourceTemplates: [{ name: "toString", uriTemplate: "x://{__proto__}" }],
      },
    });
    expect(
      check(
        '{{prompt "constructor/__proto__" constructor="1"}} {{arg "__proto__" "constructor"}} {{resource "x://hasOwnProperty"}} {{prompts.[constructor/__proto__].args.constructor}}',
        lock,
      ),
    ).toEqual([]);
    const source =
      '{{prompt "__proto__" __proto__="1"}} {{prompt "toString"}} {{arg "__proto__" "toString"}}';
    expect(check(source, lock)).toEqual([
      `template-missing-prompt-argument ${pos(source, "__proto__")}: this use of prompt \`constructor/__proto__\` does not pass its required argument \`constructor\` (add \`constructor="…"\`)`,
      `template-unknown-prompt-argument ${pos(source, "__proto__=")}: this use of prompt \`constructor/__proto__\` passes \`__proto__\`, an argument the prompt does not have`,
      `template-unknown-prompt ${pos(source, "toString")}: no server has a prompt \`toString\``,
      `template-unknown-prompt-argument ${pos(source, 'toString"}}', 1)}: prompt \`constructor/__proto__\` has no argument \`toString\``,
    ]);
    expect(renderTemplate('{{arg "__proto__" "constructor"}}', lock)).toBe("constructor");
    expect(() => renderTemplate('{{prompt "__proto__" __proto__="1"}}', lock, {}, { file: "h.hbs" })).toThrow(
      new TemplateError("h.hbs:1:22: prompt `constructor/__proto__` has no argument `__proto__`"),
    );
    expect(() => renderTemplate('{{prompt "toString"}}', lock, {}, { file: "h.hbs" })).toThrow(
      new TemplateError("h.hbs:1:11: no server in the lockfile has a prompt `toString`"),
    );
  });
});

describe("rendering prompts and resources", () => {
  it("renders a prompt's description and arguments, with the values a use passes", () => {
    expect(renderTemplate('{{prompt "summarize_customer"}}', v1)).toBe(
      [
        "summarize_customer: Summarise a customer's open tickets.",
        "Arguments:",
        "- customer_id (required): The customer's id.",
        "- since (optional): Only tickets opened since this date.",
      ].join("\n"),
    );
    expect(renderTemplate('{{prompt "crm/summarize_customer" customer_id=id}}', v1, { id: "c_42" })).toBe(
      [
        "summarize_customer: Summarise a customer's open tickets.",
        "Arguments:",
        '- customer_id (required; given "c_42"): The customer\'s id.',
        "- since (optional): Only tickets opened since this date.",
      ].join("\n"),
    );
  });

  it("the block, arg and paths give the same data", () => {
    const source =
      '{{#prompt "summarize_customer"}}{{name}}: {{#each args}}{{@key}}{{#if required}}*{{/if}} {{/each}}[{{arg "since"}}] {{@prompt.qualifiedName}}{{/prompt}}\n{{prompts.summarize_customer.args.since.description}} {{arg "summarize_customer" "customer_id"}}';
    expect(renderTemplate(source, v1)).toBe(
      "summarize_customer: customer_id* since [since] crm/summarize_customer\nOnly tickets opened since this date. customer_id",
    );
  });

  it("renders a resource as one line with the URI as written", () => {
    const source =
      '{{resource "crm://customers/42"}}\n{{resource "crm://status"}}\n{{#resource "crm://customers/{id}"}}{{name}} {{uri}} {{mimeType}}{{/resource}}\n{{resources.[crm://customers/{id}{?fields}].description}}';
    expect(renderTemplate(source, v1)).toBe(
      [
        "crm://customers/42 (customer; application/json): A customer's record.",
        "crm://status (status; text/plain)",
        "customer crm://customers/{id}{?fields} application/json",
        "A customer's record.",
      ].join("\n"),
    );
  });

  it("fails where check would report, with file:line:column", () => {
    const cases: [string, string][] = [
      [
        'x {{prompt "summarize_customers"}}',
        "t.hbs:1:13: no server in the lockfile has a prompt `summarize_customers`",
      ],
      [
        '{{prompt "summarize_customer" since="2026"}}',
        "t.hbs:1:11: prompt `crm/summarize_customer` needs its required argument `customer_id`",
      ],
      [
        '{{prompt "summarize_customer"\n  customer_id="1" until="2"}}',
        "t.hbs:2:19: prompt `crm/summarize_customer` has no argument `until`",
      ],
      ['{{arg "since"}}', 't.hbs:1:8: `{{arg "since"}}` is outside any `{{#prompt}}` block'],
      [
        '{{#prompt "summarize_customer"}}{{arg "x"}}{{/prompt}}',
        "t.hbs:1:40: prompt `crm/summarize_customer` has no argument `x`",
      ],
      [
        '{{resource "crm://customers/{customer_id}"}}',
        "t.hbs:1:13: no resource template or resource in the lockfile matches `crm://customers/{customer_id}`",
      ],
    ];
    for (const [source, message] of cases) {
      expect(() => renderTemplate(source, v1, {}, { file: "t.hbs" }), source).toThrow(
        new TemplateError(message),
      );
    }
  });
});

describe("resource paths are lookups", () => {
  it("a path must name the URI a template or resource is listed under", () => {
    const source =
      "{{resources.[crm://customers/{id}].name}} {{resources.[crm://customers/42].name}} {{resources.[crm/crm://status].name}}";
    expect(check(source, v1)).toEqual([
      `template-unknown-resource ${pos(source, "crm://customers/{id}")}: \`resources\` has no entry \`crm://customers/{id}\`: a path names a resource template or resource by the URI it is listed under (write \`resources.[crm://customers/{id}{?fields}]\`)`,
      `template-unknown-resource ${pos(source, "crm://customers/42")}: \`resources\` has no entry \`crm://customers/42\`: a path names a resource template or resource by the URI it is listed under (write \`resources.[crm://customers/{id}{?fields}]\`)`,
    ]);
    expect(renderTemplate("{{resources.[crm/crm://status].mimeType}}", v1)).toBe("text/plain");
  });
});
