/**
 * `mcp-contract render TEMPLATE [--data FILE]`: prints a template rendered
 * with the lockfile's tools, through the same helpers `check` reads, so what
 * the agent sees and what was checked are one thing.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { loadConfig } from "../../config/load.js";
import { parseJson } from "../../core/json.js";
import { ExitCode, UsageError } from "../../errors.js";
import { readLockfileIfExists } from "../../lockfile/io.js";
import { readTemplateFile, readTemplateFiles } from "../../pipeline/files.js";
import { renderTemplate } from "../../templates/render.js";
import type { CommandIO } from "../io.js";
import { registerSecrets } from "../secrets.js";

/** Options of `render`. */
export interface RenderCommandOptions {
  config?: string;
  /** JSON or YAML file with the template's own variables. */
  data?: string;
}

/** Renders `template` (a path relative to the working directory) to stdout. */
export async function runRender(
  template: string,
  options: RenderCommandOptions,
  io: CommandIO,
): Promise<number> {
  // render contacts no server: `${VAR}` in their settings need not be set.
  const config = await loadConfig({
    configPath: options.config,
    cwd: io.cwd,
    env: io.env,
    interpolate: false,
  });
  registerSecrets(config.secrets);
  const lock = await readLockfileIfExists(config.lockfile);
  if (!lock) throw new UsageError(`${config.lockfile}: no lockfile yet; run \`mcp-contract lock\` first`);
  const source = await readTemplateFile(resolve(io.cwd, template), template);
  const data =
    options.data === undefined ? undefined : await readData(resolve(io.cwd, options.data), options.data);
  // Partials come from the config's partials directories, as in `check`.
  const { partials } = await readTemplateFiles({ ...config, templates: [] }, io.cwd);
  io.stdout(renderTemplate(source, lock, data, { file: template, partials }));
  return ExitCode.Ok;
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
  if (shown.endsWith(".json")) return parseJson(text, shown, UsageError);
  try {
    return parseYaml(text);
  } catch (error) {
    const e = error as { message?: string; linePos?: { line: number }[] };
    const line = e.linePos?.[0]?.line;
    throw new UsageError(
      `${shown}${line ? `:${line}` : ""}: invalid --data file: ${String(e.message ?? error).split("\n")[0]}`,
    );
  }
}
