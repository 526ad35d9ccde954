/**
 * `diffFiles`: the diff of two snapshots with no server, for `mcp-contract
 * diff` and the library. Each side is a lockfile, a file holding a tools/list
 * result (optionally with `prompts`, `resourceTemplates`, `resources` and
 * `instructions` beside `tools`), or a bare array of tools, read from a path or `git:REF:PATH` (the
 * I/O edge); then the lockfiles' integrity, their diff, the policy and the report.
 */

import type { FailOn } from "../core/fail-on.js";
import { parseJson } from "../core/json.js";
import type { Lockfile } from "../core/lockfile.js";
import type { Report } from "../core/report.js";
import { diffLockfiles } from "../diff/index.js";
import { LockfileError } from "../errors.js";
import { parseToolsDocument } from "../fetch/file.js";
import { type CheckedSurface, parseSurfaceDocument } from "../fetch/surface.js";
import { lockSurface } from "../lockfile/build.js";
import { validateLockfile } from "../lockfile/parse.js";
import { verifyLockfile } from "../lockfile/verify.js";
import { acknowledgementsPath } from "./acknowledgements.js";
import { readFileArgument } from "./git-source.js";
import { reportFindings } from "./report.js";
import type { RunOptions } from "./run.js";

/** Server name given to bare tool lists, so both sides line up. */
const TOOLS_ONLY_SERVER = "tools";

/** What `diffFiles` reads besides the two sides. */
export interface DiffFilesOptions extends Pick<RunOptions, "cwd" | "env"> {
  /** The acknowledgements file (relative to `cwd`), which must then exist; default mcp-contract.acks.json in `cwd`. */
  acknowledgements?: string;
  /** The lowest severity that fails the run (`--fail-on`), which the policy marks changes by; default `breaking`. */
  failOn?: FailOn;
}

/** One side of a diff, as read. */
export interface DiffSide {
  /** The argument it was read from: a path or `git:REF:PATH`. */
  argument: string;
  /** Its text. */
  text: string;
  /** `lockfile`, or `tools` for a tool list (locked as one server). */
  kind: "lockfile" | "tools";
  /** The side as a lockfile. */
  lock: Lockfile;
}

/** A diff's report, with its sides and what reporters list and point at. */
export interface DiffResult {
  report: Report;
  before: DiffSide;
  after: DiffSide;
  /**
   * Whether only BEFORE holds the server, or its tool, or with `section` (`prompts`, `resources`,
   * `capabilities`, …) that section or an item of it: a removed server, tool, prompt or resource, a
   * renamed tool's old name.
   */
  beforeHoldsOnly: (server: string, item?: string, section?: string) => boolean;
  /** Every tool of either side, by server. */
  tools: Map<string, string[]>;
  /** The acknowledgements file the policy read (it may not exist). */
  acknowledgementsFile: string;
}

/**
 * Diffs two snapshots: what `mcp-contract diff BEFORE AFTER` reports, as data.
 * A tool list diffed against a one-server lockfile takes that server's name;
 * two tool lists are the server `tools`.
 */
export async function diffFiles(
  beforePath: string,
  afterPath: string,
  options: DiffFilesOptions = {},
): Promise<DiffResult> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const [before, after] = await Promise.all([readSide(beforePath, cwd, env), readSide(afterPath, cwd, env)]);
  const name = [before, after].find((s) => s.lock && Object.keys(s.lock.servers).length === 1)?.lock;
  const serverName = name ? Object.keys(name.servers)[0]! : TOOLS_ONLY_SERVER;
  const beforeLock = before.lock ?? lockSurface(serverName, { tools: before.tools!, ...before.surface });
  const afterLock = after.lock ?? lockSurface(serverName, { tools: after.tools!, ...after.surface });
  const changes = diffLockfiles(beforeLock, afterLock);
  for (const [side, path] of [
    [before, beforePath],
    [after, afterPath],
  ] as const)
    if (side.lock) changes.unshift(...verifyLockfile(side.lock, path));
  const servers = new Set([...Object.keys(beforeLock.servers), ...Object.keys(afterLock.servers)]);
  const acknowledgementsFile = acknowledgementsPath(options.acknowledgements, cwd, cwd);
  const report = await reportFindings(
    { changes, servers: [...servers] },
    {
      acknowledgementsFile,
      given: options.acknowledgements !== undefined,
      cwd,
      ...(options.failOn && { failOn: options.failOn }),
    },
  );
  const side = (read: Side, argument: string, lock: Lockfile): DiffSide => ({
    argument,
    text: read.text,
    kind: read.lock ? "lockfile" : "tools",
    lock,
  });
  return {
    report,
    before: side(before, beforePath, beforeLock),
    after: side(after, afterPath, afterLock),
    beforeHoldsOnly: (server, item, section) =>
      holds(beforeLock, server, item, section) && !holds(afterLock, server, item, section),
    tools: toolNames(beforeLock, afterLock),
    acknowledgementsFile,
  };
}

/**
 * Whether a lockfile has the server; or the server's tool when `item` is given; with `section`, that
 * section of the entry, or its item (a capability by its dotted path in the definition).
 */
function holds(lock: Lockfile, server: string, item?: string, section?: string): boolean {
  if (!Object.hasOwn(lock.servers, server)) return false;
  const entry = lock.servers[server]!;
  if (section === undefined) return item === undefined || Object.hasOwn(entry.tools, item);
  const value: unknown = Object.hasOwn(entry, section) ? entry[section as keyof typeof entry] : undefined;
  if (value === undefined || value === null) return false;
  if (item === undefined) return true;
  let node: unknown = section === "capabilities" ? (value as { definition?: unknown }).definition : value;
  for (const key of section === "capabilities" ? item.split(".") : [item]) {
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, key)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

/** Every tool of either side, by server: the JUnit report has a test case for each. */
function toolNames(...locks: Lockfile[]): Map<string, string[]> {
  const names = new Map<string, Set<string>>();
  for (const lock of locks)
    for (const [server, entry] of Object.entries(lock.servers)) {
      const set = names.get(server) ?? new Set<string>();
      for (const tool of Object.keys(entry.tools)) set.add(tool);
      names.set(server, set);
    }
  return new Map([...names].map(([server, set]) => [server, [...set]]));
}

type Side = (
  | { lock: Lockfile; tools?: undefined }
  | { lock?: undefined; tools: ReturnType<typeof parseToolsDocument>; surface: CheckedSurface }
) & { text: string };

async function readSide(
  path: string,
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Side> {
  const text = await readFileArgument(path, cwd, env);
  const data = parseJson(text, path, LockfileError);
  if (data && typeof data === "object" && !Array.isArray(data) && "lockfileVersion" in data) {
    return { lock: validateLockfile(data, path), text };
  }
  try {
    return { tools: parseToolsDocument(data, path), surface: parseSurfaceDocument(data, path), text };
  } catch (error) {
    throw new LockfileError((error as Error).message);
  }
}
