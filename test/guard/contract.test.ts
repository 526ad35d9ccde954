// A locked tool's compiled checks (src/guard/contract.ts) on data alone, and what guardClient
// refuses before it touches a client.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { compileToolContract, guardClient } from "../../src/guard/index.js";
import { lockTools } from "../../src/lockfile/build.js";

const tool = (inputSchema: unknown, outputSchema?: unknown) =>
  compileToolContract({ name: "t", inputSchema, ...(outputSchema === undefined ? {} : { outputSchema }) });

describe("arguments against the locked input schema", () => {
  const crm = tool({
    type: "object",
    properties: {
      customer_email: { type: "string" },
      priority: { enum: ["low", "normal", "high"] },
      count: { type: "integer", minimum: 1 },
    },
    required: ["customer_email"],
  });

  it("accepts what the schema allows, and no arguments when nothing is required", () => {
    expect(crm.checkArguments({ customer_email: "a@example.com", priority: "low", count: 2 })).toEqual([]);
    expect(tool({ type: "object", properties: { q: { type: "string" } } }).checkArguments(undefined)).toEqual(
      [],
    );
  });

  it("names each problem: unknown (with did-you-mean), missing, wrong type, wrong enum value", () => {
    expect(crm.checkArguments({ customeremail: "a", priority: "urgent", count: "2" })).toEqual([
      {
        path: "$.customeremail",
        message: "unknown parameter; did you mean `customer_email`?",
        suggestion: "customer_email",
      },
      { path: "$.customer_email", message: "required parameter is missing" },
      { path: "$.priority", message: 'must be one of "low", "normal", "high"' },
      { path: "$.count", message: "must be an integer" },
    ]);
  });

  it("an unknown parameter far from every declared one lists them instead", () => {
    expect(crm.checkArguments({ customer_email: "a", zzz: 1 })).toEqual([
      {
        path: "$.zzz",
        message: "unknown parameter (the parameters are `customer_email`, `priority`, `count`)",
      },
    ]);
  });

  it("refuses an unknown parameter on an open object (additionalProperties absent or true) too", () => {
    for (const additionalProperties of [undefined, true, {}]) {
      const open = tool({
        type: "object",
        properties: { email_address: { type: "string" } },
        additionalProperties,
      });
      expect(open.checkArguments({ customeremail: "a" }).map((e) => e.path)).toEqual(["$.customeremail"]);
    }
    // A tool declaring no parameter takes none.
    expect(tool({ type: "object" }).checkArguments({ x: 1 })).toEqual([
      { path: "$.x", message: "unknown parameter (the parameters are none)" },
    ]);
  });

  it("additionalProperties false: one error per unknown key, not ajv's second one", () => {
    const closed = tool({
      type: "object",
      properties: { a: { type: "string" } },
      additionalProperties: false,
    });
    expect(closed.checkArguments({ b: "x" })).toEqual([
      { path: "$.b", message: "unknown parameter; did you mean `a`?", suggestion: "a" },
    ]);
  });

  it("keys of a map (additionalProperties a schema) and of patternProperties are data", () => {
    const map = tool({ type: "object", additionalProperties: { type: "string" } });
    expect(map.checkArguments({ anything: "x" })).toEqual([]);
    expect(map.checkArguments({ anything: 1 })).toEqual([
      { path: "$.anything", message: "must be a string" },
    ]);
    const patterned = tool({
      type: "object",
      patternProperties: { "^x-": { type: "string" } },
      properties: { a: {} },
    });
    expect(patterned.checkArguments({ "x-trace": "1", a: 1 })).toEqual([]);
    expect(patterned.checkArguments({ y: 1 }).map((e) => e.path)).toEqual(["$.y"]);
  });

  it("parameters declared through $ref, $defs and allOf/anyOf/oneOf/if/then/else count", () => {
    const composed = tool({
      $defs: { base: { type: "object", properties: { id: { type: "string" } } } },
      allOf: [{ $ref: "#/$defs/base" }],
      anyOf: [{ properties: { a: {} } }, { properties: { b: {} } }],
      if: { properties: { kind: { const: "x" } } },
      // biome-ignore lint/suspicious/noThenProperty: a JSON Schema keyword, not a promise.
      then: { properties: { x: {} } },
    });
    expect(composed.checkArguments({ id: "1", a: 1, b: 2, kind: "x", x: 3 })).toEqual([]);
    expect(composed.checkArguments({ idd: "1" })[0]).toEqual({
      path: "$.idd",
      message: "unknown parameter; did you mean `id`?",
      suggestion: "id",
    });
  });

  it("arguments that are not an object", () => {
    expect(crm.checkArguments([1])).toEqual([{ path: "$", message: "arguments must be an object" }]);
  });

  it("draft-07 schemas are validated as draft-07", () => {
    const legacy = tool({
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      properties: { n: { type: "number", exclusiveMinimum: 0 } },
    });
    expect(legacy.checkArguments({ n: 0 })).toEqual([{ path: "$.n", message: "must be > 0" }]);
  });
});

describe("structured content against the locked output schema", () => {
  it("checks only when the tool is locked with one", () => {
    const withOutput = tool(
      { type: "object" },
      { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
    );
    expect(withOutput.hasOutputSchema).toBe(true);
    expect(withOutput.checkOutput({ id: "1" })).toEqual([]);
    expect(withOutput.checkOutput({ id: 1 })).toEqual([{ path: "$.id", message: "must be a string" }]);
    const without = tool({ type: "object" });
    expect(without.hasOutputSchema).toBe(false);
    expect(without.checkOutput({ anything: true })).toEqual([]);
  });
});

describe("guardClient refuses a bad lockfile or server at once", () => {
  const client = new Client({ name: "t", version: "1.0.0" });

  it("a server that is not locked, with a did-you-mean", () => {
    expect(() => guardClient(client, { lockfile: lockTools("crm", []), server: "cmr" })).toThrow(
      "server `cmr` is not in the lockfile; did you mean `crm`?",
    );
    expect(() => guardClient(client, { lockfile: lockTools("crm", []), server: "billing" })).toThrow(
      "server `billing` is not in the lockfile (it has 1 servers)",
    );
  });

  it("a lockfile path that cannot be read, or is not a lockfile", () => {
    const dir = mkdtempSync(join(tmpdir(), "mcp-contract-guard-bad-"));
    expect(() => guardClient(client, { lockfile: join(dir, "none.json"), server: "crm" })).toThrow(
      `${join(dir, "none.json")}: cannot read lockfile (ENOENT)`,
    );
    writeFileSync(join(dir, "bad.json"), '{"servers": {}}');
    expect(() => guardClient(client, { lockfile: join(dir, "bad.json"), server: "crm" })).toThrow(
      `${join(dir, "bad.json")}: $.lockfileVersion: missing; this is not an mcp-contract lockfile`,
    );
    expect(() => guardClient(client, { lockfile: { lockfileVersion: 1 } as never, server: "crm" })).toThrow(
      "lockfile: $.servers: expected an object keyed by server name",
    );
  });

  it("a tool that is not locked is refused before anything is sent", async () => {
    // The client is not even connected: nothing may reach it.
    const guarded = guardClient(client, { lockfile: lockTools("crm", [{ name: "ping" }]), server: "crm" });
    await expect(guarded.callTool({ name: "pnig" })).rejects.toMatchObject({
      name: "ContractViolationError",
      code: "tool-not-locked",
      server: "crm",
      tool: "pnig",
      blocking: true,
      message: "crm: tool `pnig` is not locked; did you mean `ping`?; run `mcp-contract lock` to review it",
    });
  });
});
