// Bad input files are usage errors, never internal errors: each case runs the built CLI on a broken
// config, lockfile or file source and asserts the exact one-line stderr (temp dir written <tmp>) and
// the exit code. A UTF-8 byte order mark is accepted in every JSON input, as YAML accepts it.
import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCliInProcess } from "../helpers/cli.js";

const BOM = "\uFEFF";
const TOOLS = JSON.stringify({
  tools: [{ name: "search", inputSchema: { type: "object", properties: { q: { type: "string" } } } }],
});

function project(files: Record<string, string>): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "mcp-contract-bad-files-")));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function run(dir: string, args: string[], env: Record<string, string | undefined> = {}) {
  const result = await runCliInProcess(args, { cwd: dir, env });
  return { code: result.code, stderr: result.stderr.replaceAll(dir, "<tmp>"), stdout: result.stdout };
}

/** A YAML "billion laughs": ten aliases of ten aliases of … of a ten-item list. */
function aliasBomb(): string {
  let text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (let i = 1; i <= 8; i++)
    text += `a${i}: &a${i} [${Array(10)
      .fill(`*a${i - 1}`)
      .join(", ")}]\n`;
  return `${text}servers: {}\n`;
}

describe("config", () => {
  it("a YAML alias bomb is one line naming the file", async () => {
    const dir = project({ "mcp-contract.yaml": aliasBomb() });
    expect(await run(dir, ["check", "--offline"])).toMatchObject({
      code: 2,
      stderr:
        "mcp-contract: <tmp>/mcp-contract.yaml: invalid YAML: its aliases expand too far (an alias bomb?); write the repeated values out instead of aliasing them\n",
    });
  });

  it("a url that is not a URL is a config error naming $.servers.NAME.url (was exit 3 Invalid URL)", async () => {
    const dir = project({ "mcp-contract.yaml": 'servers:\n  web:\n    url: "not a url"\n' });
    expect(await run(dir, ["lock"])).toMatchObject({
      code: 2,
      stderr:
        "mcp-contract: <tmp>/mcp-contract.yaml: $.servers.web.url: not a URL; write an absolute http:// or https:// URL, e.g. https://mcp.example.com/mcp\n",
    });
  });

  it("a url that only becomes one from ${VAR} is checked once interpolated, and its value is never shown", async () => {
    const dir = project({ "mcp-contract.yaml": "servers:\n  web:\n    url: ${WEB_URL}\n" });
    const result = await run(dir, ["lock"], { WEB_URL: "secret-host-name-1234" });
    expect(result).toMatchObject({
      code: 2,
      stderr:
        "mcp-contract: <tmp>/mcp-contract.yaml: $.servers.web.url: not a URL; write an absolute http:// or https:// URL, e.g. https://mcp.example.com/mcp\n",
    });
    // check --offline never contacts the server: neither the variable nor its value matters there.
    expect((await run(dir, ["check", "--offline"], { WEB_URL: undefined })).stderr).toBe(
      "mcp-contract: <tmp>/mcp-contract.lock.json: no lockfile yet; run `mcp-contract lock` and commit it\n",
    );
  });

  it("file:///etc/passwd as a server URL says to use a file: source", async () => {
    const dir = project({ "mcp-contract.yaml": "servers:\n  local:\n    url: file:///etc/passwd\n" });
    expect(await run(dir, ["lock"])).toMatchObject({
      code: 2,
      stderr:
        "mcp-contract: <tmp>/mcp-contract.yaml: $.servers.local.url: file: URLs are not fetched; to read a tools/list JSON file, write `file: PATH` (relative to the config) instead of `url:`\n",
    });
  });

  it("another scheme names what is supported", async () => {
    const dir = project({ "mcp-contract.yaml": "servers:\n  ws:\n    url: ws://127.0.0.1:9/mcp\n" });
    expect(await run(dir, ["check", "--offline"])).toMatchObject({
      code: 2,
      stderr:
        "mcp-contract: <tmp>/mcp-contract.yaml: $.servers.ws.url: ws:// is not supported; an MCP server is reached over http:// or https://, or started with `command:` (stdio)\n",
    });
  });

  it("a UTF-8 BOM in a JSON config is accepted", async () => {
    const dir = project({
      "mcp-contract.json": `${BOM}${JSON.stringify({ servers: { local: { file: "tools.json" } } })}`,
      "tools.json": TOOLS,
    });
    const result = await run(dir, ["lock"]);
    expect(result.stderr).toMatch(/^fetched local: 1 tool\n$/);
    expect(result.code).toBe(0);
  });
});

describe("lockfile", () => {
  it('"lockfileVersion": "1" says it is a string and must be the number 1 or 2 (said "missing")', async () => {
    const dir = project({
      "mcp-contract.yaml": "servers:\n  local: { file: tools.json }\n",
      "tools.json": TOOLS,
      "mcp-contract.lock.json": '{"lockfileVersion": "1", "servers": {}}\n',
    });
    expect(await run(dir, ["check", "--offline"])).toMatchObject({
      code: 2,
      stderr:
        'mcp-contract: <tmp>/mcp-contract.lock.json: $.lockfileVersion: is the string "1"; it must be the number 1 or 2\n',
    });
  });

  it("a UTF-8 BOM in the lockfile is accepted (check --offline, check, and diff)", async () => {
    const dir = project({
      "mcp-contract.yaml": "servers:\n  local: { file: tools.json }\n",
      "tools.json": TOOLS,
    });
    expect((await run(dir, ["lock", "--quiet"])).code).toBe(0);
    const lockPath = join(dir, "mcp-contract.lock.json");
    const lock = readFileSync(lockPath, "utf8");
    writeFileSync(lockPath, `${BOM}${lock}`);
    expect(await run(dir, ["check", "--offline", "--no-cache"])).toMatchObject({ code: 0, stderr: "" });
    expect(await run(dir, ["check", "--quiet"])).toMatchObject({ code: 0, stderr: "" });
    writeFileSync(join(dir, "plain.lock.json"), lock);
    expect(await run(dir, ["diff", "plain.lock.json", "mcp-contract.lock.json"])).toMatchObject({
      code: 0,
      stderr: "",
    });
  });
});

describe("file source", () => {
  it("a UTF-8 BOM in a file: source is accepted", async () => {
    const dir = project({
      "mcp-contract.yaml": "servers:\n  local: { file: tools.json }\n",
      "tools.json": `${BOM}${TOOLS}`,
    });
    const result = await run(dir, ["lock"]);
    expect(result.stderr).toMatch(/^fetched local: 1 tool\n$/);
    expect(result.code).toBe(0);
    const locked = JSON.parse(readFileSync(join(dir, "mcp-contract.lock.json"), "utf8"));
    expect(Object.keys(locked.servers.local.tools)).toEqual(["search"]);
  });
});
