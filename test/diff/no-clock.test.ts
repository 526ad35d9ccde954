// Verdicts depend on the input alone: no clock is reachable from the diff, and the json-schema-diff
// fallback is bounded by a count of steps, so a run slowed down (every step made much slower, as on
// a loaded CI runner) reports exactly the same findings, and a question too large is "could not be
// judged" on every machine alike.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ToolDefinition } from "../../src/core/lockfile.js";
import { diffTools } from "../../src/diff/index.js";
import { MAX_STEPS_PER_QUESTION } from "../../src/diff/jsd.js";

const root = join(import.meta.dirname, "../..");

/** The folders the diff is made of and imports (docs/architecture.md: `diff/` → `core/`, `canonical/`). */
const DIFF_CLOSURE = ["src/diff", "src/core", "src/canonical"];
const CLOCK = /\bDate\b|\bperformance\b|\bhrtime\b|\bsetTimeout\b|\bsetInterval\b|\bsetImmediate\b/;

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** An object branch of `n` string properties, the first required. */
const branch = (i: number, n: number) => ({
  type: "object",
  properties: Object.fromEntries(
    Array.from({ length: n }, (_, j) => [`p${i}_${j}`, { type: "string", minLength: j }]),
  ),
  required: [`p${i}_0`],
});

/** A tool whose parameter `a` is an object, with `not` added after: a question only json-schema-diff answers. */
function pair(not: unknown): [Record<string, ToolDefinition>, Record<string, ToolDefinition>] {
  const before = { type: "object", properties: { a: { type: "object" } } };
  const after = { type: "object", properties: { a: { type: "object", not } } };
  return [{ t: { name: "t", inputSchema: before } }, { t: { name: "t", inputSchema: after } }];
}

/** `not: oneOf` of two one-property objects: json-schema-diff decides it in about 5,000 steps. */
const DECIDED = pair({ oneOf: [branch(0, 1), branch(1, 1)] });
/** `not: anyOf` of three two-property objects: over 200,000 steps, past the cap. */
const TOO_LARGE = pair({ anyOf: [branch(0, 2), branch(1, 2), branch(2, 2)] });

const require = createRequire(import.meta.url);
const SETS = "json-schema-diff/dist/json-schema-diff/diff-schemas/set/";
/** The json-schema-diff set factories src/diff/jsd.ts counts as steps. */
const FACTORIES: [string, string][] = [
  ["json-set.js", "createJsonSetFromConfig"],
  ["subset/object-subset.js", "createObjectSubsetFromConfig"],
  ["subset/string-subset.js", "createStringSubsetFromConfig"],
];
const restore: (() => void)[] = [];
afterEach(() => {
  for (const undo of restore.splice(0)) undo();
});

/** Busy work of a fixed size (no clock). */
function burn(iterations: number): number {
  let x = 0;
  for (let i = 0; i < iterations; i++) x = (x + i * 7) % 1_000_003;
  return x;
}

/**
 * Makes every step json-schema-diff takes slower by `iterations` of busy work (100,000: a tenth of
 * a millisecond on a fast machine, tens of times what a step costs), in this process, until the
 * test ends.
 */
function slowDown(iterations: number): { steps: number } {
  const counter = { steps: 0 };
  for (const [file, name] of FACTORIES) {
    const mod = require(SETS + file) as Record<string, (...args: unknown[]) => unknown>;
    const original = mod[name]!;
    mod[name] = (...args: unknown[]) => {
      counter.steps++;
      if (burn(iterations) < 0) throw new Error("unreachable");
      return original(...args);
    };
    restore.push(() => {
      mod[name] = original;
    });
  }
  return counter;
}

describe("no clock in a verdict", () => {
  it("nothing the diff is made of reads a clock or a timer", () => {
    const files = DIFF_CLOSURE.flatMap(sources);
    expect(files).toContain(join("src", "diff", "jsd.ts"));
    const offending = files.filter((file) => {
      const text = readFileSync(join(root, file), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
      return CLOCK.test(text);
    });
    expect(offending).toEqual([]);
  });

  it("a run slowed down at every json-schema-diff step reports the same findings", () => {
    const fast = diffTools("s", ...DECIDED);
    expect(fast.map((c) => [c.rule, c.severity, c.pointer])).toEqual([
      ["schema-narrowed", "breaking", "/inputSchema/properties/a"],
    ]);
    const slowed = slowDown(100_000);
    const slow = diffTools("s", ...DECIDED);
    // The slowed hooks ran (the question was really asked again, each step made slower) …
    expect(slowed.steps).toBeGreaterThan(1000);
    // … and the findings are identical, down to the message and witness.
    expect(slow).toEqual(fast);
  });

  it("a question past the step cap could not be judged, and says so, on any machine", () => {
    const expected = [
      {
        rule: "schema-changed",
        severity: "warning",
        server: "s",
        tool: "t",
        pointer: "/inputSchema/properties/a",
        message: `Parameter \`a\` changed not in a way that could not be judged: json-schema-diff needed more than ${MAX_STEPS_PER_QUESTION} steps.`,
        unjudged: true,
      },
    ];
    expect(diffTools("s", ...TOO_LARGE)).toEqual(expected);
    const slowed = slowDown(2_000);
    expect(diffTools("s", ...TOO_LARGE)).toEqual(expected);
    expect(slowed.steps).toBeGreaterThan(1000);
  });

  it("the run's allowance is a count too: spent, the next question is not asked", () => {
    const spent = diffTools("s", ...DECIDED, { fallbackSteps: 100 });
    expect(spent.map((c) => [c.rule, c.message])).toEqual([
      [
        "schema-changed",
        "Parameter `a` changed not in a way that could not be judged: the steps this diff may spend on json-schema-diff ran out.",
      ],
    ]);
  });
});
