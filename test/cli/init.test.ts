import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { parse } from "yaml";
import {
  addPreCommitHook,
  INIT_FILES,
  importForInit,
  referencedVariables,
  renderWorkflow,
  runInit,
} from "../../src/cli/commands/init.js";

const exampleWorkflow = readFileSync(
  new URL("../../examples/github/mcp-contract.yml", import.meta.url),
  "utf8",
);
const meta = { version: "1.2.3", exampleWorkflow };

let dir: string;
let out: string;
const io = () => ({
  cwd: dir,
  stdout: (t: string) => {
    out += t;
  },
});
const read = (file: string) => readFileSync(join(dir, file), "utf8");
const write = (file: string, text: string) => {
  mkdirSync(join(dir, file, ".."), { recursive: true });
  writeFileSync(join(dir, file), text);
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mcp-contract-init-"));
  out = "";
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("importForInit", () => {
  test(".mcp.json (Claude Code): stdio and http, literal secrets moved to ${VAR}", () => {
    const result = importForInit(
      {
        mcpServers: {
          crm: {
            command: "npx",
            args: ["-y", "crm-mcp"],
            env: { CRM_API_KEY: "sk-live-123", LOG_LEVEL: "debug" },
          },
          search: {
            type: "http",
            url: "https://search.example/mcp",
            headers: { Authorization: "Bearer abc.def" },
          },
          legacy: { type: "sse", url: "${LEGACY_URL:-http://localhost:9000}/sse" },
        },
      },
      ".mcp.json",
    );
    expect({ ...result.servers }).toEqual({
      crm: {
        command: "npx",
        args: ["-y", "crm-mcp"],
        env: { CRM_API_KEY: "${CRM_API_KEY}", LOG_LEVEL: "debug" },
      },
      search: {
        url: "https://search.example/mcp",
        transport: "streamable-http",
        headers: { Authorization: "Bearer ${SEARCH_AUTHORIZATION}" },
      },
      // mcp-contract reads ${VAR:-default} as Claude Code does: kept as written.
      legacy: { url: "${LEGACY_URL:-http://localhost:9000}/sse", transport: "sse" },
    });
    expect(referencedVariables(result.servers)).toEqual([
      "CRM_API_KEY",
      "LEGACY_URL",
      "SEARCH_AUTHORIZATION",
    ]);
    expect(JSON.stringify(result)).not.toContain("sk-live-123");
    expect(JSON.stringify(result)).not.toContain("abc.def");
  });

  test(".vscode/mcp.json: servers with type, inputs and ${workspaceFolder}", () => {
    const result = importForInit(
      {
        inputs: [{ type: "promptString", id: "github-token", password: true }],
        servers: {
          github: {
            type: "http",
            url: "https://api.githubcopilot.com/mcp/",
            headers: { Authorization: "Bearer ${input:github-token}" },
          },
          "local files": {
            type: "stdio",
            command: "node",
            args: ["${workspaceFolder}/server.js"],
            env: { HOME: "${env:HOME}" },
          },
        },
      },
      ".vscode/mcp.json",
    );
    expect({ ...result.servers }).toEqual({
      github: {
        url: "https://api.githubcopilot.com/mcp/",
        headers: { Authorization: "Bearer ${GITHUB_TOKEN}" },
      },
      "local-files": { command: "node", args: ["server.js"], env: { HOME: "${HOME}" } },
    });
    expect(referencedVariables(result.servers)).toEqual(["GITHUB_TOKEN", "HOME"]);
    expect(result.notes.join("\n")).toContain('renamed to "local-files"');
  });

  test("rejects a file with no server list", () => {
    expect(() => importForInit({ foo: 1 }, "x.json")).toThrow(
      'x.json: no MCP servers found (expected "mcpServers", "servers", "context_servers" or a Continue mcpServers list)',
    );
  });
});

describe("the workflow maps exactly the variables the written config reads", () => {
  const envLines = (workflow: string) =>
    workflow.split("\n").filter((line) => /^ {10}\w+: \$\{\{ secrets\./.test(line));

  test("one secret per ${VAR} of the imported servers, none of CRM_TOKEN", async () => {
    write(
      ".mcp.json",
      JSON.stringify({
        mcpServers: {
          search: {
            type: "http",
            url: "${SEARCH_URL:-https://s.example/mcp}",
            headers: { "X-Key": "${SEARCH_KEY}" },
          },
          gh: {
            command: "npx",
            args: ["gh-mcp"],
            env: { GITHUB_PERSONAL_ACCESS_TOKEN: "${GITHUB_PAT}", GITHUB_TOKEN: "ghp_literal" },
          },
          files: { command: "node", args: ["${userHome}/fs.js"] },
        },
      }),
    );
    await runInit({ preCommit: false }, io(), meta);
    const workflow = read(INIT_FILES.workflow);
    expect(envLines(workflow)).toEqual([
      // GitHub refuses secret names starting with GITHUB_ (GITHUB_TOKEN is the workflow's own token).
      "          GITHUB_PAT: ${{ secrets.MCP_GITHUB_PAT }}",
      "          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}",
      "          SEARCH_KEY: ${{ secrets.SEARCH_KEY }}",
      "          SEARCH_URL: ${{ secrets.SEARCH_URL }}",
    ]);
    expect(workflow).not.toContain("CRM_TOKEN");
    // HOME (from ${userHome}) is the runner's own.
    expect(workflow).not.toContain("secrets.HOME");
    // GitHub refuses a repository secret named GITHUB_TOKEN: init said to add one.
    expect(out).toContain(
      "add these repository secrets for the workflow: MCP_GITHUB_PAT (for GITHUB_PAT), SEARCH_KEY, SEARCH_URL\nGITHUB_TOKEN: no secret to add (GitHub reserves the name); the workflow passes its own token, scoped to this repository; for a personal token, read it from another variable in mcp-contract.yaml\n",
    );
    // The rest of the workflow is the example's.
    const exampleRest = renderWorkflow(exampleWorkflow, ["CRM_TOKEN"])
      .split("\n")
      .filter((l) => !l.includes("secrets.CRM_TOKEN"));
    expect(workflow.split("\n").filter((l) => !/ {10}\w+: \$\{\{ secrets\./.test(l))).toEqual(exampleRest);
  });

  test("a GITHUB_ variable reads from an MCP_ secret; none at all drops the env block", () => {
    expect(
      envLines(renderWorkflow(exampleWorkflow, ["GITHUB_PERSONAL_ACCESS_TOKEN", "GITHUB_SHA", "CI"])),
    ).toEqual(["          GITHUB_PERSONAL_ACCESS_TOKEN: ${{ secrets.MCP_GITHUB_PERSONAL_ACCESS_TOKEN }}"]);
    const none = renderWorkflow(exampleWorkflow, []);
    expect(none).not.toContain("secrets.");
    expect(none).not.toMatch(/^\s+env:$/m);
    expect(parse(none).jobs.contract.steps[1]).toEqual({
      name: "Check servers and prompts against the lockfile",
      uses: "mcp-contract/mcp-contract@v1",
      with: {
        "fail-on": "breaking",
        format:
          "github sarif=mcp-contract.sarif markdown=mcp-contract.md json=mcp-contract.json html=mcp-contract.html",
      },
    });
  });

  test("the placeholder config reads EXAMPLE_TOKEN, and the workflow maps it", async () => {
    await runInit({ preCommit: false }, io(), meta);
    expect(envLines(read(INIT_FILES.workflow))).toEqual([
      "          EXAMPLE_TOKEN: ${{ secrets.EXAMPLE_TOKEN }}",
    ]);
  });

  test("an envFile's variables need no secret: the file is read where the server starts", async () => {
    write(
      ".vscode/mcp.json",
      JSON.stringify({
        servers: { db: { type: "stdio", command: "db-mcp", envFile: "${workspaceFolder}/.env" } },
      }),
    );
    await runInit({ preCommit: false }, io(), meta);
    expect(parse(read(INIT_FILES.config)).servers).toEqual({ db: { command: "db-mcp", envFile: ".env" } });
    expect(envLines(read(INIT_FILES.workflow))).toEqual([]);
  });
});

describe("the editor hook", () => {
  test("the first line points the YAML language server at the schema of this version", async () => {
    await runInit({ workflow: false, preCommit: false }, io(), meta);
    expect(read(INIT_FILES.config).split("\n")[0]).toBe(
      "# yaml-language-server: $schema=https://raw.githubusercontent.com/mcp-contract/mcp-contract/v1.2.3/schema/config.schema.json",
    );
  });

  test("at the schema shipped in node_modules when the project installs mcp-contract", async () => {
    write("node_modules/mcp-contract/schema/config.schema.json", "{}");
    await runInit({ workflow: false, preCommit: false }, io(), meta);
    expect(read(INIT_FILES.config).split("\n")[0]).toBe(
      "# yaml-language-server: $schema=./node_modules/mcp-contract/schema/config.schema.json",
    );
  });
});

describe("runInit", () => {
  test("imports .mcp.json, .cursor/mcp.json and .vscode/mcp.json (first one wins on a name clash)", async () => {
    write(".mcp.json", JSON.stringify({ mcpServers: { crm: { command: "node", args: ["crm.js"] } } }));
    write(
      ".cursor/mcp.json",
      '{\n // cursor allows comments\n "mcpServers": { "crm": { "url": "http://x" }, "docs": { "url": "http://docs/mcp", }, }\n}',
    );
    write(".vscode/mcp.json", JSON.stringify({ servers: { tickets: { type: "sse", url: "http://t/sse" } } }));
    expect(await runInit({}, io(), meta)).toBe(0);
    const config = parse(read(INIT_FILES.config));
    expect(config.servers).toEqual({
      crm: { command: "node", args: ["crm.js"] },
      docs: { url: "http://docs/mcp" },
      tickets: { url: "http://t/sse", transport: "sse" },
    });
    expect(read(INIT_FILES.config)).not.toContain("lockfile: .cursor");
    expect(config.templates).toEqual(["prompts/**/*.{hbs,handlebars}"]);
    expect(out).toContain("imported 3 servers from .mcp.json, .cursor/mcp.json, .vscode/mcp.json");
    expect(out).toContain('server "crm" also defined in an earlier file');
  });

  test("--from takes an absolute path as well as a relative one", async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), "mcp-contract-init-from-"));
    const source = join(elsewhere, "editor.json");
    writeFileSync(source, JSON.stringify({ mcpServers: { crm: { command: "node" } } }));
    expect(await runInit({ from: source }, io(), meta)).toBe(0);
    expect(parse(read(INIT_FILES.config)).servers).toEqual({ crm: { command: "node" } });
    rmSync(elsewhere, { recursive: true, force: true });
  });

  test("writes a placeholder server when there is nothing to import", async () => {
    await runInit({}, io(), meta);
    expect(Object.keys(parse(read(INIT_FILES.config)).servers)).toEqual(["example"]);
  });

  test("writes the workflow (the example's content) and a pre-commit config", async () => {
    await runInit({}, io(), meta);
    expect(read(INIT_FILES.workflow)).toBe(renderWorkflow(exampleWorkflow, ["EXAMPLE_TOKEN"]));
    expect(read(INIT_FILES.workflow)).toContain("uses: mcp-contract/mcp-contract@v1");
    expect(parse(read(INIT_FILES.preCommit))).toEqual({
      repos: [
        {
          repo: "https://github.com/mcp-contract/mcp-contract",
          rev: "v1.2.3",
          hooks: [{ id: "mcp-contract" }],
        },
      ],
    });
  });

  test("never overwrites without --force", async () => {
    write(INIT_FILES.config, "servers: {mine: {url: http://mine}}\n");
    write(INIT_FILES.workflow, "name: mine\n");
    write(".mcp.json", JSON.stringify({ mcpServers: { crm: { command: "node" } } }));
    await runInit({}, io(), meta);
    expect(read(INIT_FILES.config)).toBe("servers: {mine: {url: http://mine}}\n");
    expect(read(INIT_FILES.workflow)).toBe("name: mine\n");
    expect(out).toMatch(/kept +mcp-contract\.yaml \(exists; --force to overwrite\)/);
    out = "";
    await runInit({ force: true }, io(), meta);
    expect(parse(read(INIT_FILES.config)).servers).toEqual({ crm: { command: "node" } });
    expect(out).toMatch(/overwritten +mcp-contract\.yaml/);
  });

  test("--no-workflow and --no-pre-commit skip those files", async () => {
    await runInit({ workflow: false, preCommit: false }, io(), meta);
    expect(() => read(INIT_FILES.workflow)).toThrow();
    expect(() => read(INIT_FILES.preCommit)).toThrow();
  });

  test("an unreadable editor config is a ConfigError naming the file", async () => {
    write(".mcp.json", "{ not json");
    await expect(runInit({}, io(), meta)).rejects.toThrow(/^\.mcp\.json:1:3: invalid JSON: /);
  });
});

describe("addPreCommitHook", () => {
  test("appends to an existing config, keeping comments, and is idempotent", () => {
    const existing =
      "# my hooks\nrepos:\n  - repo: https://github.com/pre-commit/pre-commit-hooks\n    rev: v4.6.0 # pinned\n    hooks:\n      - id: trailing-whitespace\n";
    const { text, changed } = addPreCommitHook(existing, "v1.0.0");
    expect(changed).toBe(true);
    expect(text).toContain("# my hooks");
    expect(text).toContain("rev: v4.6.0 # pinned");
    expect(parse(text).repos.map((r: { repo: string }) => r.repo)).toEqual([
      "https://github.com/pre-commit/pre-commit-hooks",
      "https://github.com/mcp-contract/mcp-contract",
    ]);
    expect(addPreCommitHook(text, "v1.0.0")).toEqual({ text, changed: false });
  });
  test("an empty file gets a repos list; a non-list repos is an error", () => {
    expect(parse(addPreCommitHook("", "v1").text).repos).toHaveLength(1);
    expect(() => addPreCommitHook("repos: 3\n", "v1")).toThrow('"repos" is not a list');
  });
});
