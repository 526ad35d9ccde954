// One run of every command (lock, check, check --offline, diff, render, merge, init) and every output format with secrets in headers, a stdio server's env and
// OAuth settings — against servers that accept them, reject them and crash with their environment on
// stderr — and not one byte of stdout, stderr, the lockfile or any other written file may hold a
// secret, raw or encoded (URL, base64, base64url).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpFixture } from "../../fixtures/servers/fixture-server.mjs";
import { OUTPUT_FORMATS } from "../../src/cli/main.js";
import { binPath, type CliResult, runCli } from "../helpers/cli.js";

// Each holds characters that URL-encode, so the encoded forms differ from the raw ones.
const TOKEN = "hdr/Tok+en=9f3Kq2Lw";
const KEY = "env Key/7Rt+Vb=2Xn";
const CLIENT_SECRET = "oauth/Cl1ent+Secret=Zp4";
const CLIENT_ID = "contract-client";

/** Every form a secret could leak in. */
function forms(secret: string): string[] {
  const b64 = Buffer.from(secret).toString("base64");
  return [
    secret,
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%20/g, "+"),
    b64,
    Buffer.from(secret).toString("base64url"),
  ];
}
const FORBIDDEN = [
  ...new Set([
    ...forms(TOKEN),
    ...forms(`Bearer ${TOKEN}`),
    ...forms(KEY),
    ...forms(CLIENT_SECRET),
    // client_secret_basic sends base64(id:secret).
    ...forms(`${CLIENT_ID}:${CLIENT_SECRET}`),
    ...forms(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`),
  ]),
];

/** A stdio "server" that dumps its environment to stdout and stderr and dies: the worst error path. */
const DUMP_ENV = `process.stdout.write("env " + JSON.stringify(process.env) + "\\n");
process.stderr.write("crashing with API_KEY=" + process.env.API_KEY + " " + JSON.stringify(process.env) + "\\n");
process.exit(1);`;

const fixtureServer = join(import.meta.dirname, "..", "..", "fixtures", "servers", "fixture-server.mjs");

let dir = "";
const closers: Array<() => Promise<void>> = [];
const runs: { label: string; result: CliResult }[] = [];

function files(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mcp-contract-secrets-"));
  const accepting = await startHttpFixture({ requireBearer: TOKEN });
  const rejecting = await startHttpFixture({ requireBearer: "some-other-token" });
  closers.push(accepting.close, rejecting.close);
  writeFileSync(join(dir, "dump-env.mjs"), DUMP_ENV);
  const node = JSON.stringify(process.execPath);
  writeFileSync(
    join(dir, "mcp-contract.yaml"),
    [
      "servers:",
      "  good:",
      `    url: ${accepting.url}`,
      "    headers:",
      '      Authorization: "Bearer ${MCP_T_TOKEN}"',
      "  rejected:",
      `    url: ${rejecting.url}`,
      "    headers:",
      '      Authorization: "Bearer ${MCP_T_TOKEN}"',
      "  envgood:",
      `    command: ${node}`,
      `    args: [${JSON.stringify(fixtureServer)}]`,
      "    env:",
      '      API_KEY: "${MCP_T_KEY}"',
      "  envdump:",
      `    command: ${node}`,
      '    args: ["dump-env.mjs"]',
      "    env:",
      '      API_KEY: "${MCP_T_KEY}"',
      "  oauth:",
      `    url: ${rejecting.url}`,
      "    auth:",
      "      type: oauth-client-credentials",
      `      clientId: ${CLIENT_ID}`,
      "      clientSecretEnv: MCP_T_OAUTH",
      "templates:",
      '  - "prompts/**/*.hbs"',
      "",
    ].join("\n"),
  );
  mkdirSync(join(dir, "prompts"));
  writeFileSync(
    join(dir, "prompts", "agent.hbs"),
    'Use {{tool "good/escalate_ticket"}} with {{param "escalate_ticket" "customer_email"}}, then {{tool "good/no_such_tool"}}.\n',
  );
  writeFileSync(
    join(dir, "other.json"),
    JSON.stringify({ tools: [{ name: "ping", inputSchema: { type: "object" } }] }),
  );
  const env = { MCP_T_TOKEN: TOKEN, MCP_T_KEY: KEY, MCP_T_OAUTH: CLIENT_SECRET };
  const run = async (label: string, args: string[]) => {
    runs.push({ label, result: await runCli(args, { cwd: dir, env }) });
  };
  // Does main's `check` write report files yet? Then every format also goes through --output.
  const help = spawnSync(process.execPath, [binPath, "check", "--help"], { encoding: "utf8" }).stdout;
  const hasOutput = help.includes("--output");

  await run("lock", ["lock"]);
  for (const format of OUTPUT_FORMATS) {
    const out = (name: string) => (hasOutput ? ["--output", join(dir, `${name}.${format}.out`)] : []);
    await run(`check ${format}`, ["check", "--format", format, ...out("check")]);
    await run(`check --offline ${format}`, ["check", "--offline", "--format", format, ...out("offline")]);
    await run(`diff ${format}`, [
      "diff",
      "mcp-contract.lock.json",
      "other.json",
      "--format",
      format,
      ...out("diff"),
    ]);
  }
  await run("render", ["render", "prompts/agent.hbs"]);
  if (hasOutput) {
    // merge reads --output JSON reports and writes one report through every format.
    const json = join(dir, "check.json.out");
    for (const format of OUTPUT_FORMATS)
      await run(`merge ${format}`, [
        "merge",
        json,
        "--format",
        format,
        "--output",
        join(dir, `merge.${format}.out`),
      ]);
  }
  // init imports an editor config holding literal secrets: they must move to ${VAR}s, not into the file.
  const initDir = join(dir, "init");
  mkdirSync(initDir);
  writeFileSync(
    join(dir, "editor-mcp.json"),
    JSON.stringify({
      mcpServers: {
        a: { command: "node", args: ["x.mjs"], env: { API_KEY: KEY } },
        b: { url: "http://127.0.0.1:9/mcp", headers: { Authorization: `Bearer ${TOKEN}` } },
      },
    }),
  );
  runs.push({
    label: "init",
    result: await runCli(["init", "--from", "../editor-mcp.json", "--no-workflow", "--no-pre-commit"], {
      cwd: initDir,
    }),
  });
}, 240_000);

afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
});

describe("secrets never leave the process", () => {
  it("every command ran, the secrets were really used, and the error paths ran", () => {
    expect(runs.length).toBeGreaterThanOrEqual(3 + 3 * OUTPUT_FORMATS.length);
    expect(runs.at(-1)!.result.code).toBe(0); // init
    expect(readFileSync(join(dir, "init", "mcp-contract.yaml"), "utf8")).toContain("${API_KEY}");
    const lock = JSON.parse(readFileSync(join(dir, "mcp-contract.lock.json"), "utf8"));
    // The accepting server only answers with the right bearer token; the env server got its env.
    expect(Object.keys(lock.servers).sort()).toEqual(["envgood", "good"]);
    const lockRun = runs[0]!.result;
    expect(lockRun.code).toBe(3);
    for (const server of ["rejected", "envdump", "oauth"]) expect(lockRun.stderr).toContain(server);
    // The crashing server printed its API_KEY, and it arrived redacted.
    expect(lockRun.stderr).toContain("API_KEY=***");
  });

  it("no secret, raw or encoded, in any stdout, stderr or written file", () => {
    const leaks: string[] = [];
    const outputs = [
      ...runs.flatMap(({ label, result }) => [
        { where: `${label}: stdout`, text: result.stdout },
        { where: `${label}: stderr`, text: result.stderr },
      ]),
      // editor-mcp.json is init's input, holding the literal secrets on purpose.
      ...files(dir)
        .filter((path) => !path.endsWith("editor-mcp.json"))
        .map((path) => ({ where: path, text: readFileSync(path, "utf8") })),
    ];
    for (const { where, text } of outputs) {
      for (const secret of FORBIDDEN)
        if (text.includes(secret)) leaks.push(`${where} holds ${JSON.stringify(secret)}`);
    }
    expect(outputs.length).toBeGreaterThan(runs.length * 2);
    expect(leaks).toEqual([]);
  });
});
