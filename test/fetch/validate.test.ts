import { describe, expect, it } from "vitest";
import { checkTools } from "../../src/fetch/validate.js";

const rulesOf = (raw: unknown[]) =>
  checkTools("s", raw).findings.map((f) => [f.rule, f.tool ?? null, f.pointer]);

describe("checkTools", () => {
  it("accepts ordinary tools in every common dialect", () => {
    expect(
      rulesOf([
        { name: "a", inputSchema: { type: "object" } },
        { name: "b", inputSchema: { $schema: "http://json-schema.org/draft-07/schema#", type: "object" } },
        {
          name: "c",
          inputSchema: { $schema: "https://json-schema.org/draft/2020-12/schema", type: "object" },
        },
        {
          name: "d",
          inputSchema: {
            type: "object",
            $defs: { x: { type: "string" } },
            properties: { y: { $ref: "#/$defs/x" } },
          },
        },
        {
          name: "e",
          inputSchema: { type: "object" },
          outputSchema: { type: "object", properties: { pattern: { type: "string" } } },
        },
      ]),
    ).toEqual([]);
  });

  it("reports schemas that do not compile, keeping the tools", () => {
    const raw = [
      { name: "p", inputSchema: { type: "object", properties: { a: { type: "string", pattern: "([" } } } },
      { name: "r", inputSchema: { type: "object", properties: { a: { $ref: "#/$defs/missing" } } } },
      { name: "t", inputSchema: { type: "object", properties: { a: { type: "strng" } } } },
      { name: "o", inputSchema: { type: "object" }, outputSchema: { type: "array" } },
      { name: "n" },
      { description: "no name" },
    ];
    const { tools, findings } = checkTools("s", raw);
    expect(tools.map((tool) => tool.name)).toEqual(["p", "r", "t", "o", "n"]);
    expect(findings.map((f) => [f.tool ?? null, f.pointer])).toEqual([
      ["p", "/inputSchema"],
      ["r", "/inputSchema"],
      ["t", "/inputSchema"],
      ["o", "/outputSchema/type"],
      ["n", ""],
      [null, "/tools/5"],
    ]);
    expect(findings.every((f) => f.rule === "invalid-tool-definition" && f.severity === "warning")).toBe(
      true,
    );
  });

  it("reports duplicate names once per name, saying the first is locked (as lockServer keeps it)", async () => {
    const first = { name: "dup", inputSchema: { type: "object" }, description: "first" };
    const second = { name: "dup", inputSchema: { type: "object" }, description: "second" };
    const { tools, findings } = checkTools("s", [first, second, second]);
    expect(findings.map((f) => [f.rule, f.tool, f.pointer, f.message])).toEqual([
      [
        "duplicate-tool-name",
        "dup",
        "",
        "The server sent 3 tools named `dup`; only the first one (in the server's order) is locked.",
      ],
    ]);
    const { lockServer } = await import("../../src/lockfile/build.js");
    expect(lockServer({ tools }).tools.dup?.definition).toEqual(first);
  });

  it("a skipped entry's finding never says it was kept; a kept tool's never says it was skipped", () => {
    const { findings } = checkTools("s", [{ description: "no name" }, { name: "n" }]);
    expect(findings.map((f) => `${f.message} ${f.hint}`)).toEqual([
      "Entry 0 of the tool list has no string `name` and was skipped. The rest of the list was kept; ask the server's maintainers to give every tool a name.",
      "Tool `n`: has no `inputSchema`. The tool was kept exactly as sent; ask the server's maintainers to fix its definition.",
    ]);
  });
});
