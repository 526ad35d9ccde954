/**
 * Finding every process a stdio server started, even one that left its
 * process group and session (`setsid`, `detached: true`) or lost its parent
 * (a daemon's double fork). Linux only, through /proc: each process's parent
 * (the tree under the server) and its environment, where the marker variable
 * the server was started with is inherited by everything it starts. Elsewhere
 * (macOS, Windows) there is no /proc and only the process group is killed.
 */
import { readdirSync, readFileSync } from "node:fs";

/** The variable that marks a stdio server's environment, inherited by its descendants. */
export const MARKER_VAR = "MCP_CONTRACT_SERVER";

/** A process by pid, with its start time (clock ticks since boot) so a reused pid is never mistaken for it. */
export type ProcessSet = Map<number, string>;

interface ProcInfo {
  ppid: number;
  start: string;
}

/** pid → parent and start time for every process in /proc; empty where there is no /proc. */
function processTable(): Map<number, ProcInfo> {
  const table = new Map<number, ProcInfo>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return table;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readStat(Number(entry));
    if (info) table.set(Number(entry), info);
  }
  return table;
}

/** Parent and start time of `pid`, from /proc/PID/stat; undefined when it is gone. */
function readStat(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    // cutime cstime priority nice threads itrealvalue starttime ...": comm may hold spaces and ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z") return undefined; // exited, only waiting to be reaped
    return { ppid: Number(fields[1]), start: fields[19] ?? "" };
  } catch {
    return undefined;
  }
}

/** Whether /proc/PID/environ holds `MARKER_VAR=marker` (false when unreadable: another user's process). */
function hasMarker(pid: number, marker: string): boolean {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, "latin1");
    const entry = `${MARKER_VAR}=${marker}`;
    return environ.startsWith(`${entry}\0`) || environ.includes(`\0${entry}\0`) || environ === entry;
  } catch {
    return false;
  }
}

/**
 * Every live process under `root` (by parent, at any depth) or carrying
 * `marker` in its environment, `root` itself excluded. Synchronous: the exit
 * hook uses it too.
 */
export function findDescendants(root: number, marker: string): ProcessSet {
  const table = processTable();
  const found: ProcessSet = new Map();
  const children = new Map<number, number[]>();
  for (const [pid, info] of table) {
    const list = children.get(info.ppid);
    if (list) list.push(pid);
    else children.set(info.ppid, [pid]);
  }
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    for (const child of children.get(pid) ?? []) {
      if (found.has(child) || child === root) continue;
      found.set(child, table.get(child)!.start);
      queue.push(child);
    }
  }
  for (const [pid, info] of table) {
    if (pid === root || pid === process.pid || found.has(pid)) continue;
    if (hasMarker(pid, marker)) {
      found.set(pid, info.start);
      for (const queued = [pid]; queued.length > 0; ) {
        for (const child of children.get(queued.pop()!) ?? []) {
          if (found.has(child) || child === root) continue;
          found.set(child, table.get(child)!.start);
          queued.push(child);
        }
      }
    }
  }
  return found;
}

/** Sends `signal` to every process of `set` that is still the same process (same start time). */
export function signalProcesses(set: ProcessSet, signal: NodeJS.Signals): void {
  for (const [pid, start] of set) {
    if (pid === process.pid || readStat(pid)?.start !== start) continue;
    try {
      process.kill(pid, signal);
    } catch {
      // ESRCH: gone already.
    }
  }
}
