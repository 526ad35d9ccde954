/**
 * Finding every process a stdio server started, even one that left its
 * process group and session (`setsid`, `detached: true`) or lost its parent
 * (a daemon's double fork). Linux only, through /proc: each process's parent
 * (the tree under the server) and its environment, where the marker variable
 * the server was started with is inherited by everything it starts. Elsewhere
 * (macOS, Windows) there is no /proc and only the process group is killed.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";

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
 * The direct children of `pid` as the kernel lists them in /proc/PID/task/TID/children (one file
 * per thread: a child belongs to the thread that started it), zombies included; none when the
 * process is gone. A thread that ends meanwhile hands its children to another, which is read too.
 */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      for (const child of readFileSync(`/proc/${pid}/task/${tid}/children`, "latin1").split(" "))
        if (child !== "") out.push(Number(child));
    } catch {
      // The thread ended.
    }
  }
  return out;
}

/** Whether the kernel lists children (CONFIG_PROC_CHILDREN): tested once, on this process's main thread. */
let childrenListed: boolean | undefined;
function kernelListsChildren(): boolean {
  childrenListed ??= existsSync(`/proc/${process.pid}/task/${process.pid}/children`);
  return childrenListed;
}

/**
 * Every live process under `root` (by parent, at any depth) or carrying
 * `marker` in its environment, `root` itself excluded. Synchronous: the exit
 * hook uses it too.
 *
 * Where the kernel lists each process's children, the tree is walked from
 * `root` down through those lists, and the marker is looked for in every
 * process's environment (the one read each process needs; its stat is read
 * only for what is found). Elsewhere every process's stat is read first to
 * learn its parent (`scan`). Both find the same processes;
 * test/fetch/descendants.test.ts compares them.
 */
export function findDescendants(root: number, marker: string, via?: "children" | "scan"): ProcessSet {
  return (via ?? (kernelListsChildren() ? "children" : "scan")) === "children"
    ? findByChildren(root, marker)
    : findByScan(root, marker);
}

function findByChildren(root: number, marker: string): ProcessSet {
  const found: ProcessSet = new Map();
  // Adds `top` (unless it is root or found already) and every live process below it.
  const walk = (top: number): void => {
    for (const queue = [top]; queue.length > 0; ) {
      const pid = queue.pop()!;
      if (pid !== top) {
        if (found.has(pid) || pid === root) continue;
        const info = readStat(pid);
        if (!info) continue; // gone, or a zombie (which has no children left)
        found.set(pid, info.start);
      }
      for (const child of childrenOf(pid)) queue.push(child);
    }
  };
  walk(root);
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === root || pid === process.pid || found.has(pid) || !hasMarker(pid, marker)) continue;
    const info = readStat(pid);
    if (!info) continue;
    found.set(pid, info.start);
    walk(pid);
  }
  return found;
}

function findByScan(root: number, marker: string): ProcessSet {
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
