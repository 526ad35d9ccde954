// The built CLI, interrupted mid-fetch by SIGINT or SIGTERM, exits promptly with 130 and one line,
// and leaves no process of the stdio server behind (checked in /proc): not its group, nor a
// descendant that moved to its own session or lost its parent. After a SIGKILL, the next lock removes
// the temp file the killed one left.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binPath, runCli } from "../helpers/cli.js";
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
    // One line; the second signal's exit makes no claim about the lockfile.
    expect(stderr).toBe(
      twice ? "mcp-contract: interrupted\n" : "mcp-contract: interrupted; lockfile unchanged\n",
    );
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

/**
 * A stdio "server" that never answers: it starts a child in its own session (`detached`: setsid),
 * and a daemon by double fork (an intermediate that starts it in a new session and exits), writes
 * their pids and hangs. Neither is in the server's process group.
 */
const ESCAPING_SERVER = `
const { spawn } = require("node:child_process");
const { appendFileSync } = require("node:fs");
const pidFile = process.argv[2];
const hang = 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)';
const own = spawn(process.execPath, ["-e", hang], { detached: true, stdio: "ignore" });
const intermediate = spawn(
  process.execPath,
  ["-e", \`const c = require("node:child_process").spawn(process.execPath, ["-e", \${JSON.stringify(hang)}], { detached: true, stdio: "ignore" }); require("node:fs").appendFileSync(\${JSON.stringify(pidFile)}, "daemon " + c.pid + "\\\\n"); process.exit(0);\`],
  { stdio: "ignore" },
);
appendFileSync(pidFile, "server " + process.pid + "\\nsession " + own.pid + "\\n");
setInterval(() => {}, 1000);
`;

/** Session id of `pid` from /proc, undefined when it is gone or a zombie. */
function sessionOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[0] === "Z" ? undefined : Number(fields[3]);
  } catch {
    return undefined;
  }
}

describe("descendants that left the server's process group", () => {
  it("SIGINT of lock: a child in its own session and a double-forked daemon are killed too; one line, 130, lockfile unchanged", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mcp-contract-escape-"));
    const pidFile = join(dir, "pids");
    writeFileSync(join(dir, "escaping.cjs"), ESCAPING_SERVER);
    writeFileSync(
      join(dir, "mcp-contract.yaml"),
      `servers:\n  escape:\n    command: ${JSON.stringify(process.execPath)}\n    args: ${JSON.stringify([join(dir, "escaping.cjs"), pidFile])}\n`,
    );
    const lockBytes = '{\n  "lockfileVersion": 1,\n  "servers": {}\n}\n';
    writeFileSync(join(dir, "mcp-contract.lock.json"), lockBytes);
    const cli = spawn(process.execPath, [binPath, "lock", "--timeout", "600000"], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: "1", CI: undefined },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    cli.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    cli.stdout.resume();
    const exited = new Promise<number | null>((resolve) => cli.once("exit", (code) => resolve(code)));
    const guard = setTimeout(() => cli.kill("SIGKILL"), 45_000);
    let pids: Record<string, number> = {};
    try {
      pids = await waitFor(() => {
        let text = "";
        try {
          text = readFileSync(pidFile, "utf8");
        } catch {
          return undefined;
        }
        const found = Object.fromEntries(
          text
            .split("\n")
            .filter(Boolean)
            .map((line) => line.split(" "))
            .map(([role, pid]) => [role, Number(pid)]),
        );
        return found.server && found.session && found.daemon ? found : undefined;
      }, "the server's pid file");
      // Both really escaped: another session (and so another process group) than the server's.
      const serverSession = sessionOf(pids.server!);
      expect(serverSession).toBe(pids.server);
      expect(sessionOf(pids.session!)).toBe(pids.session);
      expect(sessionOf(pids.daemon!)).toBe(pids.daemon);
      // The daemon's parent exited: it hangs from some reaper, not from the server.
      await waitFor(() => {
        const stat = readFileSync(`/proc/${pids.daemon}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) !== pids.server ? true : undefined;
      }, "the daemon's reparenting");

      cli.kill("SIGINT");
      expect(await exited).toBe(130);
      expect(stderr).toBe("mcp-contract: interrupted; lockfile unchanged\n");
      expect(readFileSync(join(dir, "mcp-contract.lock.json"), "utf8")).toBe(lockBytes);
      // Each ignores SIGTERM, so only the SIGKILL sweep stops them; allow the kernel a moment.
      const survivors = await waitFor(
        () => {
          const alive = Object.values(pids).filter((pid) => sessionOf(pid) !== undefined);
          return alive.length === 0 ? alive : undefined;
        },
        "every process to go",
        100,
      ).catch(() => Object.values(pids).filter((pid) => sessionOf(pid) !== undefined));
      expect(survivors).toEqual([]);
    } finally {
      clearTimeout(guard);
      cli.kill("SIGKILL");
      // If the test failed, do not leave its processes behind for the rest of the suite.
      let listed: number[] = Object.values(pids);
      try {
        listed = readFileSync(pidFile, "utf8").match(/\d+/g)?.map(Number) ?? listed;
      } catch {
        // no pid file: nothing was started
      }
      for (const pid of listed) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone, as it should be
        }
      }
    }
  });
});

describe("a lock killed mid-write", () => {
  it("leaves a temp file that the next lock removes; other names, live writers' and fresh files stay", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mcp-contract-stale-"));
    writeFileSync(join(dir, "mcp-contract.yaml"), "servers:\n  crm:\n    file: tools.json\n");
    writeFileSync(
      join(dir, "tools.json"),
      JSON.stringify({ tools: [{ name: "a", inputSchema: { type: "object" } }] }),
    );
    // A real writer, SIGKILLed with its temp file open: the name writeFileAtomic uses for it.
    const writer = spawn(
      process.execPath,
      [
        "-e",
        `const fs = require("node:fs"); const f = ".mcp-contract.lock.json." + process.pid + ".0a1b2c3d.tmp"; fs.writeFileSync(f, '{"lockfileVersion": 1, "serv'); process.stdout.write(f + "\\n"); setInterval(() => {}, 1000);`,
      ],
      { cwd: dir, stdio: ["ignore", "pipe", "ignore"] },
    );
    const killedTemp = await new Promise<string>((resolve) =>
      writer.stdout.once("data", (d) => resolve(String(d).trim())),
    );
    const gone = new Promise((resolve) => writer.once("exit", resolve));
    writer.kill("SIGKILL");
    await gone;
    const dead = writer.pid!;
    const old = new Date(Date.now() - 3_600_000);
    const stay = [
      `.mcp-contract.lock.json.${process.pid}.0a1b2c3d.tmp`, // a live writer (this test)
      `.mcp-contract.lock.json.${dead}.0a1b2c3.tmp`, // not the exact pattern
      `.other.json.${dead}.0a1b2c3d.tmp`, // another file's temp
      `mcp-contract.lock.json.${dead}.0a1b2c3d.tmp`, // no leading dot
    ];
    for (const name of stay) writeFileSync(join(dir, name), "x");
    for (const name of [killedTemp, ...stay]) utimesSync(join(dir, name), old, old);
    // Dead but fresh: its pid may be a live writer in another pid namespace sharing the directory.
    const fresh = `.mcp-contract.lock.json.${dead}.ffffffff.tmp`;
    writeFileSync(join(dir, fresh), "x");

    // A real process: a writer is told dead or alive by its pid.
    const result = await runCli(["lock", "--quiet"], { cwd: dir });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(
      readdirSync(dir)
        .filter((name) => name.endsWith(".tmp"))
        .sort(),
    ).toEqual([fresh, ...stay].sort());
    expect(
      JSON.parse(readFileSync(join(dir, "mcp-contract.lock.json"), "utf8")).servers.crm.tools.a,
    ).toBeDefined();
  });
});
