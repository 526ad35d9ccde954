// The guard judges drift by the config's `rules:` overrides, as `check` does: a rule lowered to a
// warning no longer blocks, one raised to breaking does, `off` drops it; given as the config
// file's path or as the overrides themselves. Real SDK 2.x client, stdio fixture server.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, type ContractViolationError, guardClient } from "../../src/guard/index.js";
import { lockTools } from "../../src/lockfile/build.js";
import { serializeLockfile } from "../../src/lockfile/io.js";
import { type Connected, connect } from "./clients.js";

const LOCKED = {
  name: "create_ticket",
  description: "Open a support ticket.",
  inputSchema: {
    type: "object",
    properties: { customer_email: { type: "string" }, body: { type: "string" } },
    required: ["customer_email"],
  },
};
/** `body` removed (param-removed, breaking by default) and the description reworded (a warning by default). */
const DRIFTED = {
  ...LOCKED,
  description: "Open a support ticket for a customer.",
  inputSchema: {
    type: "object",
    properties: { customer_email: { type: "string" } },
    required: ["customer_email"],
  },
};

const dir = () => mkdtempSync(join(tmpdir(), "mcp-contract-guard-rules-"));
function lockfilePath(): string {
  const path = join(dir(), "mcp-contract.lock.json");
  writeFileSync(path, serializeLockfile(lockTools("crm", [LOCKED])));
  return path;
}
function configPath(rules: string): string {
  const path = join(dir(), "mcp-contract.yaml");
  writeFileSync(path, `servers:\n  crm:\n    command: node\n    args: ["\${CRM_SERVER}"]\nrules:\n${rules}`);
  return path;
}

const open: Connected<unknown>[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});
async function drifted() {
  const server = await connect("2.x", "stdio", { tools: [DRIFTED] });
  open.push(server);
  return server;
}
const call = { name: "create_ticket", arguments: { customer_email: "a@example.com" } };

describe("the guard honours the config's rule overrides", () => {
  it("without a config the removed parameter is breaking drift and the call is refused", async () => {
    const server = await drifted();
    const guarded = guardClient(server.client, { lockfile: lockfilePath(), server: "crm" });
    const error = (await guarded.callTool(call).catch((e: unknown) => e)) as ContractViolationError;
    expect([error.code, error.blocking, error.changes?.map((c) => [c.rule, c.severity])]).toEqual([
      "drift",
      true,
      [["param-removed", "breaking"]],
    ]);
    expect(server.received().map((r) => r.method)).toEqual(["tools/list"]);
  });

  it("a config file lowering param-removed to a warning lets the call through (${VAR} left unread)", async () => {
    const server = await drifted();
    const seen: ContractViolationError[] = [];
    const guarded = guardClient(server.client, {
      lockfile: lockfilePath(),
      server: "crm",
      config: configPath("  param-removed: warning\n"),
      onViolation: (v) => seen.push(v),
    });
    await guarded.callTool(call);
    expect(server.received().map((r) => r.method)).toEqual(["tools/list", "tools/call"]);
    expect(seen).toEqual([]);
    const verified = await guarded.verify();
    expect([verified.ok, verified.changes.map((c) => [c.rule, c.severity])]).toEqual([
      true,
      [
        ["param-removed", "warning"],
        ["tool-description-changed", "warning"],
      ],
    ]);
  });

  it("overrides given as an object: raised to breaking blocks, off drops", async () => {
    const server = await drifted();
    const guarded = guardClient(server.client, {
      lockfile: lockfilePath(),
      server: "crm",
      config: { rules: { "param-removed": "off", "tool-description-changed": "breaking" } },
    });
    const error = (await guarded.callTool(call).catch((e: unknown) => e)) as ContractViolationError;
    expect(error.code).toBe("drift");
    expect(error.message).toBe(
      'crm/create_ticket: the live tool changed in a breaking way since it was locked: tool-description-changed: Tool `create_ticket` changed its description: removed "ticket.", added "ticket for a customer.".',
    );
    const verified = await guarded.verify();
    expect([verified.ok, verified.changes.map((c) => [c.rule, c.severity])]).toEqual([
      false,
      [["tool-description-changed", "breaking"]],
    ]);
  });

  it("an unknown rule id or setting throws ConfigError at once; a config file that does not load rejects the call", async () => {
    const server = await drifted();
    const lockfile = lockfilePath();
    const attempt = (rules: Record<string, string>) => () =>
      guardClient(server.client, { lockfile, server: "crm", config: { rules } as never });
    expect(attempt({ "param-remove": "warning" })).toThrow(
      new ConfigError(
        "guard option config.rules: unknown rule id `param-remove`; did you mean `param-removed`?",
      ),
    );
    expect(attempt({ "param-removed": "fatal" })).toThrow(
      new ConfigError(
        'guard option config.rules.param-removed: "fatal" is not breaking, warning, info or off',
      ),
    );
    const bad = configPath("  param-remove: warning\n");
    const guarded = guardClient(server.client, { lockfile, server: "crm", config: bad });
    const error = (await guarded.callTool(call).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ConfigError);
    // The line `check` prints for the same file.
    expect(error.message).toBe(
      `${bad}: $.rules.param-remove: unknown rule id; did you mean \`param-removed\`?`,
    );
    expect(server.received().map((r) => r.method)).toEqual(["tools/list"]);
  });
});
