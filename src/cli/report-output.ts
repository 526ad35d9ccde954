/**
 * The last stage every reporting command shares: apply the policy (rule
 * overrides, acknowledgements), build the report, write each `--format` to
 * stdout or its `--output` file (and the markdown job summary under GitHub
 * Actions), and return the exit code from `getExitCode`.
 */
import { appendFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import type { Change } from "../diff/change.js";
import { ConfigError, UsageError } from "../errors.js";
import {
  type Acknowledgement,
  type AcknowledgementsFile,
  addAcknowledgements,
} from "../policy/acknowledgements.js";
import { applyPolicy, type FailOn, getExitCode, type RuleSetting } from "../policy/policy.js";
import type { Format } from "../report/formats.js";
import { loadReporter } from "../report/lazy.js";
import { lockfileLocator, resolveOptions } from "../report/options.js";
import { createReport, type Report, type ShardInfo } from "../report/report.js";
import type { FormatSpec } from "./format-options.js";
import type { CommandIO } from "./io.js";
import { useColor } from "./io.js";

const pkg = createRequire(import.meta.url)("../../package.json") as { version: string };

/** Default acknowledgements file name, next to the config (or in the working directory for `diff`). */
export const ACKNOWLEDGEMENTS_FILE = "mcp-contract.acks.json";

/** Options of every reporting command. */
export interface ReportCommandOptions {
  /** Collected by `collectFormat`/`collectOutput`; default one text report on stdout. */
  format?: FormatSpec[];
  failOn?: FailOn;
  /** Acknowledgements file; default mcp-contract.acks.json next to the config. */
  acknowledgements?: string;
}

/** Where a command's acknowledgements live. */
export function acknowledgementsPath(options: ReportCommandOptions, baseDir: string, cwd: string): string {
  return options.acknowledgements
    ? resolve(cwd, options.acknowledgements)
    : join(baseDir, ACKNOWLEDGEMENTS_FILE);
}

/** Reads and validates the acknowledgements file; none when it does not exist. */
export async function readAcknowledgements(path: string, cwd: string): Promise<Acknowledgement[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new ConfigError(`${display(path, cwd)}: cannot read (${(error as NodeJS.ErrnoException).code})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${display(path, cwd)}: not valid JSON (${(error as Error).message})`);
  }
  const { parseAcknowledgements } = await import("../policy/validate.js");
  const result = parseAcknowledgements(data, display(path, cwd));
  if (!result.file)
    throw new ConfigError(
      `${result.errors[0]}${result.errors.length > 1 ? ` (and ${result.errors.length - 1} more)` : ""}`,
    );
  return result.file.acknowledgements;
}

/** Adds acknowledgements to the file (creating it), one per fingerprint, sorted. */
export async function writeAcknowledgements(
  path: string,
  added: readonly Acknowledgement[],
  cwd: string,
): Promise<void> {
  const existing = await readAcknowledgements(path, cwd);
  const file: AcknowledgementsFile = { version: 1, acknowledgements: addAcknowledgements(existing, added) };
  await writeFile(path, `${JSON.stringify(file, null, 2)}\n`);
}

/** Everything `finishReport` needs from the command. */
export interface ReportInput {
  changes: readonly Change[];
  servers: readonly string[];
  errors?: readonly { server: string; message: string }[];
  shard?: ShardInfo;
  /** Per-rule overrides from the config. */
  rules?: Readonly<Record<string, RuleSetting>>;
  /** Absolute lockfile path, for annotations that point at a tool's entry. */
  lockfile?: string;
  /** Absolute acknowledgements file path. */
  acknowledgementsFile: string;
}

/** Applies the policy, writes every requested format, returns the exit code. */
export async function finishReport(
  input: ReportInput,
  options: ReportCommandOptions,
  io: CommandIO,
): Promise<number> {
  const acknowledgements = await readAcknowledgements(input.acknowledgementsFile, io.cwd);
  const report = createReport({
    changes: applyPolicy(input.changes, { rules: input.rules, acknowledgements, now: new Date() }),
    servers: input.servers,
    errors: input.errors,
    shard: input.shard,
  });
  await writeReport(report, options, io, input.lockfile);
  return getExitCode(report, { failOn: options.failOn ?? "breaking" });
}

/** Writes a finished report in every requested format. */
export async function writeReport(
  report: Report,
  options: ReportCommandOptions,
  io: CommandIO,
  lockfile?: string,
): Promise<void> {
  const specs = options.format && options.format.length > 0 ? options.format : [{ format: "text" as Format }];
  const toStdout = specs.filter((s) => s.output === undefined);
  if (toStdout.length > 1) {
    throw new UsageError(
      `only one --format can write to stdout, got ${toStdout.map((s) => s.format).join(", ")}; give the others --output FILE`,
    );
  }
  // Rule metadata pulls in every rule family (and fetch's): load it only for SARIF, keeping --offline light.
  const rules = specs.some((s) => s.format === "sarif") ? (await import("../rules.js")).RULES : {};
  let lockfileText: string | undefined;
  // Only SARIF and GitHub annotations point at lockfile lines: other formats skip reading it again.
  if (lockfile && specs.some((s) => s.format === "sarif" || s.format === "github"))
    lockfileText = await readFile(lockfile, "utf8").catch(() => undefined);
  for (const spec of specs) {
    const color = spec.format === "text" && spec.output === undefined && useColor(io);
    // Only the formats asked for are loaded (and chalk only for coloured text): see report/lazy.ts.
    const format = await loadReporter(spec.format, color);
    const text = format(
      report,
      resolveOptions({
        color,
        failOn: options.failOn ?? "breaking",
        rules,
        lockfile: lockfile ? display(lockfile, io.cwd) : undefined,
        locate: lockfileText === undefined ? undefined : lockfileLocator(lockfileText),
        toolVersion: pkg.version,
      }),
    );
    if (spec.output === undefined) io.stdout(text);
    else {
      const path = resolve(io.cwd, spec.output);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
    }
    // Under GitHub Actions, annotations go to the log and the readable summary to the job page.
    const summary = io.env.GITHUB_STEP_SUMMARY;
    if (spec.format === "github" && summary) {
      const markdown = await loadReporter("markdown");
      await appendFile(summary, markdown(report, resolveOptions({ failOn: options.failOn })));
    }
  }
}

/** A path as shown to users and in annotations: relative to the working directory, forward slashes. */
function display(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return (rel === "" || rel.startsWith("..") || isAbsolute(rel) ? path : rel).split("\\").join("/");
}
