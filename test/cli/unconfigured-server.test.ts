// A server the lockfile holds and the config no longer names: `check` reports it (server-removed,
// breaking, the same finding and fingerprint the next `lock` reports) and the templates that still
// use it, and says how to drop it; `lock --accept-breaking` drops it; a server that is configured
// but fails to fetch is never dropped nor reported as removed.
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCliInProcess } from "../helpers/cli.js";

const tools = (name: string) =>
  JSON.stringify({ tools: [{ name, description: `Does ${name}.`, inputSchema: { type: "object" } }] });
const config = (servers: string[]) =>
  `servers:\n${servers.map((s) => `  ${s}:\n    file: ${s}.json\n`).join("")}`;

describe("a server removed from the config", () => {
  it("check reports it and the templates that use it; lock drops it only once accepted; a failed fetch keeps its entry", async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "mcp-contract-unconfigured-")));
    for (const s of ["a", "b", "c"]) writeFileSync(join(dir, `${s}.json`), tools(s));
    writeFileSync(join(dir, "mcp-contract.yaml"), config(["a", "b", "c"]));
    const cli = (...args: string[]) =>
      runCliInProcess(args, { cwd: dir, env: { MCP_CONTRACT_CACHE_DIR: join(dir, "cache") } });
    // A first lock records the servers: the next step is to commit the lockfile, not to lock again.
    const first = await cli("lock");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /^3 of 3 servers changed \(a, b, c\)\. Next: commit mcp-contract\.lock\.json\.\n/,
    );
    mkdirSync(join(dir, "prompts"));
    writeFileSync(join(dir, "prompts", "use.hbs"), 'Use {{#tool "b/b"}}b{{/tool}}.\n');
    writeFileSync(join(dir, "mcp-contract.yaml"), config(["a", "c"]));

    const check = await cli("check", "--format", "json");
    expect(check.code).toBe(1);
    const changes = (JSON.parse(check.stdout) as { changes: Record<string, unknown>[] }).changes;
    expect(changes.map((c) => [c.rule, c.severity, c.server, c.message])).toEqual([
      ["template-unknown-tool", "breaking", "b", "tool `b/b` no longer exists (it was on `b`)"],
      [
        "server-removed",
        "breaking",
        "b",
        "Server `b` is in the lockfile but no longer in the config (it had 1 tool).",
      ],
    ]);
    expect(changes[1]!.hint).toBe(
      'If it was removed on purpose, remove the prompts that use it, then run `mcp-contract lock --accept-breaking "<reason>"` to drop it from the lockfile; else restore it in the config.',
    );
    // The pre-commit hook sees it too (no fetch), run after run from its cache, and not once the
    // config names the server again.
    for (let run = 0; run < 2; run++) {
      const offline = await cli("check", "--offline", "--format", "json");
      expect(offline.code).toBe(1);
      expect(
        (JSON.parse(offline.stdout) as { changes: Record<string, unknown>[] }).changes.map((c) => [
          c.rule,
          c.server,
          c.message,
          c.fingerprint,
        ]),
      ).toEqual([["server-removed", "b", changes[1]!.message, changes[1]!.fingerprint]]);
    }
    writeFileSync(join(dir, "mcp-contract.yaml"), config(["a", "b", "c"]));
    expect(await cli("check", "--offline")).toMatchObject({ code: 0, stdout: "no changes\n" });
    writeFileSync(join(dir, "mcp-contract.yaml"), config(["a", "c"]));
    // Only the servers asked for are checked.
    expect(await cli("check", "--server", "a")).toMatchObject({ code: 0, stdout: "no changes\n" });
    // The shard that reports server-less findings reports it, once.
    const shards = [
      await cli("check", "--shard", "1/2", "-f", "json"),
      await cli("check", "--shard", "2/2", "-f", "json"),
    ];
    expect(
      shards.map((r) => (JSON.parse(r.stdout) as { changes: { rule: string }[] }).changes.map((c) => c.rule)),
    ).toEqual([["template-unknown-tool", "server-removed"], []]);

    // lock reports the same finding (same fingerprint) and refuses it without a reason.
    const refused = await cli("lock");
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("Server `b` was removed (it had 1 tool).");
    expect(changes[1]!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(refused.stdout).toContain(`fingerprint ${changes[1]!.fingerprint}`);
    rmSync(join(dir, "prompts"), { recursive: true });
    expect((await cli("lock", "--quiet", "--accept-breaking", "b is retired")).code).toBe(0);
    const locked = JSON.parse(readFileSync(join(dir, "mcp-contract.lock.json"), "utf8"));
    expect(Object.keys(locked.servers)).toEqual(["a", "c"]);
    expect(await cli("check")).toMatchObject({ code: 0, stdout: "no changes\n" });
    expect(await cli("check", "--offline")).toMatchObject({ code: 0, stdout: "no changes\n" });

    // c is still configured but cannot be read: its entry stays, and it is not "removed".
    rmSync(join(dir, "c.json"));
    expect((await cli("lock", "--quiet")).code).toBe(3);
    expect(
      Object.keys(JSON.parse(readFileSync(join(dir, "mcp-contract.lock.json"), "utf8")).servers),
    ).toEqual(["a", "c"]);
    const failed = await cli("check", "--format", "json");
    expect(failed.code).toBe(3);
    expect((JSON.parse(failed.stdout) as { changes: unknown[] }).changes).toEqual([]);
  });
});
