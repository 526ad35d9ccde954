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
import { extractReferences, parseForReferences, parseTemplate } from "../../src/templates/references.js";
import { BATTERY, FRAGMENTS, template } from "../helpers/template-shapes.js";
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

/** References (or the error) through extractReferences, with the small parser's tree and with Handlebars'. */
function sameReferences(source: string): void {
  const run = (parse?: typeof parseTemplate) => {
    try {
      return extractReferences(source, "t.hbs", parse);
    } catch (error) {
      return { error: (error as Error).message };
    }
  };
  expect(run(parseForReferences), JSON.stringify(source)).toEqual(run(parseTemplate));
}

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
