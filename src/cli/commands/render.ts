/**
 * `mcp-contract render TEMPLATE [--data FILE]`: prints a template rendered
 * with the lockfile's tools (the pipeline's `renderProject`), through the same
 * helpers `check` reads, so what the agent sees and what was checked are one
 * thing.
 */
import { showControls } from "../../core/controls.js";
import { ExitCode } from "../../errors.js";
import { renderProject } from "../../pipeline/render.js";
import type { CommandIO } from "../io.js";
import { secretsHook } from "../secrets.js";

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
  const text = await renderProject(template, {
    cwd: io.cwd,
    env: io.env,
    ...(options.config !== undefined && { config: options.config }),
    ...(options.data !== undefined && { data: options.data }),
    // The config's secrets are redacted from any error, as in every command.
    hooks: { secrets: secretsHook(io) },
    // `{{log}}` goes to stderr: stdout is the prompt.
    log: (message) => io.stderr(`mcp-contract: ${showControls(message)}\n`),
  });
  io.stdout(text);
  return ExitCode.Ok;
}
