/**
 * `renderProject`: a template rendered with the lockfile's tools, prompts and resources, for
 * `mcp-contract render` and the library. Config (no `${VAR}` read: render
 * contacts no server) → the lockfile → the template, its `--data` and the
 * config's partials (the I/O edges) → the templates stage's `renderTemplate`,
 * the same helpers `check` reads, so what the agent sees and what was checked
 * are one thing.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { parseJson } from "../core/json.js";
import { UsageError } from "../errors.js";
import { readLockfileIfExists } from "../lockfile/io.js";
import { renderTemplate } from "../templates/render.js";
import { readTemplateFile, readTemplateFiles } from "./files.js";
import { type RunOptions, resolveRun } from "./run.js";
import { loadProjectConfig } from "./sources.js";

/** What `renderProject` renders with. */
export interface RenderProjectOptions extends Omit<RunOptions, "signal"> {
  /** The config file (relative to `cwd`); default the one found from `cwd` upwards. */
  config?: string;
  /** A JSON or YAML file (relative to `cwd`) with the template's own variables (`--data`). */
  data?: string;
  /** Where the template's `{{log}}` messages go (see `RenderOptions.log`); absent, they are dropped. */
  log?: (message: string) => void;
}

/**
 * Renders `template` (a path relative to `cwd`): what `mcp-contract render TEMPLATE` prints.
 * Throws a `UsageError` when there is no lockfile yet or the data file cannot be read.
 */
export async function renderProject(template: string, options: RenderProjectOptions = {}): Promise<string> {
  const run = resolveRun(options);
  const config = await loadProjectConfig(run, options.config);
  const lock = await readLockfileIfExists(config.lockfile);
  if (!lock) throw new UsageError(`${config.lockfile}: no lockfile yet; run \`mcp-contract lock\` first`);
  const source = await readTemplateFile(resolve(run.cwd, template), template);
  const data =
    options.data === undefined ? undefined : await readData(resolve(run.cwd, options.data), options.data);
  // Partials come from the config's partials directories, as in `check`.
  const { partials } = await readTemplateFiles({ ...config, templates: [] }, run.cwd);
  return renderTemplate(source, lock, data, {
    file: template,
    partials,
    ...(options.log !== undefined && { log: options.log }),
  });
}

async function readData(path: string, shown: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${shown}: cannot read --data file (${code ?? (error as Error).message})`);
  }
  // YAML reads almost any JSON typo as valid YAML (`{"a": }` is a null): a .json file must be JSON.
  if (shown.endsWith(".json")) return mapping(parseJson(text, shown, UsageError), shown);
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    const e = error as { message?: string; linePos?: { line: number }[] };
    const line = e.linePos?.[0]?.line;
    throw new UsageError(
      `${shown}${line ? `:${line}` : ""}: invalid --data file: ${String(e.message ?? error).split("\n")[0]}`,
    );
  }
  return mapping(data, shown);
}

/**
 * The data, when it is a mapping of the template's variables (or empty: no variables); a list or a
 * scalar is a UsageError, where it would render every variable empty without a word.
 */
function mapping(data: unknown, shown: string): unknown {
  if (data === null || data === undefined || (typeof data === "object" && !Array.isArray(data))) return data;
  const what = Array.isArray(data) ? "a list" : `a ${typeof data}`;
  throw new UsageError(
    `${shown}: the --data file must be a mapping of the template's variables (name: value), not ${what}`,
  );
}
