// The built CLI, interrupted mid-fetch by SIGINT or SIGTERM, exits promptly with 130
// and leaves no process of the stdio server's process group behind (checked in /proc).
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binPath } from "../helpers/cli.js";
import { FIXTURE_SERVER } from "./helpers.js";

/** pid → { pgid, state } for every process in /proc. */
function processTable(): Map<number, { pgid: number; state: string }> {
  const table = new Map<number, { pgid: number; state: string }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // "pid (comm) state ppid pgrp ...": comm may contain spaces, so split after the last ")".
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      table.set(Number(entry), { state: fields[0] ?? "?", pgid: Number(fields[2]) });
    } catch {
      // The process exited while we were reading.
    }
  }
  return table;
}

/** Live (not zombie) members of process group `pgid`. */
function groupMembers(pgid: number): number[] {
  return [...processTable()]
    .filter(([, info]) => info.pgid === pgid && info.state !== "Z")
    .map(([pid]) => pid);
}

async function waitFor<T>(probe: () => T | undefined, what: string, attempts = 600): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

async function interruptCheck(
  signal: "SIGINT" | "SIGTERM",
  { stubborn = false, twice = false } = {},
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "mcp-contract-signal-"));
  const pidFile = join(dir, "pids");
  const options = {
    transport: "stdio",
    spawnGrandchild: true,
    pidFile,
    delayMs: 600_000,
    ignoreSigterm: stubborn,
  };
  writeFileSync(
    join(dir, "mcp-contract.yaml"),
    `servers:\n  hang:\n    command: ${JSON.stringify(process.execPath)}\n    args: ${JSON.stringify([FIXTURE_SERVER, JSON.stringify(options)])}\n`,
  );
  const lockBytes = '{\n  "lockfileVersion": 1,\n  "servers": {}\n}\n';
  writeFileSync(join(dir, "mcp-contract.lock.json"), lockBytes);

  const cli = spawn(process.execPath, [binPath, "check", "--timeout", "600000"], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: "1", CI: undefined },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  cli.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  cli.stdout.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    cli.once("exit", (code, how) => resolve({ code, signal: how })),
  );
  // A hang guard only: the CLI must exit long before this.
  const guard = setTimeout(() => cli.kill("SIGKILL"), 45_000);
  let pgid: number | undefined;
  try {
    // The server and its grandchild are up and the server is stuck in tools/list.
    const [serverPid, grandchildPid] = await waitFor(() => {
      let text = "";
      try {
        text = readFileSync(pidFile, "utf8");
      } catch {
        return undefined;
      }
      const pids = text.split("\n").filter(/^\d+$/.test.bind(/^\d+$/)).map(Number);
      return pids.length >= 2 ? pids : undefined;
    }, "the server's pid file").catch(async (error) => {
      throw new Error(`${error.message}; CLI stderr: ${stderr}`);
    });
    pgid = processTable().get(serverPid!)?.pgid;
    expect(pgid).toBe(serverPid); // the server leads its own group
    expect(groupMembers(pgid!).sort()).toEqual([serverPid, grandchildPid].sort());

    cli.kill(signal);
    if (twice) {
      // Second signal once cleanup is under way (the stubborn server has seen its SIGTERM).
      await waitFor(() => (readFileSync(pidFile, "utf8").includes("SIGTERM") ? true : undefined), "SIGTERM");
      cli.kill(signal);
    }
    const { code, signal: killedBy } = await exited;
    expect(killedBy).toBeNull();
    expect(code).toBe(130);
    expect(stderr).not.toMatch(/internal error/);
    // Nothing of the server's group survives the CLI. The CLI has exited, so no later cleanup
    // can help; the short poll only lets the kernel finish delivering the SIGKILL it sent.
    const survivors = await waitFor(
      () => {
        const members = groupMembers(pgid!);
        return members.length === 0 ? members : undefined;
      },
      "the group to disappear",
      100,
    ).catch(() => groupMembers(pgid!));
    expect(survivors).toEqual([]);
    // An interrupted check writes nothing.
    expect(readFileSync(join(dir, "mcp-contract.lock.json"), "utf8")).toBe(lockBytes);
  } finally {
    clearTimeout(guard);
    cli.kill("SIGKILL");
    // If the test failed, do not leave its processes behind for the rest of the suite.
    if (pgid !== undefined && pgid > 1) {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {
        // already gone, as it should be
      }
    }
  }
}

describe("the CLI interrupted mid-fetch", () => {
  it("SIGINT: exits 130 and no process of the stdio server's group survives", async () => {
    await interruptCheck("SIGINT");
  });

  it("SIGTERM: exits 130 and no process of the stdio server's group survives", async () => {
    await interruptCheck("SIGTERM");
  });

  it("a server that ignores SIGTERM is SIGKILLed, group and all", async () => {
    await interruptCheck("SIGINT", { stubborn: true });
  });

  it("a second Ctrl-C during cleanup exits at once, still killing the whole group", async () => {
    await interruptCheck("SIGINT", { stubborn: true, twice: true });
  });
});
