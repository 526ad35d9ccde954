// The benchmark workload generator: deterministic (a seeded PRNG, no Math.random, no clock), so every
// run and every machine measures the same tools, templates and changes. Plain ESM JavaScript so the
// runner needs no build step of its own; the types are in generate.d.mts.
import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const canonicalize = createRequire(import.meta.url)("canonicalize");

/** The seed every benchmark uses unless told otherwise. */
export const DEFAULT_SEED = 20250705;

/** mulberry32: a tiny, well-known 32-bit PRNG; good enough to vary a workload, and reproducible. */
export function createRng(seed = DEFAULT_SEED) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

const NOUNS = [
  "customer",
  "ticket",
  "invoice",
  "order",
  "payment",
  "account",
  "project",
  "issue",
  "file",
  "page",
  "record",
  "user",
  "team",
  "message",
  "channel",
  "event",
  "report",
  "query",
  "index",
  "branch",
];
const VERBS = [
  "get",
  "list",
  "create",
  "update",
  "delete",
  "search",
  "export",
  "archive",
  "sync",
  "describe",
];
const FIELDS = [
  "id",
  "email",
  "name",
  "status",
  "priority",
  "limit",
  "offset",
  "cursor",
  "query",
  "tags",
  "owner",
  "due_date",
  "amount",
  "currency",
  "notes",
  "filter",
  "sort",
  "include_archived",
  "region",
  "labels",
];
const WORDS = [
  "the",
  "a",
  "customer",
  "returns",
  "matching",
  "records",
  "for",
  "given",
  "when",
  "use",
  "only",
  "after",
  "confirming",
  "with",
  "user",
  "value",
  "results",
  "page",
  "of",
  "current",
];

function sentence(rng, min = 6, max = 16) {
  const n = rng.int(min, max);
  const words = Array.from({ length: n }, () => rng.pick(WORDS));
  const text = words.join(" ");
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}

function param(rng, depth) {
  const kind = rng.int(0, depth > 1 ? 5 : 7);
  const description = sentence(rng, 4, 10);
  switch (kind) {
    case 0:
      return { type: "string", description };
    case 1:
      return {
        type: "string",
        enum: ["low", "normal", "high", "urgent"].slice(0, rng.int(2, 4)),
        description,
      };
    case 2:
      return { type: "string", format: rng.pick(["email", "date-time", "uri"]), maxLength: 256, description };
    case 3:
      return { type: "integer", minimum: 0, maximum: rng.pick([100, 1000, 10000]), description };
    case 4:
      return { type: "number", description, default: 1 };
    case 5:
      return { type: "boolean", description };
    case 6:
      return { type: "array", items: { type: "string", minLength: 1 }, maxItems: 50, description };
    default: {
      const properties = {};
      for (let i = 0, n = rng.int(2, 4); i < n; i++)
        properties[`${rng.pick(FIELDS)}_${i}`] = param(rng, depth + 1);
      return { type: "object", properties, required: Object.keys(properties).slice(0, 1), description };
    }
  }
}

/** One tool definition, shaped like the corpus's: typed params, enums, formats, bounds, nesting. */
export function generateTool(rng, name) {
  const properties = {};
  const count = rng.int(2, 8);
  for (let i = 0; i < count; i++) properties[`${rng.pick(FIELDS)}_${i}`] = param(rng, 0);
  const names = Object.keys(properties);
  const tool = {
    name,
    description: sentence(rng, 10, 30),
    inputSchema: {
      type: "object",
      properties,
      required: names.filter(() => rng.chance(0.4)),
      additionalProperties: false,
    },
  };
  if (rng.chance(0.3)) tool.title = name.replaceAll("_", " ");
  if (rng.chance(0.5)) tool.annotations = { readOnlyHint: rng.chance(0.5), openWorldHint: false };
  if (rng.chance(0.25)) {
    tool.outputSchema = {
      type: "object",
      properties: { id: { type: "string" }, status: { type: "string", enum: ["ok", "queued"] } },
      required: ["id"],
    };
  }
  return tool;
}

/** `count` tools with unique names, in name order. */
export function generateTools(count, seed = DEFAULT_SEED) {
  const rng = createRng(seed);
  return Array.from({ length: count }, (_, i) => {
    const name = `${VERBS[i % VERBS.length]}_${NOUNS[Math.floor(i / VERBS.length) % NOUNS.length]}_${i}`;
    return generateTool(rng, name);
  });
}

function sha256(text) {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** JSON with sorted keys and 2-space indent, as the lockfile is written. */
export function sortedJson(value) {
  const sort = (v) => {
    if (Array.isArray(v)) return v.map(sort);
    if (v === null || typeof v !== "object") return v;
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sort(v[k])]),
    );
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

/** A lockfile (version 1) for `servers`: { serverName: tools[] }, with canonical hashes. */
export function lockfileFor(servers) {
  const lock = { lockfileVersion: 1, servers: {} };
  for (const [server, tools] of Object.entries(servers)) {
    const locked = {};
    for (const tool of tools) locked[tool.name] = { definition: tool, hash: sha256(canonicalize(tool)) };
    const hashes = Object.values(locked)
      .map((t) => t.hash)
      .sort();
    lock.servers[server] = {
      hash: sha256(hashes.join("\n")),
      serverInfo: { name: server, version: "1.0.0" },
      protocolVersion: "2025-11-25",
      tools: locked,
    };
  }
  return lock;
}

function templateText(rng, index, servers) {
  const serverNames = Object.keys(servers);
  const picks = [];
  for (let i = 0, n = rng.int(2, 5); i < n; i++) {
    const server = rng.pick(serverNames);
    picks.push({ server, tool: rng.pick(servers[server]) });
  }
  const lines = [
    "---",
    `tools: [${picks.map((p) => `${p.server}/${p.tool.name}`).join(", ")}]`,
    "---",
    `You are agent number ${index} for {{company}}. ${sentence(rng)}`,
    "",
  ];
  for (const { server, tool } of picks) {
    const params = Object.keys(tool.inputSchema.properties);
    lines.push(`{{#tool "${server}/${tool.name}"}}`);
    lines.push(`Call \`${tool.name}\` with {{param "${params[0]}"}} set from the request. ${sentence(rng)}`);
    if (params[1]) lines.push(`Pass {{param "${params[1]}"}} only when the user asks. ({{description}})`);
    lines.push("{{/tool}}");
    lines.push("");
    lines.push(`Afterwards see {{tool "${server}/${tool.name}"}} and ${sentence(rng)}`);
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The pre-commit reference repo: `servers` servers sharing `tools` tools, `templates` templates that
 * reference them (tool blocks, params, front matter, prose). Returns the files to write.
 */
export function generateReferenceRepo({
  servers = 50,
  tools = 2000,
  templates = 200,
  seed = DEFAULT_SEED,
} = {}) {
  const all = generateTools(tools, seed);
  const byServer = {};
  const perServer = Math.ceil(tools / servers);
  for (let s = 0; s < servers; s++) {
    byServer[`server_${String(s).padStart(2, "0")}`] = all.slice(s * perServer, (s + 1) * perServer);
  }
  const rng = createRng(seed + 1);
  const files = {};
  const config = [
    "# Generated by bench/generate.mjs: the pre-commit benchmark's reference repo.",
    "servers:",
  ];
  for (const server of Object.keys(byServer)) {
    config.push(`  ${server}:`, `    file: tools/${server}.json`);
    files[`tools/${server}.json`] = `${JSON.stringify({ tools: byServer[server] }, null, 2)}\n`;
  }
  config.push("lockfile: mcp-contract.lock.json", "templates:", '  - "prompts/**/*.hbs"', "");
  files["mcp-contract.yaml"] = config.join("\n");
  files["mcp-contract.lock.json"] = sortedJson(lockfileFor(byServer));
  for (let t = 0; t < templates; t++) {
    files[`prompts/agent_${String(t).padStart(3, "0")}.hbs`] = templateText(rng, t, byServer);
  }
  return files;
}

/** Writes `files` ({ relativePath: text }) under `dir`. */
export async function writeFiles(dir, files) {
  for (const [path, text] of Object.entries(files)) {
    const full = join(dir, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, text);
  }
}

/** The change kinds the diff benchmark draws from (the corpus's expected.json kinds). */
export const CHANGE_KINDS = [
  "param-removed",
  "param-added-required",
  "param-added-optional",
  "param-became-required",
  "param-became-optional",
  "type-changed",
  "enum-value-removed",
  "enum-value-added",
  "constraint-tightened",
  "constraint-loosened",
  "description-changed",
  "param-description-changed",
];

/** Kinds that narrow what the agent may send: a correct diff calls each of them breaking. */
export const BREAKING_KINDS = new Set([
  "param-removed",
  "param-added-required",
  "param-became-required",
  "type-changed",
  "enum-value-removed",
  "constraint-tightened",
]);

function firstParam(props, test) {
  return Object.keys(props).find((k) => test(props[k]));
}

/** Applies one change of `kind` to a deep copy of `tool`; returns the copy (a kind that cannot apply falls back). */
export function mutateTool(tool, kind, rng) {
  const t = structuredClone(tool);
  const schema = t.inputSchema;
  const props = schema.properties;
  const names = Object.keys(props);
  switch (kind) {
    case "param-removed": {
      const victim = names[names.length - 1];
      delete props[victim];
      schema.required = schema.required.filter((r) => r !== victim);
      return t;
    }
    case "param-added-required":
      props.new_required_arg = { type: "string", description: "Added later." };
      schema.required = [...schema.required, "new_required_arg"];
      return t;
    case "param-added-optional":
      props.new_optional_arg = { type: "boolean", description: "Added later." };
      return t;
    case "param-became-required": {
      const optional = names.find((n) => !schema.required.includes(n));
      if (!optional) return mutateTool(tool, "param-added-required", rng);
      schema.required = [...schema.required, optional];
      return t;
    }
    case "param-became-optional": {
      if (schema.required.length === 0) return mutateTool(tool, "param-added-optional", rng);
      schema.required = schema.required.slice(1);
      return t;
    }
    case "type-changed": {
      const name = firstParam(
        props,
        (p) => p.type === "string" || p.type === "number" || p.type === "boolean",
      );
      if (!name) return mutateTool(tool, "param-removed", rng);
      const p = props[name];
      const next = p.type === "string" ? "integer" : p.type === "number" ? "integer" : "string";
      props[name] = { type: next, description: p.description };
      return t;
    }
    case "enum-value-removed": {
      const name = firstParam(props, (p) => Array.isArray(p.enum) && p.enum.length > 1);
      if (!name) return mutateTool(tool, "constraint-tightened", rng);
      props[name].enum = props[name].enum.slice(0, -1);
      return t;
    }
    case "enum-value-added": {
      const name = firstParam(props, (p) => Array.isArray(p.enum));
      if (!name) return mutateTool(tool, "constraint-loosened", rng);
      props[name].enum = [...props[name].enum, "critical"];
      return t;
    }
    case "constraint-tightened": {
      const name = firstParam(
        props,
        (p) => p.type === "string" || p.type === "integer" || p.type === "array",
      );
      if (!name) return mutateTool(tool, "param-added-required", rng);
      const p = props[name];
      if (p.type === "integer") p.maximum = Math.max(1, Math.floor((p.maximum ?? 100) / 2));
      else if (p.type === "array") p.maxItems = 5;
      else p.maxLength = Math.min(p.maxLength ?? 1000, 64);
      return t;
    }
    case "constraint-loosened": {
      const name = firstParam(props, (p) => p.maxLength !== undefined || p.maximum !== undefined);
      if (!name) return mutateTool(tool, "param-added-optional", rng);
      const p = props[name];
      if (p.maxLength !== undefined) p.maxLength *= 4;
      else p.maximum *= 10;
      return t;
    }
    case "description-changed":
      t.description = `${t.description} ${sentence(rng, 3, 6)}`;
      return t;
    case "param-description-changed": {
      const p = props[names[0]];
      p.description = `${p.description ?? ""} Deprecated soon.`.trim();
      return t;
    }
    default:
      throw new Error(`unknown change kind ${kind}`);
  }
}

/**
 * The diff workload: `tools` tools before, the same after with `changedFraction` of them changed, one
 * change each, kinds taken round-robin from CHANGE_KINDS. `changed` lists each changed tool and its kind.
 */
export function generateDiffWorkload({ tools = 10000, changedFraction = 0.1, seed = DEFAULT_SEED } = {}) {
  const list = generateTools(tools, seed);
  const rng = createRng(seed + 2);
  const before = {};
  const after = {};
  const changed = [];
  const every = Math.round(1 / changedFraction);
  list.forEach((tool, i) => {
    before[tool.name] = tool;
    if (i % every === every - 1) {
      const kind = CHANGE_KINDS[changed.length % CHANGE_KINDS.length];
      after[tool.name] = mutateTool(tool, kind, rng);
      changed.push({ name: tool.name, kind });
    } else {
      after[tool.name] = tool;
    }
  });
  return { before, after, changed };
}

/** A tool list of about `megabytes` MB of JSON, for the hashing benchmark. */
export function generateBigToolList(megabytes = 50, seed = DEFAULT_SEED) {
  const sample = generateTools(200, seed);
  const bytesPer = JSON.stringify(sample).length / sample.length;
  return generateTools(Math.ceil((megabytes * 1024 * 1024) / bytesPer), seed);
}

/** A self-recursive tree schema (a node's children are nodes), before and after a change deep inside. */
export function recursiveSchemaPair() {
  const make = (labelMax) => ({
    type: "object",
    properties: { tree: { $ref: "#/$defs/node" } },
    required: ["tree"],
    $defs: {
      node: {
        type: "object",
        properties: {
          label: { type: "string", maxLength: labelMax },
          children: { type: "array", items: { $ref: "#/$defs/node" } },
          parent: { anyOf: [{ $ref: "#/$defs/node" }, { type: "null" }] },
        },
        required: ["label"],
      },
    },
  });
  return {
    before: { name: "walk_tree", description: "Walk a tree.", inputSchema: make(100) },
    after: { name: "walk_tree", description: "Walk a tree.", inputSchema: make(50) },
  };
}

/**
 * Twelve mutually recursive union types: each is an anyOf of a scalar and objects referencing the
 * next two, so naive expansion is exponential. `after` narrows one scalar deep in the cycle.
 */
export function mutuallyRecursiveUnionPair(n = 12) {
  const make = (narrow) => {
    const defs = {};
    for (let i = 0; i < n; i++) {
      const a = `u${(i + 1) % n}`;
      const b = `u${(i + 2) % n}`;
      defs[`u${i}`] = {
        anyOf: [
          { type: "string", maxLength: narrow && i === n - 1 ? 10 : 100 },
          { type: "object", properties: { left: { $ref: `#/$defs/${a}` }, right: { $ref: `#/$defs/${b}` } } },
          { type: "array", items: { $ref: `#/$defs/${b}` } },
        ],
      };
    }
    return { type: "object", properties: { root: { $ref: "#/$defs/u0" } }, required: ["root"], $defs: defs };
  };
  return {
    before: { name: "eval_expr", description: "Evaluate.", inputSchema: make(false) },
    after: { name: "eval_expr", description: "Evaluate.", inputSchema: make(true) },
  };
}

/**
 * A chain of `n` unions through `$defs`, each alternative an object whose one required property is
 * the previous link (two alternatives per link: the chain is a DAG of 2^n paths), ending in `leaf`:
 * the shape on which subsumption's witness search used to take about a second.
 */
export function unionChainSchema(n, leaf) {
  const link = (i, ref) => ({ type: "object", properties: { [`p${i % 3}`]: ref }, required: [`p${i % 3}`] });
  const defs = { d0: leaf };
  for (let i = 1; i <= n; i++) {
    const ref = { $ref: `#/$defs/d${i - 1}` };
    defs[`d${i}`] = { anyOf: [link(i, ref), link(i + 1, ref)] };
  }
  return { $defs: defs, type: "object", properties: { p: { $ref: `#/$defs/d${n}` } } };
}
