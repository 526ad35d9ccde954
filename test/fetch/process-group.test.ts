import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fetchServer } from "../../src/fetch/index.js";
import { fetchOptions, stdioFixture } from "./helpers.js";

/** Alive per the process table; a zombie (exited, not yet reaped by its new parent) counts as gone. */
async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

async function pidsFrom(file: string): Promise<number[]> {
  for (let i = 0; i < 600; i++) {
    const text = await readFile(file, "utf8").catch(() => "");
    const pids = text.split("\n").filter(Boolean).map(Number);
    if (pids.length >= 2) return pids;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no pids in ${file}`);
}

async function allGone(pids: number[]): Promise<boolean> {
  // The group is killed before fetchServer settles; allow the kernel a moment to update /proc.
  for (let i = 0; i < 100; i++) {
    const states = await Promise.all(pids.map(alive));
    if (states.every((state) => !state)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

async function pidFile(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), "mcp-contract-pids-")), "pids");
}

describe("stdio children are killed with their whole process group", () => {
  it("on success", async () => {
    const file = await pidFile();
    await fetchServer("s", stdioFixture({ spawnGrandchild: true, pidFile: file }), fetchOptions());
    const pids = await pidsFrom(file);
    expect(await allGone(pids)).toBe(true);
  });

  it("on abort (SIGINT at the CLI), mid-fetch", async () => {
    const file = await pidFile();
    const controller = new AbortController();
    const config = stdioFixture({ spawnGrandchild: true, pidFile: file, delayMs: 60_000 });
    const pending = fetchServer("s", config, fetchOptions({ signal: controller.signal })).catch(
      (e: Error) => e,
    );
    const pids = await pidsFrom(file);
    expect(await Promise.all(pids.map(alive))).toEqual([true, true]);
    controller.abort();
    const error = await pending;
    expect((error as Error).message).toBe('server "s": cancelled');
    expect(await allGone(pids)).toBe(true);
  });

  it("on timeout", async () => {
    const file = await pidFile();
    const config = stdioFixture({ spawnGrandchild: true, pidFile: file, delayMs: 60_000 });
    const error = await fetchServer("s", config, fetchOptions({ timeoutMs: 2500 })).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^server "s": timed out after 2\.5s/);
    expect(await allGone(await pidsFrom(file))).toBe(true);
  });
});
