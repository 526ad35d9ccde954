/**
 * Pure parsing and structural validation of a lockfile's text. The JSON
 * Schema in schema/lockfile.schema.json documents the same shape (a test keeps
 * them in step); the check here is hand-written so the offline pre-commit path
 * need not load ajv.
 */
import { isRecord, parseJson } from "../core/json.js";
import { LOCKFILE_VERSION, type LockedServer, type LockedTool, type Lockfile } from "../core/lockfile.js";
import { dict } from "../core/own.js";
import { LockfileError } from "../errors.js";

/** Parses lockfile text; `source` names the file in errors. */
export function parseLockfile(text: string, source: string): Lockfile {
  const data = parseJson(text, source, LockfileError);
  return validateLockfile(data, source);
}

/** Checks that parsed JSON has the lockfile's shape. */
export function validateLockfile(data: unknown, source: string): Lockfile {
  const fail = (path: string, what: string): never => {
    throw new LockfileError(`${source}: ${path}: ${what}`, { location: { file: source } });
  };
  if (!isRecord(data)) return fail("$", "expected an object with lockfileVersion and servers");
  const version = data.lockfileVersion;
  if (version === undefined)
    return fail("$.lockfileVersion", "missing; this is not an mcp-contract lockfile");
  if (typeof version !== "number")
    return fail(
      "$.lockfileVersion",
      `is ${describeValue(version)}; it must be the number ${LOCKFILE_VERSION}`,
    );
  if (version > LOCKFILE_VERSION) {
    return fail(
      "$.lockfileVersion",
      `version ${version} is newer than this mcp-contract understands (${LOCKFILE_VERSION}); upgrade mcp-contract`,
    );
  }
  if (version !== LOCKFILE_VERSION)
    return fail(
      "$.lockfileVersion",
      `unsupported version ${version}; this mcp-contract reads version ${LOCKFILE_VERSION}: delete the lockfile and run \`mcp-contract lock\``,
    );
  if (!isRecord(data.servers)) return fail("$.servers", "expected an object keyed by server name");
  // Server and tool names are data: the maps are rebuilt without a prototype, so a server named
  // `constructor` or `__proto__` is found, and one that is absent is never Object.prototype's.
  const servers = dict<LockedServer>();
  for (const [name, server] of Object.entries(data.servers)) {
    const at = `$.servers[${JSON.stringify(name)}]`;
    if (!isRecord(server)) return fail(at, "expected an object");
    if (typeof server.hash !== "string") fail(`${at}.hash`, "expected a string");
    if (!isRecord(server.tools)) return fail(`${at}.tools`, "expected an object keyed by tool name");
    const tools = dict<LockedTool>();
    for (const [toolName, tool] of Object.entries(server.tools)) {
      const toolAt = `${at}.tools[${JSON.stringify(toolName)}]`;
      if (!isRecord(tool)) return fail(toolAt, "expected an object");
      if (typeof tool.hash !== "string") fail(`${toolAt}.hash`, "expected a string");
      if (!isRecord(tool.definition))
        return fail(`${toolAt}.definition`, "expected the tool definition object");
      if (tool.definition.name !== toolName) fail(`${toolAt}.definition.name`, `expected "${toolName}"`);
      tools[toolName] = tool as unknown as LockedTool;
    }
    servers[name] = { ...server, tools } as unknown as LockedServer;
  }
  return { ...data, servers } as unknown as Lockfile;
}

/** `the string "1"`, `a list`, `null`: what a value is, for messages. */
function describeValue(value: unknown): string {
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)}`;
  if (Array.isArray(value)) return "a list";
  if (value !== null && typeof value === "object") return "an object";
  return String(value);
}
