/**
 * Pure parsing and structural validation of a lockfile's text. The JSON
 * Schema in schema/lockfile.schema.json documents the same shape (a test keeps
 * them in step); the check here is hand-written so the offline pre-commit path
 * need not load ajv.
 */
import { createRequire } from "node:module";
import type { ParseError } from "jsonc-parser";
import { type ErrorLocation, LockfileError } from "../errors.js";
import { dict } from "../own.js";
import { LOCKFILE_VERSION, type LockedServer, type LockedTool, type Lockfile } from "./format.js";

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

/**
 * JSON.parse with a one-line error naming the source and the line:column of the problem.
 * A leading UTF-8 byte order mark (Windows editors write one) is ignored, as YAML ignores it.
 */
export function parseJson(
  text: string,
  source: string,
  ErrorClass: new (message: string, options?: { location?: ErrorLocation }) => Error = LockfileError,
): unknown {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch {
    // V8's messages carry a position only sometimes; jsonc-parser always reports one. Loaded only
    // here, on an error, so reading a valid lockfile or config never pays for it.
    const { parse: parseTolerant, printParseErrorCode } = createRequire(import.meta.url)(
      "jsonc-parser",
    ) as typeof import("jsonc-parser");
    const errors: ParseError[] = [];
    parseTolerant(text, errors, { disallowComments: true, allowTrailingComma: false });
    const first = errors[0];
    const offset = first?.offset ?? 0;
    const before = text.slice(0, offset);
    const line = before.split("\n").length;
    const column = offset - before.lastIndexOf("\n");
    const reason = first ? describeParseError(printParseErrorCode(first.error)) : "not valid JSON";
    throw new ErrorClass(`${source}:${line}:${column}: invalid JSON: ${reason}`, {
      location: { file: source, line, column },
    });
  }
}

/** `the string "1"`, `a list`, `null`: what a value is, for messages. */
function describeValue(value: unknown): string {
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)}`;
  if (Array.isArray(value)) return "a list";
  if (value !== null && typeof value === "object") return "an object";
  return String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeParseError(code: string): string {
  // "PropertyNameExpected" -> "property name expected"
  return code.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}
