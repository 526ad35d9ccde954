// Configs in plain block YAML are read by a small exact reader (src/config/simple-yaml.ts) instead of
// the yaml library: wherever it answers, it gives the library's value, and it declines the rest.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { generateReferenceRepo } from "../../bench/generate.mjs";
import { parseSimpleYaml } from "../../src/config/simple-yaml.js";

const library = (text: string) => parseDocument(text, { uniqueKeys: true }).toJS({ maxAliasCount: 100 });

/** Ours equals the library's whenever ours answers; returns whether it did. */
function agrees(text: string): boolean {
  const ours = parseSimpleYaml(text);
  if (ours === undefined) return false;
  const doc = parseDocument(text, { uniqueKeys: true });
  expect(doc.errors, text).toEqual([]);
  expect(ours, text).toStrictEqual(library(text));
  return true;
}

describe("parseSimpleYaml", () => {
  it("reads every YAML file in the repository and the bench's config as the yaml library does", () => {
    const files = execFileSync("git", ["ls-files", "*.yaml", "*.yml"], { encoding: "utf8" })
      .split("\n")
      .filter((f) => f !== "");
    let answered = 0;
    for (const file of files) if (agrees(readFileSync(file, "utf8"))) answered++;
    expect(answered).toBeGreaterThanOrEqual(2);
    const bench = generateReferenceRepo({ servers: 3, tools: 6, templates: 2 })["mcp-contract.yaml"];
    expect(agrees(bench as string)).toBe(true);
    expect(agrees(readFileSync("examples/crm-agent/mcp-contract.yaml", "utf8"))).toBe(true);
  });

  it("reads the shapes it knows exactly", () => {
    const answered = [
      "a: 1\n",
      "a: 0\nb: 123456789012345\n",
      "a: true\nb: True\nc: TRUE\nd: false\ne: False\nf: FALSE\n",
      "a: null\nb: Null\nc: NULL\nd:\n",
      "a: tRue\nb: yes\nc: no\nd: on\ne: off\nf: nULL\n",
      "a: http://localhost:3000/mcp\nb: ${TOKEN}\nc: a,b\nd: x:y\ne: $HOME/x\nf: /usr/bin/node\n",
      'a: "x y # z"\nb: \'single "q"\'\nc: ""\n',
      "a: b # a comment\nc: d   # more\n# whole line\n\n  # indented comment\ne: f\n",
      "a:\n  b:\n    c: 1\n  d: [x, 'y', \"z\", 1, true, null]\ne: []\n",
      "list:\n  - a\n  - 'b'\n  - 3\nnext: x\n",
      "compact:\n- a\n- b\nafter: 1\n",
      "- a\n- b\n",
      "a: [ ]\nb: [a]   # c\n",
      'servers:\n  crm:\n    command: npx\n    args: ["-y", "@acme/crm-mcp@1.2.0"]\n    env:\n      API_KEY: ${CRM_KEY}\n',
      "a: x  \n",
      "constructor: 1\ntoString: 2\n",
    ];
    for (const text of answered) expect(agrees(text), text).toBe(true);
  });

  it("declines everything else, which the library reads (errors included)", () => {
    const declined = [
      "",
      "# only a comment\n",
      "a: 1\r\nb: 2\r\n",
      "\ufeffa: 1\n",
      "a:\t1\n",
      "a: é\n",
      "a: 1\na: 2\n",
      "a: &x 1\nb: *x\n",
      "a: !tag x\n",
      "a: |\n  text\n",
      "a: >\n  text\n",
      "a: {b: 1}\n",
      "a: [1, [2]]\n",
      'a: ["x,y"]\n',
      'a: ["x]"]\n',
      "a: [x,]\n",
      'a: "esc\\n"\n',
      "a: 'it''s'\n",
      "a: 007\n",
      "a: -5\n",
      "a: 1.5\n",
      "a: 1e3\n",
      "a: 0x1F\n",
      "a: .inf\n",
      "a: ~\n",
      "a: hello world\n",
      "a: x#y\n",
      "a: b:\n",
      "a:b\n",
      "- a: 1\n",
      "- a:\n",
      "-\n  - x\n",
      "a:\n  - x\n    y\n",
      "a: x\n  continued\n",
      "  a: 1\n",
      "a:\n    b: 1\n  c: 2\n",
      "---\na: 1\n",
      "%YAML 1.1\n---\na: yes\n",
      "? a\n: b\n",
      "null: 1\n",
      "True: 1\n",
      "__proto__: 1\n",
      '"a": 1\n',
      "1: x\n",
      "a b: 1\n",
      "a : 1\n",
      "x\n",
      "<<: {a: 1}\n",
      "a: @x\n",
      "a: `x\n",
      "a: %x\n",
      "a: -x\n",
      "a: [a b]\n",
    ];
    for (const text of declined) expect(parseSimpleYaml(text), JSON.stringify(text)).toBeUndefined();
  });

  it("agrees with the library on generated documents", () => {
    const scalar = fc.constantFrom(
      "x",
      "True",
      "tRue",
      "FALSE",
      "Null",
      "null",
      "0",
      "10",
      "01",
      "1.0",
      "-1",
      "a:b",
      "a: b",
      "a #b",
      "a#b",
      "http://h:1/p",
      "${X}",
      "a,b",
      "x:",
      "[x]",
      "{x}",
      "'q'",
      '"d"',
      "~",
      "",
      "yes",
      "a b",
      "/abs",
      "$V",
    );
    const styled = fc
      .tuple(scalar, fc.constantFrom("plain", "double", "single"))
      .map(([s, style]) => (style === "double" ? `"${s}"` : style === "single" ? `'${s}'` : s));
    const key = fc.constantFrom("a", "b", "c_d", "e-f", "g.h", "null", "True", "1", "__proto__");
    const node: fc.Arbitrary<string[]> = fc.letrec<{ map: string[] }>((tie) => ({
      map: fc
        .array(
          fc.tuple(
            key,
            fc.oneof(
              { depthSize: "small" },
              styled.map((s) => [` ${s}`]),
              fc.array(styled, { maxLength: 3 }).map((items) => [` [${items.join(", ")}]`]),
              fc.array(styled, { minLength: 1, maxLength: 3 }).map((items) => items.map((i) => `- ${i}`)),
              tie("map").map((lines) => lines.map((l) => `  ${l}`)),
            ),
            fc.constantFrom("", " # c"),
          ),
          { minLength: 1, maxLength: 4 },
        )
        .map((entries) =>
          entries.flatMap(([k, value, comment]) =>
            value[0]!.startsWith(" ") && !value[0]!.startsWith("  ")
              ? [`${k}:${value[0]}${comment}`]
              : [`${k}:${comment}`, ...value],
          ),
        ),
    })).map;
    let answered = 0;
    fc.assert(
      fc.property(node, (lines) => {
        if (agrees(`${lines.join("\n")}\n`)) answered++;
      }),
      { numRuns: 1500 },
    );
    expect(answered).toBeGreaterThan(100);
  });
});
