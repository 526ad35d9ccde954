import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fetchServer, parseToolsDocument } from "../../src/fetch/index.js";
import { fetchOptions } from "./helpers.js";

const tool = { name: "a", inputSchema: { type: "object" }, extra: 1 };

describe("parseToolsDocument", () => {
  it("accepts a tools/list result, ignoring other keys", () => {
    expect(parseToolsDocument({ tools: [tool], nextCursor: "x" }, "f.json")).toEqual([tool]);
  });
  it("accepts a bare array", () => {
    expect(parseToolsDocument([tool], "f.json")).toEqual([tool]);
  });
  it("names the source when the shape is wrong", () => {
    expect(() => parseToolsDocument({ nope: 1 }, "snap.json")).toThrow(
      /^snap\.json: expected a tools\/list result/,
    );
    expect(() => parseToolsDocument({ tools: [{ description: "x" }] }, "snap.json")).toThrow(
      'snap.json: tools[0] has no string "name"',
    );
  });
});

describe("file source", () => {
  it("reads the file and reports invalid tools as findings, keeping them", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mcp-contract-"));
    const file = join(dir, "tools.json");
    const noType = { name: "b", inputSchema: { properties: {} } };
    await writeFile(file, JSON.stringify({ tools: [tool, noType, tool] }));
    const snapshot = await fetchServer("f", { kind: "file", file }, fetchOptions());
    expect(snapshot.tools).toEqual([tool, noType, tool]);
    expect(snapshot.findings?.map((f) => [f.rule, f.tool, f.pointer])).toEqual([
      ["invalid-tool-definition", "b", "/inputSchema/type"],
      ["duplicate-tool-name", "a", ""],
    ]);
  });

  it("a missing file is a FetchError naming the server and the file", async () => {
    const error = await fetchServer(
      "f",
      { kind: "file", file: "/nonexistent/tools.json" },
      fetchOptions(),
    ).catch((e) => e);
    expect(error.message).toBe('server "f": cannot read /nonexistent/tools.json (ENOENT)');
  });
});
