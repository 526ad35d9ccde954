// presenceDiff is what a first lock takes instead of loading the diff engine: it must give exactly
// diffLockfiles' changes whenever no server is on both sides, and decline otherwise.
import { describe, expect, it } from "vitest";
import type { ToolDefinition } from "../../src/core/lockfile.js";
import { diffLockfiles } from "../../src/diff/index.js";
import { presenceDiff } from "../../src/diff/presence.js";
import { emptyLockfile, lockTools } from "../../src/lockfile/build.js";

const tool = (name: string): ToolDefinition => ({ name, inputSchema: { type: "object" } });
const lockOf = (servers: Record<string, string[]>) => {
  const lock = emptyLockfile();
  for (const [server, tools] of Object.entries(servers))
    lock.servers[server] = lockTools(server, tools.map(tool)).servers[server]!;
  return lock;
};

describe("presenceDiff", () => {
  it("gives diffLockfiles' changes when every server is new, gone, or both, in its order", () => {
    const cases = [
      [emptyLockfile(), lockOf({ zeta: ["a"], alpha: ["b", "c"], __proto__x: [] })],
      [lockOf({ old: ["a", "b"], older: [] }), emptyLockfile()],
      [lockOf({ gone: ["a"] }), lockOf({ added: ["x", "y"], another: ["z"] })],
      [emptyLockfile(), emptyLockfile()],
    ] as const;
    let seen = 0;
    for (const [before, after] of cases) {
      const expected = diffLockfiles(before, after);
      seen += expected.length;
      expect(presenceDiff(before, after)).toEqual(expected);
    }
    expect(seen).toBe(8);
  });

  it("declines when a server is on both sides (the engine compares it)", () => {
    expect(presenceDiff(lockOf({ a: ["x"] }), lockOf({ a: ["x"], b: [] }))).toBeUndefined();
    expect(presenceDiff(lockOf({ a: ["x"] }), lockOf({ a: ["y"] }))).toBeUndefined();
  });
});
