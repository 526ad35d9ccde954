// A hostile server's patterns cannot hang the agent or `check`: every pattern of a server's
// schema runs in linear time (RE2). Each case runs in a child process with a generous kill
// timeout, so a regression (V8's backtracking takes hours on /^(a+)+$/ against 40 a's and a !)
// fails here instead of hanging the suite; what is asserted is the verdict, never the time.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lockTools } from "../../src/lockfile/build.js";
import { serializeLockfile } from "../../src/lockfile/io.js";
import { repoRoot } from "../helpers/cli.js";

const HOSTILE = "^(a+)+$";
const CRAFTED = `${"a".repeat(40)}!`;
/** Kills a hung child: minutes on a loaded 2-core machine are still far below a backtracking run. */
const KILL_AFTER = 120_000;

const temp = () => mkdtempSync(join(tmpdir(), "mcp-contract-hostile-"));

describe("hostile patterns", () => {
  it("the guard checks a hostile pattern and patternProperties on crafted arguments and output, and skips lookaround with one warning", () => {
    const code = {
      name: "code",
      inputSchema: { type: "object", properties: { code: { type: "string", pattern: HOSTILE } } },
    };
    const map = {
      name: "map",
      inputSchema: {
        type: "object",
        patternProperties: { [HOSTILE]: { type: "integer" } },
        additionalProperties: false,
      },
    };
    const report = {
      name: "report",
      inputSchema: { type: "object" },
      outputSchema: {
        type: "object",
        properties: { id: { type: "string", pattern: HOSTILE } },
        required: ["id"],
      },
    };
    const password = {
      name: "password",
      inputSchema: {
        type: "object",
        properties: { password: { type: "string", pattern: "^(?=.*\\d).{8,}$" } },
      },
    };
    const dir = temp();
    const lockfile = join(dir, "mcp-contract.lock.json");
    writeFileSync(lockfile, serializeLockfile(lockTools("hostile", [code, map, report, password])));
    // The server lists `report` without the pattern (the SDK client checks results against the
    // listed schema itself, with its own engine) and answers it with the crafted id.
    const live = [
      code,
      map,
      { ...report, outputSchema: { type: "object", properties: { id: { type: "string" } } } },
      password,
    ];
    const serverOptions = JSON.stringify({ tools: live, results: { report: { id: CRAFTED } } });
    const child = spawnSync(
      process.execPath,
      [join(import.meta.dirname, "hostile-pattern.mjs"), repoRoot, lockfile, serverOptions, CRAFTED],
      { cwd: repoRoot, encoding: "utf8", timeout: KILL_AFTER },
    );
    expect(child.signal).toBe(null);
    expect(child.stderr).toBe("");
    expect(JSON.parse(child.stdout)).toEqual({
      outcomes: {
        crafted: {
          code: "invalid-arguments",
          message: `hostile/code: the arguments break the locked input schema: $.code: must match pattern "${HOSTILE}"`,
        },
        matching: { ok: '{"ok":true}' },
        craftedKey: {
          code: "invalid-arguments",
          message: `hostile/map: the arguments break the locked input schema: $["${CRAFTED}"]: unknown parameter (the parameters are none)`,
        },
        matchingKey: { ok: '{"ok":true}' },
        craftedOutput: {
          code: "invalid-output",
          message: `hostile/report: the result breaks the locked output schema: $.id: must match pattern "${HOSTILE}"`,
        },
        lookaround: { ok: '{"ok":true}' },
        lookaroundAgain: { ok: '{"ok":true}' },
      },
      warnings: [
        {
          code: "unchecked-pattern",
          tool: "password",
          message:
            "hostile/password: 1 pattern of the locked schema not checked (lookaround or a backreference, which the linear-time engine cannot run): /^(?=.*\\d).{8,}$/ at /inputSchema/properties/password/pattern; the server still applies it",
        },
      ],
    });
  });

  it("check's diff judges changes under a hostile pattern, patternProperties and url format with crafted defaults and names", () => {
    const dir = temp();
    const tool = (
      name: string,
      properties: Record<string, unknown>,
      extra: Record<string, unknown> = {},
    ) => ({
      name,
      inputSchema: { type: "object", properties, ...extra },
    });
    const before = [
      tool("t", { code: { type: "string", pattern: HOSTILE, default: CRAFTED }, n: { type: "string" } }),
      tool("u", {
        site: { type: "string", format: "url", default: `http://${"a".repeat(40)}_` },
        n: { type: "string" },
      }),
      tool("v", { [CRAFTED]: { type: "string" } }, { patternProperties: { [HOSTILE]: { type: "string" } } }),
    ];
    const after = [
      tool("t", { code: { type: "string", pattern: HOSTILE, default: CRAFTED }, n: { type: "integer" } }),
      tool("u", {
        site: { type: "string", format: "url", default: `http://${"a".repeat(40)}_` },
        n: { type: "integer" },
      }),
      tool("v", { [CRAFTED]: { type: "integer" } }, { patternProperties: { [HOSTILE]: { type: "string" } } }),
    ];
    writeFileSync(join(dir, "before.json"), JSON.stringify({ tools: before }));
    writeFileSync(join(dir, "after.json"), JSON.stringify({ tools: after }));
    const child = spawnSync(
      process.execPath,
      [
        join(repoRoot, "bin", "mcp-contract.js"),
        "diff",
        join(dir, "before.json"),
        join(dir, "after.json"),
        "--format",
        "json",
      ],
      {
        cwd: dir,
        encoding: "utf8",
        timeout: KILL_AFTER,
        env: { ...process.env, MCP_CONTRACT_CACHE_DIR: join(dir, "cache") },
      },
    );
    expect(child.signal).toBe(null);
    expect(child.stderr).toBe("");
    expect(child.status).toBe(1);
    const { changes } = JSON.parse(child.stdout) as {
      changes: { rule: string; tool: string; pointer: string; witness?: unknown }[];
    };
    expect(changes.map((c) => [c.tool, c.rule, c.pointer, c.witness])).toEqual([
      ["t", "param-type-changed", "/inputSchema/properties/n", { n: "x" }],
      ["u", "param-type-changed", "/inputSchema/properties/n", { n: "x" }],
      ["v", "param-type-changed", `/inputSchema/properties/${CRAFTED}`, { [CRAFTED]: "x" }],
    ]);
  });
});
