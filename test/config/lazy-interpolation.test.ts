// `${VAR}` is interpolated only in the servers a command contacts: `check --offline` (the pre-commit
// hook), `render` and `--server` runs need no secrets of the servers they leave alone.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { interpolateServers, loadConfig } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";
import { runCliInProcess } from "../helpers/cli.js";

const CONFIG = [
  "servers:",
  "  local: { file: tools.json }",
  "  remote:",
  "    url: https://mcp.example.com/${MCP_PATH}",
  "    headers: { Authorization: 'Bearer ${MCP_TOKEN}' }",
  "  child:",
  "    command: node",
  "    args: ['--key=${CHILD_KEY}']",
  "    env: { API_KEY: '${CHILD_KEY}' }",
  "templates: ['prompts/*.hbs']",
  "",
].join("\n");

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "mcp-contract-lazy-"));
  writeFileSync(join(dir, "mcp-contract.yaml"), CONFIG);
  writeFileSync(
    join(dir, "tools.json"),
    JSON.stringify({
      tools: [{ name: "search", inputSchema: { type: "object", properties: { q: { type: "string" } } } }],
    }),
  );
  return dir;
}

/** The environment with none of the config's variables set. */
const UNSET = { MCP_PATH: undefined, MCP_TOKEN: undefined, CHILD_KEY: undefined };

describe("loadConfig with interpolate: false", () => {
  it("leaves ${VAR} in place and interpolateServers fills in only the servers asked for", async () => {
    const dir = project();
    const config = await loadConfig({
      configPath: "mcp-contract.yaml",
      cwd: dir,
      env: {},
      interpolate: false,
    });
    expect(config.uninterpolated).toBe(true);
    expect(config.secrets).toEqual([]);
    expect(config.servers.remote).toMatchObject({
      url: "https://mcp.example.com/${MCP_PATH}",
      headers: { Authorization: "Bearer ${MCP_TOKEN}" },
    });
    const { servers, secrets } = interpolateServers(
      config,
      { remote: config.servers.remote!, local: config.servers.local! },
      { MCP_PATH: "mcp", MCP_TOKEN: "tok-secret-1" },
    );
    expect(servers.remote).toMatchObject({
      url: "https://mcp.example.com/mcp",
      headers: { Authorization: "Bearer tok-secret-1" },
    });
    expect(servers.local).toEqual(config.servers.local);
    expect(secrets).toEqual(expect.arrayContaining(["mcp", "tok-secret-1", "Bearer tok-secret-1"]));
    expect(() => interpolateServers(config, { child: config.servers.child! }, {})).toThrow(
      new ConfigError(
        `${join(dir, "mcp-contract.yaml")}: $.servers.child.env.API_KEY: environment variable CHILD_KEY is not set; export it or remove \${CHILD_KEY}`,
      ),
    );
  });

  it("by default every server is interpolated at load, as before", async () => {
    const dir = project();
    await expect(loadConfig({ configPath: "mcp-contract.yaml", cwd: dir, env: {} })).rejects.toThrow(
      /\$\.servers\.remote\.headers\.Authorization: environment variable MCP_TOKEN is not set/,
    );
  });
});

describe("the CLI with the secrets unset", () => {
  it("lock --server and check --offline need none; check of an authenticated server names the unset one", async () => {
    const dir = project();
    const locked = await runCliInProcess(["lock", "--server", "local"], { cwd: dir, env: UNSET });
    expect(locked.stderr).toMatch(/^fetched local: 1 tool\n$/);
    expect(locked.code).toBe(0);
    expect(
      Object.keys(JSON.parse(readFileSync(join(dir, "mcp-contract.lock.json"), "utf8")).servers),
    ).toEqual(["local"]);

    const offline = await runCliInProcess(["check", "--offline", "--no-cache"], { cwd: dir, env: UNSET });
    expect(offline.stderr).toBe("");
    expect(offline.code).toBe(0);
    const cached = await runCliInProcess(["check", "--offline"], { cwd: dir, env: UNSET });
    expect(cached.code).toBe(0);

    const onlyLocal = await runCliInProcess(["check", "--server", "local", "--format", "json"], {
      cwd: dir,
      env: UNSET,
    });
    expect(onlyLocal.code).toBe(0);

    const online = await runCliInProcess(["check"], { cwd: dir, env: UNSET });
    expect(online.stderr).toBe(
      `mcp-contract: ${join(dir, "mcp-contract.yaml")}: $.servers.remote.headers.Authorization: environment variable MCP_TOKEN is not set; export it or remove \${MCP_TOKEN}\n`,
    );
    expect(online.code).toBe(2);
  });

  it("render needs no secrets either", async () => {
    const dir = project();
    expect((await runCliInProcess(["lock", "--server", "local"], { cwd: dir, env: UNSET })).code).toBe(0);
    writeFileSync(
      join(dir, "prompt.hbs"),
      'Use {{tool "local/search"}} with {{param "local/search" "q"}}.\n',
    );
    const rendered = await runCliInProcess(["render", "prompt.hbs"], { cwd: dir, env: UNSET });
    expect(rendered).toMatchObject({ code: 0, stderr: "" });
    expect(rendered.stdout).toMatch(/^Use search\b[\s\S]* with q\.\n$/);
  });
});
