import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { INIT_FILES, runInit } from "../../src/cli/commands/init.js";
import { interpolateServers, loadConfig, readEnvFile } from "../../src/config/load.js";
import type { ResolvedConfig } from "../../src/config/types.js";
import { ConfigError } from "../../src/errors.js";

// One importer behind `init` and `--config FILE`: each client's config, read both ways, gives the
// same servers, and the servers each client would start.

const exampleWorkflow = readFileSync(
  new URL("../../examples/github/mcp-contract.yml", import.meta.url),
  "utf8",
);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mcp-contract-import-"));
  // The repository's top level: where a client config's lockfile goes.
  mkdirSync(join(dir, ".git"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (file: string, text: string) => {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), text);
};

/** The config read in place with --config, and the config init wrote from it, both resolved. */
async function bothWays(file: string, env: Record<string, string>) {
  const inPlace = await loadConfig({ configPath: file, cwd: dir, env });
  let out = "";
  await runInit(
    { from: file, workflow: false, preCommit: false },
    { cwd: dir, stdout: (t) => (out += t) },
    {
      version: "1.2.3",
      exampleWorkflow,
    },
  );
  const written = await loadConfig({ configPath: INIT_FILES.config, cwd: dir, env });
  return { inPlace, written, out };
}

function expectSame(a: ResolvedConfig, b: ResolvedConfig) {
  expect(a.servers).toEqual(b.servers);
  expect(Object.keys(a.servers)).toEqual(Object.keys(b.servers));
  expect(a.lockfile).toBe(b.lockfile);
}

describe("each client's config gives the same servers through init and --config", () => {
  it("Claude Desktop: mcpServers with command, args, env", async () => {
    write(
      "claude_desktop_config.json",
      JSON.stringify({
        mcpServers: {
          files: { command: "npx", args: ["-y", "@modelcontextprotocol/server-filesystem", "/data"] },
          crm: { command: "node", args: ["crm.js"], env: { CRM_API_KEY: "sk-live-1", LOG_LEVEL: "debug" } },
        },
      }),
    );
    const { inPlace, written, out } = await bothWays("claude_desktop_config.json", {
      CRM_API_KEY: "sk-live-1",
    });
    expectSame(inPlace, written);
    expect(inPlace.servers.crm).toEqual({
      kind: "stdio",
      command: "node",
      args: ["crm.js"],
      env: { CRM_API_KEY: "sk-live-1", LOG_LEVEL: "debug" },
      cwd: dir,
      inheritEnv: false,
    });
    // init never writes the literal secret: it reads it from the variable of that name.
    expect(readFileSync(join(dir, INIT_FILES.config), "utf8")).not.toContain("sk-live-1");
    expect(out).toContain("crm.env.CRM_API_KEY was a literal value; now read from ${CRM_API_KEY}");
    expect(inPlace.lockfile).toBe(join(dir, "mcp-contract.lock.json"));
    expect(inPlace.notes).toEqual([]);
  });

  it("Claude Code .mcp.json: type stdio|http|sse, url, headers, ${VAR:-default}", async () => {
    write(
      ".mcp.json",
      JSON.stringify({
        mcpServers: {
          local: { type: "stdio", command: "node", args: ["server.js", "--port=${PORT:-3000}"] },
          search: {
            type: "http",
            url: "${SEARCH_URL:-https://search.example/mcp}",
            headers: { Authorization: "Bearer ${SEARCH_TOKEN}" },
          },
          legacy: { type: "sse", url: "http://127.0.0.1:9000/sse" },
        },
      }),
    );
    const env = { SEARCH_TOKEN: "tok-123456" };
    const { inPlace, written } = await bothWays(".mcp.json", env);
    expectSame(inPlace, written);
    expect(inPlace.servers).toEqual({
      local: {
        kind: "stdio",
        command: "node",
        args: ["server.js", "--port=3000"],
        env: {},
        cwd: dir,
        inheritEnv: false,
      },
      search: {
        kind: "http",
        url: "https://search.example/mcp",
        transport: "streamable-http",
        headers: { Authorization: "Bearer tok-123456" },
      },
      legacy: { kind: "http", url: "http://127.0.0.1:9000/sse", transport: "sse", headers: {} },
    });
  });

  it("Cursor .cursor/mcp.json: comments, url or command, ${env:VAR}, ${workspaceFolder}, envFile; lockfile at the top level", async () => {
    write(".cursor/.env", "CURSOR_KEY=from-env-file\n# a comment\nexport SHARED='quoted value'\n");
    write(
      ".cursor/mcp.json",
      `{
  // Cursor reads JSON with comments and trailing commas
  "mcpServers": {
    "docs": { "url": "https://docs.example/mcp", "headers": { "X-Key": "\${env:DOCS_KEY}" } },
    "tool": {
      "command": "\${workspaceFolder}/bin/tool",
      "args": ["--root", "\${workspaceFolder}"],
      "envFile": ".env",
      "env": { "SHARED": "env wins" },
    },
  },
}`,
    );
    const { inPlace, written } = await bothWays(".cursor/mcp.json", { DOCS_KEY: "key-abcdef" });
    expectSame(inPlace, written);
    expect(inPlace.servers).toEqual({
      docs: {
        kind: "http",
        url: "https://docs.example/mcp",
        transport: "auto",
        headers: { "X-Key": "key-abcdef" },
      },
      tool: {
        kind: "stdio",
        command: "bin/tool",
        args: ["--root", "."],
        env: { CURSOR_KEY: "from-env-file", SHARED: "env wins" },
        cwd: dir,
        inheritEnv: false,
      },
    });
    // Values from the envFile are secrets: redacted from everything printed.
    expect(inPlace.secrets).toEqual(expect.arrayContaining(["from-env-file", "key-abcdef"]));
    expect(inPlace.lockfile).toBe(join(dir, "mcp-contract.lock.json"));
    expect(inPlace.notes).toEqual([
      `${join(dir, ".cursor/mcp.json")}: lockfile ${join(dir, "mcp-contract.lock.json")} (the repository's top level)`,
    ]);
  });

  it("VS Code .vscode/mcp.json: servers, inputs, envFile, type; disabled servers skipped", async () => {
    write(".env", "DB_URL=postgres://u:p@h/db\n");
    write(
      ".vscode/mcp.json",
      JSON.stringify({
        inputs: [{ type: "promptString", id: "github-token", description: "GitHub PAT", password: true }],
        servers: {
          github: {
            type: "http",
            url: "https://api.githubcopilot.com/mcp/",
            headers: { Authorization: "Bearer ${input:github-token}" },
          },
          db: {
            type: "stdio",
            command: "uvx",
            args: ["mcp-db"],
            envFile: "${workspaceFolder}/.env",
            env: { PORT: 5432, UNSET: null },
            dev: { watch: "src/**" },
          },
          old: { type: "sse", url: "http://127.0.0.1:1/sse", disabled: true },
        },
      }),
    );
    const env = { GITHUB_TOKEN: "ghp_abcdef123" };
    const { inPlace, written, out } = await bothWays(".vscode/mcp.json", env);
    expectSame(inPlace, written);
    expect(inPlace.servers).toEqual({
      // VS Code's http tries Streamable HTTP, then SSE: mcp-contract's auto.
      github: {
        kind: "http",
        url: "https://api.githubcopilot.com/mcp/",
        transport: "auto",
        headers: { Authorization: "Bearer ghp_abcdef123" },
      },
      db: {
        kind: "stdio",
        command: "uvx",
        args: ["mcp-db"],
        env: { DB_URL: "postgres://u:p@h/db", PORT: "5432" },
        cwd: dir,
        inheritEnv: false,
      },
    });
    expect(inPlace.notes).toEqual([
      `${join(dir, ".vscode/mcp.json")}: server "old" is disabled there; skipped`,
      `${join(dir, ".vscode/mcp.json")}: lockfile ${join(dir, "mcp-contract.lock.json")} (the repository's top level)`,
    ]);
    expect(out).toContain('.vscode/mcp.json: server "old" is disabled there; skipped');
    expect(out).toContain(
      '.vscode/mcp.json: $.servers.github.headers.Authorization: VS Code input "github-token" is read from ${GITHUB_TOKEN}',
    );
  });

  it("Windsurf: serverUrl", async () => {
    write(
      "mcp_config.json",
      JSON.stringify({
        mcpServers: {
          remote: {
            serverUrl: "https://mcp.example/mcp",
            headers: { Authorization: "Bearer ${env:AUTH_TOKEN}" },
          },
          local: { command: "npx", args: ["-y", "tool"], disabled: false },
        },
      }),
    );
    const { inPlace, written } = await bothWays("mcp_config.json", { AUTH_TOKEN: "t-0123456789" });
    expectSame(inPlace, written);
    expect(inPlace.servers.remote).toEqual({
      kind: "http",
      url: "https://mcp.example/mcp",
      transport: "auto",
      headers: { Authorization: "Bearer t-0123456789" },
    });
    expect(inPlace.servers.local).toMatchObject({ kind: "stdio", command: "npx", args: ["-y", "tool"] });
  });

  it("Zed settings.json: context_servers with command string or {path,args,env}, url; extension servers and enabled: false skipped", async () => {
    write(
      ".zed/settings.json",
      `{
  "theme": "One Dark",
  "context_servers": {
    "current": { "source": "custom", "command": "some-command", "args": ["arg-1"], "env": { "A": "b" } },
    "older": { "command": { "path": "uvx", "args": ["mcp-server-filesystem", "--root", "."], "env": {} }, "settings": {} },
    "remote": { "url": "https://example.com/mcp", "headers": { "Authorization": "Bearer \${ZED_TOKEN}" } },
    "extension": { "source": "extension", "settings": { "token": "x" } },
    "off": { "command": "nope", "args": [], "enabled": false },
  },
}`,
    );
    const { inPlace, written } = await bothWays(".zed/settings.json", { ZED_TOKEN: "z-0123456789" });
    expectSame(inPlace, written);
    expect(inPlace.servers).toEqual({
      current: {
        kind: "stdio",
        command: "some-command",
        args: ["arg-1"],
        env: { A: "b" },
        cwd: dir,
        inheritEnv: false,
      },
      older: {
        kind: "stdio",
        command: "uvx",
        args: ["mcp-server-filesystem", "--root", "."],
        env: {},
        cwd: dir,
        inheritEnv: false,
      },
      remote: {
        kind: "http",
        url: "https://example.com/mcp",
        transport: "auto",
        headers: { Authorization: "Bearer z-0123456789" },
      },
    });
    const file = join(dir, ".zed/settings.json");
    expect(inPlace.notes).toEqual([
      `${file}: server "extension" is started by a Zed extension; skipped (add its command or url to check it)`,
      `${file}: server "off" is disabled there; skipped`,
      `${file}: lockfile ${join(dir, "mcp-contract.lock.json")} (the repository's top level)`,
    ]);
  });

  it("Continue: a list-shaped mcpServers in YAML, requestOptions.headers, ${{ secrets.NAME }}", async () => {
    write(
      ".continue/mcpServers/servers.yaml",
      [
        "name: Team servers",
        "version: 0.0.1",
        "schema: v1",
        "mcpServers:",
        "  - name: Browser search",
        "    command: npx",
        "    args: ['@playwright/mcp@latest']",
        "  - name: GitHub",
        "    type: stdio",
        "    command: npx",
        "    args: ['-y', '@modelcontextprotocol/server-github']",
        "    env:",
        "      GITHUB_PERSONAL_ACCESS_TOKEN: ${{ secrets.GITHUB_PAT }}",
        "  - name: remote",
        "    type: streamable-http",
        "    url: https://mcp.example/mcp",
        "    requestOptions:",
        "      headers: { X-Team: core }",
        "  - name: legacy",
        "    type: sse",
        "    url: http://127.0.0.1:9/sse",
        "",
      ].join("\n"),
    );
    const { inPlace, written, out } = await bothWays(".continue/mcpServers/servers.yaml", {
      GITHUB_PAT: "ghp_x12345",
      // init reads every header but Accept, Content-Type and User-Agent from a variable.
      REMOTE_X_TEAM: "core",
    });
    expectSame(inPlace, written);
    expect(Object.keys(inPlace.servers)).toEqual(["Browser-search", "GitHub", "remote", "legacy"]);
    expect(inPlace.servers.GitHub).toMatchObject({
      env: { GITHUB_PERSONAL_ACCESS_TOKEN: "ghp_x12345" },
      cwd: dir,
    });
    expect(inPlace.servers.remote).toEqual({
      kind: "http",
      url: "https://mcp.example/mcp",
      transport: "streamable-http",
      headers: { "X-Team": "core" },
    });
    expect(inPlace.servers.legacy).toMatchObject({ transport: "sse" });
    expect(out).toContain('server "Browser search" renamed to "Browser-search"');
    expect(out).toContain('Continue secret "GITHUB_PAT" is read from ${GITHUB_PAT}');
  });
});

describe("what a client would refuse, or only the client can resolve, is one line naming file and place", () => {
  const cases: [string, string, string, RegExp][] = [
    [
      "a VS Code input with no value outside VS Code",
      ".vscode/mcp.json",
      JSON.stringify({
        servers: { gh: { type: "http", url: "https://x/mcp", headers: { A: "${input:gh-pat}" } } },
      }),
      /\.vscode\/mcp\.json: \$\.servers\.gh\.headers\.A: VS Code input "gh-pat" has no value outside VS Code; export GH_PAT \(mcp-contract reads \$\{input:gh-pat\} from it\)$/,
    ],
    [
      "a variable only the client resolves",
      ".vscode/mcp.json",
      JSON.stringify({ servers: { s: { type: "stdio", command: "node", args: ["${command:pickFile}"] } } }),
      /\.vscode\/mcp\.json: \$\.servers\.s\.args\[0\]: \$\{command:pickFile\} is resolved by the client, not by mcp-contract; write the value or \$\{VAR\} instead$/,
    ],
    [
      "an envFile that does not exist",
      ".vscode/mcp.json",
      JSON.stringify({
        servers: { s: { type: "stdio", command: "node", envFile: "${workspaceFolder}/.env.local" } },
      }),
      /\.vscode\/mcp\.json: \$\.servers\.s\.envFile: .*\/\.env\.local not found; create it \(KEY=value lines\) or remove envFile$/,
    ],
    [
      "an unknown transport type",
      ".mcp.json",
      JSON.stringify({ mcpServers: { s: { type: "ws", url: "ws://x" } } }),
      /\.mcp\.json: \$\.mcpServers\.s\.type: "ws" is not a transport mcp-contract reads \(stdio, http, sse, streamable-http\)$/,
    ],
    [
      "a server with neither command nor url",
      ".mcp.json",
      JSON.stringify({ mcpServers: { s: { args: [] } } }),
      /\.mcp\.json: \$\.mcpServers\.s: has neither command \(stdio\) nor url\/serverUrl$/,
    ],
    [
      "args that are not strings",
      ".mcp.json",
      JSON.stringify({ mcpServers: { s: { command: "node", args: ["a", 3] } } }),
      /\.mcp\.json: \$\.mcpServers\.s\.args\[1\]: must be a string$/,
    ],
    [
      "a Continue server with no name",
      "config.yaml",
      "mcpServers:\n  - command: npx\n",
      /config\.yaml: \$\.mcpServers\[0\]\.name: required: Continue names each server$/,
    ],
    [
      "two servers of one name after renaming",
      "config.yaml",
      "mcpServers:\n  - {name: a b, command: x}\n  - {name: a-b, command: y}\n",
      /config\.yaml: \$\.mcpServers\[1\]: server "a-b" is already defined at \$\.mcpServers\[0\]; rename one$/,
    ],
    [
      "a JSONC syntax error",
      ".cursor/mcp.json",
      '{\n  // fine\n  "mcpServers": { "a": { "command": "x" } ]\n}',
      /\.cursor\/mcp\.json:3:43: invalid JSON: comma expected$/,
    ],
  ];
  for (const [name, file, text, expected] of cases) {
    it(`${name}: --config and init both refuse it`, async () => {
      write(file, text);
      const viaConfig = await loadConfig({ configPath: file, cwd: dir, env: {} }).catch((e: unknown) => e);
      expect(viaConfig).toBeInstanceOf(ConfigError);
      expect((viaConfig as Error).message).toMatch(expected);
      if (name.startsWith("a VS Code input") || name.startsWith("an envFile")) return; // init maps these; fetching needs them
      const viaInit = await runInit(
        { from: file, workflow: false, preCommit: false },
        { cwd: dir, stdout: () => {} },
        {
          version: "1.2.3",
          exampleWorkflow,
        },
      ).catch((e: unknown) => e);
      expect(viaInit).toBeInstanceOf(ConfigError);
      expect((viaInit as Error).message).toMatch(expected);
    });
  }
});

describe("own config keys and editor hooks", () => {
  it('a JSON config may carry "$schema" (the editor hook) and comments', async () => {
    write(
      "mcp-contract.json",
      '{\n  "$schema": "./node_modules/mcp-contract/schema/config.schema.json",\n  // a snapshot\n  "servers": { "a": { "file": "t.json" } },\n}',
    );
    const config = await loadConfig({ configPath: "mcp-contract.json", cwd: dir, env: {} });
    expect(config.servers.a).toEqual({ kind: "file", file: join(dir, "t.json") });
    expect(config.notes).toEqual([]);
  });

  it("a client config's lockfile goes next to the folder holding .vscode when there is no git top level", async () => {
    rmSync(join(dir, ".git"), { recursive: true });
    write(".vscode/mcp.json", JSON.stringify({ servers: { a: { type: "stdio", command: "node" } } }));
    const config = await loadConfig({ configPath: ".vscode/mcp.json", cwd: dir, env: {} });
    expect(config.lockfile).toBe(join(dir, "mcp-contract.lock.json"));
    expect(config.notes).toEqual([
      `${join(dir, ".vscode/mcp.json")}: lockfile ${join(dir, "mcp-contract.lock.json")} (the folder that holds .vscode)`,
    ]);
  });

  it("an envFile is read only for the servers a command starts, like ${VAR}", async () => {
    write(
      ".vscode/mcp.json",
      JSON.stringify({ servers: { a: { type: "stdio", command: "node", envFile: ".env" } } }),
    );
    const config = await loadConfig({
      configPath: ".vscode/mcp.json",
      cwd: dir,
      env: {},
      interpolate: false,
    });
    expect(() => interpolateServers(config, config.servers, {}, readEnvFile)).toThrow(
      `${join(dir, ".vscode/mcp.json")}: $.servers.a.envFile: ${join(dir, ".vscode/.env")} not found; create it (KEY=value lines) or remove envFile`,
    );
    write(".vscode/.env", "A=1\n");
    const { servers, secrets } = interpolateServers(config, config.servers, {}, readEnvFile);
    expect(servers.a).toEqual({
      kind: "stdio",
      command: "node",
      args: [],
      env: { A: "1" },
      cwd: dir,
      inheritEnv: false,
    });
    expect(secrets).toEqual(["1"]);
  });

  it("unknown server keys of a client config are named and ignored, not sent", async () => {
    write(".mcp.json", JSON.stringify({ mcpServers: { a: { command: "node", hedaers: {}, timeout: 5 } } }));
    const config = await loadConfig({ configPath: ".mcp.json", cwd: dir, env: {} });
    expect(config.notes).toEqual([
      `${join(dir, ".mcp.json")}: $.mcpServers.a.hedaers: not read by mcp-contract; ignored`,
    ]);
  });
});
