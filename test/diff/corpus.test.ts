// Corpus acceptance: the real tool lists of published MCP servers (fixtures/corpus), diffed pair by
// pair, must reproduce the hand-checked verdicts and changes of expected.json.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ToolDefinition } from "../../src/core/lockfile.js";
import { type Change, diffTools } from "../../src/diff/index.js";
import { CORPUS } from "../helpers/corpus.js";
import { type ExpectedChange, type ExpectedPair, reproduces } from "./corpus-map.js";

function load(server: string, version: string): Record<string, ToolDefinition> {
  const file = join(CORPUS, "snapshots", server.replace("/", "__"), `${version}.json`);
  const snapshot = JSON.parse(readFileSync(file, "utf8")) as { tools: ToolDefinition[] };
  return Object.fromEntries(snapshot.tools.map((t) => [t.name, t]));
}

const pairs: ExpectedPair[] = JSON.parse(readFileSync(join(CORPUS, "expected.json"), "utf8"));

/**
 * Where mcp-contract deliberately disagrees with expected.json. Key: `server@from|tool|kind|detail prefix`.
 * Value: why, and the rule/severity we report instead (checked), or null when we report nothing for it.
 */
const DISAGREEMENTS: Record<string, { why: string; instead: { rule: string; severity: string } | null }> = {};

/**
 * Breaking changes we report that expected.json does not list, with why. Changes under the successor of a
 * tool we detect as renamed are explained by the rename itself (the corpus lists only the removal and, in
 * its detail, what the successor changed).
 */
const EXTRA_BREAKING: Record<string, string> = {
  // The corpus lists this as one unsure constraint-tightened on children[]; we match the old single item shape
  // with the paragraph alternative, so the bulleted_list_item key reads as removed from it (and its type enum
  // as narrowed). Both are the same unsure narrowing for mixed inputs.
  "@notionhq/notion-mcp-server@1.9.1|API-patch-block-children|param-removed|/inputSchema/properties/children/items/properties/bulleted_list_item":
    "same unsure narrowing as the listed constraint-tightened",
};

const HINT_DEFAULTS: Record<string, unknown> = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: true,
};

/**
 * An `annotations` or `execution` change of expected.json that only writes out or drops the spec's
 * defaults (the hints' defaults, `taskSupport: "forbidden"`): the bytes changed, the meaning did not,
 * and mcp-contract deliberately reports nothing for it.
 */
function specDefaultsOnly(e: ExpectedChange): boolean {
  const m = /^(annotations|execution) (.+) -> (.+)$/.exec(e.detail);
  if (!m) return false;
  const read = (text: string): Record<string, unknown> =>
    text === "(absent)" ? {} : (JSON.parse(text) as Record<string, unknown>);
  const defaults: Record<string, unknown> =
    m[1] === "annotations" ? HINT_DEFAULTS : { taskSupport: "forbidden" };
  const [a, b] = [read(m[2]!), read(m[3]!)];
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].every(
    (k) =>
      JSON.stringify(a[k]) === JSON.stringify(b[k]) ||
      (k in defaults && (a[k] ?? defaults[k]) === (b[k] ?? defaults[k])),
  );
}

function disagreementFor(pair: ExpectedPair, e: ExpectedChange) {
  if (specDefaultsOnly(e)) return { why: "only the spec's defaults written out or dropped", instead: null };
  for (const [key, value] of Object.entries(DISAGREEMENTS)) {
    const [where, tool, kind, prefix] = key.split("|");
    if (
      where === `${pair.server}@${pair.from}` &&
      tool === e.tool &&
      kind === e.kind &&
      e.detail.startsWith(prefix ?? "")
    ) {
      return value;
    }
  }
  return undefined;
}

describe("corpus", () => {
  it("has the pairs the README describes", () => {
    expect(pairs.length).toBe(30);
  });

  describe.each(pairs.map((p) => [`${p.server} ${p.from} → ${p.to}`, p] as const))("%s", (_label, pair) => {
    const changes: Change[] = diffTools(
      pair.server,
      load(pair.server, pair.from),
      load(pair.server, pair.to),
    );

    it("has the expected breaking verdict", () => {
      expect(changes.some((c) => c.severity === "breaking")).toBe(pair.breaking);
    });

    it("reproduces every expected change", () => {
      const missing: string[] = [];
      for (const e of pair.changes ?? []) {
        const disagreement = disagreementFor(pair, e);
        if (disagreement) {
          if (disagreement.instead) {
            const { rule, severity } = disagreement.instead;
            if (!changes.some((c) => c.tool === e.tool && c.rule === rule && c.severity === severity)) {
              missing.push(`${e.tool} ${e.kind}: expected our ${rule}/${severity} (${disagreement.why})`);
            }
          }
          continue;
        }
        if (!changes.some((c) => reproduces(e, c)))
          missing.push(`${e.tool} | ${e.kind} | ${e.severity} | ${e.detail}`);
      }
      expect(missing).toEqual([]);
    });

    it("reports no breaking change the corpus does not explain", () => {
      const successors = new Set(changes.filter((c) => c.rule === "tool-renamed").map((c) => c.after));
      const unexplained = changes.filter(
        (c) =>
          c.severity === "breaking" &&
          !successors.has(c.tool) &&
          !(pair.changes ?? []).some((e) => reproduces(e, c)) &&
          !EXTRA_BREAKING[`${pair.server}@${pair.from}|${c.tool}|${c.rule}|${c.pointer}`],
      );
      expect(unexplained.map((c) => `${c.tool} ${c.rule} ${c.pointer}`)).toEqual([]);
    });

    it("reports nothing for tools whose bytes changed without meaning (rawOnly) and for identical lists", () => {
      for (const tool of pair.rawOnly ?? []) expect(changes.filter((c) => c.tool === tool)).toEqual([]);
      if (pair.identical) expect(changes).toEqual([]);
    });
  });

  it("diff(a, a) is empty for every snapshot", () => {
    for (const server of readdirSync(join(CORPUS, "snapshots"))) {
      for (const file of readdirSync(join(CORPUS, "snapshots", server))) {
        const snapshot = JSON.parse(readFileSync(join(CORPUS, "snapshots", server, file), "utf8")) as {
          tools: ToolDefinition[];
        };
        const tools = Object.fromEntries(snapshot.tools.map((t) => [t.name, t]));
        expect(diffTools(server, tools, structuredClone(tools)), `${server}/${file}`).toEqual([]);
      }
    }
  });
});
