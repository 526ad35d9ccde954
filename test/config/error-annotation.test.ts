// With --format github, a config (or lockfile) error is also a workflow command on stdout that
// points at the file and line, so the pull request shows it; stderr keeps its one line.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { locateConfigError } from "../../src/config/load.js";
import { runCliInProcess } from "../helpers/cli.js";

function project(files: Record<string, string>): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "mcp-contract-annotation-")));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const TITLE = "title=mcp-contract%3A config error";

describe("config errors in --format github", () => {
  it("an unknown key: ::error at its line, and the usual line on stderr", async () => {
    const dir = project({
      "mcp-contract.yaml": "servers:\n  crm:\n    url: https://crm.example/mcp\n    hedaers: {}\n",
    });
    const result = await runCliInProcess(["check", "--offline", "--format", "github"], { cwd: dir });
    const message = `${dir}/mcp-contract.yaml: $.servers.crm.hedaers: unknown key; did you mean \`headers\`?`;
    expect(result.stdout).toBe(`::error file=mcp-contract.yaml,line=4,col=5,${TITLE}::${message}\n`);
    expect(result.stderr).toBe(`mcp-contract: ${message}\n`);
    expect(result.code).toBe(2);
  });

  it("a YAML syntax error at its line and column; an unknown rule id at its key (-f github, --format=github)", async () => {
    const dir = project({ "mcp-contract.yaml": "servers:\n  a: [x\n" });
    const syntax = await runCliInProcess(["check", "--offline", "-f", "github"], { cwd: dir });
    expect(syntax.stdout).toMatch(
      /^::error file=mcp-contract\.yaml,line=3,col=1,title=[^:]+::.*invalid YAML: /,
    );
    expect(syntax.code).toBe(2);
    writeFileSync(
      join(dir, "mcp-contract.yaml"),
      "servers: {}\nrules:\n  tool-added: off\n  description-changed: info\n",
    );
    const rule = await runCliInProcess(["check", "--offline", "--format=github"], { cwd: dir });
    expect(rule.stdout).toBe(
      `::error file=mcp-contract.yaml,line=4,col=3,${TITLE}::${dir}/mcp-contract.yaml: $.rules.description-changed: unknown rule id; did you mean \`tool-description-changed\`?\n`,
    );
  });

  it("a JSON config in a foreign shape: the line of the key under mcpServers", async () => {
    const dir = project({
      "mcp.json": '{\n  "mcpServers": {\n    "a": {\n      "url": "not a url"\n    }\n  }\n}\n',
    });
    const result = await runCliInProcess(
      ["--config", "mcp.json", "check", "--offline", "--format", "github"],
      {
        cwd: dir,
      },
    );
    expect(result.stdout).toBe(
      `::error file=mcp.json,line=4,col=7,${TITLE}::${dir}/mcp.json: $.servers.a.url: not a URL; write an absolute http:// or https:// URL, e.g. https://mcp.example.com/mcp\n`,
    );
    expect(result.code).toBe(2);
  });

  it("paths are relative to GITHUB_WORKSPACE when run from a subfolder", async () => {
    const dir = project({
      "config/mcp-contract.yaml": "servers:\n  crm:\n    url: 'not a url'\n",
      "sub/.keep": "",
    });
    const result = await runCliInProcess(
      ["--config", "../config/mcp-contract.yaml", "check", "--offline", "--format", "github"],
      { cwd: join(dir, "sub"), env: { GITHUB_WORKSPACE: dir } },
    );
    expect(result.stdout).toMatch(
      /^::error file=config\/mcp-contract\.yaml,line=3,col=5,title=[^:]+::.*\$\.servers\.crm\.url: not a URL;/,
    );
    expect(result.code).toBe(2);
  });

  it("without GITHUB_WORKSPACE, paths are from the git top level", async () => {
    const dir = project({ "pkg/mcp-contract.yaml": "servers:\n  crm:\n    url: 'not a url'\n" });
    execFileSync("git", ["init", "-q"], { cwd: dir });
    const result = await runCliInProcess(["check", "--offline", "--format", "github"], {
      cwd: join(dir, "pkg"),
      env: { GITHUB_WORKSPACE: undefined },
    });
    expect(result.stdout).toMatch(/^::error file=pkg\/mcp-contract\.yaml,line=3,col=5,title=/);
    expect(result.code).toBe(2);
  });

  it("an unset variable found at fetch time names the file; a bad lockfile is annotated too", async () => {
    const dir = project({
      "mcp-contract.yaml":
        "servers:\n  crm:\n    url: https://crm.example/mcp\n    headers: { Authorization: 'Bearer ${CRM_TOKEN}' }\n",
      "mcp-contract.lock.json": '{"lockfileVersion": 1, "servers": {}}\n',
    });
    const unset = await runCliInProcess(["check", "--format", "github"], {
      cwd: dir,
      env: { CRM_TOKEN: undefined },
    });
    expect(unset.stdout).toBe(
      `::error file=mcp-contract.yaml,${TITLE}::${dir}/mcp-contract.yaml: $.servers.crm.headers.Authorization: environment variable CRM_TOKEN is not set; export it or remove \${CRM_TOKEN}\n`,
    );
    expect(unset.code).toBe(2);
    writeFileSync(join(dir, "mcp-contract.lock.json"), '{"lockfileVersion": "1", "servers": {}}\n');
    const lock = await runCliInProcess(["check", "--offline", "--format", "github"], { cwd: dir });
    expect(lock.stdout).toBe(
      `::error file=mcp-contract.lock.json,title=mcp-contract%3A lockfile error::${dir}/mcp-contract.lock.json: $.lockfileVersion: is the string "1"; it must be the number 1 or 2\n`,
    );
    expect(lock.code).toBe(2);
  });

  it("other formats print nothing on stdout", async () => {
    const dir = project({ "mcp-contract.yaml": "servers:\n  crm: { url: 'not a url' }\n" });
    const result = await runCliInProcess(["check", "--offline", "--format", "json"], { cwd: dir });
    expect(result.stdout).toBe("");
    expect(result.code).toBe(2);
  });
});

describe("locateConfigError", () => {
  const text = 'servers:\n  "a b":\n    command: node\n    args:\n      - one\n      - two\n';
  it("finds the line of a JSON path, quoted keys and list items included", async () => {
    const at = (path: string) => locateConfigError(`/c.yaml: ${path}: bad`, "/c.yaml", text);
    expect(await at('$.servers["a b"].args[1]')).toEqual({ file: "/c.yaml", line: 6, column: 9 });
    expect(await at('$.servers["a b"].command')).toEqual({ file: "/c.yaml", line: 3, column: 5 });
    // The deepest part that exists: a missing key points at its parent.
    expect(await at('$.servers["a b"].nope')).toEqual({ file: "/c.yaml", line: 2, column: 3 });
    expect(await at("$.lockfle")).toEqual({ file: "/c.yaml" });
    expect(await locateConfigError("/c.yaml:7:2: invalid YAML: x", "/c.yaml", text)).toEqual({
      file: "/c.yaml",
      line: 7,
      column: 2,
    });
  });
});
