/**
 * Pure parsing and validation of a lockfile's text against schema/lockfile.schema.json, with the
 * validator precompiled (./validators.generated.ts, no ajv compiler on the offline pre-commit
 * path), then the one rule a schema cannot say: an item's definition.name (a resource's uri) is
 * its key. Versions 1 and 2 are read; a version 1 entry has no sections beside its tools, which
 * the diff treats as unknown.
 */
import { isRecord, parseJson } from "../core/json.js";
import {
  LOCKFILE_VERSION,
  LOCKFILE_VERSIONS,
  type LockedItem,
  type LockedServer,
  type LockedTool,
  type Lockfile,
} from "../core/lockfile.js";
import { dict } from "../core/own.js";
import { pointerKeys, type SchemaError, validators } from "../core/validator.js";
import { LockfileError } from "../errors.js";
import * as generated from "./validators.generated.js";

const { lockfile: validateSchema } = validators(generated, "lockfile");

/** Parses lockfile text; `source` names the file in errors. */
export function parseLockfile(text: string, source: string): Lockfile {
  const data = parseJson(
    text,
    source,
    LockfileError,
    "restore it from git, or delete it and run `mcp-contract lock` to write it again",
  );
  return validateLockfile(data, source);
}

/** Checks that parsed JSON has the lockfile's shape. */
export function validateLockfile(data: unknown, source: string): Lockfile {
  const fail = (path: string, what: string): never => {
    throw new LockfileError(`${source}: ${path}: ${what}`, { location: { file: source } });
  };
  if (!validateSchema(data)) return fail(...describeSchemaError(data, validateSchema.errors?.[0]));
  const valid = data as unknown as Lockfile;
  // Server and tool names are data: the maps are rebuilt without a prototype, so a server named
  // `constructor` or `__proto__` is found, and one that is absent is never Object.prototype's.
  const servers = dict<LockedServer>();
  for (const [name, server] of Object.entries(valid.servers)) {
    const tools = dict<LockedTool>();
    for (const [toolName, tool] of Object.entries(server.tools)) {
      // Beyond the schema: the name a tool is locked under is the name in its definition.
      if (tool.definition.name !== toolName)
        fail(
          `${serverPath(name)}.tools[${JSON.stringify(toolName)}].definition.name`,
          `expected "${toolName}"`,
        );
      tools[toolName] = tool;
    }
    const entry: LockedServer = { ...server, tools };
    for (const [section, key] of SECTION_KEYS) {
      const items = server[section] as Record<string, LockedItem<Record<string, unknown>>> | undefined;
      if (items === undefined) continue;
      const copy = dict<LockedItem<Record<string, unknown>>>();
      for (const [itemName, item] of Object.entries(items)) {
        if (item.definition[key] !== itemName)
          fail(
            `${serverPath(name)}.${section}[${JSON.stringify(itemName)}].definition.${key}`,
            `expected "${itemName}"`,
          );
        copy[itemName] = item;
      }
      (entry as unknown as Record<string, unknown>)[section] = copy;
    }
    servers[name] = entry;
  }
  return { ...valid, servers };
}

/** The keyed sections of a server entry beside its tools, and the definition member that is the key. */
const SECTION_KEYS = [
  ["prompts", "name"],
  ["resourceTemplates", "name"],
  ["resources", "uri"],
] as const;

/** The sections whose keys are names (shown in brackets in error paths). */
const NAMED_SECTIONS: ReadonlySet<string> = new Set(["tools", "prompts", "resourceTemplates", "resources"]);

/**
 * The JSON path and the one-line reason for the lockfile's first schema error. Kept from the
 * hand-written check this replaced, because each says more than ajv's text: the version comes
 * first (it decides which shape applies, so a newer lockfile says "upgrade" whatever else differs,
 * and an old or mistyped one says what to do), and each place names what belongs there.
 */
function describeSchemaError(data: unknown, error: SchemaError | undefined): [string, string] {
  if (!isRecord(data)) return ["$", "expected an object with lockfileVersion and servers"];
  const version = data.lockfileVersion;
  if (version === undefined) return ["$.lockfileVersion", "missing; this is not an mcp-contract lockfile"];
  if (typeof version !== "number")
    return [
      "$.lockfileVersion",
      `is ${describeValue(version)}; it must be the number ${LOCKFILE_VERSIONS.join(" or ")}`,
    ];
  if (version > LOCKFILE_VERSION)
    return [
      "$.lockfileVersion",
      `version ${version} is newer than this mcp-contract understands (${LOCKFILE_VERSION}); upgrade mcp-contract`,
    ];
  if (!(LOCKFILE_VERSIONS as readonly number[]).includes(version))
    return [
      "$.lockfileVersion",
      `unsupported version ${version}; this mcp-contract reads versions ${LOCKFILE_VERSIONS.join(" and ")}: delete the lockfile and run \`mcp-contract lock\``,
    ];
  // A missing key is a problem at that key.
  const keys = pointerKeys(error?.instancePath ?? "");
  if (error?.keyword === "required") keys.push(String(error.params.missingProperty));
  // Server and tool names in brackets, whatever they are; the lockfile's own keys after a dot.
  const named = (i: number) => i === 1 || (i === 3 && NAMED_SECTIONS.has(keys[2] ?? ""));
  const path = `$${keys.map((key, i) => (named(i) ? `[${JSON.stringify(key)}]` : `.${key}`)).join("")}`;
  const shape = keys.map((key, i) => (named(i) ? "*" : key)).join("/");
  const expected = KEYED_SHAPES.has(shape)
    ? JSON.stringify(keys[3])
    : (EXPECTED.get(shape) ??
      (error?.keyword === "type" ? expectedType(String(error.params.type)) : undefined));
  return [path, expected === undefined ? (error?.message ?? "invalid") : `expected ${expected}`];
}

/** The places that hold the key an item is locked under: an error there expects that key. */
const KEYED_SHAPES: ReadonlySet<string> = new Set([
  "servers/*/tools/*/definition/name",
  "servers/*/prompts/*/definition/name",
  "servers/*/resourceTemplates/*/definition/name",
  "servers/*/resources/*/definition/uri",
]);

/** What belongs at each place of the lockfile (`*`: any server or tool name). */
const EXPECTED: ReadonlyMap<string, string> = new Map([
  ["servers", "an object keyed by server name"],
  ["servers/*", "an object"],
  ["servers/*/hash", "a string"],
  ["servers/*/tools", "an object keyed by tool name"],
  ["servers/*/tools/*", "an object"],
  ["servers/*/tools/*/hash", "a string"],
  ["servers/*/tools/*/definition", "the tool definition object"],
  ["servers/*/prompts", "an object keyed by prompt name"],
  ["servers/*/prompts/*/definition", "the prompt definition object"],
  ["servers/*/resourceTemplates", "an object keyed by resource template name"],
  ["servers/*/resourceTemplates/*/definition", "the resource template definition object"],
  ["servers/*/resourceTemplates/*/definition/uriTemplate", "the template's URI template, a string"],
  ["servers/*/resources", "an object keyed by resource URI"],
  ["servers/*/resources/*/definition", "the resource definition object"],
  ["servers/*/instructions", "null or an object with hash and text"],
  ["servers/*/capabilities", "an object with hash and definition"],
  ["servers/*/clientCapabilities", "an object"],
]);

function serverPath(name: string): string {
  return `$.servers[${JSON.stringify(name)}]`;
}

function expectedType(type: string): string {
  return type === "object" ? "an object" : type === "array" ? "a list" : `a ${type}`;
}

/** `the string "1"`, `a list`, `null`: what a value is, for messages. */
function describeValue(value: unknown): string {
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)}`;
  if (Array.isArray(value)) return "a list";
  if (value !== null && typeof value === "object") return "an object";
  return String(value);
}
