// The small front-matter parser must agree with the YAML parser on everything it accepts, and hand
// everything else to it: every template in the repository and a battery of shapes, compared exactly.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateReferenceRepo } from "../../bench/generate.mjs";
import { readSimpleTools, readToolsWithYaml, splitFrontMatter } from "../../src/templates/front-matter.js";
import { templatesIn } from "../helpers/templates.js";

const FRONT_MATTER = /^---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

/** The YAML parser's answer, or its error message. */
function viaYaml(text: string): unknown {
  try {
    return readToolsWithYaml(text, "t.hbs");
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const BATTERY = [
  "tools: [crm/create_ticket]",
  "tools: [a, b, c]",
  "tools: [ a ,b,   c ]",
  "tools:   [crm/a.b, x-y, _z, t.]",
  "tools: []",
  "tools: [ ]",
  "tools: [a, b,]",
  "tools: [a,, b]",
  "tools: [true, a]",
  "tools: [null]",
  "tools: [Null, a]",
  "tools: [1, a]",
  "tools: [yes, no, on, off]",
  "tools: [a: b]",
  'tools: ["crm/a", b]',
  "tools: ['a', b]",
  "tools: [a] # comment",
  "tools: [a, [b]]",
  "tools: [a, {b: c}]",
  "tools: [.inf]",
  "tools: [~]",
  "tools: [a b]",
  "tools: [a#b]",
  "tools:\n  - a\n  - crm/b",
  "tools:\n- a\n- b",
  "tools:\n    - a\n    -   b",
  "tools:\n  - a\n    - b",
  "tools:\n  - a\n  - true",
  "tools:\n  - a\n\n  - b",
  "tools:\n  - a # c",
  "tools:\n  - 'a'",
  "tools:\n  -a",
  "tools:\n\t- a",
  "tools:",
  "tools: a",
  "tools: crm/a",
  "tools: [a]\nother: 1",
  "other: 1\ntools: [a]",
  "tools: [a]\ntools: [b]",
  "tools: [a]\r",
  "tools: [a, b]\r\n",
  "# just a comment",
  "",
  "- a",
  "tools: [a",
  "tools: &x [a]",
  "tools: !!seq [a]",
  "Tools: [a]",
  "tools : [a]",
  "tools:[a, b]",
  "tools:[a]",
];

describe("front matter: the small parser agrees with the YAML parser", () => {
  const texts = new Set(BATTERY);
  for (const source of [
    ...templatesIn(join(import.meta.dirname, "..", "..")),
    ...Object.values(generateReferenceRepo({ servers: 5, tools: 50, templates: 40 })),
  ]) {
    const m = FRONT_MATTER.exec(source);
    if (m) texts.add(m[1] ?? "");
  }

  it("gives exactly the YAML parser's tools wherever it answers", () => {
    let answered = 0;
    for (const text of texts) {
      const simple = readSimpleTools(text, "t.hbs");
      if (simple === undefined) continue;
      answered++;
      expect(simple, JSON.stringify(text)).toEqual(viaYaml(text));
    }
    // It must actually take the common shapes (or this test proves nothing).
    expect(answered).toBeGreaterThan(20);
  });

  it("answers the common shapes itself", () => {
    for (const text of ["tools: [crm/a, b]", "tools:\n  - a\n  - b", "tools: []"]) {
      expect(readSimpleTools(text, "t.hbs"), text).toBeDefined();
    }
    for (const text of [
      "tools: [true]",
      "tools: [a]\nother: 1",
      'tools: ["a"]',
      "tools: [a] # c",
      "tools: [a, b,]",
    ]) {
      expect(readSimpleTools(text, "t.hbs"), text).toBeUndefined();
    }
  });

  it("keeps locations through splitFrontMatter", () => {
    const { tools } = splitFrontMatter("---\ntools: [a, crm/b]\n---\nhi\n", "p.hbs");
    expect(tools.map((t) => [t.name, t.location.line, t.location.column])).toEqual([
      ["a", 2, 9],
      ["crm/b", 2, 12],
    ]);
    const block = splitFrontMatter("---\ntools:\n  - a\n  -  crm/b\n---\n", "p.hbs").tools;
    expect(block.map((t) => [t.name, t.location.line, t.location.column])).toEqual([
      ["a", 3, 5],
      ["crm/b", 4, 6],
    ]);
  });
});
