// The prose reader (src/templates/prose.ts) finds each code span's piece and line:column with a
// cursor and counted line feeds; it must give what it gave before (each position looked up from
// the last piece back, the text before it sliced and split), kept here as the reference:
// on the pieces of every template of the repository, the benchmark's and the battery, and on
// generated pieces of backticks, calls, line breaks and text. Checked to fail with the cursor moved
// one piece at most per span and with a line feed at a piece's start left uncounted.
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateReferenceRepo } from "../../bench/generate.mjs";
import type { SourceLocation } from "../../src/core/change.js";
import { splitFrontMatter } from "../../src/templates/front-matter.js";
import { findCalls, scanProse, type TextPiece } from "../../src/templates/prose.js";
import { scanReferences } from "../../src/templates/scan.js";
import type { CallReference, MentionReference } from "../../src/templates/types.js";
import { BATTERY } from "../helpers/template-shapes.js";
import { templatesIn } from "../helpers/templates.js";

/** scanProse as it was, each position looked up from the last piece back, the text before it sliced and split. */
function reference(pieces: readonly TextPiece[], file: string): (MentionReference | CallReference)[] {
  let joined = "";
  const starts: number[] = [];
  for (const piece of pieces) {
    if (joined !== "") joined += "\u0000";
    starts.push(joined.length);
    joined += piece.text;
  }
  const pieceAt = (index: number): TextPiece => {
    let i = starts.length - 1;
    while (i > 0 && starts[i]! > index) i--;
    return pieces[i]!;
  };
  const locate = (index: number): SourceLocation => {
    let i = starts.length - 1;
    while (i > 0 && starts[i]! > index) i--;
    const piece = pieces[i]!;
    const before = piece.text.slice(0, index - starts[i]!);
    const lastNewline = before.lastIndexOf("\n");
    const newlines = before.split("\n").length - 1;
    return lastNewline === -1
      ? { file, line: piece.line, column: piece.column + before.length + 1 }
      : { file, line: piece.line + newlines, column: before.length - lastNewline };
  };
  const out: (MentionReference | CallReference)[] = [];
  for (const span of joined.matchAll(/(?<!`)(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g)) {
    const content = span[2]!;
    if (content.includes("\u0000")) continue;
    const contentStart = span.index + span[1]!.length;
    const trimmed = content.trim();
    if (/^[A-Za-z_][\w.-]*(?:\/[A-Za-z_][\w.-]*)?$/.test(trimmed)) {
      const start = contentStart + content.indexOf(trimmed);
      const scope = pieceAt(start).scope;
      out.push({
        kind: "mention",
        form: "prose",
        name: trimmed,
        ...(scope !== undefined && { scope }),
        location: locate(start),
      });
      continue;
    }
    for (const call of findCalls(content)) {
      const scope = pieceAt(contentStart + call.offset).scope;
      out.push({
        kind: "call",
        form: "prose",
        tool: call.tool,
        args: call.args.map((a) => ({ name: a.name, location: locate(contentStart + a.offset) })),
        elided: call.elided,
        ...(scope !== undefined && { scope }),
        location: locate(contentStart + call.offset),
      });
    }
  }
  return out;
}

/** The pieces the text reader gives for a template (none when it leaves it to the tree). */
function piecesOf(source: string): TextPiece[] {
  try {
    return scanReferences(splitFrontMatter(source, "t.hbs").body, "t.hbs")?.pieces ?? [];
  } catch {
    return [];
  }
}

describe("prose reader: positions by cursor equal the plain ones", () => {
  it("on the pieces of the repository's, the benchmark's and the battery's templates", () => {
    const sources = [
      ...templatesIn(join(import.meta.dirname, "..", "..")),
      ...Object.entries(generateReferenceRepo({ servers: 50, tools: 2000, templates: 200 }))
        .filter(([path]) => path.endsWith(".hbs"))
        .map(([, text]) => text),
      ...BATTERY,
    ];
    let found = 0;
    for (const source of sources) {
      const pieces = piecesOf(source);
      const refs = scanProse(pieces, "t.hbs");
      found += refs.length;
      expect(JSON.stringify(refs), source).toBe(JSON.stringify(reference(pieces, "t.hbs")));
    }
    expect(found).toBeGreaterThan(700);
  });

  const text = fc
    .array(
      fc.constantFrom(
        "`",
        "``",
        "`x`",
        "`s/t`",
        "`create_ticket(a=1, b)`",
        '`f({"k": 1})`',
        "`t(\n  a=1)`",
        "``a ` b``",
        "a",
        "tools.x",
        "create_ticket",
        "s/t",
        "(",
        ")",
        "a=1",
        ", ",
        "b: 2",
        "...",
        "{",
        "}",
        '"q"',
        "\n",
        "\r\n",
        " ",
        "é",
      ),
      { minLength: 1, maxLength: 12 },
    )
    .map((parts) => parts.join(""));
  const pieces = fc.array(
    fc.record(
      {
        text,
        line: fc.integer({ min: 1, max: 5 }),
        column: fc.integer({ min: 0, max: 9 }),
        scope: fc.constantFrom("crm/t", "x"),
      },
      { requiredKeys: ["text", "line", "column"] },
    ),
    { maxLength: 6 },
  );

  it("on generated pieces", () => {
    let found = 0;
    fc.assert(
      fc.property(pieces, (list) => {
        // Pieces in order, as a template gives them: each starts after the one before.
        let line = 1;
        const ordered = list.map((p) => {
          const piece = { ...p, line };
          line += p.text.split("\n").length;
          return piece;
        });
        const refs = scanProse(ordered, "t.hbs");
        found += refs.length;
        expect(JSON.stringify(refs)).toBe(JSON.stringify(reference(ordered, "t.hbs")));
      }),
      { numRuns: 3000 },
    );
    expect(found).toBeGreaterThan(3000);
  });
});
