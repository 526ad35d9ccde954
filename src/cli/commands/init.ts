/**
 * `mcp-contract init`: write a starter config (importing the servers a team
 * already configured for Claude Code, Cursor or VS Code), the GitHub workflow
 * and the pre-commit entry. Never overwrites a file without `--force`.
 *
 * The conversion is pure (`importServers`, `renderConfig`); only `runInit`
 * touches files.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { parse, parseDocument, stringify, YAMLMap, YAMLSeq } from "yaml";
import { ConfigError } from "../../errors.js";

/** Where editors keep MCP server lists, in the order init prefers them. */
export const MCP_CONFIG_FILES = [".mcp.json", ".cursor/mcp.json", ".vscode/mcp.json"] as const;

/** Where init writes, relative to the directory it runs in. */
export const INIT_FILES = {
  config: "mcp-contract.yaml",
  workflow: ".github/workflows/mcp-contract.yml",
  preCommit: ".pre-commit-config.yaml",
} as const;

/** The repository the workflow's action and the pre-commit hook come from. */
export const REPOSITORY = "mcp-contract/mcp-contract";

/** A server as written to mcp-contract.yaml. */
export type StarterServer =
  | { command: string; args?: string[]; env?: Record<string, string>; cwd?: string }
  | { url: string; transport?: "sse" | "streamable-http"; headers?: Record<string, string> };

/** Result of importing one editor config. */
export interface ImportResult {
  servers: Record<string, StarterServer>;
  /** Environment variables the config now reads (secrets moved out of the file, VS Code inputs). */
  variables: string[];
  /** One line per thing the user should look at. */
  notes: string[];
}

const SECRET_KEY =
  /token|secret|password|passwd|pwd|api[-_]?key|apikey|auth|credential|cookie|session|private/i;

/**
 * Converts a parsed `.mcp.json` / `.cursor/mcp.json` (`mcpServers`) or
 * `.vscode/mcp.json` (`servers`, `inputs`) into mcp-contract servers. Literal
 * secrets (header values, env values under secret-looking names) are replaced
 * by `${VAR}` references so they never land in a committed file; VS Code's
 * `${input:id}` and `${env:VAR}` become `${VAR}`.
 */
export function importServers(data: unknown, source: string): ImportResult {
  const result: ImportResult = { servers: {}, variables: [], notes: [] };
  if (!isRecord(data))
    throw new ConfigError(`${source}: expected a JSON object with "mcpServers" or "servers"`);
  const entries = isRecord(data.mcpServers)
    ? data.mcpServers
    : isRecord(data.servers)
      ? data.servers
      : undefined;
  if (!entries) throw new ConfigError(`${source}: no "mcpServers" or "servers" object found`);
  const variables = new Set<string>();

  for (const [rawName, entry] of Object.entries(entries)) {
    const name = rawName.replace(/[/\s]+/g, "-");
    if (name !== rawName)
      result.notes.push(`${source}: server "${rawName}" renamed to "${name}" (no "/" or spaces)`);
    if (!isRecord(entry)) {
      result.notes.push(`${source}: server "${rawName}" is not an object; skipped`);
      continue;
    }
    if (entry.disabled === true)
      result.notes.push(`${source}: server "${rawName}" is disabled there; imported anyway`);
    const prefix = envName(name);
    const text = (value: unknown, where: string): string | undefined => {
      if (typeof value !== "string") return undefined;
      return convertVariables(value, variables, (note) => result.notes.push(`${source}: ${where}: ${note}`));
    };
    const secretMap = (map: unknown, kind: "env" | "headers"): Record<string, string> | undefined => {
      if (!isRecord(map)) return undefined;
      const out: Record<string, string> = {};
      for (const [key, value] of Object.entries(map)) {
        const converted = text(value, `${rawName}.${kind}.${key}`);
        if (converted === undefined) continue;
        const secret =
          kind === "headers" ? !/^(accept|content-type|user-agent)$/i.test(key) : SECRET_KEY.test(key);
        if (secret && !converted.includes("${")) {
          // An env entry already names a variable (the child's); a header gets one named after server and header.
          const variable = kind === "env" ? envName(key) : `${prefix}_${envName(key)}`;
          variables.add(variable);
          // Keep an auth scheme visible ("Bearer ${VAR}") so the header still reads right.
          const scheme = /^(Bearer|Basic|Token)\s+\S/i.exec(converted)?.[1];
          out[key] = scheme ? `${scheme} \${${variable}}` : `\${${variable}}`;
          result.notes.push(
            `${source}: ${rawName}.${kind}.${key} was a literal value; now read from \${${variable}}`,
          );
        } else {
          out[key] = converted;
        }
      }
      return Object.keys(out).length > 0 ? out : undefined;
    };

    if (typeof entry.url === "string") {
      const server: StarterServer = { url: text(entry.url, `${rawName}.url`)! };
      if (entry.type === "sse") server.transport = "sse";
      else if (entry.type === "http" || entry.type === "streamable-http")
        server.transport = "streamable-http";
      const headers = secretMap(entry.headers, "headers");
      if (headers) server.headers = headers;
      result.servers[name] = server;
    } else if (typeof entry.command === "string") {
      const server: StarterServer = { command: text(entry.command, `${rawName}.command`)! };
      if (Array.isArray(entry.args)) {
        server.args = entry.args.map((a, i) => text(String(a), `${rawName}.args[${i}]`)!);
      }
      const env = secretMap(entry.env, "env");
      if (env) server.env = env;
      if (typeof entry.cwd === "string") server.cwd = text(entry.cwd, `${rawName}.cwd`)!;
      result.servers[name] = server;
    } else {
      result.notes.push(`${source}: server "${rawName}" has neither "command" nor "url"; skipped`);
    }
  }
  result.variables = [...variables].sort();
  return result;
}

/** `${input:id}` / `${env:VAR}` / `${VAR:-default}` / `${workspaceFolder}` → what mcp-contract reads. */
function convertVariables(value: string, variables: Set<string>, note: (text: string) => void): string {
  return value
    .replace(/\$\{workspaceFolder\}\/?/g, (match) => (match.endsWith("/") ? "" : "."))
    .replace(/\$\{(input|env):([^}]+)\}/g, (_m, kind: string, id: string) => {
      const variable = envName(id);
      variables.add(variable);
      if (kind === "input") note(`VS Code input "${id}" is read from \${${variable}}`);
      return `\${${variable}}`;
    })
    .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}/g, (_m, name: string, fallback?: string) => {
      variables.add(name);
      if (fallback) note(`default in \${${name}${fallback}} dropped: set ${name}`);
      return `\${${name}}`;
    });
}

function envName(text: string): string {
  const name = text
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toUpperCase();
  return /^[0-9]/.test(name) ? `_${name}` : name || "VALUE";
}

/** The starter mcp-contract.yaml. */
export function renderConfig(imported: ImportResult | undefined, sources: readonly string[]): string {
  const header = [
    "# mcp-contract: lock the MCP servers your agents use, and fail CI when a tool",
    "# changes under your prompts. Docs: https://github.com/mcp-contract/mcp-contract",
    sources.length > 0 ? `# Servers imported from ${sources.join(", ")}.` : "# Add your servers below.",
    "#   mcp-contract lock    # fetch every server, write mcp-contract.lock.json; commit it",
    "#   mcp-contract check   # diff live servers against it and check the templates",
  ];
  if (imported && imported.variables.length > 0) {
    header.push(
      `# Read from the environment (set them locally and as CI secrets): ${imported.variables.join(", ")}`,
    );
  }
  const servers =
    imported && Object.keys(imported.servers).length > 0
      ? imported.servers
      : {
          example: {
            url: "https://mcp.example.com/mcp",
            headers: { Authorization: "Bearer ${EXAMPLE_TOKEN}" },
          },
        };
  const body = stringify(
    {
      servers,
      templates: ["prompts/**/*.{hbs,handlebars}"],
      lockfile: "mcp-contract.lock.json",
      rules: {},
    },
    { lineWidth: 0 },
  ).replace(
    /^rules: \{\}\n/m,
    "# Per-rule severity overrides (breaking, warning, info, off), e.g.:\n# rules:\n#   tool-description-changed: info\n",
  );
  return `${header.join("\n")}\n${body}`;
}

/** The workflow init writes: the same as examples/github/mcp-contract.yml (a test keeps them equal). */
export function renderWorkflow(examplesWorkflow: string): string {
  return examplesWorkflow.replace(/^# Copy to \.github\/workflows\/mcp-contract\.yml\.\n#\n/, "");
}

/** The pre-commit framework entry for mcp-contract's hook, pinned to `rev`. */
export function preCommitRepo(rev: string): { repo: string; rev: string; hooks: { id: string }[] } {
  return { repo: `https://github.com/${REPOSITORY}`, rev, hooks: [{ id: "mcp-contract" }] };
}

/**
 * Adds mcp-contract's hook to a .pre-commit-config.yaml text, keeping the
 * user's comments and layout; unchanged when the hook is already there.
 */
export function addPreCommitHook(text: string | undefined, rev: string): { text: string; changed: boolean } {
  const doc = parseDocument(text?.trim() ? text : "repos: []\n");
  if (doc.errors.length > 0)
    throw new ConfigError(`${INIT_FILES.preCommit}: ${doc.errors[0]!.message.split("\n")[0]}`);
  const present = JSON.stringify(doc.toJS() ?? {}).includes(`github.com/${REPOSITORY}`);
  if (present) return { text: text ?? "", changed: false };
  let repos = doc.get("repos");
  if (!(repos instanceof YAMLSeq)) {
    if (repos !== undefined && repos !== null)
      throw new ConfigError(`${INIT_FILES.preCommit}: "repos" is not a list`);
    if (!(doc.contents instanceof YAMLMap))
      throw new ConfigError(`${INIT_FILES.preCommit}: expected a mapping with "repos"`);
    repos = doc.createNode([]);
    doc.set("repos", repos);
  }
  (repos as YAMLSeq).flow = false;
  (repos as YAMLSeq).add(doc.createNode(preCommitRepo(rev)));
  return { text: doc.toString(), changed: true };
}

/** Options of `mcp-contract init`. */
export interface InitOptions {
  /** Overwrite existing files. */
  force?: boolean;
  /** Import from this file instead of looking for the usual ones. */
  from?: string;
  /** Skip the GitHub workflow (`--no-workflow`). */
  workflow?: boolean;
  /** Skip the pre-commit entry (`--no-pre-commit`). */
  preCommit?: boolean;
}

/** What `runInit` did with each file, for the summary and for tests. */
export type InitAction = "created" | "overwritten" | "updated" | "kept";

/** Writes the starter files in `io.cwd`. Returns the exit code (0; ConfigError on unreadable inputs). */
export async function runInit(
  options: InitOptions,
  io: { cwd: string; stdout: (text: string) => void },
  meta: { version: string; exampleWorkflow: string },
): Promise<number> {
  const sources = options.from ? [options.from] : [];
  if (!options.from) {
    for (const file of MCP_CONFIG_FILES)
      if ((await readText(join(io.cwd, file))) !== undefined) sources.push(file);
  }
  let imported: ImportResult | undefined;
  for (const source of sources) {
    const text = await readText(resolve(io.cwd, source));
    if (text === undefined) throw new ConfigError(`${source}: file not found`);
    let data: unknown;
    try {
      // JSONC: VS Code and Cursor allow comments and trailing commas; YAML 1.2 reads JSON and tolerates both.
      data = parse(stripJsonComments(text));
    } catch (error) {
      throw new ConfigError(`${source}: not valid JSON: ${(error as Error).message.split("\n")[0]}`);
    }
    const one = importServers(data, source);
    imported ??= { servers: {}, variables: [], notes: [] };
    for (const [name, server] of Object.entries(one.servers)) {
      if (Object.hasOwn(imported.servers, name)) {
        imported.notes.push(`${source}: server "${name}" also defined in an earlier file; kept the first`);
      } else {
        imported.servers[name] = server;
      }
    }
    imported.variables = [...new Set([...imported.variables, ...one.variables])].sort();
    imported.notes.push(...one.notes);
  }

  const actions: [string, InitAction][] = [];
  const write = async (file: string, content: string): Promise<void> => {
    const path = join(io.cwd, file);
    const exists = (await readText(path)) !== undefined;
    if (exists && !options.force) {
      actions.push([file, "kept"]);
      return;
    }
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    actions.push([file, exists ? "overwritten" : "created"]);
  };

  await write(INIT_FILES.config, renderConfig(imported, sources));
  if (options.workflow !== false) await write(INIT_FILES.workflow, renderWorkflow(meta.exampleWorkflow));
  if (options.preCommit !== false) {
    const path = join(io.cwd, INIT_FILES.preCommit);
    const before = await readText(path);
    const { text, changed } = addPreCommitHook(before, `v${meta.version}`);
    if (changed) await writeFile(path, text);
    actions.push([INIT_FILES.preCommit, !changed ? "kept" : before === undefined ? "created" : "updated"]);
  }

  const lines: string[] = [];
  for (const [file, action] of actions) {
    const hint = action === "kept" && file !== INIT_FILES.preCommit ? " (exists; --force to overwrite)" : "";
    lines.push(`${action.padEnd(11)} ${relative(io.cwd, join(io.cwd, file))}${hint}`);
  }
  if (imported) {
    const count = Object.keys(imported.servers).length;
    lines.push("", `imported ${count} server${count === 1 ? "" : "s"} from ${sources.join(", ")}`);
    for (const note of imported.notes) lines.push(`  note: ${note}`);
  }
  lines.push("", "next: mcp-contract lock, then commit mcp-contract.yaml and mcp-contract.lock.json");
  io.stdout(`${lines.join("\n")}\n`);
  return 0;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ConfigError(
      `${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}

/** Removes // and /* *\/ comments outside strings (JSONC). */
function stripJsonComments(text: string): string {
  return text.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_m, str?: string) => str ?? "");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The CLI's `init`: runs in the working directory with this package's version and example workflow. */
export async function runInitCommand(
  options: InitOptions,
  io: { cwd: string; stdout: (text: string) => void },
): Promise<number> {
  const require = createRequire(import.meta.url);
  const pkg = require("../../../package.json") as { version: string };
  // examples/ ships in the repository; the package carries the same text in `files` only when published with it.
  const exampleWorkflow = await readText(
    join(dirname(require.resolve("../../../package.json")), "examples/github/mcp-contract.yml"),
  );
  if (exampleWorkflow === undefined)
    throw new ConfigError(
      "examples/github/mcp-contract.yml is missing from this installation; reinstall mcp-contract",
    );
  return runInit(options, io, { version: pkg.version, exampleWorkflow });
}
