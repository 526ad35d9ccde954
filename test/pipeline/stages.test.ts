// The pipeline's pure stages, on data alone: what check and lock compare, and the policy stage.
import { describe, expect, it } from "vitest";
import type { LockedServer, ToolDefinition } from "../../src/core/lockfile.js";
import { checkTools } from "../../src/fetch/validate.js";
import { lockTools } from "../../src/lockfile/build.js";
import { liveFindings } from "../../src/pipeline/live.js";
import { lockChanges } from "../../src/pipeline/lock-changes.js";
import { decide } from "../../src/pipeline/report.js";
import { acknowledge } from "../../src/policy/acknowledgements.js";

const search = (required: string[]): ToolDefinition => ({
  name: "search",
  description: "Search the catalogue.",
  inputSchema: { type: "object", properties: { q: { type: "string" }, limit: { type: "number" } }, required },
});
const entry = (tools: ToolDefinition[]): LockedServer => lockTools("x", tools).servers.x!;
const lock = { ...lockTools("a", [search(["q"])]) };
lock.servers.b = entry([search(["q"])]);

describe("liveFindings", () => {
  it("diffs the servers that fetched and leaves a server that failed out (not removed)", () => {
    const changes = liveFindings({
      lock,
      lockfilePath: "mcp-contract.lock.json",
      servers: ["a", "b"],
      locked: new Map([["a", entry([search(["q", "limit"])])]]),
      fetchFindings: [],
      templates: [],
    });
    expect(changes.map((c) => [c.server, c.rule])).toEqual([["a", "param-became-required"]]);
  });
});

describe("invalid-tool-definition on a locked tool", () => {
  const bad = (name: string, description = "Bad."): ToolDefinition => ({
    name,
    description,
    inputSchema: { properties: {} },
  });
  const tools = [bad("p"), bad("q"), search(["q"])];
  const findings = checkTools("a", tools).findings;
  const locked = lockTools("a", tools);

  it("is reported in full when the tool is locked, then once as one line while it stays unchanged", async () => {
    const first = await lockChanges({
      previous: undefined,
      baseline: undefined,
      configured: ["a"],
      locked: new Map([["a", locked.servers.a!]]),
      fetchFindings: findings,
    });
    expect(first.changes.filter((c) => c.rule === "invalid-tool-definition").map((c) => c.tool)).toEqual([
      "p",
      "q",
    ]);
    const input = {
      lock: locked,
      lockfilePath: "mcp-contract.lock.json",
      servers: ["a"],
      locked: new Map([["a", locked.servers.a!]]),
      fetchFindings: findings,
      templates: [],
    };
    const summary = {
      rule: "invalid-tool-definition",
      severity: "info",
      server: "a",
      pointer: "",
      message: "2 tools were already invalid when locked and have not changed since (`p`, `q`).",
      after: ["p", "q"],
      hint: "`mcp-contract lock` reported each problem when the tool was locked; ask the server's maintainers to fix the definitions.",
    };
    expect(liveFindings(input)).toEqual([summary]);
    // A relock of the same tools folds them the same way.
    const again = await lockChanges({
      previous: locked,
      baseline: locked,
      configured: ["a"],
      locked: new Map([["a", locked.servers.a!]]),
      fetchFindings: findings,
    });
    expect(again.changes).toEqual([summary]);
    // A tool that changed is reported in full again, with its change.
    const changed = lockTools("a", [bad("p", "Worse."), bad("q"), search(["q"])]);
    const live = liveFindings({
      ...input,
      locked: new Map([["a", changed.servers.a!]]),
      fetchFindings: checkTools("a", [bad("p", "Worse."), bad("q")]).findings,
    });
    expect(live.map((c) => [c.rule, c.tool ?? null, c.severity])).toEqual([
      ["invalid-tool-definition", "p", "warning"],
      ["invalid-tool-definition", null, "info"],
      ["tool-description-changed", "p", "warning"],
    ]);
    expect(live[1]!.message).toBe("1 tool was already invalid when locked and has not changed since (`q`).");
  });
});

describe("lockChanges", () => {
  const fetchedA = new Map([["a", entry([search(["q", "limit"])])]]);
  it("replaces a fetched server's entry and keeps a failed one's, diffing from the baseline", async () => {
    const { next, changes } = await lockChanges({
      previous: lock,
      baseline: lock,
      configured: ["a", "b"],
      locked: fetchedA,
      fetchFindings: [],
    });
    expect(next.servers.a).toEqual(fetchedA.get("a"));
    expect(next.servers.b).toEqual(lock.servers.b);
    expect(changes.map((c) => [c.server, c.rule])).toEqual([["a", "param-became-required"]]);
  });

  it("drops a server no longer configured: removed since the baseline", async () => {
    const { next, changes } = await lockChanges({
      previous: lock,
      baseline: lock,
      configured: ["a"],
      locked: fetchedA,
      fetchFindings: [],
    });
    expect(Object.keys(next.servers)).toEqual(["a"]);
    expect(changes.map((c) => [c.server, c.rule]).sort()).toEqual([
      ["a", "param-became-required"],
      ["b", "server-removed"],
    ]);
  });
});

describe("decide", () => {
  it("applies rule overrides and acknowledgements, then counts the report", async () => {
    const { changes } = await lockChanges({
      previous: lock,
      baseline: lock,
      configured: ["a", "b"],
      locked: new Map([["a", entry([search(["q", "limit"])])]]),
      fetchFindings: [],
    });
    const now = new Date("2026-01-01T00:00:00Z");
    const plain = decide({ changes, servers: ["a", "b"] }, { acknowledgements: [], now });
    expect(plain.summary).toEqual({ breaking: 1, warning: 0, info: 0, acknowledged: 0 });
    const acknowledgements = [acknowledge(plain.changes[0]!, { reason: "ok", acceptedBy: "t", now })];
    const acknowledged = decide({ changes, servers: ["a", "b"] }, { acknowledgements, now });
    expect(acknowledged.summary).toEqual({ breaking: 0, warning: 0, info: 0, acknowledged: 1 });
    const off = decide(
      { changes, servers: ["a", "b"] },
      { rules: { "param-became-required": "off" }, acknowledgements: [], now },
    );
    expect(off.changes).toEqual([]);
  });
});
