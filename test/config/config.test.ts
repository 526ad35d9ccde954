import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findConfigFile, loadConfig, parseConfigText } from "../../src/config/load.js";
import { resolveConfig } from "../../src/config/resolve.js";
import { CONFIG_KEYS } from "../../src/config/validate.js";
import { ConfigError } from "../../src/errors.js";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "mcp-contract-config-"));
}

async function load(text: string, name = "mcp-contract.yaml", env: Record<string, string> = {}) {
  const dir = tempDir();
  writeFileSync(join(dir, name), text);
  return loadConfig({ configPath: name, cwd: dir, env });
}

describe("finding the config", () => {
  it("walks up from the working directory", () => {
    const root = tempDir();
    const deep = join(root, "a", "b");
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(root, "mcp-contract.yml"), "servers: {}\n");
    expect(findConfigFile(deep)).toBe(join(root, "mcp-contract.yml"));
  });

  it("says what to do when there is none", async () => {
    const dir = tempDir();
    await expect(loadConfig({ cwd: dir, env: {} })).rejects.toThrow(
      /no mcp-contract\.yaml.*run `mcp-contract init` or pass --config FILE/,
    );
  });
});

describe("server kinds", () => {
  it("resolves url, command and file servers with defaults", async () => {
    const config = await load(
      [
        "servers:",
        "  web: { url: 'http://127.0.0.1:9/mcp', headers: { X-Team: core } }",
        "  local: { command: node, args: [server.mjs], cwd: sub }",
        "  snap: { file: tools.json }",
      ].join("\n"),
    );
    expect(config.servers.web).toEqual({
      kind: "http",
      url: "http://127.0.0.1:9/mcp",
      transport: "auto",
      headers: { "X-Team": "core" },
    });
    expect(config.servers.local).toEqual({
      kind: "stdio",
      command: "node",
      args: ["server.mjs"],
      env: {},
      cwd: join(config.dir, "sub"),
      inheritEnv: false,
    });
    expect(config.servers.snap).toEqual({ kind: "file", file: join(config.dir, "tools.json") });
    expect(config.lockfile).toBe(join(config.dir, "mcp-contract.lock.json"));
    expect(config.templates).toEqual(["prompts/**/*.{hbs,handlebars}"]);
  });

  it("reads JSON configs too", async () => {
    const config = await load(
      '{"servers": {"a": {"file": "t.json"}}, "lockfile": "locks/x.json"}',
      "mcp-contract.json",
    );
    expect(config.lockfile).toBe(join(config.dir, "locks", "x.json"));
  });
});

describe("foreign shapes", () => {
  it("accepts the mcpServers shape (Claude Desktop, Cursor)", async () => {
    const config = await load(
      JSON.stringify({
        mcpServers: {
          fs: { command: "npx", args: ["-y", "server"], env: { A: "b" }, disabled: false },
          remote: { type: "sse", url: "http://127.0.0.1:1/sse" },
        },
      }),
      ".mcp.json",
    );
    expect(config.servers.fs).toMatchObject({ kind: "stdio", command: "npx", env: { A: "b" } });
    expect(config.servers.remote).toMatchObject({ kind: "http", transport: "sse" });
  });

  it("accepts VS Code's servers shape with inputs", async () => {
    const config = await load(
      JSON.stringify({
        inputs: [{ id: "x", type: "promptString" }],
        servers: {
          gh: { type: "http", url: "http://127.0.0.1:1/mcp" },
          cli: { type: "stdio", command: "node" },
        },
      }),
      "mcp.json",
    );
    // VS Code's `http` tries Streamable HTTP, then SSE: mcp-contract's auto.
    expect(config.servers.gh).toMatchObject({ kind: "http", transport: "auto" });
    expect(config.servers.cli).toMatchObject({ kind: "stdio", command: "node" });
  });
});

describe("interpolation", () => {
  it("substitutes ${VAR} and ${env:VAR} in url, headers, args and env and records them as secrets", async () => {
    const config = await load(
      [
        "servers:",
        "  web: { url: 'http://127.0.0.1:${PORT}/mcp', headers: { Authorization: 'Bearer ${TOKEN}' } }",
        "  local: { command: node, args: ['--key=${env:KEY}'], env: { DB: '${DB_URL}' } }",
      ].join("\n"),
      "mcp-contract.yaml",
      { PORT: "8080", TOKEN: "tok-123456", KEY: "key-abcdef", DB_URL: "postgres://u:p@h/db" },
    );
    expect(config.servers.web).toMatchObject({
      url: "http://127.0.0.1:8080/mcp",
      headers: { Authorization: "Bearer tok-123456" },
    });
    expect(config.servers.local).toMatchObject({
      args: ["--key=key-abcdef"],
      env: { DB: "postgres://u:p@h/db" },
    });
    expect(config.secrets).toEqual(
      expect.arrayContaining(["tok-123456", "Bearer tok-123456", "key-abcdef", "postgres://u:p@h/db"]),
    );
  });

  it("names a missing variable with the file and JSON path", async () => {
    await expect(load("servers:\n  web: { url: 'http://h/${NOPE}' }\n")).rejects.toThrow(
      /mcp-contract\.yaml: \$\.servers\.web\.url: environment variable NOPE is not set/,
    );
  });
});

describe("validation", () => {
  const cases: [string, string, RegExp][] = [
    [
      "unknown top-level key",
      "servers: {}\nlockfle: x\n",
      /\$\.lockfle: unknown key; did you mean `lockfile`\?$/,
    ],
    [
      "unknown server key",
      "servers:\n  a: { url: 'http://h', hedaers: {} }\n",
      /\$\.servers\.a\.hedaers: unknown key; did you mean `headers`\?$/,
    ],
    [
      "unknown stdio server key, none close",
      "servers:\n  a: { command: node, environment: {} }\n",
      /\$\.servers\.a\.environment: unknown key; expected one of command, args, env, envFile, cwd, inheritEnv, resources, clientCapabilities$/,
    ],
    [
      "server of no kind",
      "servers:\n  a: { args: [] }\n",
      /\$\.servers\.a: must have one of url \(HTTP\), command \(stdio\) or file/,
    ],
    ["wrong type", "servers:\n  a: { command: node, args: 'x' }\n", /\$\.servers\.a\.args: must be a list/],
    [
      "bad transport",
      "servers:\n  a: { url: 'http://h', transport: ws }\n",
      /\$\.servers\.a\.transport: must be one of auto, streamable-http, sse, json/,
    ],
    ["no servers", "lockfile: x\n", /\$\.servers: required key is missing/],
    [
      "bad rule severity",
      "servers: {}\nrules: { tool-removed: fatal }\n",
      /\$\.rules\.tool-removed: must be one of breaking, warning, info, off/,
    ],
  ];
  for (const [name, text, expected] of cases) {
    it(`reports ${name} with the JSON path`, async () => {
      const error = await load(text).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/mcp-contract\.yaml: /);
      expect((error as Error).message).toMatch(expected);
    });
  }

  it("the keys a did-you-mean picks from are the schema's, at the top and for each kind of server", () => {
    const schema = JSON.parse(
      readFileSync(join(import.meta.dirname, "..", "..", "schema", "config.schema.json"), "utf8"),
    );
    const keys = (node: { properties: object }) => Object.keys(node.properties).sort();
    expect([...CONFIG_KEYS.whole].sort()).toEqual(keys(schema));
    expect([...CONFIG_KEYS.http].sort()).toEqual(keys(schema.definitions.httpServer));
    expect([...CONFIG_KEYS.stdio].sort()).toEqual(keys(schema.definitions.stdioServer));
    expect([...CONFIG_KEYS.file].sort()).toEqual(keys(schema.definitions.fileServer));
  });

  it("reports YAML syntax errors with line and column", async () => {
    await expect(parseConfigText("servers:\n  a: [unclosed\n", "c.yaml")).rejects.toThrow(
      /^c\.yaml:\d+:\d+: invalid YAML/,
    );
  });

  it("reports duplicate YAML keys", async () => {
    await expect(parseConfigText("servers: {}\nservers: {}\n", "c.yaml")).rejects.toThrow(
      /c\.yaml:2:1: invalid YAML/,
    );
  });

  it("reports an empty file", () => {
    expect(() => resolveConfig(null, "/x/c.yaml", {})).toThrow(
      "/x/c.yaml: the config file is empty; add a servers map",
    );
  });
});
