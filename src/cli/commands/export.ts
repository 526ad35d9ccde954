/**
 * `mcp-contract export --format json|configmap [--output FILE] [--name N]
 * [--namespace NS]`: the lockfile as a gateway allowlist (schema/export.schema.json),
 * or that allowlist in a Kubernetes v1 ConfigMap, to stdout or written atomically
 * to FILE, its missing directories created, as every --output is (cli/output-file.ts: a gateway
 * reading the file never sees half of it).
 */
import { loadConfig } from "../../config/load.js";
import { ExitCode, UsageError } from "../../errors.js";
import {
  allowlistConfigMap,
  allowlistJson,
  configMapNameProblem,
  namespaceProblem,
} from "../../export/allowlist.js";
import { readLockfileIfExists } from "../../lockfile/io.js";
import type { CommandIO } from "../io.js";
import { refuseInputAsOutput, writeOutputFile } from "../output-file.js";
import { registerSecrets } from "../secrets.js";

/** The formats `export` writes. */
export const EXPORT_FORMATS = ["json", "configmap"] as const;

/** The ConfigMap's name when `--name` is not given. */
export const DEFAULT_CONFIGMAP_NAME = "mcp-contract-allowlist";

/** Options of `export`. */
export interface ExportCommandOptions {
  config?: string;
  format?: (typeof EXPORT_FORMATS)[number];
  output?: string;
  name?: string;
  namespace?: string;
}

/** Writes the export; returns the exit code. */
export async function runExport(options: ExportCommandOptions, io: CommandIO): Promise<number> {
  const format = options.format ?? "json";
  if (format === "json" && (options.name !== undefined || options.namespace !== undefined))
    throw new UsageError("--name and --namespace name the ConfigMap: use them with --format configmap");
  const name = options.name ?? DEFAULT_CONFIGMAP_NAME;
  const nameProblem = configMapNameProblem(name);
  if (nameProblem) throw new UsageError(`--name ${JSON.stringify(name)}: a ConfigMap name ${nameProblem}`);
  if (options.namespace !== undefined) {
    const problem = namespaceProblem(options.namespace);
    if (problem)
      throw new UsageError(`--namespace ${JSON.stringify(options.namespace)}: a namespace ${problem}`);
  }
  // export contacts no server: `${VAR}` in their settings need not be set.
  const config = await loadConfig({
    configPath: options.config,
    cwd: io.cwd,
    env: io.env,
    interpolate: false,
  });
  registerSecrets(io, config.secrets);
  if (options.output !== undefined)
    refuseInputAsOutput(io.cwd, options.output, [
      { path: config.path, what: "the config" },
      { path: config.lockfile, what: "the lockfile" },
    ]);
  const lock = await readLockfileIfExists(config.lockfile);
  if (!lock) throw new UsageError(`${config.lockfile}: no lockfile yet; run \`mcp-contract lock\` first`);
  let text: string;
  if (format === "json") text = allowlistJson(lock);
  else {
    try {
      text = allowlistConfigMap(lock, { name, namespace: options.namespace });
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      throw new UsageError(
        `${config.lockfile}: ${error.message}; use --format json and mount the file another way`,
      );
    }
  }
  if (options.output === undefined) io.stdout(text);
  else writeOutputFile(io.cwd, options.output, text, `the ${format} export`);
  return ExitCode.Ok;
}
