// The small template parser (src/templates/parse.ts) must build Handlebars' own tree, for every
// field the reference reader reads, wherever it answers, and hand everything else to Handlebars:
// every template in the repository, the benchmark's templates, a battery of edge shapes and
// generated ones, compared exactly (trees, then references and errors through extractReferences).
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateReferenceRepo } from "../../bench/generate.mjs";
import { splitFrontMatter } from "../../src/templates/front-matter.js";
import { handlebars } from "../../src/templates/handlebars.js";
import { parseSimpleTemplate } from "../../src/templates/parse.js";
import { extractReferences, parseTemplate } from "../../src/templates/references.js";
import { templatesIn } from "../helpers/templates.js";

type Node = { type: string; [key: string]: unknown };
const at = (p: { line: number; column: number }) => `${p.line}:${p.column}`;

/** What references.ts reads of a tree (comments and statement locations name nothing). */
function project(node: unknown): unknown {
  if (node === undefined || node === null) return null;
  const n = node as Node & {
    loc: { start: { line: number; column: number }; end: { line: number; column: number } };
  };
  const list = (xs: unknown) => (xs as unknown[]).map(project);
  const hash = (h: unknown) =>
    h === undefined || h === null
      ? null
      : (
          h as { pairs: { key: string; value: unknown; loc: { start: { line: number; column: number } } }[] }
        ).pairs.map((p) => ({ key: p.key, at: at(p.loc.start), value: project(p.value) }));
  switch (n.type) {
    case "Program":
      return (n.body as Node[]).filter((s) => s.type !== "CommentStatement").map(project);
    case "ContentStatement":
      return { type: n.type, original: n.original, at: at(n.loc.start) };
    case "MustacheStatement":
    case "Decorator":
    case "SubExpression":
      return { type: n.type, path: project(n.path), params: list(n.params), hash: hash(n.hash) };
    case "BlockStatement":
    case "DecoratorBlock":
      return {
        type: n.type,
        path: project(n.path),
        params: list(n.params),
        hash: hash(n.hash),
        program: project(n.program),
        inverse: project(n.inverse),
      };
    case "PartialStatement":
    case "PartialBlockStatement":
      return {
        type: n.type,
        name: project(n.name),
        params: list(n.params),
        hash: hash(n.hash),
        program: project(n.program),
      };
    case "PathExpression":
      return {
        type: n.type,
        data: n.data,
        depth: n.depth,
        parts: n.parts,
        original: n.original,
        from: at(n.loc.start),
        to: at(n.loc.end),
      };
    case "StringLiteral":
      return { type: n.type, value: n.value, at: at(n.loc.start) };
    default:
      return { type: n.type, value: n.value };
  }
}

/** Handlebars' tree projected, or its error message. */
function viaHandlebars(body: string): unknown {
  try {
    return project(handlebars().parse(body));
  } catch (error) {
    return { error: String((error as Error).message) };
  }
}

/** For one body: the small parser's answer (projected) must be Handlebars' whenever it gives one. */
function agrees(body: string): boolean {
  const simple = parseSimpleTemplate(body);
  if (simple === undefined) return false;
  expect(project(simple), JSON.stringify(body)).toEqual(viaHandlebars(body));
  return true;
}

/** References (or the error) through extractReferences, with the default parser and with Handlebars'. */
function sameReferences(source: string): void {
  const run = (parse?: typeof parseTemplate) => {
    try {
      return extractReferences(source, "t.hbs", parse);
    } catch (error) {
      return { error: (error as Error).message };
    }
  };
  expect(run(), JSON.stringify(source)).toEqual(run(parseTemplate));
}

const BATTERY = [
  "",
  "plain text",
  "{{x}}",
  "a {{x}} b",
  "{{x}}{{y}}",
  "{{ x }}",
  "{{~x~}}",
  "{{{x}}}",
  "{{~{x}~}}",
  "{{&x}}",
  "{{{x}}",
  "{{x}}}",
  "{{x}}}}",
  "{{{x}}}}",
  '{{tool "a"}}',
  "{{tool 'a'}}",
  '{{tool "a\\"b"}}',
  "{{tool 'a\\'b'}}",
  '{{tool "a\\\\"}}',
  '{{tool "multi\nline"}} {{tools.x}}',
  '{{param "t" "p"}}',
  '{{param "p"}}',
  '{{param "t" 1}}',
  '{{tool "a" x=1 y="b" z=(f g)}}',
  '{{tool x="b" "a"}}',
  "{{tool x = 1}}",
  "{{f a=b c}}",
  '{{prompt "p" a=1 b=c}}',
  '{{arg "p" "a"}}',
  '{{#prompt "p"}}{{arg "a"}}{{/prompt}}',
  '{{resource "file:///x"}}',
  "{{tools.a.params.b}}",
  "{{tools.[crm/a].params.[b c]}}",
  "{{tools.[a\\]b].x}}",
  "{{tools.[a\nb].x}}",
  "{{@root.tools.a}}",
  "{{@root.prompts.p.args.a}}",
  "{{resources.[file:///x]}}",
  "{{../tools.a}}",
  "{{../../tools.a}}",
  "{{./tools.a}}",
  "{{this.tools.a}}",
  "{{this/tools/a}}",
  "{{tools/a/params/b}}",
  "{{tools.this}}",
  "{{tools/../a}}",
  "{{[this].tools}}",
  "{{.}}",
  "{{..}}",
  "{{this}}",
  "{{foo..bar}}",
  "{{foo.}}",
  "{{.foo}}",
  "{{@index}}",
  "{{@../index}}",
  "{{1}} {{-1.5}} {{1.x}} {{1x}} {{true}} {{false}} {{null}} {{undefined}}",
  "{{f true=1}}",
  "{{f truex}}",
  "{{true.x}}",
  "{{f (g (h 1))}}",
  "{{f (g)}}",
  "{{(g)}}",
  "{{f ()}}",
  "{{#if a}}x{{/if}}",
  "{{#if a}}x{{else}}y{{/if}}",
  "{{#if a}}x{{^}}y{{/if}}",
  "{{#if a}}x{{ else }}y{{/if}}",
  "{{#if a}}x{{~else~}}y{{/if}}",
  "{{#if a}}x{{else if b}}y{{else}}z{{/if}}",
  "{{#if a}}x{{else if b}}y{{else if c}}z{{/if}}",
  '{{#if a}}x{{else tool "t"}}{{param "p"}}{{/if}}',
  "{{#if a}}x{{/unless}}",
  "{{#if a}}x",
  "{{/if}}",
  "{{else}}",
  "{{^a}}x{{/a}}",
  "{{^a}}x{{else}}y{{/a}}",
  "{{^a}}x{{else if b}}y{{/a}}",
  '{{^tool "t"}}{{param "x"}}{{else}}{{param "y"}}{{/tool}}',
  "{{#each items as |item i|}}{{item}}{{/each}}",
  "{{#each items as | item |}}{{item}}{{/each}}",
  "{{#each items as ||}}{{/each}}",
  "{{x as |y|}}",
  "{{#with a.b}}{{c}}{{/with}}",
  "{{#a.b}}{{/a.b}}",
  "{{#a.b}}{{/a/b}}",
  "{{#../a}}{{/../a}}",
  "{{#@a}}{{/@a}}",
  '{{#"a"}}{{/a}}',
  '{{#tool "a"}}{{#tool "b"}}{{param "x"}}{{/tool}}{{param "y"}}{{/tool}}',
  "{{> p}}",
  "{{> p a=1}}",
  "{{> (lookup . 'x') y}}",
  "{{#> layout}}body {{x}}{{/layout}}",
  "{{#> layout}}body{{/other}}",
  "{{~> p ~}}",
  "{{* deco}}",
  '{{#* inline "x"}}y{{/inline}}',
  "{{! short comment }}",
  "{{!-- long }} comment --}}",
  "{{!--}}",
  "{{!-- a --~}} b",
  "{{~!-- a --}} b",
  "{{!-- unclosed",
  "{{! unclosed",
  "{{!-- a ---}} b {{x}}",
  "{{{{raw}}}} {{x}} {{{{/raw}}}}",
  "{{{{raw}}}}a{{{{b}}}}c{{{{/b}}}}d{{{{/raw}}}}",
  "{{{{raw}}}}{{{{/other}}}}",
  "{{{{raw}}}} no close",
  '{{{{tool "t"}}}} {{param "x"}} `x` {{{{/tool}}}}',
  "{{{{raw}}}}a{{{{/ raw}}}}b{{{{/raw}}}}",
  "\\{{x}}",
  "\\\\{{x}}",
  "a\\b {{x}}",
  "line1\r\nline2 {{tools.a}}\r\n{{tools.b}}",
  "lone\rcr {{tools.a}}",
  "nul\u0000 {{x}}",
  "ls\u2028 {{tools.a}}",
  "ps\u2029 {{tools.a}}",
  "tab\t{{tools.a}}\u00a0{{ tools.b }}",
  "unicode é {{tools.é}} {{tools.[日本]}}",
  "{{tools.a-b.c$d}}",
  "{{x!}}",
  "{{x#}}",
  "{{x|y}}",
  "{{f a b|}}",
  "{{#f}}",
  "{{",
  "}}",
  "{x}",
  "{{x",
  "a {{x}",
  "`code` and `tools.x` and `create(a=1)` {{x}} `y`",
  "`a {{x}} b`",
  "{{f\n  a\n  b=c\n}}",
  '{{#tool\n"a"}}\n{{param\n"b"}}\n{{/tool}}',
];

describe("template parser: the small parser agrees with Handlebars", () => {
  const corpus = new Set(BATTERY);
  for (const source of [
    ...templatesIn(join(import.meta.dirname, "..", "..")),
    ...Object.entries(generateReferenceRepo({ servers: 5, tools: 50, templates: 60 }))
      .filter(([path]) => path.endsWith(".hbs"))
      .map(([, text]) => text),
  ]) {
    corpus.add(source);
  }
  const bodyOf = (source: string) => {
    try {
      return splitFrontMatter(source, "t.hbs").body;
    } catch {
      return source;
    }
  };

  it("builds Handlebars' tree wherever it answers (repository, benchmark, battery)", () => {
    let answered = 0;
    for (const source of corpus) if (agrees(bodyOf(source))) answered++;
    expect(answered).toBeGreaterThan(150);
  });

  it("answers the common shapes itself and leaves the rest to Handlebars", () => {
    for (const source of [...templatesIn(join(import.meta.dirname, "..", ".."))]) {
      expect(parseSimpleTemplate(bodyOf(source)), source).toBeDefined();
    }
    for (const [path, source] of Object.entries(
      generateReferenceRepo({ servers: 5, tools: 50, templates: 60 }),
    )) {
      if (path.endsWith(".hbs")) expect(parseSimpleTemplate(bodyOf(source)), path).toBeDefined();
    }
    for (const body of [
      "{{* deco}}",
      "\\{{x}}",
      "lone\rcr",
      "{{#if a}}x{{/unless}}",
      "{{tools/../a}}",
      "{{#if a}}x",
      "{{!-- unclosed",
      "{{{{raw}}}} no close",
    ]) {
      expect(parseSimpleTemplate(body), body).toBeUndefined();
    }
  });

  it("gives extractReferences the same references and errors as Handlebars' tree", () => {
    for (const source of corpus) sameReferences(source);
  });

  // Fragments that make Handlebars' lexer and grammar branch: openers, closers, literals, paths,
  // whitespace, line breaks and the characters that end names.
  const FRAGMENTS = [
    "{{",
    "}}",
    "{{{",
    "}}}",
    "{{{{",
    "}}}}",
    "{{~",
    "~}}",
    "{{#",
    "{{/",
    "{{^",
    "{{^}}",
    "{{else}}",
    "{{else ",
    "{{>",
    "{{#>",
    "{{&",
    "{{!",
    "{{!--",
    "--}}",
    "{{*",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\t",
    "tool",
    "param",
    "prompt",
    "arg",
    "resource",
    "if",
    "each",
    "x",
    "tools",
    "params",
    "prompts",
    "args",
    "resources",
    '"a"',
    "'b'",
    '"c\\""',
    "1",
    "-2.5",
    "true",
    "null",
    "undefined",
    "=",
    "(",
    ")",
    ".",
    "..",
    "/",
    "../",
    "this",
    "@",
    "@root.",
    "[a b]",
    "[",
    "]",
    "as |y|",
    "|",
    "`",
    "\\",
    "!",
    "#",
    "é",
    "text ",
    "tools.t.params.p",
    "tools.[s/t].params.[p]",
    "prompts.p.args.a",
    '{{tool "t"}}',
    '{{#tool "t"}}',
    "{{/tool}}",
    '{{param "p"}}',
    "{{{{raw}}}}",
    "{{{{/raw}}}}",
  ];

  it("agrees with Handlebars on generated fragment soups", () => {
    let answered = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 30 }), (pieces) => {
        const body = pieces.join("");
        if (agrees(body)) answered++;
        sameReferences(body);
      }),
      { numRuns: 2000 },
    );
    expect(answered).toBeGreaterThan(100);
  });

  // Well-formed templates from a small grammar, so that most parse.
  const name = fc.constantFrom("tool", "param", "prompt", "arg", "resource", "if", "each", "with", "x", "t");
  const literal = fc.constantFrom('"a"', "'s/t'", '"x y"', "1", "-0.5", "true", "false", "null", "undefined");
  const path = fc
    .array(
      fc.constantFrom(
        "tools",
        "t",
        "params",
        "p",
        "[s/t]",
        "prompts",
        "args",
        "resources",
        "[u:x]",
        "this",
        "..",
        "[this]",
      ),
      {
        minLength: 1,
        maxLength: 5,
      },
    )
    .chain((parts) =>
      fc
        .tuple(
          fc.constantFrom("", "@root.", "../", "this.", "./", "@"),
          fc.array(fc.constantFrom(".", "/"), { minLength: parts.length, maxLength: parts.length }),
        )
        .map(([prefix, seps]) => prefix + parts.map((p, i) => (i === 0 ? p : seps[i]! + p)).join("")),
    );
  const space = fc.constantFrom(" ", "  ", "\n", " \r\n  ", "\t");
  const tilde = fc.constantFrom("", "~");
  const { template } = fc.letrec<{ template: string; statement: string; expr: string; args: string }>(
    (tie) => ({
      expr: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        path,
        literal,
        tie("args").map((a) => `(${a})`),
      ),
      args: fc
        .tuple(
          fc.oneof(name, path),
          fc.array(tie("expr"), { maxLength: 3 }),
          fc.array(fc.tuple(name, tie("expr")), { maxLength: 2 }),
          space,
        )
        .map(([head, params, pairs, s]) => [head, ...params, ...pairs.map(([k, v]) => `${k}=${v}`)].join(s)),
      statement: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        fc.constantFrom("text ", "line\n", "`tools.t` ", "`t(a=1, b)` ", "\r\n", "  "),
        fc.tuple(tilde, tie("args"), tilde).map(([a, x, b]) => `{{${a}${x}${b}}}`),
        tie("args").map((x) => `{{{${x}}}}`),
        fc.constantFrom("{{! note }}", "{{!-- {{x}} --}}", "{{> part}}", "{{> part a=1}}"),
        fc
          .tuple(
            tilde,
            fc.constantFrom("#", "^"),
            name,
            fc.array(tie("expr"), { maxLength: 2 }),
            fc.constantFrom("", " as |v|", " as |v k|"),
            tie("template"),
            fc.option(
              fc.tuple(fc.constantFrom("{{else}}", "{{^}}", "{{~else~}}", "{{else if c}}"), tie("template")),
            ),
          )
          .map(
            ([t, sigil, head, params, blockParams, body, inverse]) =>
              `{{${t}${sigil}${[head, ...params].join(" ")}${blockParams}}}${body}${inverse ? inverse.join("") : ""}{{/${head}}}`,
          ),
        fc.tuple(tie("template")).map(([body]) => `{{{{raw}}}}${body}{{{{/raw}}}}`),
        fc.tuple(tie("template")).map(([body]) => `{{#> layout}}${body}{{/layout}}`),
      ),
      template: fc.array(tie("statement"), { maxLength: 4 }).map((xs) => xs.join("")),
    }),
  );

  it("agrees with Handlebars on generated templates", () => {
    let answered = 0;
    fc.assert(
      fc.property(template, (body) => {
        if (agrees(body)) answered++;
        sameReferences(body);
      }),
      { numRuns: 1000 },
    );
    expect(answered).toBeGreaterThan(400);
  });
});
