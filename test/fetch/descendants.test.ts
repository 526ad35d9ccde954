// src/fetch/descendants.ts finds what a stdio server started, by parent links and by the marker in
// the environment. Two ways to learn the parent links (the kernel's per-thread children lists, or
// every process's stat); on real processes (sh and sleep): both find a grandchild, both find a
// marked orphan that init took over (and only by its marker), and both find the same set.
import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { findDescendants, MARKER_VAR } from "../../src/fetch/descendants.js";

const started: ChildProcess[] = [];
const pids: number[] = [];

afterAll(() => {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone already
    }
  }
  for (const child of started) child.kill("SIGKILL");
});

/** Starts `sh -c script` with the marker in its environment; resolves with the pids it prints before `ready`. */
async function startShell(script: string, marker: string): Promise<{ root: number; printed: number[] }> {
  const child = spawn("sh", ["-c", script], {
    env: { ...process.env, [MARKER_VAR]: marker },
    stdio: ["ignore", "pipe", "inherit"],
  });
  started.push(child);
  let out = "";
  await new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("ready\n")) resolve();
    });
  });
  const printed = out
    .split("\n")
    .filter((line) => /^\d+$/.test(line))
    .map(Number);
  pids.push(...printed);
  return { root: child.pid!, printed };
}

describe("findDescendants", () => {
  it("finds a grandchild through the children lists, and the full scan finds the same", async () => {
    // root sh → subshell → sleep: the sleep is root's grandchild.
    const { root, printed } = await startShell(
      "(sleep 60 & echo $!; echo ready; wait) & wait",
      "tree-marker",
    );
    const [grandchild] = printed;
    const byChildren = findDescendants(root, "not-this-marker", "children");
    expect([...byChildren.keys()]).toContain(grandchild);
    // The subshell between them too: two processes, root excluded.
    expect(byChildren.size).toBe(2);
    expect(byChildren.has(root)).toBe(false);
    const byScan = findDescendants(root, "not-this-marker", "scan");
    expect(new Map([...byScan].sort())).toEqual(new Map([...byChildren].sort()));
  });

  it("finds a marked orphan (its parent ended, init took it over) by its marker only, both ways", async () => {
    const marker = `orphan-${process.pid}-${Date.now()}`;
    // The subshell starts a sleep and ends; sh then waits on a sleep of its own (a direct child).
    const { root, printed } = await startShell("(sleep 60 & echo $!); echo ready; exec sleep 60", marker);
    const [orphan] = printed;
    for (const via of ["children", "scan"] as const) {
      expect([...findDescendants(root, marker, via).keys()], via).toContain(orphan);
      expect([...findDescendants(root, "another-marker", via).keys()], via).not.toContain(orphan);
    }
    expect(new Map([...findDescendants(root, marker, "scan")].sort())).toEqual(
      new Map([...findDescendants(root, marker, "children")].sort()),
    );
  });
});
