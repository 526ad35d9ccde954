/**
 * Offline tool-poisoning scan. Pure: takes every server's tool definitions and
 * returns warnings. It reads the text a server wrote for the model and flags
 * what a reviewer should read before trusting it; it never decides alone.
 */
import { type Change, compareChanges, type SurfaceItem } from "../core/change.js";
import type { LockedServer, LockedTool, Lockfile, ToolDefinition } from "../core/lockfile.js";
import { dict } from "../core/own.js";
import type { RuleMeta } from "../core/rule.js";
import { ANY_INSTRUCTION, destructiveWord, findInstructions } from "./patterns.js";
import { poisoningRules } from "./rules.js";
import {
  describeCodePoint,
  findInvisible,
  mayHoldInvisible,
  nonAscii,
  showInvisible,
  skeleton,
} from "./unicode.js";

/** Tool definitions keyed by server name, then tool name (as in a lockfile). */
export type ServerTools = Record<string, Record<string, ToolDefinition>>;

/**
 * Per-server results of an earlier scan, so unchanged servers are not read
 * again (the CLI keeps them in its cache). A server's findings depend on its
 * name, its tools and which servers offer each tool name (shadowing); the
 * caller keys them by all three. Not consulted for confusable names, which
 * compare every server's tools.
 */
export interface ScanMemo {
  /** The findings `set` stored for this server's current tools, or undefined. */
  get(server: string): Change[] | undefined;
  set(server: string, findings: Change[]): void;
}

/** What the caller knows of the text the definitions were parsed from. */
export interface ScanHints {
  /**
   * Every string and key of the definitions is printable ASCII, tab, line feed or carriage return
   * (`isPlainJson` of the JSON text they were parsed from): no invisible character to look for.
   */
  plain?: boolean;
}

/** Scans every tool of every server; returns warnings sorted with `compareChanges`. */
export function scanTools(servers: ServerTools, memo?: ScanMemo): Change[] {
  const names = toolNames(servers);
  return eachServerTools(servers, (tool) => tool, toolOwners(names), names, memo, {});
}

/**
 * `scanTools` over tools of any shape (`definition` gives each one's definition), so a lockfile's
 * tools are scanned where they are instead of copied into a `ServerTools` (the 52 MB bench list: 9 MB).
 */
function eachServerTools<T>(
  servers: Readonly<Record<string, Readonly<Record<string, T>>>>,
  definition: (tool: T) => ToolDefinition,
  owners: Map<string, Set<string>>,
  names: readonly (readonly [server: string, tools: readonly string[]])[],
  memo: ScanMemo | undefined,
  hints: ScanHints,
): Change[] {
  const out: Change[] = [];
  for (const [server, tools] of Object.entries(servers)) {
    const known = memo?.get(server);
    if (known) {
      out.push(...known);
      continue;
    }
    const found: Change[] = [];
    for (const [name, tool] of Object.entries(tools)) {
      scanTool(server, name, definition(tool), owners, found, hints.plain === true);
    }
    memo?.set(server, found);
    out.push(...found);
  }
  out.push(...confusableToolNames(names));
  return out.sort(compareChanges);
}

/** Each server's tool names, in order. */
function toolNames(servers: Readonly<Record<string, object>>): [server: string, tools: string[]][] {
  return Object.entries(servers).map(([server, tools]) => [server, Object.keys(tools)]);
}

/** Which servers offer each tool name, from each server's tool names. */
export function toolOwners(
  servers: ServerTools | Iterable<readonly [server: string, tools: readonly string[]]>,
): Map<string, Set<string>> {
  const owners = new Map<string, Set<string>>();
  const pairs = Symbol.iterator in servers ? servers : toolNames(servers as ServerTools);
  for (const [server, tools] of pairs as Iterable<readonly [string, readonly string[]]>) {
    for (const name of tools) {
      const set = owners.get(name) ?? new Set<string>();
      owners.set(name, set);
      set.add(server);
    }
  }
  return owners;
}

function finding(
  rule: RuleMeta,
  server: string,
  tool: string | SurfaceItem,
  pointer: string,
  message: string,
  rest: Partial<Change> = {},
): Change {
  const subject =
    typeof tool === "string"
      ? { tool }
      : { kind: tool.kind, ...(tool.item !== undefined && { item: tool.item }) };
  return { rule: rule.id, severity: rule.severity, server, ...subject, pointer, message, ...rest };
}

/** RFC 6901 escaping of one reference token. */
function token(key: string): string {
  return key.includes("~") || key.includes("/") ? key.replaceAll("~", "~0").replaceAll("/", "~1") : key;
}

/** Keys whose values are data, not schema: a `$ref` string there is a value, not a reference. */
const DATA_KEYS = new Set(["const", "enum", "default", "examples", "example"]);

/**
 * One tool's findings, as `scanTools` reports them (confusable names aside, which compare every
 * server's tools). `plain`: see `ScanHints`. `prefilter: false` walks the definition even when
 * `mayRaiseFindings` says nothing in it can raise a finding, and looks for tool names in every text
 * `MAY_NAME` rules out (the tests compare both).
 */
export function toolFindings(
  server: string,
  name: string,
  tool: ToolDefinition,
  owners: Map<string, Set<string>>,
  options: { plain?: boolean; prefilter?: boolean } = {},
): Change[] {
  const out: Change[] = [];
  scanTool(server, name, tool, owners, out, options.plain === true, options.prefilter !== false);
  return out;
}

/**
 * Walks one tool definition without recursion (a hostile server may nest
 * 10,000 levels deep), checking every string value and every key; first, without building a
 * pointer for each, whether any can raise a finding at all (`mayRaiseFindings`: most cannot).
 */
function scanTool(
  server: string,
  name: string,
  tool: ToolDefinition,
  owners: Map<string, Set<string>>,
  out: Change[],
  plain: boolean,
  prefilter = true,
): void {
  const label = `Tool \`${showInvisible(name)}\` on server \`${server}\``;
  const invisibleAt = (pointer: string, text: string, what: string | (() => string)): void => {
    if (!plain) invisible(server, name, label, pointer, text, what, out);
  };

  invisibleAt("/name", name, "the name");
  const destructive = destructiveWord(name);
  if (destructive !== undefined) destructiveCheck(server, name, tool, destructive, label, out);
  if (prefilter && !mayRaiseFindings(server, name, tool, owners, plain)) return;

  // Four parallel stacks (value, pointer, key, whether under a data keyword): no pair per node.
  const values: unknown[] = [tool];
  const pointers: string[] = [""];
  const keysOf: string[] = [""];
  const inDatas: boolean[] = [false];
  const push = (value: unknown, pointer: string, key: string, inData: boolean): void => {
    values.push(value);
    pointers.push(pointer);
    keysOf.push(key);
    inDatas.push(inData);
  };
  while (values.length > 0) {
    const value = values.pop();
    const pointer = pointers.pop()!;
    const key = keysOf.pop()!;
    const inData = inDatas.pop()!;
    if (typeof value === "string") {
      if (pointer === "/name") continue;
      // Lazily: a 10,000-deep schema has 140 kB pointers, and most strings raise nothing.
      let whereText: string | undefined;
      const where = (): string =>
        (whereText ??= pointer === "/description" ? "its description" : `\`${showInvisible(pointer)}\``);
      invisibleAt(pointer, value, where);
      const hits = findInstructions(value);
      if (hits.length > 0) {
        out.push(
          finding(
            poisoningRules["hidden-instructions"],
            server,
            name,
            pointer,
            `${label}: ${where()} contains ${hits.map((h) => `${h.label} ("${showInvisible(h.excerpt)}")`).join(", ")}.`,
            {
              after: showInvisible(value),
              hint: "Read the whole text: instructions to the model belong in your prompts, not in a tool definition. Do not approve this server until they are gone.",
            },
          ),
        );
      }
      shadowing(server, name, pointer, where, value, owners, label, out, prefilter);
      if ((key === "$ref" || key === "$dynamicRef") && !inData && !value.startsWith("#")) {
        out.push(
          finding(
            poisoningRules["remote-schema-ref"],
            server,
            name,
            pointer,
            `${label}: \`${showInvisible(pointer)}\` refers to "${showInvisible(value)}", outside the tool definition; it was not fetched, so that part of the schema is not checked.`,
            {
              after: value,
              hint: "Ask the server to inline the referenced schema (or use a local `#/$defs/...` reference).",
            },
          ),
        );
      }
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    // Push in reverse so findings come out in document order before sorting (stable messages).
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        const k = String(i);
        push(value[i], `${pointer}/${k}`, key, inData || DATA_KEYS.has(k));
      }
      continue;
    }
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i]!;
      const child = `${pointer}/${token(k)}`;
      // The one-regex pre-test first: most keys hold no invisible character (no message to build).
      if (mayHoldInvisible(k)) invisibleAt(child, k, () => `the key \`${showInvisible(child)}\``);
      push(record[k], child, k, inData || DATA_KEYS.has(k));
    }
  }
}

/** `invisible-unicode` when `text` holds invisible characters. */
function invisible(
  server: string,
  subject: string | SurfaceItem,
  label: string,
  pointer: string,
  text: string,
  what: string | (() => string),
  out: Change[],
): void {
  const report = findInvisible(text);
  if (!report) return;
  // Tag characters are listed as one count: each spells an ASCII letter, decoded below.
  let tags = 0;
  const listed: string[] = [];
  for (const [cp, n] of report.codePoints) {
    if (cp >= 0xe0000 && cp <= 0xe007f) tags += n;
    else listed.push(n > 1 ? `${describeCodePoint(cp)} ×${n}` : describeCodePoint(cp));
  }
  if (tags > 0) listed.push(`${tags} tag character${tags > 1 ? "s" : ""} U+E0000–U+E007F`);
  const points = listed.join(", ");
  const smuggled = report.tagText === "" ? "" : `; the tag characters spell "${report.tagText}"`;
  out.push(
    finding(
      poisoningRules["invisible-unicode"],
      server,
      subject,
      pointer,
      `${label}: ${typeof what === "string" ? what : what()} contains invisible characters (${points})${smuggled}.`,
      {
        after: showInvisible(text),
        hint: "Read the text with the hidden characters shown; ask the server's maintainers to remove them.",
      },
    ),
  );
}

/**
 * The checks tool descriptions get, on one text of a prompt, a prompt argument, a resource
 * template or the instructions: invisible characters, hidden instructions, other servers' tools.
 */
export function scanSurfaceText(
  server: string,
  subject: SurfaceItem,
  label: string,
  pointer: string,
  where: string,
  text: string,
  owners: Map<string, Set<string>>,
  out: Change[],
): void {
  invisible(server, subject, label, pointer, text, where, out);
  const hits = findInstructions(text);
  if (hits.length > 0)
    out.push(
      finding(
        poisoningRules["hidden-instructions"],
        server,
        subject,
        pointer,
        `${label}: ${where} contains ${hits.map((h) => `${h.label} ("${showInvisible(h.excerpt)}")`).join(", ")}.`,
        {
          after: showInvisible(text),
          hint: "Read the whole text: instructions to the model belong in your prompts, not in what a server sends. Do not approve this server until they are gone.",
        },
      ),
    );
  shadowing(server, subject, pointer, () => where, text, owners, label, out);
}

/** Word characters for shadowing: letters, digits, `_`, `.` and `-` (`[\p{L}\p{N}_.-]`). */
const WORDS = /[\p{L}\p{N}_.-]+/gu;
const NON_ASCII = /[^\u0000-\u007f]/;

/**
 * Visits each run of word characters in `text` with its index, as `text.matchAll(WORDS)` gives them. ASCII
 * text (most of it) is walked by character code, without a match object per word; anything else
 * goes through the regular expression.
 */
export function eachWord(text: string, visit: (index: number, word: string) => void): void {
  eachWordSpan(text, (start, end) => visit(start, text.slice(start, end)));
}

/** `eachWord` by offsets: each run's start and end, without cutting it out of `text`. */
function eachWordSpan(text: string, visit: (start: number, end: number) => void): void {
  if (NON_ASCII.test(text)) {
    for (const m of text.matchAll(WORDS)) visit(m.index, m.index + m[0].length);
    return;
  }
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const word =
      (c >= 0x61 && c <= 0x7a) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x30 && c <= 0x39) ||
      c === 0x5f ||
      c === 0x2e ||
      c === 0x2d;
    if (word) {
      if (start === -1) start = i;
    } else if (start !== -1) {
      visit(start, i);
      start = -1;
    }
  }
  if (start !== -1) visit(start, text.length);
}

/**
 * Every tool name's length and first character code (`shape`), per owners map: a word whose
 * shape is not here names no tool, and is never cut out of its text to be looked up. `ascii`
 * holds the shapes of names up to `ASCII_SHAPE_LENGTH` long that start with an ASCII character,
 * one byte per (length, character) at `length * 128 + code`, so the walk over ASCII text (most of
 * it) tests a word with one array read, without a call or a hash lookup.
 */
const shape = (text: string, start: number, end: number): number =>
  end === start ? -1 : (end - start) * 0x10000 + text.charCodeAt(start);
interface NameShapes {
  all: Set<number>;
  ascii: Uint8Array;
  /** Some name starting with an ASCII character is longer than `ASCII_SHAPE_LENGTH`: look longer words up in `all`. */
  long: boolean;
}
const ASCII_SHAPE_LENGTH = 1024;
const nameShapes = new WeakMap<Map<string, Set<string>>, NameShapes>();
function shapesOf(owners: Map<string, Set<string>>): NameShapes {
  let shapes = nameShapes.get(owners);
  if (shapes === undefined) {
    const all = new Set<number>();
    let longest = 0;
    let long = false;
    for (const name of owners.keys()) {
      all.add(shape(name, 0, name.length));
      if (name.length > 0 && name.charCodeAt(0) < 0x80) {
        if (name.length > ASCII_SHAPE_LENGTH) long = true;
        else longest = Math.max(longest, name.length);
      }
    }
    const ascii = new Uint8Array((longest + 1) * 128);
    for (const name of owners.keys()) {
      const first = name.charCodeAt(0);
      if (name.length > 0 && name.length <= ASCII_SHAPE_LENGTH && first < 0x80)
        ascii[name.length * 128 + first] = 1;
    }
    shapes = { all, ascii, long };
    nameShapes.set(owners, shapes);
  }
  return shapes;
}

/** A name is distinctive when it would not occur in ordinary prose: it has a separator or an inner capital. */
function distinctive(name: string): boolean {
  return /[_.-]/.test(name.slice(1, -1)) || /[a-z][A-Z]/.test(name);
}

/**
 * Shadowing: text on one server naming a tool that only another server has.
 * Distinctive names (`send_message`) count anywhere; plain words (`search`)
 * only when quoted (`search`, "search") or written as "the search tool".
 */
function shadowing(
  server: string,
  tool: string | SurfaceItem,
  pointer: string,
  where: () => string,
  text: string,
  owners: Map<string, Set<string>>,
  label: string,
  out: Change[],
  prefilter = true,
): void {
  const named = namedTools(server, tool, text, owners, prefilter);
  if (named === undefined) return;
  const list = [...named]
    .map(([t, s]) => `\`${t}\` (server ${s.map((x) => `\`${x}\``).join(", ")})`)
    .join(", ");
  out.push(
    finding(
      poisoningRules["tool-shadowing"],
      server,
      tool,
      pointer,
      `${label}: ${where()} names ${named.size === 1 ? "a tool" : "tools"} of another server: ${list}.`,
      {
        after: showInvisible(text),
        hint: "A tool's description should describe that tool only; read what it says about the other tool before trusting this server.",
      },
    ),
  );
}

/**
 * Matches every text in which `namedTools` can find a name, and most others not: a word it counts
 * is distinctive (a `_`, or a `.` or `-` followed by a word character, inside it; or a lower-case
 * letter before an upper-case one), or quoted (a quote character), or followed by whitespace and
 * "tool"; text beyond ASCII is always looked at. One native pass instead of `namedTools`' walk by
 * character, which most texts (ordinary prose) would take for nothing.
 */
const MAY_NAME = /[`'"_\u0080-\uffff]|[.-][A-Za-z0-9_]|[A-Z](?<=[a-z][A-Z])|[Tt](?<=\s[Tt])[Oo][Oo][Ll]/;

/**
 * The tools of other servers `text` names (each with the servers offering it, sorted), as the
 * shadowing check reports them; undefined when it names none (most texts: no map for them).
 */
function namedTools(
  server: string,
  tool: string | SurfaceItem,
  text: string,
  owners: Map<string, Set<string>>,
  prefilter = true,
): Map<string, string[]> | undefined {
  if (prefilter && !MAY_NAME.test(text)) return undefined;
  let named: Map<string, string[]> | undefined;
  const shapes = shapesOf(owners);
  // Beyond ASCII, by `eachWordSpan`, in a function of its own: a closure here would cost every
  // call a context object (54,000 on the bench workload), whichever way it goes.
  if (NON_ASCII.test(text)) return namedToolsBeyondAscii(server, tool, text, owners, shapes);
  // ASCII (most text): `eachWordSpan`'s walk, inline, each word tested against `shapes.ascii`
  // where it ends (a call only for a word shaped like a name).
  const { ascii, long } = shapes;
  const longest = ascii.length / 128 - 1;
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x20;
    if (
      (c >= 0x61 && c <= 0x7a) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x30 && c <= 0x39) ||
      c === 0x5f ||
      c === 0x2e ||
      c === 0x2d
    ) {
      if (start === -1) start = i;
    } else if (start !== -1) {
      const last = text.charCodeAt(i - 1);
      const end = last === 0x2e || last === 0x2d ? trimmed(text, start, i) : i;
      const length = end - start;
      if (
        length > 0 &&
        (length <= longest
          ? ascii[length * 128 + text.charCodeAt(start)] === 1
          : long && shapes.all.has(shape(text, start, end)))
      )
        named = namedTool(server, tool, text, owners, start, end, named);
      start = -1;
    }
  }
  return named;
}

/** `namedTools` of text beyond ASCII: each word of `eachWordSpan` by its shape in `shapes.all`. */
function namedToolsBeyondAscii(
  server: string,
  tool: string | SurfaceItem,
  text: string,
  owners: Map<string, Set<string>>,
  shapes: NameShapes,
): Map<string, string[]> | undefined {
  let named: Map<string, string[]> | undefined;
  eachWordSpan(text, (index, runEnd) => {
    const end = trimmed(text, index, runEnd);
    if (shapes.all.has(shape(text, index, end)))
      named = namedTool(server, tool, text, owners, index, end, named);
  });
  return named;
}

/** The end of the word run `text[start, end)` without its trailing `.` and `-`. */
function trimmed(text: string, start: number, end: number): number {
  while (end > start && (text.charCodeAt(end - 1) === 0x2e || text.charCodeAt(end - 1) === 0x2d)) end--;
  return end;
}

/**
 * `named` with the word `text[index, end)` added when it names a tool of another server as the
 * shadowing check counts it (`namedTools`): a name only other servers offer, not the tool's own,
 * distinctive, or else quoted or followed by "tool".
 */
function namedTool(
  server: string,
  tool: string | SurfaceItem,
  text: string,
  owners: Map<string, Set<string>>,
  index: number,
  end: number,
  named: Map<string, string[]> | undefined,
): Map<string, string[]> | undefined {
  const word = text.slice(index, end);
  const set = owners.get(word);
  if (!set || set.has(server) || word === tool) return named;
  if (!distinctive(word)) {
    const before = text[index - 1] ?? "";
    const after = text[index + word.length] ?? "";
    const quoted = /[`'"]/.test(before) && before === after;
    const called = /^\s+tool\b/i.test(text.slice(index + word.length));
    if (!quoted && !called) return named;
  }
  named ??= new Map();
  named.set(word, [...set].sort());
  return named;
}

/** How deep `mayRaiseFindings` walks before it leaves a definition to the full walk. */
const PREFILTER_DEPTH = 64;

/**
 * False when no string or key of `tool` can raise a finding of the walk in `scanTool` (invisible
 * characters, hidden instructions, another server's tool named, a remote `$ref`): the same checks
 * as answers only (`mayHoldInvisible`, `ANY_INSTRUCTION`, `namedTools`, the `$ref` test), without
 * a pointer, a message or a stack entry per value. True when one may, or the definition nests
 * deeper than `PREFILTER_DEPTH`; the walk then finds what there is.
 */
export function mayRaiseFindings(
  server: string,
  name: string,
  tool: ToolDefinition,
  owners: Map<string, Set<string>>,
  plain: boolean,
): boolean {
  return may(tool, "", false, 0, { server, name, owners, plain });
}

/** What `may` needs beside the value: the tool and which servers offer each name. */
interface MayContext {
  server: string;
  name: string;
  owners: Map<string, Set<string>>;
  plain: boolean;
}

/**
 * `mayRaiseFindings` of one value under `key` (`inData`: below a data keyword), `depth` levels
 * down. A function of the module with indexed loops, not a closure per definition with `for…of`:
 * it runs once per string and object of every definition, mostly before the JIT has compiled it.
 */
function may(value: unknown, key: string, inData: boolean, depth: number, context: MayContext): boolean {
  if (typeof value === "string") {
    if (!context.plain && mayHoldInvisible(value)) return true;
    if (ANY_INSTRUCTION.test(value)) return true;
    if ((key === "$ref" || key === "$dynamicRef") && !inData && !value.startsWith("#")) return true;
    // `namedTools`' own pretest first, here: most strings end at it, without a call.
    return (
      MAY_NAME.test(value) && namedTools(context.server, context.name, value, context.owners) !== undefined
    );
  }
  if (value === null || typeof value !== "object") return false;
  if (depth >= PREFILTER_DEPTH) return true;
  if (Array.isArray(value)) {
    // An element keeps the array's key (as in the walk: `{"$ref": ["x"]}` is checked as a `$ref`).
    for (let i = 0; i < value.length; i++) if (may(value[i], key, inData, depth + 1, context)) return true;
    return false;
  }
  const record = value as Record<string, unknown>;
  // `for…in`: no array per object; an inherited enumerable key it adds can only make the answer true.
  for (const k in record) {
    const child = record[k];
    // The definition's own `name` is the tool's name, checked by the caller.
    if (depth === 0 && k === "name" && typeof child === "string") continue;
    if (!context.plain && mayHoldInvisible(k)) return true;
    if (may(child, k, inData || DATA_KEYS.has(k), depth + 1, context)) return true;
  }
  return false;
}

function destructiveCheck(
  server: string,
  name: string,
  tool: ToolDefinition,
  word: string,
  label: string,
  out: Change[],
): void {
  const annotations = tool.annotations;
  if (annotations === null || typeof annotations !== "object" || Array.isArray(annotations)) return;
  const a = annotations as Record<string, unknown>;
  // Spec defaults: readOnlyHint false, destructiveHint true. Only an explicit claim of safety is flagged.
  const claim =
    a.readOnlyHint === true
      ? { pointer: "/annotations/readOnlyHint", text: "`readOnlyHint: true`", value: true }
      : a.destructiveHint === false
        ? { pointer: "/annotations/destructiveHint", text: "`destructiveHint: false`", value: false }
        : undefined;
  if (!claim) return;
  out.push(
    finding(
      poisoningRules["destructive-tool-marked-safe"],
      server,
      name,
      claim.pointer,
      `${label}: its name says "${word}" but its annotations claim ${claim.text}, so clients may run it without asking.`,
      {
        after: claim.value,
        hint: "If the tool really destroys nothing, rename it; otherwise remove the annotation (the spec default is destructive).",
      },
    ),
  );
}

/**
 * Tool names, on any servers, whose UTS #39 skeletons are equal but which are not the same string:
 * a function of each server's tool names, in order (`servers`).
 */
export function confusableToolNames(
  servers: Iterable<readonly [server: string, tools: readonly string[]]>,
): Change[] {
  const out: Change[] = [];
  const groups = new Map<string, { server: string; name: string }[]>();
  for (const [server, tools] of servers) {
    for (const name of tools) {
      const key = skeleton(name);
      // A group of one is an array of one: `[]` and a push reserve 16 places (the 52 MB bench list: 6 MB).
      const group = groups.get(key);
      if (group) group.push({ server, name });
      else groups.set(key, [{ server, name }]);
    }
  }
  for (const group of groups.values()) {
    // One name (almost every group): nothing to compare, and no set of it made.
    if (group.length < 2) continue;
    const distinct = new Set(group.map((g) => g.name));
    if (distinct.size < 2) continue;
    // Flag the impostors: the names that are not plain ASCII, unless every name is plain (`l` vs `I`).
    const plain = (n: string) => nonAscii(n).length === 0;
    const suspects =
      group.some((g) => plain(g.name)) && !group.every((g) => plain(g.name))
        ? group.filter((g) => !plain(g.name))
        : group;
    for (const s of suspects) {
      const others = group
        .filter((g) => g.name !== s.name)
        .map((g) => `\`${showInvisible(g.name)}\` on server \`${g.server}\``);
      const odd = nonAscii(s.name);
      out.push(
        finding(
          poisoningRules["confusable-tool-name"],
          s.server,
          s.name,
          "/name",
          `Tool \`${showInvisible(s.name)}\` on server \`${s.server}\` looks like ${[...new Set(others)].join(", ")}${odd.length > 0 ? ` (it contains ${odd.join(", ")})` : ""}.`,
          {
            after: s.name,
            hint: "Agents and reviewers cannot tell these names apart; remove or rename one of the servers' tools.",
          },
        ),
      );
    }
  }
  return out;
}

/** Scans every tool of every server in a lockfile (the definitions exactly as locked). */
export function scanLockfile(lock: Lockfile, memo?: ScanMemo, hints: ScanHints = {}): Change[] {
  const servers = dict<Record<string, LockedTool>>();
  for (const [server, entry] of Object.entries(lock.servers)) servers[server] = entry.tools;
  const names = toolNames(servers);
  const owners = toolOwners(names);
  const surface: Change[] = [];
  for (const [server, entry] of Object.entries(lock.servers))
    scanServerSurface(server, entry, owners, surface);
  const tools = eachServerTools(servers, (tool) => tool.definition, owners, names, memo, hints);
  return surface.length === 0 ? tools : [...tools, ...surface].sort(compareChanges);
}

/** One server's findings in `scanLockfile`: its tools' and the rest of its surface's. */
export interface ServerScan {
  tools: Change[];
  surface: Change[];
}

/**
 * `scanLockfile`'s findings for one server entry, given which servers offer each tool name
 * (`toolOwners` of every server's tool names); `combineScans` puts every server's together.
 */
export function scanServer(
  server: string,
  entry: LockedServer,
  owners: Map<string, Set<string>>,
  earlier?: (tool: string, definition: ToolDefinition) => readonly Change[] | undefined,
): ServerScan {
  const tools: Change[] = [];
  for (const [name, locked] of Object.entries(entry.tools)) {
    // A tool's findings are a function of the server, its name and definition, and `owners`: a
    // caller that scanned the same tool under the same owners before may hand them back.
    const known = earlier?.(name, locked.definition);
    if (known) tools.push(...known);
    else scanTool(server, name, locked.definition, owners, tools, false);
  }
  const surface: Change[] = [];
  scanServerSurface(server, entry, owners, surface);
  return { tools, surface };
}

/**
 * `scanLockfile`'s result from each server's `scanServer` findings, in the lockfile's order, and
 * `confusableToolNames` of every server's tool names: the same findings in the same order.
 */
export function combineScans(servers: readonly ServerScan[], confusable: readonly Change[]): Change[] {
  const tools = servers.flatMap((s) => s.tools);
  tools.push(...confusable);
  tools.sort(compareChanges);
  const surface = servers.flatMap((s) => s.surface);
  return surface.length === 0 ? tools : [...tools, ...surface].sort(compareChanges);
}

/**
 * The surface beside the tools, with the rules tool descriptions get: each prompt's description
 * and title and its arguments' descriptions, each resource template's and resource's description
 * and title, and the instructions.
 */
function scanServerSurface(
  server: string,
  entry: LockedServer,
  owners: Map<string, Set<string>>,
  out: Change[],
): void {
  const text = (subject: SurfaceItem, label: string, pointer: string, where: string, value: unknown) => {
    if (typeof value === "string")
      scanSurfaceText(server, subject, label, pointer, where, value, owners, out);
  };
  for (const [name, { definition }] of Object.entries(entry.prompts ?? {})) {
    const subject: SurfaceItem = { kind: "prompt", item: name };
    const label = `Prompt \`${showInvisible(name)}\` on server \`${server}\``;
    text(subject, label, "/description", "its description", definition.description);
    text(subject, label, "/title", "its title", definition.title);
    const args = Array.isArray(definition.arguments) ? definition.arguments : [];
    args.forEach((argument: unknown, i: number) => {
      if (argument === null || typeof argument !== "object") return;
      const a = argument as Record<string, unknown>;
      const argName = typeof a.name === "string" ? showInvisible(a.name) : String(i);
      text(
        subject,
        label,
        `/arguments/${i}/description`,
        `argument \`${argName}\`'s description`,
        a.description,
      );
      if (typeof a.name === "string")
        invisible(
          server,
          subject,
          label,
          `/arguments/${i}/name`,
          a.name,
          `argument name \`${argName}\``,
          out,
        );
    });
  }
  for (const [section, kind, noun] of [
    ["resourceTemplates", "resourceTemplate", "Resource template"],
    ["resources", "resource", "Resource"],
  ] as const) {
    for (const [name, { definition }] of Object.entries(entry[section] ?? {})) {
      const subject: SurfaceItem = { kind, item: name };
      const label = `${noun} \`${showInvisible(name)}\` on server \`${server}\``;
      text(subject, label, "/description", "its description", definition.description);
      text(subject, label, "/title", "its title", definition.title);
    }
  }
  if (entry.instructions)
    text(
      { kind: "instructions" },
      `Server \`${server}\``,
      "/instructions",
      "its instructions",
      entry.instructions.text,
    );
}
