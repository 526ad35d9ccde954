// findInstructions first tests the alternation of every instruction pattern (ANY_INSTRUCTION) and
// runs the patterns one by one only when it matches: this pins that the combined test matches
// exactly the texts some pattern matches, so no hidden instruction is skipped.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { expect, it } from "vitest";
import { generateTools } from "../../bench/generate.mjs";
import { ANY_INSTRUCTION, findInstructions, INSTRUCTION_PATTERNS } from "../../src/poisoning/patterns.js";

/** The patterns one by one, as findInstructions ran them before the combined test. */
function oneByOne(text: string): { label: string; excerpt: string }[] {
  return INSTRUCTION_PATTERNS.flatMap(({ label, pattern }) => {
    const m = pattern.exec(text);
    return m ? [{ label, excerpt: m[0] }] : [];
  });
}

function check(text: string): boolean {
  const expected = oneByOne(text);
  expect(ANY_INSTRUCTION.test(text), JSON.stringify(text)).toBe(expected.length > 0);
  expect(findInstructions(text), JSON.stringify(text)).toEqual(expected);
  return expected.length > 0;
}

/** Every string in a JSON value. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (value !== null && typeof value === "object") for (const v of Object.values(value)) strings(v, out);
  return out;
}

const FRAGMENTS = [
  "<important>",
  "</ IMPORTANT >",
  "< system>",
  "<note_to_ai>",
  "<ai instructions>",
  "<|im_start|>",
  "<|endoftext|>",
  "[INST]",
  "[/inst]",
  "do not",
  "don't",
  "Never",
  "without",
  "tell",
  "mentioning",
  "reveal",
  "disclose",
  "the user",
  "user",
  "users",
  "hide",
  "conceal",
  "from the user",
  "user must not know",
  "ignore",
  "Disregard all",
  "previous",
  "system",
  "instructions",
  "rules",
  "prompt",
  "~/.ssh",
  ".ssh/",
  "id_rsa",
  "id_ed25519",
  "mcp.json",
  "~/.cursor",
  "claude_desktop_config.json",
  ".codeium/windsurf",
  ".vscode/mcp",
  "~/.aws",
  "~/.npmrc",
  ".aws/credentials",
  "/etc/passwd",
  ".git-credentials",
  "read",
  "send",
  "include",
  "upload",
  "api key",
  "API_KEYS",
  "private keys",
  "passwords",
  "credentials",
  "process.env",
  ".env file",
  "environment variables",
  " ",
  "  ",
  ".",
  "\n",
  ",",
  "x",
  "é",
  "Returns",
  "a",
  "the",
];

it("the combined pre-test matches exactly where some pattern does (fixtures, docs, bench tools)", () => {
  const texts = [
    ...strings(generateTools(300)),
    ...readFileSync("docs/rules/hidden-instructions.md", "utf8").split("\n"),
    ...readFileSync("test/poisoning/scan.test.ts", "utf8").split("\n"),
    ...readFileSync("test/poisoning/surface.test.ts", "utf8").split("\n"),
  ];
  let matched = 0;
  for (const text of texts) if (check(text)) matched++;
  expect(matched).toBeGreaterThan(10);
});

it("the combined pre-test matches exactly where some pattern does (generated texts)", () => {
  let matched = 0;
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom(...FRAGMENTS), fc.boolean()), { maxLength: 12 }),
      (pieces) => {
        const text = pieces.map(([p, upper]) => (upper ? p.toUpperCase() : p)).join(" ");
        if (check(text)) matched++;
        if (check(pieces.map(([p]) => p).join(""))) matched++;
      },
    ),
    { numRuns: 3000 },
  );
  expect(matched).toBeGreaterThan(500);
});
