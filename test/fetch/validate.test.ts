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

  it("reports duplicate names once per name", () => {
    const tool = { name: "dup", inputSchema: { type: "object" } };
    expect(rulesOf([tool, tool, tool])).toEqual([["duplicate-tool-name", "dup", ""]]);
  });
});
