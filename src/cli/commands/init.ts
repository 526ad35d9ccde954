/**
 * `mcp-contract init`: write a starter config (importing the servers a team already configured
 * for an MCP client, through the same importer as `--config FILE`), the GitHub workflow (mapping
 * exactly the variables the written config reads) and the pre-commit entry. Never overwrites a
 * file without `--force`.
 *
 * The conversion is pure (`importForInit`, `renderConfig`, `renderWorkflow`); only `runInit`
 * touches files.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument, stringify, YAMLMap, YAMLSeq } from "yaml";
import { detectShape, type ImportedServer, importClientConfig } from "../../config/import.js";
import { variablesIn } from "../../config/interpolate.js";
import { parseConfigText } from "../../config/load.js";
import { isPlainHeader } from "../../core/headers.js";
import { ConfigError } from "../../errors.js";

/** Where MCP clients keep a project's servers, in the order init prefers them (plus `.continue/mcpServers/*`). */
export const MCP_CONFIG_FILES = [
  ".mcp.json",
  ".cursor/mcp.json",
  ".vscode/mcp.json",
  ".zed/settings.json",
] as const;

/** Continue's directory of server blocks, each a YAML or JSON file. */
const CONTINUE_DIR = ".continue/mcpServers";

/** Where init writes, relative to the directory it runs in. */
export const INIT_FILES = {
  config: "mcp-contract.yaml",
  workflow: ".github/workflows/mcp-contract.yml",
  preCommit: ".pre-commit-config.yaml",
} as const;

/** The repository the workflow's action and the pre-commit hook come from. */
export const REPOSITORY = "mcp-contract/mcp-contract";

/** Where the config's schema ships inside an installed package (the editor hook's first choice). */
export const LOCAL_SCHEMA = "./node_modules/mcp-contract/schema/config.schema.json";

/** The schema of this version on GitHub: the editor hook when mcp-contract is not installed in the project. */
export function schemaUrl(version: string): string {
  return `https://raw.githubusercontent.com/${REPOSITORY}/v${version}/schema/config.schema.json`;
}

/** Result of importing the editor configs found. */
export interface ImportResult {
  /** Servers in mcp-contract's shape by name (null-prototype), literal secrets replaced by `${VAR}`. */
  servers: Record<string, ImportedServer>;
  /** One line per thing the user should look at. */
  notes: string[];
}

const SECRET_KEY =
  /token|secret|password|passwd|pwd|api[-_]?key|apikey|auth|credential|cookie|session|private/i;

/**
 * Reads one parsed client config for a config written into the folder init runs in: the same
 * importer as `--config FILE` (so both give the same servers), then literal secrets (header
 * values, env values under secret-looking names) are replaced by `${VAR}` references so they
 * never land in a committed file. `sourceDir` is the client config's directory, relative to where
 * the config is written (`envFile` paths are rebased from it).
 */
export function importForInit(data: unknown, source: string, sourceDir = dirname(source)): ImportResult {
  const shape = detectShape(data, source);
  if (shape === "mcp-contract")
    throw new ConfigError(
      `${source}: no MCP servers found (expected "mcpServers", "servers", "context_servers" or a Continue mcpServers list)`,
    );
  const imported = importClientConfig(data as Record<string, unknown>, shape, source, {
    workspaceFolder: ".",
    rebasePath: (path) => join(sourceDir, path),
  });
  const notes = imported.notes;
  for (const [name, server] of Object.entries(imported.servers)) {
    for (const kind of ["env", "headers"] as const) {
      const map = server[kind] as Record<string, string> | undefined;
      if (!map) continue;
      for (const [key, value] of Object.entries(map)) {
        const secret = kind === "headers" ? !isPlainHeader(key) : SECRET_KEY.test(key);
        if (!secret || value.includes("${")) continue;
        // An env entry already names a variable (the child's); a header gets one named after server and header.
        const variable = kind === "env" ? envName(key) : `${envName(name)}_${envName(key)}`;
        // Keep an auth scheme visible ("Bearer ${VAR}") so the header still reads right.
        const scheme = /^(Bearer|Basic|Token)\s+\S/i.exec(value)?.[1];
        map[key] = scheme ? `${scheme} \${${variable}}` : `\${${variable}}`;
        notes.push(`${source}: ${name}.${kind}.${key} was a literal value; now read from \${${variable}}`);
      }
    }
  }
  return { servers: imported.servers, notes };
}

function envName(text: string): string {
  const name = text
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toUpperCase();
  return /^[0-9]/.test(name) ? `_${name}` : name || "VALUE";
}

/** The starter config's servers when there is nothing to import. */
const PLACEHOLDER_SERVERS: Record<string, ImportedServer> = {
  example: {
    url: "https://mcp.example.com/mcp",
    headers: { Authorization: "Bearer ${EXAMPLE_TOKEN}" },
  },
};

/** The servers init writes: the imported ones, or a placeholder to edit. */
export function starterServers(imported: ImportResult | undefined): Record<string, ImportedServer> {
  return imported && Object.keys(imported.servers).length > 0 ? imported.servers : PLACEHOLDER_SERVERS;
}

/** The environment variables these servers read, sorted (what the workflow must provide). */
export function referencedVariables(servers: Record<string, ImportedServer>): string[] {
  const names = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === "string") for (const name of variablesIn(value)) names.add(name);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === "object" && value !== null) Object.values(value).forEach(visit);
  };
  for (const server of Object.values(servers)) {
    const { auth, ...rest } = server;
    visit(rest);
    // auth names its variables instead of writing ${VAR}.
    if (typeof auth === "object" && auth !== null)
      for (const key of ["tokenEnv", "clientSecretEnv", "privateKeyEnv"]) {
        const name = (auth as Record<string, unknown>)[key];
        if (typeof name === "string") names.add(name);
      }
  }
  return [...names].sort();
}

/**
 * The starter mcp-contract.yaml. Its first line is the editor hook: the YAML language server
 * (VS Code's YAML extension, JetBrains, Zed, Neovim) validates and completes the file against
 * `schemaRef`.
 */
export function renderConfig(
  imported: ImportResult | undefined,
  sources: readonly string[],
  schemaRef: string,
): string {
  const servers = starterServers(imported);
  const variables = referencedVariables(servers);
  const header = [
    `# yaml-language-server: $schema=${schemaRef}`,
    "# mcp-contract: lock the MCP servers your agents use, and fail CI when a tool",
    "# changes under your prompts. Docs: https://github.com/mcp-contract/mcp-contract",
    sources.length > 0 ? `# Servers imported from ${sources.join(", ")}.` : "# Add your servers below.",
    "#   mcp-contract lock    # fetch every server, write mcp-contract.lock.json; commit it",
    "#   mcp-contract check   # diff live servers against it and check the templates",
  ];
  if (variables.length > 0) {
    header.push(`# Read from the environment (set them locally and as CI secrets): ${variables.join(", ")}`);
  }
  const body = stringify(
    {
      servers: { ...servers },
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

/**
 * Variables a GitHub-hosted runner sets itself (default environment variables and the OS's):
 * the workflow must not overwrite them with a secret.
 */
const RUNNER_VARIABLES = new Set([
  "CI",
  "HOME",
  "LANG",
  "PATH",
  "PWD",
  "SHELL",
  "TMPDIR",
  "USER",
  ...[
    "ACTION",
    "ACTION_PATH",
    "ACTION_REPOSITORY",
    "ACTIONS",
    "ACTOR",
    "ACTOR_ID",
    "API_URL",
    "BASE_REF",
    "ENV",
    "EVENT_NAME",
    "EVENT_PATH",
    "GRAPHQL_URL",
    "HEAD_REF",
    "JOB",
    "OUTPUT",
    "PATH",
    "REF",
    "REF_NAME",
    "REF_PROTECTED",
    "REF_TYPE",
    "REPOSITORY",
    "REPOSITORY_ID",
    "REPOSITORY_OWNER",
    "REPOSITORY_OWNER_ID",
    "RETENTION_DAYS",
    "RUN_ATTEMPT",
    "RUN_ID",
    "RUN_NUMBER",
    "SERVER_URL",
    "SHA",
    "STATE",
    "STEP_SUMMARY",
    "TRIGGERING_ACTOR",
    "WORKFLOW",
    "WORKFLOW_REF",
    "WORKFLOW_SHA",
    "WORKSPACE",
  ].map((name) => `GITHUB_${name}`),
]);

/**
 * The secret a workflow reads `variable` from: the same name, except that GitHub refuses secret
 * names starting with GITHUB_ (GITHUB_TOKEN is the workflow's own token).
 */
export function secretName(variable: string): string {
  return /^GITHUB_/i.test(variable) && variable !== "GITHUB_TOKEN" ? `MCP_${variable}` : variable;
}

/** Which of `variables` the workflow maps from secrets (the runner sets the others). */
export function workflowSecrets(variables: readonly string[]): string[] {
  return variables.filter((name) => !RUNNER_VARIABLES.has(name) && !/^RUNNER_/.test(name));
}

/** The example's step environment: a comment, then one `NAME: ${{ secrets.NAME }}` per line. */
const EXAMPLE_ENV =
  /^( +)env:\n\1 {2}# Secrets referenced as \$\{VAR\}[^\n]*\n(?:\1 {2}\w+: \$\{\{ secrets\.\w+ \}\}\n)+/m;

/**
 * The workflow init writes: examples/github/mcp-contract.yml (a test keeps them in step) with its
 * example `CRM_TOKEN` replaced by exactly the variables the written config reads, each from the
 * repository secret of that name; no `env:` at all when it reads none.
 */
export function renderWorkflow(examplesWorkflow: string, variables: readonly string[]): string {
  const text = examplesWorkflow.replace(/^# Copy to \.github\/workflows\/mcp-contract\.yml\.\n#\n/, "");
  const match = EXAMPLE_ENV.exec(text);
  if (!match)
    throw new ConfigError(
      "examples/github/mcp-contract.yml has no env: block of secrets to fill in; reinstall mcp-contract",
    );
  const indent = match[1]!;
  const secrets = workflowSecrets(variables);
  const block =
    secrets.length === 0
      ? ""
      : [
          `${indent}env:`,
          `${indent}  # Secrets referenced as \${VAR} in mcp-contract.yaml; values are redacted from all output.`,
          ...secrets.map((name) => `${indent}  ${name}: \${{ secrets.${secretName(name)} }}`),
          "",
        ].join("\n");
  return text.slice(0, match.index) + block + text.slice(match.index + match[0].length);
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
  const sources = options.from ? [options.from] : await findClientConfigs(io.cwd);
  let imported: ImportResult | undefined;
  for (const source of sources) {
    const path = resolve(io.cwd, source);
    const text = await readText(path);
    if (text === undefined) throw new ConfigError(`${source}: file not found`);
    // The same parser as --config: JSON with comments and trailing commas, or YAML.
    const data = await parseConfigText(text, source);
    const one = importForInit(data, source, relative(io.cwd, dirname(path)) || ".");
    imported ??= { servers: Object.create(null), notes: [] };
    for (const [name, server] of Object.entries(one.servers)) {
      if (Object.hasOwn(imported.servers, name)) {
        imported.notes.push(`${source}: server "${name}" also defined in an earlier file; kept the first`);
      } else {
        imported.servers[name] = server;
      }
    }
    imported.notes.push(...one.notes);
  }
  const servers = starterServers(imported);
  const secrets = workflowSecrets(referencedVariables(servers));
  const schemaRef = existsSync(join(io.cwd, LOCAL_SCHEMA)) ? LOCAL_SCHEMA : schemaUrl(meta.version);

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

  await write(INIT_FILES.config, renderConfig(imported, sources, schemaRef));
  if (options.workflow !== false)
    await write(INIT_FILES.workflow, renderWorkflow(meta.exampleWorkflow, referencedVariables(servers)));
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
  if (options.workflow !== false && secrets.length > 0) {
    // GITHUB_TOKEN is no secret to add: GitHub refuses the name, and gives every workflow its own.
    const names = secrets
      .filter((name) => name !== "GITHUB_TOKEN")
      .map((name) => (secretName(name) === name ? name : `${secretName(name)} (for ${name})`));
    lines.push("");
    if (names.length > 0) lines.push(`add these repository secrets for the workflow: ${names.join(", ")}`);
    if (secrets.includes("GITHUB_TOKEN"))
      lines.push(
        "GITHUB_TOKEN: no secret to add (GitHub reserves the name); the workflow passes its own token, scoped to this repository; for a personal token, read it from another variable in mcp-contract.yaml",
      );
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

/** The client configs in `cwd`, in MCP_CONFIG_FILES order, then Continue's server blocks by name. */
async function findClientConfigs(cwd: string): Promise<string[]> {
  const found: string[] = [];
  for (const file of MCP_CONFIG_FILES) {
    const text = await readText(join(cwd, file));
    if (text === undefined) continue;
    // Zed's settings hold much else: only a file with context_servers is an MCP config.
    if (file === ".zed/settings.json" && !/"context_servers"/.test(text)) continue;
    found.push(file);
  }
  let blocks: string[] = [];
  try {
    blocks = await readdir(join(cwd, CONTINUE_DIR));
  } catch {
    // No Continue server blocks.
  }
  for (const name of blocks.sort()) if (/\.(ya?ml|json)$/.test(name)) found.push(`${CONTINUE_DIR}/${name}`);
  return found;
}

/**
 * This package's directory: the first above this file holding a package.json (from dist/cli/commands/
 * as tsc writes it, dist/bundle/ bundled, or src/cli/commands/).
 */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** The CLI's `init`: runs in the working directory with this package's version and example workflow. */
export async function runInitCommand(
  options: InitOptions,
  io: { cwd: string; stdout: (text: string) => void },
): Promise<number> {
  const root = packageRoot();
  const pkg = createRequire(import.meta.url)(join(root, "package.json")) as { version: string };
  // examples/ ships in the repository; the package carries the same text in `files` only when published with it.
  const exampleWorkflow = await readText(join(root, "examples/github/mcp-contract.yml"));
  if (exampleWorkflow === undefined)
    throw new ConfigError(
      "examples/github/mcp-contract.yml is missing from this installation; reinstall mcp-contract",
    );
  return runInit(options, io, { version: pkg.version, exampleWorkflow });
}
