// One run of every command (lock, check, check --offline, diff, render, merge, init) and every
// output format with secrets in headers, a stdio server's env, OAuth settings and the OpenTelemetry
// exporter's headers (traced runs, whose exported spans are checked too) — against servers that
// accept them, reject them and crash with their environment on stderr — and not one byte of
// stdout, stderr, the lockfile or any other written file may hold a secret, raw or encoded (URL,
// base64, base64url).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpFixture } from "../../fixtures/servers/fixture-server.mjs";
import { listenOnLoopback } from "../../fixtures/servers/loopback.mjs";
import { startOAuthServer } from "../../fixtures/servers/oauth-server.mjs";
import { readJsonBody, serveStateless } from "../../fixtures/servers/stateless-http.mjs";
import { OUTPUT_FORMATS } from "../../src/cli/main.js";
import type { ServerConfig, StdioServerConfig } from "../../src/config/types.js";
import { fetchServer } from "../../src/fetch/index.js";
import { redactFragment, truncate, truncateStart } from "../../src/redact.js";
import { fetchOptions, httpConfig, stdioFixture } from "../fetch/helpers.js";
// The promise is about every byte the shipped bin writes, whoever in the process writes it: one run per
// output channel is a real process of the bin (lock: stdout, stderr and the lockfile; check --format
// json: a written report; render: a rendered template on stdout), and so are the traced runs (the
// exporter is the process's). The others run in process, where the harness adds whatever else this
// process writes to stdout, stderr or the console to their output.
import { type CliResult, runCli, runCliInProcess } from "../helpers/cli.js";
import { closedPort } from "../helpers/ports.js";
import { serverScript } from "../helpers/servers.js";

// Each holds characters that URL-encode, so the encoded forms differ from the raw ones.
const TOKEN = "hdr/Tok+en=9f3Kq2Lw";
const KEY = "env Key/7Rt+Vb=2Xn";
const CLIENT_SECRET = "oauth/Cl1ent+Secret=Zp4";
const CLIENT_ID = "contract-client";
// OTEL_EXPORTER_OTLP_HEADERS carries a tracing backend's API key.
const OTLP_KEY = "otlp/Api+Key=7hQ2";

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
    ...forms(OTLP_KEY),
    // client_secret_basic sends base64(id:secret).
    ...forms(`${CLIENT_ID}:${CLIENT_SECRET}`),
    ...forms(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`),
  ]),
];

/** A stdio "server" that dumps its environment to stdout and stderr and dies: the worst error path. */
const DUMP_ENV = `process.stdout.write("env " + JSON.stringify(process.env) + "\\n");
process.stderr.write("crashing with API_KEY=" + process.env.API_KEY + " " + JSON.stringify(process.env) + "\\n");
process.exit(1);`;

const fixtureServer = serverScript("fixtures/servers/fixture-server.mjs");

let dir = "";
/** What the OAuth login server issued (tokens, the registered client's secret): known only once it ran. */
let issued: () => string[] = () => [];
let loginRun: CliResult | undefined;
const closers: Array<() => Promise<void>> = [];
const runs: { label: string; result: CliResult }[] = [];
/** The untraced runs that are real processes of the bin, one per output channel. */
const REAL = new Set(["lock", "check json", "render"]);
/** What the OTLP receivers were sent: the exported spans, which must hold no secret either. */
const exported: string[] = [];
/** What the receiver that accepts traces was sent (only the traced lock exports to it). */
const accepted: string[] = [];

/** An OTLP/HTTP receiver on 127.0.0.1 keeping each body; a refusing one quotes the request's headers. */
async function otlpReceiver(status: number): Promise<string> {
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    exported.push(body);
    if (status === 200) accepted.push(body);
    res
      .writeHead(status, { "content-type": "application/json" })
      .end(status === 200 ? "{}" : JSON.stringify(req.headers));
  });
  const { port, close } = await listenOnLoopback(server);
  closers.push(close);
  return `http://127.0.0.1:${port}`;
}

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
  // Echoes the bearer token it was sent (raw and base64) into what it tells the model.
  const reflecting = await startHttpFixture({
    requireBearer: TOKEN,
    tools: [
      {
        name: "whoami",
        description: `Acting for Bearer ${TOKEN} (${Buffer.from(TOKEN).toString("base64")})`,
        inputSchema: { type: "object", properties: { token: { type: "string", default: TOKEN } } },
      },
    ],
  });
  // A hosted server that asks for an OAuth login (dynamic registration as a confidential client).
  const hosted = await startOAuthServer({ registration: "client_secret_basic" });
  issued = () => [
    ...hosted.stats.tokensIssued,
    ...hosted.stats.refreshTokensIssued,
    ...hosted.stats.registrations.map((client) => String(client.client_secret)),
  ];
  closers.push(accepting.close, rejecting.close, reflecting.close, hosted.close);
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
      "  reflecting:",
      `    url: ${reflecting.url}`,
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
      "  hosted:",
      `    url: ${hosted.url}`,
      "    transport: streamable-http",
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
  // The token file lives in the user's config directory, outside the project.
  const home = mkdtempSync(join(tmpdir(), "mcp-contract-secrets-home-"));
  const browser = join(import.meta.dirname, "..", "..", "fixtures", "browser", "fake-browser.mjs");
  const env = {
    MCP_T_TOKEN: TOKEN,
    MCP_T_KEY: KEY,
    MCP_T_OAUTH: CLIENT_SECRET,
    XDG_CONFIG_HOME: join(home, "config"),
    BROWSER: `'${process.execPath}' '${browser}'`,
  };
  const run = async (label: string, args: string[]) => {
    const result = REAL.has(label)
      ? await runCli(args, { cwd: dir, env })
      : await runCliInProcess(args, { cwd: dir, env });
    runs.push({ label, result });
  };
  loginRun = await runCli(["login", "hosted"], { cwd: dir, env });
  // Does main's `check` write report files yet? Then every format also goes through --output.
  const help = (await runCliInProcess(["check", "--help"])).stdout;
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
  // Traced runs: the exporter's key in its headers; a collector that takes the trace, one that
  // refuses it quoting the headers it got, and one that is down.
  const otlpHeaders = `x-otlp-key=${encodeURIComponent(OTLP_KEY)}`;
  // The collector that takes the trace gets a long export timeout: on a loaded machine 1 s can pass
  // before the export lands, and the run would warn that it could not export. The failing ones
  // fail at once (401, connection refused) however long the timeout.
  const traced = async (label: string, args: string[], endpoint: string, timeoutMs = 1000) => {
    runs.push({
      label,
      result: await runCli(args, {
        cwd: dir,
        env: {
          ...env,
          OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
          OTEL_EXPORTER_OTLP_HEADERS: otlpHeaders,
          OTEL_EXPORTER_OTLP_TIMEOUT: String(timeoutMs),
        },
      }),
    });
  };
  await traced("lock traced", ["lock"], await otlpReceiver(200), 30_000);
  await traced("check traced, refused", ["check"], await otlpReceiver(401));
  await traced(
    "check traced, collector down",
    ["check", "--offline"],
    `http://127.0.0.1:${await closedPort()}`,
  );
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
    result: await runCliInProcess(
      ["init", "--from", "../editor-mcp.json", "--no-workflow", "--no-pre-commit"],
      {
        cwd: initDir,
      },
    ),
  });
}, 240_000);

afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
});

describe("secrets never leave the process", () => {
  it("every command ran, the secrets were really used, and the error paths ran", () => {
    expect(runs.length).toBeGreaterThanOrEqual(3 + 3 * OUTPUT_FORMATS.length);
    expect(runs.filter((r) => REAL.has(r.label)).map((r) => r.label)).toEqual([...REAL]);
    expect(loginRun).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^logged in to server "hosted"/),
    });
    expect(issued().length).toBe(3); // an access and a refresh token, and the registered client's secret
    expect(runs.at(-1)!.result.code).toBe(0); // init
    expect(readFileSync(join(dir, "init", "mcp-contract.yaml"), "utf8")).toContain("${API_KEY}");
    const lock = JSON.parse(readFileSync(join(dir, "mcp-contract.lock.json"), "utf8"));
    // The accepting server only answers with the right bearer token; the env server got its env.
    expect(Object.keys(lock.servers).sort()).toEqual(["envgood", "good", "hosted", "reflecting"]);
    // The reflected token is locked as *** and reported on the tool that held it.
    expect(lock.servers.reflecting.tools.whoami.definition.description).toBe("Acting for *** (***)");
    expect(lock.servers.reflecting.tools.whoami.definition.inputSchema.properties.token.default).toBe("***");
    expect(runs[0]!.result.stdout).toMatch(
      /BREAKING Tool `whoami` holds a secret mcp-contract sent the server \(at \/description and 1 more\); it was replaced with \*\*\* before hashing and locking\..*secret-in-definition/,
    );
    const lockRun = runs[0]!.result;
    expect(lockRun.code).toBe(3);
    for (const server of ["rejected", "envdump", "oauth"]) expect(lockRun.stderr).toContain(server);
    // The crashing server printed its API_KEY, and it arrived redacted.
    expect(lockRun.stderr).toContain("API_KEY=***");
    // The traces were exported (with the failures' messages), refused and lost, each said once.
    // The batch processor may send the spans in more than one export (a batch is due every 5 s, and
    // a loaded machine can take longer than that to lock): the root span and the failed server's
    // span are looked for across everything the accepting receiver got.
    const tracedLock = runs.find((r) => r.label === "lock traced")!.result;
    const received = accepted.join("\n");
    expect(
      { root: received.includes("mcp-contract lock"), failedServer: received.includes("envdump") },
      tracedLock.stderr,
    ).toEqual({ root: true, failedServer: true });
    const warnings = (label: string) =>
      runs
        .find((r) => r.label === label)!
        .result.stderr.split("\n")
        .filter((line) => line.includes("warning: could not export"));
    expect(warnings("lock traced")).toEqual([]);
    expect(warnings("check traced, refused")).toHaveLength(1);
    expect(warnings("check traced, collector down")).toHaveLength(1);
  });

  it("no secret, raw or encoded, in any stdout, stderr or written file", () => {
    const leaks: string[] = [];
    const outputs = [
      ...[{ label: "login", result: loginRun! }, ...runs].flatMap(({ label, result }) => [
        { where: `${label}: stdout`, text: result.stdout },
        { where: `${label}: stderr`, text: result.stderr },
      ]),
      // editor-mcp.json is init's input, holding the literal secrets on purpose.
      ...files(dir)
        .filter((path) => !path.endsWith("editor-mcp.json"))
        .map((path) => ({ where: path, text: readFileSync(path, "utf8") })),
      ...exported.map((text, i) => ({ where: `OTLP export ${i + 1}`, text })),
    ];
    const forbidden = [...FORBIDDEN, ...issued().flatMap(forms)];
    for (const { where, text } of outputs) {
      for (const secret of forbidden)
        if (text.includes(secret)) leaks.push(`${where} holds ${JSON.stringify(secret)}`);
    }
    expect(outputs.length).toBeGreaterThan(runs.length * 2);
    expect(leaks).toEqual([]);
  });
});

// ---- Truncation: every limit where text is cut, with the cut at every position in and around a secret.

// Characters no message of ours ever holds, so "no character of the secret" is exactly "no part of it".
const CUT_SECRET = "ŻĄŹĆŃŚŁĘÓżąźćńśłęó";
// A secret over two lines (a key file): a line choice must not show its second half either.
const TWO_LINE_SECRET = "ŻĄŹĆŃŚŁĘÓ\nżąźćńśłęó";

/** The characters of `secret` that `text` shows (none, when nothing of it leaked). */
function shownPart(text: string, secret: string): string {
  return [...new Set(secret.replace("\n", ""))].filter((c) => text.includes(c)).join("");
}

/** Every offset of a cut relative to the start of a secret of `length`: from 3 before it to 3 after it. */
function offsetsAround(length: number): number[] {
  return Array.from({ length: length + 7 }, (_, i) => i - 3);
}

/** Runs `jobs` a few at a time (each spawns a process or opens a server). */
async function inBatches<T>(jobs: (() => Promise<T>)[], size = 4): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < jobs.length; i += size)
    out.push(...(await Promise.all(jobs.slice(i, i + size).map((job) => job()))));
  return out;
}

/**
 * A stdio "server" that writes `stdout` and `stderr` as given, then exits 1. A shell, not Node:
 * the tests below start about 180 of them (one that exits before the handshake is tried twice).
 */
function writerServer(stdout: string, stderr: string): StdioServerConfig {
  const script = 'printf "%s" "$2" >&2; printf "%s" "$1"; sleep 0.02; exit 1';
  return stdioFixture({}, { command: "/bin/sh", args: ["-c", script, "writer", stdout, stderr] });
}

/** The failure message fetching `config` gives, with `secrets` known. */
async function failure(config: ServerConfig, secrets: string[]): Promise<string> {
  const error = await fetchServer("s", config, fetchOptions({ secrets, timeoutMs: 20_000 })).then(
    () => {
      throw new Error("the fetch should have failed");
    },
    (e: Error) => e,
  );
  return error.message;
}

/** An SDK server over Streamable HTTP on 127.0.0.1 whose tools/list is `list` (it may throw). */
async function sdkHttpServer(
  list: (cursor: string | undefined) => unknown,
): Promise<{ url: string; close: () => Promise<void> }> {
  const http = createServer(async (req, res) => {
    const body = await readJsonBody(req);
    const server = new Server({ name: "cut", version: "1.0.0" }, { capabilities: { tools: {} } });
    server.setRequestHandler(
      ListToolsRequestSchema,
      async (request) => list(request.params?.cursor) as never,
    );
    await serveStateless(server, req, res, body);
  });
  const { port, close } = await listenOnLoopback(http);
  return { url: `http://127.0.0.1:${port}/mcp`, close };
}

describe("truncation never shows part of a secret", () => {
  it("redact-then-cut helpers: a cut at every position of every secret form leaves none of it", () => {
    // ASCII secrets that overlap themselves, with their URL-encoded and base64 forms, at every cut.
    for (const secret of ["abcabcab", "tok/en+==x", "a-secret-value"]) {
      const forms = [secret, encodeURIComponent(secret), Buffer.from(secret).toString("base64")];
      for (const form of forms) {
        for (let at = 0; at <= form.length + 2; at++) {
          const text = `${".".repeat(10)}${form}${".".repeat(10)}`;
          const max = 10 + at; // the head keeps max - 1 characters, then "…"
          const head = truncate(text, max, [secret]);
          expect(head.length, `${form} head ${max}`).toBeLessThanOrEqual(max);
          expect(head.replace(/\*\*\*/g, "").replace(/…$/, ""), `${form} head ${max}: ${head}`).toMatch(
            /^\.*$/,
          );
          const tail = truncateStart(text, max, [secret]);
          expect(tail.length).toBeLessThanOrEqual(max);
          expect(tail.replace(/\*\*\*/g, "").replace(/^…/, ""), `${form} tail ${max}: ${tail}`).toMatch(
            /^\.*$/,
          );
          // Text that was cut before it reached us: an edge may hold the rest of a secret.
          const whole = at === 0 ? "***" : "";
          expect(redactFragment(form.slice(at), [secret], { start: true }), `${form} from ${at}`).toBe(whole);
          const front = at >= form.length ? "***" : "";
          expect(redactFragment(form.slice(0, at), [secret], { end: true }), `${form} to ${at}`).toBe(front);
        }
      }
    }
  });

  it("stray stdout (quoted up to 120 characters): the cut at every position in the secret", async () => {
    const cut = 119; // the quote keeps 119 characters and "…"
    const messages = await inBatches(
      offsetsAround(CUT_SECRET.length).map((d) => async () => {
        const line = `${".".repeat(cut - d)}${CUT_SECRET}`;
        return { d, message: await failure(writerServer(`${line}\n`, ""), [CUT_SECRET]) };
      }),
    );
    for (const { d, message } of messages) {
      expect(message, `cut ${d} into the secret`).toContain("wrote non-protocol text to stdout");
      expect(shownPart(message, CUT_SECRET), `cut ${d} into the secret: ${message}`).toBe("");
      // Before the secret starts, the cut shows only dots; a secret wholly inside the quote is ***.
      if (d <= 0) expect(message).not.toContain("***");
    }
    expect(messages.length).toBe(CUT_SECRET.length + 7);
  }, 120_000);

  it("the stderr tail (last 4000 characters): its cut start at every position in the secret, one line and two", async () => {
    const limit = 4000;
    const jobs = [CUT_SECRET, TWO_LINE_SECRET].flatMap((secret) =>
      offsetsAround(secret.length).map((d) => async () => {
        // The kept buffer starts d characters into the secret: what follows the secret is limit - (L - d) long.
        const after = limit - (secret.length - d);
        const stderr = `${"x".repeat(200)}${secret}\n${"t".repeat(after - 2)}\n`;
        return { secret, d, message: await failure(writerServer("", stderr), [secret]) };
      }),
    );
    const messages = await inBatches(jobs);
    for (const { secret, d, message } of messages) {
      // Once the buffer is cut, its first line is partial and dropped: the long last line survives
      // only while the cut falls at or before its newline.
      if (d <= secret.length)
        expect(message, `cut ${d} into ${JSON.stringify(secret)}`).toContain("stderr: ttt");
      else expect(message).not.toContain("stderr:");
      expect(shownPart(message, secret), `cut ${d} into ${JSON.stringify(secret)}: ${message}`).toBe("");
    }
  }, 240_000);

  it("the whole message (1000 characters): its cut at every position in a secret quoted from stderr", async () => {
    // Where stderr begins in the message, measured, not assumed.
    const baseline = await failure(writerServer("", "MARK\n"), []);
    const start = baseline.indexOf("MARK");
    expect(start).toBeGreaterThan(0);
    const cut = 999;
    const messages = await inBatches(
      offsetsAround(CUT_SECRET.length).map((d) => async () => {
        const stderr = `${".".repeat(cut - start - d)}${CUT_SECRET}${".".repeat(50)}\n`;
        return { d, message: await failure(writerServer("", stderr), [CUT_SECRET]) };
      }),
    );
    for (const { d, message } of messages) {
      expect(message.length).toBeLessThanOrEqual(1000);
      expect(shownPart(message, CUT_SECRET), `cut ${d} into the secret: ${message}`).toBe("");
    }
  }, 120_000);

  it("a server's own error text (cause of 300 characters): the cut at every position in the secret", async () => {
    let text = "";
    const server = await sdkHttpServer(() => {
      throw new Error(text);
    });
    try {
      // Where the server's text begins in the cause (after `server "s": `), measured, not assumed.
      text = `MARK${".".repeat(400)}`;
      const baseline = await failure(httpConfig(server.url), []);
      const start = baseline.indexOf("MARK") - 'server "s": '.length;
      expect(start).toBeGreaterThanOrEqual(0);
      const cut = 299; // the cause keeps 299 characters and "…"
      for (const d of offsetsAround(CUT_SECRET.length)) {
        text = `MARK${".".repeat(cut - start - 4 - d)}${CUT_SECRET}${".".repeat(100)}`;
        const message = await failure(httpConfig(server.url), [CUT_SECRET]);
        expect(message, `cut ${d}`).toContain("MARK");
        expect(shownPart(message, CUT_SECRET), `cut ${d} into the secret: ${message}`).toBe("");
      }
    } finally {
      await server.close();
    }
  }, 120_000);

  it("a looping cursor (quoted up to 60 characters): the cut at every position in the secret", async () => {
    const cut = 59;
    const messages = await inBatches(
      offsetsAround(CUT_SECRET.length).map((d) => async () => {
        const cursor = `${".".repeat(cut - d)}${CUT_SECRET}`;
        const server = await sdkHttpServer(() => ({ tools: [], nextCursor: cursor }));
        try {
          return { d, message: await failure(httpConfig(server.url), [CUT_SECRET]) };
        } finally {
          await server.close();
        }
      }),
    );
    for (const { d, message } of messages) {
      expect(message, `cut ${d}`).toContain("twice (pagination loop)");
      expect(shownPart(message, CUT_SECRET), `cut ${d} into the secret: ${message}`).toBe("");
    }
  }, 120_000);
});
