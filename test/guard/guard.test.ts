// The guard with real SDK clients (1.x and 2.x) against a real fixture server over stdio and
// Streamable HTTP on 127.0.0.1: the server records every request it receives, so a refused call
// is seen never to reach it.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ContractViolationError, guardClient } from "../../src/guard/index.js";
import { lockTools } from "../../src/lockfile/build.js";
import { serializeLockfile } from "../../src/lockfile/io.js";
import { type Connected, connect, type Sdk, type Wire } from "./clients.js";

const CREATE_TICKET = {
  name: "create_ticket",
  description: "Open a support ticket for a customer.",
  inputSchema: {
    type: "object",
    properties: {
      customer_email: { type: "string" },
      priority: { enum: ["low", "normal", "high"] },
      body: { type: "string" },
    },
    required: ["customer_email"],
  },
  outputSchema: {
    type: "object",
    properties: { ticket_id: { type: "string" } },
    required: ["ticket_id"],
  },
};
/** `x-vendor` is not a Tool field: both SDK clients drop it from what listTools returns. */
const PING = {
  name: "ping",
  description: "Check the server.",
  inputSchema: { type: "object" },
  annotations: { readOnlyHint: true },
  "x-vendor": { team: "support" },
};
const TOOLS = [CREATE_TICKET, PING];

/** The vendor renamed the parameter and deployed: the live tool is no longer the locked one. */
const DRIFTED_CREATE_TICKET = {
  ...CREATE_TICKET,
  inputSchema: {
    type: "object",
    properties: { email_address: { type: "string" }, priority: { enum: ["low", "normal", "high"] } },
    required: ["email_address"],
  },
};

/** The lockfile of TOOLS under the server name `crm`, written to a file; its path. */
function lockfilePath(): string {
  const path = join(mkdtempSync(join(tmpdir(), "mcp-contract-guard-lock-")), "mcp-contract.lock.json");
  writeFileSync(path, serializeLockfile(lockTools("crm", TOOLS)));
  return path;
}

const open: Connected<unknown>[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

async function start(sdk: Sdk, wire: Wire, options: Parameters<typeof connect>[2]) {
  const connected = await connect(sdk, wire, options);
  open.push(connected);
  return connected;
}

/** The rejection of `promise`, which must reject with a ContractViolationError. */
async function violation(promise: Promise<unknown>): Promise<ContractViolationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect((error as Error | undefined)?.name).toBe("ContractViolationError");
  return error as ContractViolationError;
}

const MATRIX: [Sdk, Wire][] = [
  ["1.x", "stdio"],
  ["1.x", "http"],
  ["2.x", "stdio"],
  ["2.x", "http"],
];

for (const [sdk, wire] of MATRIX) {
  describe(`guard on a ${sdk} client over ${wire}`, () => {
    it("refuses a hallucinated parameter before the server sees a request, with a did-you-mean", async () => {
      const server = await start(sdk, wire, { tools: TOOLS });
      const seen: ContractViolationError[] = [];
      const guarded = guardClient(server.client, {
        lockfile: lockfilePath(),
        server: "crm",
        onViolation: (v) => seen.push(v),
      });
      const error = await violation(
        guarded.callTool({ name: "create_ticket", arguments: { customeremail: "a@example.com" } }),
      );
      expect(error.code).toBe("invalid-arguments");
      expect(error.server).toBe("crm");
      expect(error.tool).toBe("create_ticket");
      expect(error.blocking).toBe(true);
      expect(error.errors).toEqual([
        {
          path: "$.customeremail",
          message: "unknown parameter; did you mean `customer_email`?",
          suggestion: "customer_email",
        },
        { path: "$.customer_email", message: "required parameter is missing" },
      ]);
      expect(error.message).toBe(
        "crm/create_ticket: the arguments break the locked input schema: $.customeremail: unknown parameter; did you mean `customer_email`?; $.customer_email: required parameter is missing",
      );
      expect(seen).toEqual([error]);
      // Nothing was sent: not the call, not even the listing the drift check makes.
      expect(server.received()).toEqual([]);
    });

    it("lets a valid call through, once the live tools match the lockfile", async () => {
      const server = await start(sdk, wire, {
        tools: TOOLS,
        results: { create_ticket: { ticket_id: "T-1" } },
      });
      const seen: ContractViolationError[] = [];
      const guarded = guardClient(server.client, {
        lockfile: lockfilePath(),
        server: "crm",
        onViolation: (v) => seen.push(v),
      });
      const args = { customer_email: "a@example.com", priority: "high" };
      const result = (await guarded.callTool({ name: "create_ticket", arguments: args })) as {
        structuredContent: unknown;
      };
      expect(result.structuredContent).toEqual({ ticket_id: "T-1" });
      expect(seen).toEqual([]);
      expect(server.received().map((r) => [r.method, r.params?.name, r.params?.arguments])).toEqual([
        ["tools/list", undefined, undefined],
        ["tools/call", "create_ticket", args],
      ]);
      // The second call does not list again; verify() does.
      await guarded.callTool({ name: "ping" });
      expect(await guarded.verify()).toEqual({ ok: true, changes: [] });
      expect(server.received().map((r) => r.method)).toEqual([
        "tools/list",
        "tools/call",
        "tools/call",
        "tools/list",
      ]);
    });

    it("verify() lists every page; calls made at once share the first listing", async () => {
      const server = await start(sdk, wire, {
        tools: TOOLS,
        pageSize: 1,
        results: { create_ticket: { ticket_id: "T-1" } },
      });
      const guarded = guardClient(server.client, { lockfile: lockfilePath(), server: "crm" });
      await Promise.all([
        guarded.callTool({ name: "ping" }),
        guarded.callTool({ name: "create_ticket", arguments: { customer_email: "a@example.com" } }),
      ]);
      const received = server.received();
      expect(received.filter((r) => r.method === "tools/list").map((r) => r.params?.cursor)).toEqual([
        undefined,
        "1",
      ]);
      expect(
        received
          .filter((r) => r.method === "tools/call")
          .map((r) => r.params?.name)
          .sort(),
      ).toEqual(["create_ticket", "ping"]);
      expect(await guarded.verify()).toEqual({ ok: true, changes: [] });
    });

    it("refuses a tool that drifted in a breaking way (onDrift block, the default)", async () => {
      const server = await start(sdk, wire, { tools: [DRIFTED_CREATE_TICKET, PING] });
      const guarded = guardClient(server.client, { lockfile: lockfilePath(), server: "crm" });
      const error = await violation(
        guarded.callTool({ name: "create_ticket", arguments: { customer_email: "a@example.com" } }),
      );
      expect(error.code).toBe("drift");
      expect(error.blocking).toBe(true);
      expect(error.changes?.map((c) => [c.rule, c.severity, c.pointer])).toEqual([
        ["param-removed", "breaking", "/inputSchema/properties/body"],
        ["param-removed", "breaking", "/inputSchema/properties/customer_email"],
        ["required-param-added", "breaking", "/inputSchema/properties/email_address"],
      ]);
      expect(error.message).toBe(
        `crm/create_ticket: the live tool changed in a breaking way since it was locked: ${error
          .changes!.map((c) => `${c.rule}: ${c.message}`)
          .join("; ")}`,
      );
      expect(error.changes![0]!.message).toContain("body");
      // The listing went out; the call did not.
      expect(server.received().map((r) => r.method)).toEqual(["tools/list"]);
      // A tool that did not drift is still called.
      await guarded.callTool({ name: "ping" });
      expect(server.received().map((r) => r.method)).toEqual(["tools/list", "tools/call"]);
      const verified = await guarded.verify();
      expect(verified.ok).toBe(false);
      expect(verified.changes.every((c) => c.tool === "create_ticket")).toBe(true);
    });

    it("reports a result outside the locked output schema", async () => {
      // The vendor dropped the output schema and changed what the tool returns.
      const { outputSchema: _, ...withoutOutput } = CREATE_TICKET;
      const server = await start(sdk, wire, {
        tools: [withoutOutput, PING],
        results: { create_ticket: { ticket: 42 } },
      });
      const seen: ContractViolationError[] = [];
      const guarded = guardClient(server.client, {
        lockfile: lockfilePath(),
        server: "crm",
        onDrift: "warn",
        onViolation: (v) => seen.push(v),
      });
      const error = await violation(
        guarded.callTool({ name: "create_ticket", arguments: { customer_email: "a@example.com" } }),
      );
      expect(error.code).toBe("invalid-output");
      expect(error.blocking).toBe(true);
      expect(error.errors).toEqual([{ path: "$.ticket_id", message: "required key is missing" }]);
      expect((error.result as { structuredContent: unknown }).structuredContent).toEqual({ ticket: 42 });
      // The drift was a warning (onDrift warn): the call went out and the result was checked.
      expect(seen.map((v) => [v.code, v.blocking])).toEqual([
        ["drift", false],
        ["invalid-output", true],
      ]);
      expect(seen[0]!.changes?.map((c) => c.rule)).toEqual(["output-schema-removed"]);
      expect(server.received().map((r) => r.method)).toEqual(["tools/list", "tools/call"]);

      // outputCheck warn: the result is returned and the violation reported.
      const warned: ContractViolationError[] = [];
      const lenient = guardClient(server.client, {
        lockfile: lockfilePath(),
        server: "crm",
        onDrift: "off",
        outputCheck: "warn",
        onViolation: (v) => warned.push(v),
      });
      const result = (await lenient.callTool({
        name: "create_ticket",
        arguments: { customer_email: "a@example.com" },
      })) as { structuredContent: unknown };
      expect(result.structuredContent).toEqual({ ticket: 42 });
      expect(warned.map((v) => [v.code, v.blocking, v.message])).toEqual([
        [
          "invalid-output",
          false,
          "crm/create_ticket: the result breaks the locked output schema: $.ticket_id: required key is missing",
        ],
      ]);
    });
  });
}
