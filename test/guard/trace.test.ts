// OpenTelemetry in the guard: with a tracer provider registered (the OpenTelemetry SDK, spans
// kept in memory), each guarded call is a client span with the MCP and contract attributes, its
// trace context reaches the server in params._meta (what the fixture server recorded), and
// verify() records drift as span events.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { guardClient } from "../../src/guard/index.js";
import { lockTools } from "../../src/lockfile/build.js";
import { serializeLockfile } from "../../src/lockfile/io.js";
import { repoRoot } from "../helpers/cli.js";
import { type Connected, connect, type Sdk } from "./clients.js";

const LOCKED = {
  name: "create_ticket",
  inputSchema: {
    type: "object",
    properties: { customer_email: { type: "string" }, priority: { enum: ["low", "high"] } },
    required: ["customer_email"],
  },
};
const PING = { name: "ping", inputSchema: { type: "object" } };
const lock = lockTools("crm", [LOCKED, PING]);

const exporter = new InMemorySpanExporter();
beforeAll(() => {
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterAll(() => {
  trace.disable();
  propagation.disable();
});

const open: Connected<unknown>[] = [];
afterEach(async () => {
  exporter.reset();
  await Promise.all(open.splice(0).map((c) => c.close()));
});

function lockfilePath(): string {
  const path = join(mkdtempSync(join(tmpdir(), "mcp-contract-guard-trace-")), "mcp-contract.lock.json");
  writeFileSync(path, serializeLockfile(lock));
  return path;
}

for (const sdk of ["1.x", "2.x"] as Sdk[]) {
  describe(`guard spans on a ${sdk} client over Streamable HTTP`, () => {
    it("a call is a client span, and its trace context reaches the server in _meta", async () => {
      const server = await connect(sdk, "http", { tools: [LOCKED, PING] });
      open.push(server);
      const guarded = guardClient(server.client, { lockfile: lockfilePath(), server: "crm" });
      await guarded.callTool({
        name: "create_ticket",
        arguments: { customer_email: "a@example.com" },
        _meta: { mine: 1 },
      });
      const spans = exporter.getFinishedSpans();
      expect(spans.map((s) => s.name)).toEqual(["tools/list", "tools/call create_ticket"]);
      const call = spans[1]!;
      expect(call.kind).toBe(SpanKind.CLIENT);
      expect(call.attributes).toEqual({
        "mcp.method.name": "tools/call",
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "create_ticket",
        "mcp_contract.server": "crm",
        "mcp_contract.tool.hash": lock.servers.crm!.tools.create_ticket!.hash,
      });
      expect(call.status.code).toBe(SpanStatusCode.UNSET);
      const { traceId, spanId } = call.spanContext();
      const received = server.received().find((r) => r.method === "tools/call")!;
      // The caller's own _meta is kept; the W3C trace context is added next to it.
      expect(received.params?._meta).toEqual({ mine: 1, traceparent: `00-${traceId}-${spanId}-01` });
      // The verify span holds the (empty) drift.
      expect(spans[0]!.attributes).toEqual({
        "mcp.method.name": "tools/list",
        "mcp_contract.server": "crm",
        "mcp_contract.ok": true,
        "mcp_contract.changes.breaking": 0,
        "mcp_contract.changes.warning": 0,
        "mcp_contract.changes.info": 0,
      });
      expect(spans[0]!.events).toEqual([]);
    });

    it("a refused call is an error span naming the violation; nothing is sent", async () => {
      const server = await connect(sdk, "http", { tools: [LOCKED, PING] });
      open.push(server);
      const guarded = guardClient(server.client, { lockfile: lockfilePath(), server: "crm" });
      await expect(
        guarded.callTool({ name: "create_ticket", arguments: { customeremail: "a@example.com" } }),
      ).rejects.toMatchObject({ code: "invalid-arguments" });
      const [span, ...others] = exporter.getFinishedSpans();
      expect(others).toEqual([]);
      expect(span!.name).toBe("tools/call create_ticket");
      expect(span!.attributes["mcp_contract.violation"]).toBe("invalid-arguments");
      expect(span!.attributes["mcp_contract.violation.blocking"]).toBe(true);
      expect(span!.attributes["error.type"]).toBe("invalid-arguments");
      expect(span!.status).toEqual({
        code: SpanStatusCode.ERROR,
        message:
          "crm/create_ticket: the arguments break the locked input schema: $.customeremail: unknown parameter; did you mean `customer_email`?; $.customer_email: required parameter is missing",
      });
      expect(span!.events.map((e) => [e.name, e.attributes?.["mcp_contract.violation"]])).toEqual([
        ["mcp_contract.violation", "invalid-arguments"],
      ]);
      expect(server.received()).toEqual([]);
    });

    it("verify() records each drifted finding as a span event", async () => {
      const drifted = {
        ...LOCKED,
        inputSchema: { ...LOCKED.inputSchema, properties: { customer_email: { type: "integer" } } },
      };
      const server = await connect(sdk, "http", { tools: [drifted, PING] });
      open.push(server);
      const guarded = guardClient(server.client, { lockfile: lockfilePath(), server: "crm" });
      const result = await guarded.verify();
      expect(result.ok).toBe(false);
      const [span] = exporter.getFinishedSpans();
      expect(span!.name).toBe("tools/list");
      expect(span!.attributes["mcp_contract.ok"]).toBe(false);
      expect(span!.attributes["error.type"]).toBe("drift");
      expect(span!.events.map((e) => e.attributes)).toEqual(
        result.changes.map((c) => ({
          "mcp_contract.rule": c.rule,
          "mcp_contract.severity": c.severity,
          "gen_ai.tool.name": "create_ticket",
          "mcp_contract.pointer": c.pointer,
          "mcp_contract.message": c.message,
        })),
      );
      expect(result.changes.map((c) => c.rule)).toEqual(["param-type-changed", "param-removed"]);
    });
  });
}

it("without @opentelemetry/api (an optional peer) the guard works the same, and sends no trace context", () => {
  const record = join(mkdtempSync(join(tmpdir(), "mcp-contract-guard-no-otel-")), "received.jsonl");
  const child = spawnSync(
    process.execPath,
    [
      join(import.meta.dirname, "without-otel.mjs"),
      repoRoot,
      lockfilePath(),
      JSON.stringify({ tools: [LOCKED, PING], record }),
    ],
    { cwd: repoRoot, encoding: "utf8", timeout: 60_000 },
  );
  expect(child.stderr).toBe("");
  expect(JSON.parse(child.stdout)).toEqual({
    otel: "ERR_MODULE_NOT_FOUND",
    text: '{"ok":true}',
    refused: "invalid-arguments",
  });
  const received = readFileSync(record, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { method: string; params?: { _meta?: unknown } });
  expect(received.map((r) => [r.method, r.params?._meta])).toEqual([
    ["tools/list", undefined],
    ["tools/call", undefined],
  ]);
});
