import { realpathSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fetchServer, parseToolsDocument } from "../../src/fetch/index.js";
import { runCliInProcess } from "../helpers/cli.js";
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

  it("an entry without a name is skipped with a finding; the rest of the list is kept", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mcp-contract-"));
    const file = join(dir, "tools.json");
    await writeFile(file, JSON.stringify({ tools: [tool, { description: "nameless" }, 7] }));
    const snapshot = await fetchServer("f", { kind: "file", file }, fetchOptions());
    expect(snapshot.tools).toEqual([tool]);
    expect(snapshot.findings?.map((f) => [f.rule, f.pointer, f.message, f.hint])).toEqual([
      [
        "invalid-tool-definition",
        "/tools/1",
        "Entry 1 of the tool list has no string `name` and was skipped.",
        "The rest of the list was kept; ask the server's maintainers to give every tool a name.",
      ],
      [
        "invalid-tool-definition",
        "/tools/2",
        "Entry 2 of the tool list has no string `name` and was skipped.",
        "The rest of the list was kept; ask the server's maintainers to give every tool a name.",
      ],
    ]);
  });

  it("bytes that are not UTF-8: a Latin-1 name is skipped, a Latin-1 description kept, both reported", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mcp-contract-"));
    const file = join(dir, "tools.json");
    const { nonUtf8Bytes } = await import("../../fixtures/servers/fixture-server.mjs");
    await writeFile(file, nonUtf8Bytes());
    const snapshot = await fetchServer("f", { kind: "file", file }, fetchOptions());
    expect(snapshot.tools.map((t) => t.name)).toEqual([
      "escalate_ticket",
      "lookup_customer",
      "ping",
      "latin",
    ]);
    expect(snapshot.findings?.map((f) => [f.tool ?? null, f.pointer])).toEqual([
      [null, "/tools/3/name"],
      ["latin", ""],
    ]);
  });

  it("a document of the wrong shape still fails the server, naming the file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mcp-contract-"));
    const file = join(dir, "tools.json");
    await writeFile(file, JSON.stringify({ tools: { a: tool } }));
    const error = await fetchServer("f", { kind: "file", file }, fetchOptions()).catch((e) => e);
    expect(error.message).toBe(`server "f": ${file}: "tools" must be an array`);
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

describe('a tool named ""', () => {
  it("is skipped with a warning as a nameless one is, by lock and by check alike", async () => {
    const dir = realpathSync(await mkdtemp(join(tmpdir(), "mcp-contract-")));
    await writeFile(join(dir, "mcp-contract.yaml"), "servers:\n  f:\n    file: tools.json\n");
    const tools = (list: unknown[]) => writeFile(join(dir, "tools.json"), JSON.stringify({ tools: list }));
    const named = { name: "a", inputSchema: { type: "object" } };
    await tools([named]);
    expect((await runCliInProcess(["lock", "--quiet"], { cwd: dir })).code).toBe(0);
    await tools([named, { name: "", description: "nameless", inputSchema: { type: "object" } }]);
    const finding =
      "    warning  Entry 1 of the tool list has an empty `name` and was skipped. (The rest of the list was kept; ask the server's maintainers to give every tool a name.)  invalid-tool-definition";
    const check = await runCliInProcess(["check"], { cwd: dir });
    expect(check.code).toBe(0);
    expect(check.stdout.split("\n")).toContain(finding);
    expect(check.stdout).not.toContain("tool-added");
    const lock = await runCliInProcess(["lock"], { cwd: dir });
    expect(lock.code).toBe(0);
    expect(lock.stdout.split("\n")).toContain(finding);
    const locked = JSON.parse(await readFile(join(dir, "mcp-contract.lock.json"), "utf8"));
    expect(Object.keys(locked.servers.f.tools)).toEqual(["a"]);
  });
});

describe('a prompt, resource template or resource keyed by ""', () => {
  it("is skipped with a warning as a nameless one is, by lock and by check alike", async () => {
    const dir = realpathSync(await mkdtemp(join(tmpdir(), "mcp-contract-")));
    await writeFile(join(dir, "mcp-contract.yaml"), "servers:\n  f:\n    file: surface.json\n");
    const tool = { name: "a", inputSchema: { type: "object" } };
    const prompt = { name: "p" };
    const template = { name: "t", uriTemplate: "crm://t/{id}" };
    const resource = { uri: "crm://r", name: "r" };
    const surface = (extra: boolean) =>
      writeFile(
        join(dir, "surface.json"),
        JSON.stringify({
          tools: [tool],
          prompts: extra ? [prompt, { name: "", description: "nameless" }] : [prompt],
          resourceTemplates: extra ? [template, { name: "", uriTemplate: "crm://x/{id}" }] : [template],
          resources: extra ? [resource, { uri: "", name: "empty" }] : [resource],
        }),
      );
    await surface(false);
    expect((await runCliInProcess(["lock", "--quiet"], { cwd: dir })).code).toBe(0);
    await surface(true);
    const hint = "(The rest of the list was kept; ask the server's maintainers to fix the entry.)";
    const findings = [
      `    warning  Entry 1 of prompts/list has an empty \`name\` and was skipped. ${hint}  invalid-surface-definition`,
      `    warning  Entry 1 of resources/templates/list has an empty \`name\` and was skipped. ${hint}  invalid-surface-definition`,
      `    warning  Entry 1 of resources/list has an empty \`uri\` and was skipped. ${hint}  invalid-surface-definition`,
    ];
    const check = await runCliInProcess(["check"], { cwd: dir });
    expect(check.code, check.stdout).toBe(0);
    for (const finding of findings) expect(check.stdout.split("\n"), check.stdout).toContain(finding);
    expect(check.stdout).not.toMatch(/prompt-added|resource-template-added|resource-added/);
    const lock = await runCliInProcess(["lock"], { cwd: dir });
    expect(lock.code).toBe(0);
    for (const finding of findings) expect(lock.stdout.split("\n"), lock.stdout).toContain(finding);
    const locked = JSON.parse(await readFile(join(dir, "mcp-contract.lock.json"), "utf8"));
    expect(Object.keys(locked.servers.f.prompts)).toEqual(["p"]);
  });
});
