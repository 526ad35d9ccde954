/**
 * `lock` and `check` with the OTLP variables set: a real OTLP/HTTP receiver
 * on 127.0.0.1 gets the run's trace (root, one span per server, one client
 * span per MCP request, as the MCP semantic conventions name them), a Streamable
 * HTTP server built with the official SDK gets the `traceparent` of the request
 * span it answers, a collector that is down costs one warning line and not the
 * exit code, OTEL_SDK_DISABLED exports nothing, and the exporter's headers are
 * never shown.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenOnLoopback } from "../../fixtures/servers/loopback.mjs";
import { readJsonBody, serveStateless } from "../../fixtures/servers/stateless-http.mjs";
import { FIXTURE_SERVER } from "../fetch/helpers.js";
import { runCli, runCliInProcess } from "../helpers/cli.js";
import { closedPort } from "../helpers/ports.js";
import { type Answer, type ReceivedSpan, type Receiver, startReceiver } from "./receiver.js";

/** The exporter's header: an API key, as Honeycomb's or Grafana Cloud's. */
const OTLP_KEY = "otlp/Key+9f3Kq2Lw=";
/** A stdio server's secret, which its failure quotes. */
const SERVER_KEY = "srv-Key7Rt+Vb=2Xn";

/** What the HTTP server saw: each JSON-RPC method with the traceparent of its POST and of its `_meta`. */
const seen: { method: string; traceparent: string | undefined; meta: unknown }[] = [];
let tools: unknown[] = [];
let dir = "";
let web: { port: number; close: () => Promise<void> };
const receivers: Receiver[] = [];

/** A receiver closed after the file. */
async function receiver(
  status = 200,
  answer: Answer = {},
  tls?: { key: string; cert: string },
): Promise<Receiver> {
  const started = await startReceiver(status, answer, tls);
  receivers.push(started);
  return started;
}

/** Variables a run may inherit from the machine: none of them, unless a test sets it. */
const CLEAN = {
  OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: undefined,
  OTEL_EXPORTER_OTLP_HEADERS: undefined,
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: undefined,
  OTEL_SDK_DISABLED: undefined,
  OTEL_SERVICE_NAME: undefined,
  OTEL_EXPORTER_OTLP_TIMEOUT: undefined,
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: undefined,
  OTEL_EXPORTER_OTLP_CERTIFICATE: undefined,
  OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: undefined,
  OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: undefined,
  OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE: undefined,
  OTEL_EXPORTER_OTLP_CLIENT_KEY: undefined,
  OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY: undefined,
  NODE_EXTRA_CA_CERTS: undefined,
};

function run(args: string[], env: Record<string, string | undefined> = {}) {
  return runCliInProcess(args, { cwd: dir, env: { ...CLEAN, MCP_T_KEY: SERVER_KEY, ...env } });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mcp-contract-traces-"));
  // The official SDK's Streamable HTTP server, stateless: one server per POST, recording its headers.
  const http = createServer(async (req, res) => {
    const body = await readJsonBody(req);
    for (const message of Array.isArray(body) ? body : [body]) {
      const method = (message as { method?: unknown } | undefined)?.method;
      const meta = (message as { params?: { _meta?: { traceparent?: unknown } } }).params?._meta?.traceparent;
      if (typeof method === "string")
        seen.push({ method, traceparent: req.headers.traceparent as string, meta });
    }
    const server = new Server({ name: "web", version: "1.0.0" }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }) as never);
    await serveStateless(server, req, res, body);
  });
  web = await listenOnLoopback(http);
  const stdio = (options: object) =>
    `    command: ${JSON.stringify(process.execPath)}\n    args: [${JSON.stringify(FIXTURE_SERVER)}, ${JSON.stringify(JSON.stringify({ transport: "stdio", ...options }))}]`;
  writeFileSync(
    join(dir, "mcp-contract.yaml"),
    [
      "servers:",
      "  web:",
      `    url: http://127.0.0.1:${web.port}/mcp`,
      "  local:",
      stdio({}),
      "  broken:",
      stdio({ listError: `no access for key ${SERVER_KEY}` }),
      "    env:",
      '      API_KEY: "${MCP_T_KEY}"',
      "",
    ].join("\n"),
  );
  // The locked state, untraced: web has two parameters, which check will see one of removed.
  tools = [
    {
      name: "create_ticket",
      inputSchema: {
        type: "object",
        properties: { title: { type: "string" }, email: { type: "string" } },
        required: ["title"],
      },
    },
  ];
  const locked = await run(["lock", "--server", "web", "--server", "local"]);
  expect(locked.code).toBe(0);
  tools = [
    {
      name: "create_ticket",
      inputSchema: { type: "object", properties: { title: { type: "string" } }, required: ["title"] },
    },
  ];
});

afterAll(async () => {
  await web?.close();
  await Promise.all(receivers.map((r) => r.close()));
  rmSync(dir, { recursive: true, force: true });
});

/** The one span named `name` (fails when there is none or several). */
function only(spans: ReceivedSpan[], name: string, parent?: ReceivedSpan): ReceivedSpan {
  const found = spans.filter(
    (s) => s.name === name && (parent === undefined || s.parentSpanId === parent.spanId),
  );
  expect(found.map((s) => s.name)).toEqual([name]);
  return found[0]!;
}

describe("a traced check", () => {
  let spans: ReceivedSpan[] = [];
  let collector: Receiver;
  let result: Awaited<ReturnType<typeof run>>;
  let report: { summary: Record<string, number> };

  beforeAll(async () => {
    collector = await receiver();
    seen.length = 0;
    result = await run(["check", "--format", "json"], {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      OTEL_EXPORTER_OTLP_HEADERS: `x-otlp-key=${encodeURIComponent(OTLP_KEY)},x-team=contracts`,
      OTEL_SERVICE_NAME: "agents-ci",
    });
    spans = collector.spans();
    report = JSON.parse(result.stdout);
  });

  it("runs as without a trace: the report, exit 3 for the server that failed, no warning", () => {
    expect(result.code).toBe(3);
    expect(report.summary.breaking).toBeGreaterThan(0);
    expect(result.stderr).not.toContain("warning");
    expect(result.stderr).toContain(
      'server "broken": the server answered tools/list with JSON-RPC error -32603',
    );
  });

  it("exports over OTLP/HTTP JSON to /v1/traces with the configured headers and service name", () => {
    expect(collector.exports.length).toBeGreaterThan(0);
    for (const item of collector.exports) {
      expect(item.path).toBe("/v1/traces");
      expect(item.headers["content-type"]).toBe("application/json");
      expect(item.headers["x-otlp-key"]).toBe(OTLP_KEY);
      expect(item.headers["x-team"]).toBe("contracts");
    }
    expect(new Set(spans.map((s) => s.resource["service.name"]))).toEqual(new Set(["agents-ci"]));
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
  });

  it("the root span carries the command, the exit code and the report's counts", () => {
    const root = only(spans, "mcp-contract check");
    expect(root.parentSpanId).toBeUndefined();
    expect(root.kind).toBe(1);
    expect(root.attributes).toMatchObject({
      "mcp_contract.command": "check",
      "mcp_contract.exit_code": 3,
      "mcp_contract.findings.breaking": report.summary.breaking,
      "mcp_contract.findings.warning": report.summary.warning,
      "mcp_contract.findings.info": report.summary.info,
      "mcp_contract.findings.acknowledged": report.summary.acknowledged,
      "mcp_contract.servers.failed": 1,
    });
    expect(root.status).toEqual({ code: 2, message: "1 server could not be fetched" });
  });

  it("one span per server under the root, with where the server is", () => {
    const root = only(spans, "mcp-contract check");
    const servers = spans.filter((s) => s.parentSpanId === root.spanId);
    expect(servers.map((s) => s.name).sort()).toEqual(["fetch broken", "fetch local", "fetch web"]);
    expect(only(spans, "fetch web").attributes).toEqual({
      "mcp_contract.server": "web",
      "mcp_contract.transport": "auto",
      "network.transport": "tcp",
      "network.protocol.name": "http",
      "server.address": "127.0.0.1",
      "server.port": web.port,
      "mcp_contract.tools": 1,
    });
    expect(only(spans, "fetch local").attributes).toMatchObject({
      "mcp_contract.transport": "stdio",
      "network.transport": "pipe",
      "mcp_contract.tools": 3,
    });
    const broken = only(spans, "fetch broken");
    expect(broken.status.code).toBe(2);
    expect(broken.status.message).toBe(
      'server "broken": the server answered tools/list with JSON-RPC error -32603: no access for key ***',
    );
    expect(broken.attributes["error.type"]).toBe("_OTHER");
  });

  it("one client span per MCP request under its server, named by mcp.method.name", () => {
    for (const server of ["web", "local", "broken"]) {
      const parent = only(spans, `fetch ${server}`);
      const requests = spans.filter((s) => s.parentSpanId === parent.spanId);
      // The 2026-07-28 probe (server/discover) first, then the 2025-era handshake these servers speak.
      expect(requests.map((s) => s.name)).toEqual(["server/discover", "initialize", "tools/list"]);
      for (const span of requests) {
        expect(span.kind).toBe(3);
        expect(span.attributes["mcp.method.name"]).toBe(span.name);
        expect(typeof span.attributes["jsonrpc.request.id"]).toBe("string");
        expect(span.attributes["network.transport"]).toBe(server === "web" ? "tcp" : "pipe");
      }
      const initialize = only(spans, "initialize", parent);
      expect(initialize.status.code).toBe(0);
      expect(initialize.attributes["error.type"]).toBeUndefined();
    }
    const listed = only(spans, "tools/list", only(spans, "fetch web"));
    expect(listed.attributes).toMatchObject({ "server.address": "127.0.0.1", "server.port": web.port });
    // A JSON-RPC error answer: error status, the code as error.type, the message redacted.
    const failed = only(spans, "tools/list", only(spans, "fetch broken"));
    expect(failed.status).toEqual({
      code: 2,
      message: "the server answered tools/list with JSON-RPC error -32603: no access for key ***",
    });
    expect(failed.attributes).toMatchObject({ "error.type": "-32603", "rpc.response.status_code": "-32603" });
  });

  it("the HTTP server got the traceparent of the request span it answered, in the exported trace", () => {
    const [traceId] = new Set(spans.map((s) => s.traceId));
    const parent = only(spans, "fetch web");
    for (const method of ["initialize", "tools/list"]) {
      const span = only(spans, method, parent);
      const sent = seen.filter((s) => s.method === method);
      expect(sent.map((s) => s.traceparent)).toEqual([`00-${traceId}-${span.spanId}-01`]);
      // And in the request's params._meta, as the MCP semantic conventions propagate it.
      expect(sent.map((s) => s.meta)).toEqual([`00-${traceId}-${span.spanId}-01`]);
    }
    // A notification carries the server span's context: no request span is open for it.
    expect(seen.filter((s) => s.method === "notifications/initialized").map((s) => s.traceparent)).toEqual([
      `00-${traceId}-${parent.spanId}-01`,
    ]);
  });

  it("no secret in the output or the spans: the exporter's key is sent only as its header", () => {
    for (const text of [result.stdout, result.stderr, ...collector.exports.map((e) => e.body)]) {
      for (const secret of [OTLP_KEY, encodeURIComponent(OTLP_KEY), SERVER_KEY])
        expect(text).not.toContain(secret);
    }
  });
});

describe("a stdio server", () => {
  it("gets the traceparent of the tools/list span in the request's params._meta", async () => {
    const record = join(dir, "meta.txt");
    writeFileSync(record, "");
    const server = join(import.meta.dirname, "meta-server.mjs");
    // A config of its own (and so a lockfile of its own, next to it).
    mkdirSync(join(dir, "meta"));
    writeFileSync(
      join(dir, "meta", "mcp-contract.yaml"),
      `servers:\n  meta:\n    command: ${JSON.stringify(process.execPath)}\n    args: [${JSON.stringify(server)}, ${JSON.stringify(record)}]\n`,
    );
    const untraced = await run(["lock", "--config", "meta/mcp-contract.yaml", "--quiet"]);
    expect(untraced.code).toBe(0);
    const collector = await receiver();
    const traced = await run(["lock", "--config", "meta/mcp-contract.yaml", "--quiet"], {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
    });
    expect(traced.code).toBe(0);
    const spans = collector.spans();
    const list = only(spans, "tools/list");
    // Untraced, the request holds no trace context; traced, the span's own.
    expect(readFileSync(record, "utf8")).toBe(`none\n00-${list.traceId}-${list.spanId}-01\n`);
  });
});

describe("lock traced", () => {
  it("exports a root span named after the command, with its counts", async () => {
    const collector = await receiver();
    const result = await run(["lock", "--server", "local", "--quiet"], {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${collector.endpoint}/custom/traces`,
    });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(collector.exports.map((e) => e.path)).toEqual(["/custom/traces"]);
    const spans = collector.spans();
    const root = only(spans, "mcp-contract lock");
    expect(root.resource["service.name"]).toBe("mcp-contract");
    expect(root.attributes).toMatchObject({
      "mcp_contract.exit_code": 0,
      "mcp_contract.findings.breaking": 0,
      "mcp_contract.servers.failed": 0,
    });
    expect(root.status.code).toBe(0);
    expect(only(spans, "fetch local").parentSpanId).toBe(root.spanId);
  });

  it("a lock refused for a breaking change without a reason: its counts and the refusal on the root", async () => {
    const collector = await receiver();
    const result = await run(["lock", "--server", "web", "--quiet"], {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
    });
    expect(result.code).toBe(1);
    const root = only(collector.spans(), "mcp-contract lock");
    expect(root.attributes).toMatchObject({ "mcp_contract.exit_code": 1, "mcp_contract.servers.failed": 0 });
    expect(root.attributes["mcp_contract.findings.breaking"]).toBeGreaterThan(0);
    expect(root.status.code).toBe(2);
    expect(result.stderr).toContain(root.status.message!.slice(0, 60));
    expect(root.status.message).toMatch(/needs? a reason to be accepted/);
  });
});

describe("when the collector cannot take the trace", () => {
  it("a closed port: one warning line, the same exit code and output as without a trace", async () => {
    const port = await closedPort();
    const plain = await run(["check", "--server", "local", "--quiet"]);
    const traced = await run(["check", "--server", "local", "--quiet"], {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_EXPORTER_OTLP_HEADERS: `x-otlp-key=${OTLP_KEY}`,
      OTEL_EXPORTER_OTLP_TIMEOUT: "1000",
    });
    expect(plain.code).toBe(0);
    expect(traced.code).toBe(plain.code);
    expect(traced.stdout).toBe(plain.stdout);
    expect(traced.stderr).toBe(
      `${plain.stderr}mcp-contract: warning: could not export the trace to http://127.0.0.1:${port}/v1/traces (ECONNREFUSED); the run's result is not affected\n`,
    );
  });

  it("a slow collector: the whole trace, waited for, and no warning", async () => {
    const collector = await receiver(200, { delayMs: 800 });
    const plain = await run(["check", "--server", "local", "--quiet"]);
    const traced = await run(["check", "--server", "local", "--quiet"], {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      OTEL_EXPORTER_OTLP_TIMEOUT: "4000",
    });
    expect(traced).toEqual(plain);
    const root = only(collector.spans(), "mcp-contract check");
    only(collector.spans(), "fetch local", root);
  });

  it.each([
    ["answers nothing", "silent"],
    ["answers a 200 and never ends its body", "trickle"],
  ] as const)(
    "a collector that %s: the process ends with one warning line, its exit code and output as without a trace",
    async (_, never) => {
      const collector = await receiver(200, { never });
      const env = { ...CLEAN, MCP_T_KEY: SERVER_KEY };
      const args = ["check", "--server", "local", "--quiet"];
      const plain = await runCli(args, { cwd: dir, env });
      // The bin itself, so that what keeps the process alive after the run (a connection the
      // export left open) is seen: without a bounded shutdown it never ends and is killed.
      const traced = await runCli(args, {
        cwd: dir,
        env: {
          ...env,
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
          OTEL_EXPORTER_OTLP_HEADERS: `x-otlp-key=${OTLP_KEY}`,
          OTEL_EXPORTER_OTLP_TIMEOUT: "1000",
        },
        timeoutMs: 30_000,
      });
      expect(plain.code).toBe(0);
      expect(traced.code).toBe(plain.code);
      expect(traced.stdout).toBe(plain.stdout);
      expect(traced.stderr).toBe(
        `${plain.stderr}mcp-contract: warning: could not export the trace to ${collector.endpoint}/v1/traces (timed out); the run's result is not affected\n`,
      );
      expect(collector.exports.length).toBeGreaterThan(0);
      expect(collector.exports[0]!.headers["x-otlp-key"]).toBe(OTLP_KEY);
      expect(traced.stderr + traced.stdout).not.toContain(OTLP_KEY);
    },
  );

  it("an https collector signed by the CA OTEL_EXPORTER_OTLP_CERTIFICATE names: the whole trace", async () => {
    // A CA and a certificate for 127.0.0.1 it signed, made with openssl (as test/fetch/tls.test.ts).
    const pki = mkdtempSync(join(tmpdir(), "mcp-contract-traces-pki-"));
    try {
      const openssl = (args: string) =>
        execFileSync("openssl", args.split(" "), { cwd: pki, stdio: ["ignore", "ignore", "pipe"] });
      const ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
      openssl(`req -x509 -keyout ca.key -out ca.pem -days 2 ${ec} -subj /CN=traces-ca`);
      openssl(`req ${ec} -keyout server.key -out server.csr -subj /CN=127.0.0.1`);
      writeFileSync(join(pki, "server.ext"), "subjectAltName=IP:127.0.0.1\n");
      openssl(
        "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext",
      );
      const collector = await receiver(
        200,
        {},
        {
          key: readFileSync(join(pki, "server.key"), "utf8"),
          cert: readFileSync(join(pki, "server.pem"), "utf8"),
        },
      );
      expect(collector.endpoint).toMatch(/^https:/);
      const args = ["check", "--server", "local", "--quiet"];
      const plain = await run(args);
      const traced = await run(args, {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
        OTEL_EXPORTER_OTLP_CERTIFICATE: join(pki, "ca.pem"),
      });
      expect(traced).toEqual(plain);
      only(collector.spans(), "fetch local", only(collector.spans(), "mcp-contract check"));
      // A CA file that cannot be read: one line naming the variable, then the export fails.
      const missing = join(pki, "missing.pem");
      const unread = await run(args, {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
        OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: missing,
        OTEL_EXPORTER_OTLP_TIMEOUT: "1000",
      });
      expect(unread.code).toBe(plain.code);
      expect(unread.stdout).toBe(plain.stdout);
      expect(plain.stderr).toBe("");
      const lines = unread.stderr.split("\n");
      expect(lines[0]).toBe(
        `mcp-contract: warning: OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: cannot read ${missing} (ENOENT); the trace is sent without it`,
      );
      expect(lines[1]).toMatch(
        /^mcp-contract: warning: could not export the trace to https:\/\/127\.0\.0\.1:\d+\/v1\/traces \([^)]+\); the run's result is not affected$/,
      );
      expect(lines).toHaveLength(3);
    } finally {
      rmSync(pki, { recursive: true, force: true });
    }
  });

  it("a refusal quoting the request's headers: the status only, never the headers", async () => {
    const collector = await receiver(401);
    const result = await run(["check", "--server", "local", "--quiet"], {
      OTEL_EXPORTER_OTLP_ENDPOINT: `${collector.endpoint}/`,
      OTEL_EXPORTER_OTLP_HEADERS: `x-otlp-key=${OTLP_KEY}`,
    });
    expect(result.code).toBe(0);
    expect(collector.exports.length).toBe(1);
    expect(result.stderr).toBe(
      `mcp-contract: warning: could not export the trace to ${collector.endpoint}/v1/traces (HTTP 401); the run's result is not affected\n`,
    );
    expect(result.stderr + result.stdout).not.toContain(OTLP_KEY);
  });

  it("an endpoint that is not a URL: one warning line, no trace, the run unchanged", async () => {
    const result = await run(["check", "--server", "local", "--quiet"], {
      OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318",
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      "mcp-contract: warning: OTEL_EXPORTER_OTLP_ENDPOINT is not an http or https URL; no trace is exported\n",
    );
  });
});

describe("OTEL_SDK_DISABLED", () => {
  it("true exports nothing, however an endpoint is set", async () => {
    const collector = await receiver();
    const result = await run(["check", "--server", "local", "--quiet"], {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      OTEL_SDK_DISABLED: "TRUE",
    });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    // The export happens before the command returns: none came.
    expect(collector.exports).toEqual([]);
    const enabled = await run(["check", "--server", "local", "--quiet"], {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      OTEL_SDK_DISABLED: "false",
    });
    expect(enabled.code).toBe(0);
    expect(collector.exports.length).toBe(1);
  });
});
