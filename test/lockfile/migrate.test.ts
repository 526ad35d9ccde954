// `lock` over a version 1 lockfile writes version 2 and says it migrated; a file source's
// prompts, resource templates, resources and instructions are locked.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lockServer } from "../../src/lockfile/build.js";
import { serializeLockfile } from "../../src/lockfile/io.js";
import { runCliInProcess } from "../helpers/cli.js";

const tools = [{ name: "lookup", description: "Find a customer.", inputSchema: { type: "object" } }];

describe("lock migrates a version 1 lockfile", () => {
  it("writes version 2 with the file's whole surface, says so once, then is up to date", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mcp-contract-migrate-"));
    writeFileSync(join(dir, "mcp-contract.yaml"), "servers:\n  crm:\n    file: surface.json\n");
    writeFileSync(
      join(dir, "surface.json"),
      JSON.stringify({
        tools,
        prompts: [{ name: "summarize", arguments: [{ name: "id", required: true }] }],
        resourceTemplates: [{ name: "customer", uriTemplate: "crm://customers/{id}" }],
        instructions: "Look customers up by id.",
      }),
    );
    const v1 = { lockfileVersion: 1 as const, servers: { crm: lockServer({ tools }) } };
    writeFileSync(join(dir, "mcp-contract.lock.json"), serializeLockfile(v1));

    const first = await runCliInProcess(["lock"], { cwd: dir });
    expect(first.stderr).toBe("fetched crm: 1 tool\n");
    expect(first.code).toBe(0);
    expect(first.stdout.replaceAll(`${dir}/`, "")).toBe(
      "wrote mcp-contract.lock.json (1 server)\nmigrated mcp-contract.lock.json from lockfile version 1 to 2 (prompts, resource templates, instructions and capabilities are now locked)\n",
    );
    const written = JSON.parse(readFileSync(join(dir, "mcp-contract.lock.json"), "utf8"));
    expect(written.lockfileVersion).toBe(2);
    expect(Object.keys(written.servers.crm.prompts)).toEqual(["summarize"]);
    expect(Object.keys(written.servers.crm.resourceTemplates)).toEqual(["customer"]);
    expect(written.servers.crm.instructions.text).toBe("Look customers up by id.");
    // A file source lists no static resources and has no handshake: those stay unknown.
    expect(written.servers.crm.resources).toBeUndefined();
    expect(written.servers.crm.capabilities).toBeUndefined();

    const second = await runCliInProcess(["lock"], { cwd: dir });
    expect({ ...second, stdout: second.stdout.replaceAll(`${dir}/`, "") }).toEqual({
      code: 0,
      stdout: "mcp-contract.lock.json is up to date\n",
      stderr: "fetched crm: 1 tool\n",
    });
  });

  it("a file source's surface entry without a name is skipped with invalid-surface-definition", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mcp-contract-migrate-"));
    writeFileSync(join(dir, "mcp-contract.yaml"), "servers:\n  crm:\n    file: surface.json\n");
    writeFileSync(
      join(dir, "surface.json"),
      JSON.stringify({ tools, prompts: [{ description: "no name" }, { name: "ok" }] }),
    );
    const run = await runCliInProcess(["lock"], { cwd: dir });
    expect(run.code).toBe(0);
    const written = JSON.parse(readFileSync(join(dir, "mcp-contract.lock.json"), "utf8"));
    expect(Object.keys(written.servers.crm.prompts)).toEqual(["ok"]);
    expect(run.stdout).toContain("Entry 0 of prompts/list has no string `name` and was skipped.");
  });
});
